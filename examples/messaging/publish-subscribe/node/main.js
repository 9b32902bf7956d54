import { connect, deadline, syncIterator } from "@nats-io/transport-node";

// The server address comes from `NATS_URL`, the same variable the `nats`
// command line tool reads, with the usual local address as a fallback.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

// Subscribers and publishers need not know about each other, so the program
// gives each side its own connection, as two separate services would have.
const subscriber = await connect({ servers, name: "subscriber" });
const publisher = await connect({ servers, name: "publisher" });

// `*` matches exactly one token, so the first subscription hears about new
// orders from any region: `orders.eu.new`, `orders.us.new` and so on. `>`
// matches one or more trailing tokens, so the second one sees everything
// that happens to European orders.
//
// A subscription is an async iterator. Wrapped in `syncIterator`, it hands
// out one message each time the program calls `next()`, and keeps the rest
// queued, which keeps the two lists apart.
const newOrders = subscriber.subscribe("orders.*.new");
const euOrders = subscriber.subscribe("orders.eu.>");

// Core NATS stores nothing: a message published before a subscription
// reaches the server is simply not delivered to it. `flush` waits for the
// server to answer a ping, and since it handles a connection's commands in
// order, both subscriptions are then in place.
await subscriber.flush();

// Four messages. `orders.eu.new` matches both patterns, `orders.us.new` only
// the first, and the two other European subjects only the second.
const messages = [
  ["orders.eu.new", "order 1 from Lisbon"],
  ["orders.us.new", "order 2 from Denver"],
  ["orders.eu.shipped", "order 1 is on its way"],
  ["orders.eu.delivered", "order 1 arrived"],
];
for (const [subject, body] of messages) {
  publisher.publish(subject, body);
  console.log(`Published to ${subject}: ${body}`);
}
await publisher.flush();

// Each subscriber reads what it was sent. The message published to
// `orders.eu.new` reached both: in core NATS every matching subscription
// gets its own copy.
await receive(newOrders, 2);
await receive(euOrders, 3);

await subscriber.close();
await publisher.close();

// Prints the next `count` messages of a subscription, waiting at most a few
// seconds for each.
async function receive(sub, count) {
  console.log(`The ${sub.getSubject()} subscriber received:`);
  const queued = syncIterator(sub);
  for (let i = 0; i < count; i++) {
    const msg = await deadline(queued.next(), 5000);
    if (msg === null) {
      throw new Error(`the ${sub.getSubject()} subscription ended early`);
    }
    console.log(`  ${msg.subject}: ${msg.string()}`);
  }
}
