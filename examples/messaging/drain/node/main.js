import { connect } from "@nats-io/transport-node";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

// How many messages each subscriber is sent.
const total = 10;

const publisher = await connect({ servers, name: "publisher" });

// Starts a subscriber on its own connection, fills its buffer with `total`
// messages while its handler is held up on the first one, stops it with
// `stop`, and returns how many messages the handler got.
async function run(subject, stop) {
  const nc = await connect({ servers });
  const sub = nc.subscribe(subject);
  await nc.flush();

  // The handler reads the subscription's iterator and counts every message.
  // On the first one it says so on `started`, then waits for `release`,
  // standing for slow work: meanwhile the other messages wait in the
  // iterator's buffer. The loop ends when the subscription does.
  let count = 0;
  let started;
  const startedP = new Promise((resolve) => (started = resolve));
  let release;
  const releaseP = new Promise((resolve) => (release = resolve));
  const handler = (async () => {
    for await (const _msg of sub) {
      count++;
      if (count === 1) {
        started();
        await releaseP;
      }
    }
  })();

  for (let i = 1; i <= total; i++) {
    publisher.publish(subject, `job ${i}`);
  }

  // Each flush resolves when the server has answered a ping. The
  // publisher's proves the server has routed all the messages; the
  // subscriber's ping is answered after them, so by then the client has
  // read every one. Once the handler has started on the first, the other
  // nine wait in the buffer.
  await publisher.flush();
  await nc.flush();
  await startedP;

  // Stop the subscriber while its buffer is full, let the handler go on,
  // and wait until both the connection and the handler's loop are done.
  const stopping = stop(nc);
  release();
  await stopping;
  await handler;
  return count;
}

// First the abrupt way: `close` shuts the connection at once. Unlike most
// other NATS clients, nats.js does not throw away what it has already
// received: closing a subscription queues an end marker behind the
// messages in the iterator's buffer, so a loop that keeps reading still
// gets every one of them. What `close` does lose are messages still on
// their way from the server, and anything the handler tries to send
// afterwards (a reply, say) fails on the closed connection. Here all ten
// had arrived before the close, so none is lost.
let handled = await run("jobs.closed", (nc) => nc.close());
console.log(`Closed: ${handled} of ${total} messages handled, ${total - handled} lost`);
// Then gracefully: `drain` unsubscribes, so the server sends nothing new,
// waits for a round trip so that every message the server sent before the
// unsubscribe has arrived, lets the subscriptions finish, and only then
// closes the connection. It is the way to stop a subscriber that still has
// work to finish and answers to send.
handled = await run("jobs.drained", (nc) => nc.drain());
console.log(`Drained: ${handled} of ${total} messages handled, ${total - handled} lost`);
await publisher.close();
