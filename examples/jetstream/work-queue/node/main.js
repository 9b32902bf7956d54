import { connect, deadline, delay } from "@nats-io/transport-node";
import {
  AckPolicy,
  jetstream,
  JetStreamApiError,
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

// `RetentionPolicy.Workqueue` turns the stream into a work queue: a message
// stays only until a consumer acknowledges it.
await jsm.streams.add({
  name: "JOBS",
  subjects: ["jobs.>"],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
});
console.log("Created stream JOBS with work queue retention");

// Two durable pull consumers, each owning one kind of job. Their filters,
// `jobs.email` and `jobs.image`, do not overlap.
await jsm.consumers.add("JOBS", pullConsumer("mailer", "jobs.email"));
await jsm.consumers.add("JOBS", pullConsumer("thumbnailer", "jobs.image"));
console.log("Created consumers mailer (jobs.email) and thumbnailer (jobs.image)");

// On a work queue every job has exactly one owner, so the server refuses a
// second consumer whose filter overlaps an existing one. The error carries
// JetStream's own code for the reason.
try {
  await jsm.consumers.add("JOBS", pullConsumer("mailer-2", "jobs.email"));
  throw new Error("a second consumer on jobs.email was accepted");
} catch (err) {
  if (!(err instanceof JetStreamApiError)) throw err;
  console.log(`A second consumer on jobs.email was refused (JetStream error ${err.code})`);
}

// Queue up five jobs: two emails and three images. Each publish waits for
// the stream to store the job.
const queued = [
  ["jobs.email", "welcome mail for ada"],
  ["jobs.email", "invoice for grace"],
  ["jobs.image", "thumbnail of photo-1.jpg"],
  ["jobs.image", "thumbnail of photo-2.jpg"],
  ["jobs.image", "thumbnail of photo-3.jpg"],
];
for (const [subject, job] of queued) {
  const ack = await js.publish(subject, job);
  console.log(`Queued ${job} as sequence ${ack.seq}`);
}
await printState(5);

// The mailer takes both email jobs and acknowledges them. `consume()` keeps
// pulling batches from the consumer in the background and yields them one
// by one; the worker stops after the two it expects.
await work("mailer", 2);

// Acknowledged jobs are removed: three messages remain, all images, and the
// first sequence has moved past the finished emails.
const { state } = await printState(3);
console.log("Messages per subject:");
for (const [subject, count] of Object.entries(state.subjects ?? {})) {
  console.log(`  ${subject}: ${count}`);
}

// The thumbnailer works through the images. Afterwards the stream is empty,
// but its sequence numbers keep counting: the first sequence now points at
// 6, where the next job will be stored.
await work("thumbnailer", 3);
await printState(0);
await nc.close();

// The configuration of a durable pull consumer that reads one subject and
// needs every message acknowledged.
function pullConsumer(name, subject) {
  return { durable_name: name, filter_subject: subject, ack_policy: AckPolicy.Explicit };
}

// Takes `count` jobs from a consumer and acknowledges each one, waiting for
// the server to confirm the acknowledgement (`ackAck`).
async function work(name, count) {
  const consumer = await js.consumers.get("JOBS", name);
  const messages = await consumer.consume();
  const done = (async () => {
    let handled = 0;
    for await (const msg of messages) {
      await msg.ackAck();
      console.log(`${name} did ${msg.string()}`);
      if (++handled === count) break;
    }
  })();
  await deadline(done, 5000).catch((err) => {
    throw new Error(`${name} did not finish its jobs: ${err.message}`);
  });
  await messages.close();
}

// Prints how many messages the stream holds and its sequence range.
//
// The server removes an acknowledged message from a work queue a moment
// after it confirms the acknowledgement, so this first waits (up to five
// seconds) until the stream holds the `expected` number of messages.
async function printState(expected) {
  for (let attempt = 0; ; attempt++) {
    const info = await jsm.streams.info("JOBS", { subjects_filter: ">" });
    const { messages, first_seq, last_seq } = info.state;
    if (messages === expected) {
      console.log(
        `Stream JOBS: ${messages} messages, first sequence ${first_seq}, last sequence ${last_seq}`,
      );
      return info;
    }
    if (attempt === 100) {
      throw new Error(`JOBS holds ${messages} messages, expected ${expected}`);
    }
    await delay(50);
  }
}
