import { connect } from "@nats-io/transport-node";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";

// The shapes of the payloads. TypeScript types exist only at compile time:
// `JSON.parse` checks the syntax of a body, not that it fits a type, which
// is why the service checks the fields of a request itself.
interface Order {
  id: number;
  item: string;
  quantity: number;
}
interface QuoteReply {
  item?: string;
  quantity?: number;
  total_cents?: number;
  error?: string;
}

// The unit prices the service knows, in cents.
const prices = new Map<string, number>([["book", 1200], ["lamp", 3500]]);

// One connection for the shop (publisher and caller), one for the
// subscriber and the price service.
const shop = await connect({ servers, name: "shop" });
const backend = await connect({ servers, name: "backend" });

// The subscription for new orders, read one message at a time through its
// iterator.
const orders = backend.subscribe("orders.created", { max: 3 });

// The price service decodes each request with `msg.json()`, which runs
// `JSON.parse` on the body and throws for one that is not valid JSON. JSON
// has no schema, so the service also checks that the fields it needs are
// there and have the right type. On any problem it answers with an error
// in JSON rather than staying silent, so the caller learns why at once
// instead of waiting for a timeout.
backend.subscribe("prices.quote", {
  callback: (err, msg) => {
    if (err) {
      console.error(`service: ${err.message}`);
      return;
    }
    let req: { item?: unknown; quantity?: unknown } | undefined;
    try {
      req = msg.json();
    } catch {
      req = undefined;
    }
    let reply: QuoteReply;
    const item = req?.item;
    const quantity = req?.quantity;
    if (typeof item !== "string" || typeof quantity !== "number" || !Number.isInteger(quantity)) {
      reply = { error: "invalid request" };
    } else if (!prices.has(item)) {
      reply = { error: "unknown item" };
    } else {
      reply = { item, quantity, total_cents: prices.get(item)! * quantity };
    }
    msg.respond(JSON.stringify(reply));
  },
});
await backend.flush();

// `JSON.stringify` writes an object's keys in the order they were added,
// as compact JSON. The second body is cut short on purpose: NATS does not
// check payloads, so it is delivered like the others.
const bodies = [
  JSON.stringify({ id: 1001, item: "book", quantity: 2 }),
  '{"id":1002,"item":"pen"',
  JSON.stringify({ id: 1003, item: "lamp", quantity: 1 }),
];
for (const body of bodies) {
  shop.publish("orders.created", body);
  console.log(`Published ${body}`);
}

// The subscriber decodes each body. A malformed one is reported and
// skipped: one bad message must not stop the others.
for await (const msg of orders) {
  let order: Order;
  try {
    order = msg.json<Order>();
  } catch {
    console.log(`Skipped a malformed message: ${msg.string()}`);
    continue;
  }
  console.log(`Order ${order.id}: ${order.quantity} x ${order.item}`);
}

// Request and reply carry JSON the same way. The second request has a
// quantity that is a string, not a number: valid JSON, but not a valid
// request.
for (const body of [JSON.stringify({ item: "book", quantity: 2 }), '{"item":"book","quantity":"two"}']) {
  console.log(`Requested ${body}`);
  const msg = await shop.request("prices.quote", body, { timeout: 2000 });
  console.log(`Reply ${msg.string()}`);
  const reply = msg.json<QuoteReply>();
  if (reply.error) {
    console.log(`Quote failed: ${reply.error}`);
    continue;
  }
  console.log(`Quote: ${reply.quantity} x ${reply.item} = ${reply.total_cents} cents`);
}

await backend.close();
await shop.close();
