import { connect, headers } from "@nats-io/transport-node";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

// One connection plays the subscriber and the service, another the
// publisher and the caller, as separate programs would.
const receiver = await connect({ servers, name: "receiver" });
const sender = await connect({ servers, name: "sender" });

// A subscription for new orders, read one message at a time through its
// iterator. `flush` returns once the server has processed everything the
// receiver sent so far, the subscription included.
const orders = receiver.subscribe("orders.new", { max: 1 });
await receiver.flush();

// `headers()` makes an empty set of headers. `append` adds a value, so
// appending twice gives `Tag` two values, kept in order; `set` would
// replace them.
const tags = headers();
tags.append("Tag", "priority");
tags.append("Tag", "gift");
sender.publish("orders.new", "2 books", { headers: tags });
await sender.flush();
console.log('Published "2 books" to orders.new with Tag: priority and Tag: gift');

// On the receiving side, `get` returns the first value of a key and
// `values` all of them. `msg.headers` is undefined for a message without
// any.
for await (const msg of orders) {
  console.log(`Subscriber got ${JSON.stringify(msg.string())}`);
  console.log(`  Tag (first value): ${msg.headers?.get("Tag")}`);
  console.log(`  Tag (all values): ${msg.headers?.values("Tag").join(", ")}`);
}

// A reply is a message like any other, so it can carry headers too. The
// service reads the `Order-Id` header of each request and answers with a
// `Status` header, passed to `respond` as an option.
receiver.subscribe("orders.status", {
  callback: (err, req) => {
    if (err) {
      console.error(`service: ${err.message}`);
      return;
    }
    console.log(`Service got ${JSON.stringify(req.string())} with Order-Id: ${req.headers?.get("Order-Id")}`);
    const status = headers();
    status.set("Status", "shipped");
    req.respond("on its way", { headers: status });
  },
});
await receiver.flush();

// `request` takes headers like `publish` does; the reply's headers arrive
// with it.
const order = headers();
order.set("Order-Id", "1001");
const reply = await sender.request("orders.status", "where is it?", { timeout: 2000, headers: order });
console.log(`Reply: ${JSON.stringify(reply.string())}`);
console.log(`  Status: ${reply.headers?.get("Status")}`);

await receiver.close();
await sender.close();
