import { connect, headers } from "@nats-io/transport-node";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";

// The service and its caller each get their own connection, as two programs
// would. Neither ever learns the other's address: they only share a subject.
const service = await connect({ servers, name: "greeter" });
const caller = await connect({ servers, name: "caller" });

// The service is an ordinary subscription on `greet.hello`. Every request
// carries a reply subject, a private inbox of the caller, and `respond`
// publishes the answer there. Requests can carry headers like any message;
// the service reads the `Language` header when there is one. The loop ends
// when the subscription does.
const requests = service.subscribe("greet.hello");
const serving = (async () => {
  for await (const msg of requests) {
    const name = msg.string();
    const language = msg.headers?.get("Language");
    if (language) {
      console.log(`Service got ${JSON.stringify(name)} with Language: ${language}`);
    } else {
      console.log(`Service got ${JSON.stringify(name)}`);
    }
    msg.respond(`Hello, ${name}!`);
  }
})();

// A request sent before the subscription reaches the server would find
// nobody to answer. `flush` returns once the server has processed everything
// the service sent so far, its subscription included.
await service.flush();
console.log("Service listening on greet.hello");

// `request` publishes the message with a fresh inbox as its reply subject
// and waits for the first answer, here for up to two seconds.
let reply = await caller.request("greet.hello", "Ada", { timeout: 2000 });
console.log(`Reply: ${reply.string()}`);

// The second request carries a header, made with `headers()` and passed
// along with the other request options.
const hdrs = headers();
hdrs.set("Language", "en");
reply = await caller.request("greet.hello", "Grace", { timeout: 2000, headers: hdrs });
console.log(`Reply: ${reply.string()}`);

// Draining stops the service gracefully: the server stops sending it
// requests, those already received are answered, and then the connection
// closes, which also ends the service's loop.
await service.drain();
await serving;
console.log("Service stopped");
await caller.close();
