import { connect, nanos } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
} from "@nats-io/jetstream";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. JetStream must be enabled on that server.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// A stream for orders, kept in memory since the example is short-lived.
await jsm.streams.add({
  name: "ORDERS",
  subjects: ["orders.>"],
  storage: StorageType.Memory,
});
console.log("Created stream ORDERS");

// Five orders arrive before anyone reads them. Each acknowledgement from the
// stream names the sequence the order was stored under.
for (let n = 1; n <= 5; n++) {
  const ack = await js.publish("orders.new", `order ${n}`);
  console.log(`Published order ${n}: stored as sequence ${ack.seq}`);
}

// The `processor` consumer is durable: it has a name and keeps its position
// on the server even while no client is connected. A consumer without a
// delivery subject is a pull consumer: clients ask for messages when they
// are ready. It starts at the beginning of the stream, and every message
// must be acknowledged on its own; one that is not acknowledged within
// `ack_wait` is delivered again, at most `max_deliver` times. Durations in
// JetStream's configuration are nanoseconds, hence `nanos`.
await jsm.consumers.add("ORDERS", {
  durable_name: "processor",
  filter_subject: "orders.>",
  deliver_policy: DeliverPolicy.All,
  ack_policy: AckPolicy.Explicit,
  ack_wait: nanos(30_000),
  max_deliver: 5,
  max_ack_pending: 100,
});
const processor = await js.consumers.get("ORDERS", "processor");
let info = await processor.info();
console.log(`Created consumer processor: ${info.num_pending} messages to process`);

// Fetch two messages, waiting at most five seconds for them. Each message's
// `info` tells where it sits in the stream, how often it was delivered and
// how many messages are still waiting after it.
//
// `ackAck` acknowledges the message and waits for the server to confirm it
// has recorded the acknowledgement.
const batch = await processor.fetch({ max_messages: 2, expires: 5000 });
for await (const msg of batch) {
  const body = msg.string();
  const { streamSequence, deliverySequence, deliveryCount, pending } = msg.info;
  console.log(
    `Received ${body}: stream sequence ${streamSequence}, consumer sequence ${deliverySequence}, delivery ${deliveryCount}, ${pending} pending`,
  );
  await msg.ackAck();
  console.log(`Acknowledged ${body}`);
}

// The consumer's state shows the outcome: the acknowledgement floor is at
// stream sequence 2, nothing awaits acknowledgement, and three messages are
// still waiting to be processed.
info = await processor.info();
console.log(
  `Consumer processor: acknowledged up to stream sequence ${info.ack_floor.stream_seq}, ${info.num_ack_pending} awaiting acknowledgement, ${info.num_pending} to process`,
);
await nc.close();
