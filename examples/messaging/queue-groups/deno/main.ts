import { connect, deadline } from "@nats-io/transport-node";
import type { Msg } from "@nats-io/transport-node";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// Two workers subscribe to `jobs.resize` in the queue group `resizers`. The
// server hands each message to one member of the group, so which worker gets
// which job changes from run to run. Each worker's callback records the
// number of every job it handles in `handled`.
const handled = collector(10);
for (let worker = 1; worker <= 2; worker++) {
  nc.subscribe("jobs.resize", {
    queue: "resizers",
    callback: (err, msg) => (err ? handled.fail(err) : handled.add(jobNumber(msg))),
  });
}

// The auditor subscribes to the same subject without a queue group, so it
// receives its own copy of every message.
const audited = collector(10);
nc.subscribe("jobs.resize", {
  callback: (err, msg) => (err ? audited.fail(err) : audited.add(jobNumber(msg))),
});

// The publisher knows nothing about the group: it publishes ten jobs to the
// subject, and adding workers would need no change here. Since the
// subscriptions went out on the same connection first, the server has them
// before the first job.
for (let n = 1; n <= 10; n++) {
  nc.publish("jobs.resize", `image ${n}`);
}
await nc.flush();
console.log("Published 10 jobs to jobs.resize");

// Collect what the workers handled. Put together, their jobs are every job
// exactly once: the group never gave the same message to both.
const jobs = (await handled.all()).sort((a, b) => a - b);
console.log("Jobs handled by the resizers queue group:");
for (const n of jobs) {
  console.log(`  image ${n}`);
}
if (jobs.join() !== "1,2,3,4,5,6,7,8,9,10") {
  throw new Error(`the workers handled ${jobs.join(", ")}`);
}
console.log("Every job was handled by exactly one worker");

// The auditor, outside the group, saw all ten as well.
console.log(`Jobs seen by the auditor: ${(await audited.all()).length}`);
await nc.close();

// Reads the number out of a message body such as `image 7`; `NaN` for a body
// of any other shape, which the check of the handled jobs rejects.
function jobNumber(msg: Msg): number {
  return Number(msg.string().replace(/^image /, ""));
}

// Gathers `count` job numbers; `all()` waits at most five seconds for them.
function collector(count: number) {
  const jobs: number[] = [];
  let failure: Error | null = null;
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    add(job: number) {
      jobs.push(job);
      if (jobs.length === count) finish();
    },
    fail(err: Error) {
      failure = err;
      finish();
    },
    async all(): Promise<number[]> {
      await deadline(finished, 5000).catch(() => {
        throw new Error(`only ${jobs.length} of ${count} jobs arrived`);
      });
      if (failure) throw failure;
      return jobs;
    },
  };
}
