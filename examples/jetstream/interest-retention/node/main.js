import { connect, delay } from "@nats-io/transport-node";
import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. JetStream must be enabled on that server.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// `RetentionPolicy.Interest` is the only change from a default stream: a
// message stays only while some consumer still has to acknowledge it.
await jsm.streams.add({
  name: "ORDERS",
  subjects: ["orders.>"],
  retention: RetentionPolicy.Interest,
  storage: StorageType.File,
});
console.log("Created stream ORDERS with interest retention");

// A message published while the stream has no consumer at all is accepted,
// and the acknowledgement names its sequence, but nobody could ever want
// it: the stream does not keep it.
const ack = await js.publish("orders.paid", "order 1 paid, before anyone listened");
console.log(`Published order 1 as sequence ${ack.seq}, with no consumer yet`);
await showStream(0);

// Two durable pull consumers share the stream. `billing` reads every order
// event, `shipping` only paid orders. Unlike a work queue, an interest
// stream allows filters that overlap.
await createConsumer("billing", "orders.>");
await createConsumer("shipping", "orders.paid");

// Three new events: two payments, which both consumers want, and one
// cancellation, which only billing wants. Each publish waits for the stream
// to store the event.
const events = [
  ["orders.paid", "order 2 paid"],
  ["orders.paid", "order 3 paid"],
  ["orders.cancelled", "order 4 cancelled"],
];
for (const [subject, event] of events) {
  await js.publish(subject, event);
}
console.log("Published 2 payments and 1 cancellation");
await showStream(3);

// Billing reads and acknowledges all three. The cancellation had no other
// reader and goes; the two payments stay, because shipping has not seen
// them yet.
await handle("billing", "Billing", 3);
await showStream(2);

// Shipping handles the first payment. Both consumers are now done with it,
// so only one message remains.
await handle("shipping", "Shipping", 1);
await showStream(1);

// Deleting a consumer withdraws its interest. The payment shipping never
// acknowledged has no reader left and the stream is empty, while its
// sequence numbers keep counting from where they were.
await jsm.consumers.delete("ORDERS", "shipping");
console.log("Deleted consumer shipping");
await showStream(0);
await nc.close();

// Adds a durable pull consumer that receives the events its filter matches
// and must acknowledge each of them.
async function createConsumer(name, filter) {
  await jsm.consumers.add("ORDERS", {
    durable_name: name,
    filter_subject: filter,
    ack_policy: AckPolicy.Explicit,
  });
  console.log(`Created consumer ${name} for ${filter}`);
}

// Fetches `count` events from a consumer and acknowledges each one, waiting
// for the server to confirm the acknowledgement (`ackAck`). The fetch asks
// for exactly that many and gives up after five seconds.
async function handle(consumerName, name, count) {
  const consumer = await js.consumers.get("ORDERS", consumerName);
  const messages = await consumer.fetch({ max_messages: count, expires: 5000 });
  let handled = 0;
  for await (const msg of messages) {
    await msg.ackAck();
    console.log(`${name} acknowledged sequence ${msg.seq}: ${msg.string()}`);
    handled++;
  }
  if (handled !== count) {
    throw new Error(`${name} got ${handled} of ${count} events within 5 seconds`);
  }
}

// Prints how many messages the stream holds, per subject, and its first and
// last sequence. The server removes a message a moment after the last
// acknowledgement it waited for, so this first waits (up to five seconds)
// until the stream holds the expected number of messages.
async function showStream(expected) {
  for (let attempt = 0; ; attempt++) {
    const info = await jsm.streams.info("ORDERS", { subjects_filter: ">" });
    const { messages, first_seq, last_seq, subjects = {} } = info.state;
    if (messages === expected) {
      console.log(
        `Stream ORDERS holds ${messages} messages, first sequence ${first_seq}, last sequence ${last_seq}`,
      );
      for (const subject of Object.keys(subjects).sort()) {
        console.log(`  ${subject}: ${subjects[subject]}`);
      }
      return;
    }
    if (attempt === 100) {
      throw new Error(`ORDERS holds ${messages} messages, expected ${expected}`);
    }
    await delay(50);
  }
}
