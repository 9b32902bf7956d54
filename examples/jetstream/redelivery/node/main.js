import { connect, deadline, millis, nanos, syncIterator } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. JetStream must be enabled on that server.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// A stream for image tasks, kept in memory since the example is short-lived.
await jsm.streams.add({ name: "TASKS", subjects: ["tasks.>"], storage: StorageType.Memory });
console.log("Created stream TASKS");

// The `worker` consumer wants every message acknowledged. One that is not
// acknowledged within `ack_wait` (one second here, thirty unless set; in
// nanoseconds, hence `nanos`) is delivered again, and so is one the worker
// rejects with a nak, at once. `max_deliver` caps the deliveries of a
// message at three.
const { config } = await jsm.consumers.add("TASKS", {
  durable_name: "worker",
  ack_policy: AckPolicy.Explicit,
  ack_wait: nanos(1000),
  max_deliver: 3,
});
console.log(
  `Created consumer worker: ack wait ${millis(config.ack_wait) / 1000}s, at most ${config.max_deliver} deliveries`,
);

// When a message has used up its deliveries, the server publishes an
// advisory on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
// Nothing else records the failure, so that advisory is the signal to set
// the message aside as a dead letter. The subscription is in place, and the
// flush makes sure the server knows it, before any task exists.
const advisories = syncIterator(
  nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.worker"),
);
await nc.flush();
console.log("Listening for max-deliveries advisories of TASKS > worker");

// Two tasks; the second one names a file the worker cannot read.
for (const task of ["resize photo-1.jpg", "resize broken.jpg"]) {
  const ack = await js.publish("tasks.resize", task);
  console.log(`Published ${task}: stream sequence ${ack.seq}`);
}

// The worker takes one message at a time; `next` waits up to five seconds
// for it. The message's `info` counts its deliveries. The good task is
// acknowledged (`ackAck` waits for the server to confirm it). The broken one
// fails every time: the first failure is a nak, which makes the message come
// back at once; the second time the worker does not answer at all, as if it
// had crashed, and the message comes back only when the ack wait has run
// out; the third failure is a nak again, on the last delivery allowed.
const worker = await js.consumers.get("TASKS", "worker");
for (let i = 0; i < 4; i++) {
  const msg = await worker.next({ expires: 5000 });
  if (msg === null) throw new Error("no task arrived");
  const { deliveryCount, streamSequence } = msg.info;
  const prefix = `Delivery ${deliveryCount} of sequence ${streamSequence} (${msg.string()})`;
  if (msg.string() === "resize photo-1.jpg") {
    await msg.ackAck();
    console.log(`${prefix}: done, acknowledged`);
  } else if (deliveryCount === 2) {
    console.log(`${prefix}: no answer`);
  } else {
    msg.nak();
    console.log(`${prefix}: failed, nak`);
  }
}

// A pull consumer looks at a message it would deliver again when a client
// asks for messages. When the worker asks once more, the server finds the
// message at its limit: instead of delivering it, it publishes the advisory,
// and the worker's request ends empty (`null`) after its one-second wait.
const extra = await worker.next({ expires: 1000 });
if (extra !== null) throw new Error(`delivered a fourth time: ${extra.string()}`);
console.log("No task left for the worker");

// The advisory is JSON. It names the stream sequence of the message, which
// reads the dead letter back from the stream: the stream still holds it,
// since a limits stream keeps messages whatever their consumers do.
const event = await deadline(advisories.next(), 5000);
if (event === null) throw new Error("the advisory subscription ended");
const advisory = event.json();
console.log(
  `Advisory: consumer ${advisory.consumer} gave up on sequence ${advisory.stream_seq} of stream ${advisory.stream} after ${advisory.deliveries} deliveries`,
);
const dead = await jsm.streams.getMessage("TASKS", { seq: advisory.stream_seq });
if (dead === null) throw new Error("the dead letter is gone");
console.log(`Dead letter: sequence ${dead.seq} on ${dead.subject}: ${dead.string()}`);

// The consumer has nothing left: no message awaits acknowledgement and none
// waits to be delivered.
const info = await worker.info();
console.log(
  `Consumer worker: ${info.num_ack_pending} awaiting acknowledgement, ${info.num_pending} to process`,
);
await nc.close();
