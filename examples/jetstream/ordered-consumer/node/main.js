import { connect } from "@nats-io/transport-node";
import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
} from "@nats-io/jetstream";

// The audit events the example stores, in the order they happen.
const events = [
  ["audit.users", "alice signed up"],
  ["audit.orders", "alice placed order 1"],
  ["audit.users", "bob signed up"],
  ["audit.orders", "bob placed order 2"],
  ["audit.users", "alice changed her email"],
  ["audit.orders", "order 1 shipped"],
];

// Print messages until the consumer has nothing left to deliver. Every
// message's metadata carries the number of messages still pending after it,
// so a reader knows it has reached the end of the stream when that number
// drops to zero, without waiting for a timeout.
async function replay(consumer) {
  const messages = await consumer.consume();
  for await (const m of messages) {
    console.log(`  #${m.seq} ${m.subject}: ${m.string()}`);
    if (m.info.pending === 0) {
      break;
    }
  }
  await messages.close();
}

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. JetStream must be enabled on that server.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// The `AUDIT` stream keeps every event published under `audit.>`.
await jsm.streams.add({
  name: "AUDIT",
  subjects: ["audit.>"],
  storage: StorageType.Memory,
});
console.log("Created stream AUDIT");

for (const [subject, data] of events) {
  await js.publish(subject, data);
}
console.log(`Published ${events.length} events`);

// Asking `consumers.get` for a consumer without giving it a name returns an
// ordered consumer: an ephemeral pull consumer with no acknowledgements that
// the library watches. If a message goes missing or the heartbeats stop, it
// recreates the consumer from the last sequence it delivered. Without
// options it reads the whole stream from the first message.
const all = await js.consumers.get("AUDIT");
console.log("Replaying the whole stream:");
await replay(all);

// A second ordered consumer narrows the view: only `audit.orders`, and only
// from stream sequence 3 on. Other start positions work the same way, such
// as `DeliverPolicy.LastPerSubject` to get just the latest event of each
// subject when building a cache.
const orders = await js.consumers.get("AUDIT", {
  filter_subjects: "audit.orders",
  deliver_policy: DeliverPolicy.StartSequence,
  opt_start_seq: 3,
});
console.log("Replaying audit.orders from sequence 3:");
await replay(orders);

await nc.close();
