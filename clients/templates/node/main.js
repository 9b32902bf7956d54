import { connect } from "@nats-io/transport-node";

// `NATS_URL` holds the address of the NATS server to connect to; without it,
// the program tries a server on this machine's default port, 4222.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// A responder: every request on `demo.hello` gets an answer on the request's
// reply subject.
nc.subscribe("demo.hello", {
  callback: (err, msg) => {
    if (!err) msg.respond(`Hello, ${msg.string()}!`);
  },
});

// The request goes over the same connection, after the subscription, and the
// server handles a connection's commands in order: the responder is in place
// when the request arrives. It waits up to two seconds for the answer.
const reply = await nc.request("demo.hello", "NATS", { timeout: 2000 });
console.log(`Reply: ${reply.string()}`);

await nc.drain();
