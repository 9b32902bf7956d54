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
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
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
console.log("Created work queue stream JOBS");

// Two durable pull consumers, each owning one kind of job. Their filters,
// `jobs.email` and `jobs.image`, do not overlap.
await createConsumer("mailer", "jobs.email");
await createConsumer("thumbnailer", "jobs.image");

// A work queue refuses a consumer whose filter overlaps another's: a second
// consumer for `jobs.email` could take jobs the mailer expects. The server's
// answer is a `JetStreamApiError`, which names the reason and carries its
// own error code.
try {
  await jsm.consumers.add("JOBS", pullConfig("second-mailer", "jobs.email"));
  throw new Error("a second consumer on jobs.email was accepted");
} catch (err) {
  if (!(err instanceof JetStreamApiError)) throw err;
  const { description, err_code } = err.apiError();
  console.log(`A second consumer on jobs.email was refused: ${description} (error ${err_code})`);
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
  await js.publish(subject, job);
}
console.log("Queued 2 email jobs and 3 image jobs");
await showStream(5);

// The mailer takes both email jobs and acknowledges them. Acknowledged jobs
// leave the stream: three remain, all images, and the first sequence moves
// past the finished emails.
await work("mailer", 2);
await showStream(3);

// The thumbnailer works through the images. Then the stream is empty, but
// its sequence numbers keep counting: the next job will be number 6.
await work("thumbnailer", 3);
await showStream(0);
await nc.close();

// Adds a durable pull consumer that receives the jobs on one subject and
// must acknowledge each of them.
async function createConsumer(name: string, subject: string) {
  await jsm.consumers.add("JOBS", pullConfig(name, subject));
  console.log(`Created consumer ${name} for ${subject}`);
}

// The configuration of a durable pull consumer that reads one subject and
// needs every message acknowledged.
function pullConfig(name: string, subject: string) {
  return { durable_name: name, filter_subject: subject, ack_policy: AckPolicy.Explicit };
}

// Takes `count` jobs from a consumer and acknowledges each one, waiting for
// the server to confirm the acknowledgement (`ackAck`). `consume()` keeps
// pulling batches from the consumer in the background and yields them one
// by one; the worker stops after the jobs it expects.
async function work(name: string, count: number) {
  const consumer = await js.consumers.get("JOBS", name);
  const messages = await consumer.consume();
  const done = (async () => {
    let handled = 0;
    for await (const msg of messages) {
      console.log(`The ${name} did: ${msg.string()}`);
      await msg.ackAck();
      if (++handled === count) break;
    }
  })();
  await deadline(done, 5000).catch((err) => {
    throw new Error(`${name} did not finish its jobs: ${err.message}`);
  });
  await messages.close();
}

// Prints how many messages the stream holds, per subject, and its first and
// last sequence. The server removes acknowledged messages a moment after
// confirming the acknowledgement, so it first waits (up to five seconds)
// until the stream holds the expected number of messages.
async function showStream(expected: number) {
  for (let attempt = 0; ; attempt++) {
    const info = await jsm.streams.info("JOBS", { subjects_filter: ">" });
    const { messages, first_seq, last_seq, subjects = {} } = info.state;
    if (messages === expected) {
      console.log(
        `Stream JOBS holds ${messages} messages, first sequence ${first_seq}, last sequence ${last_seq}`,
      );
      for (const subject of Object.keys(subjects).sort()) {
        console.log(`  ${subject}: ${subjects[subject]}`);
      }
      return;
    }
    if (attempt === 100) {
      throw new Error(`JOBS holds ${messages} messages, expected ${expected}`);
    }
    await delay(50);
  }
}
