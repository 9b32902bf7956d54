import { connect } from "@nats-io/transport-node";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

// Four patterns:
//
// - `sensors.*.temperature`: `*` stands for exactly one token, so this is
//   any three-token subject with `sensors` first and `temperature` last.
// - `sensors.>`: `>` stands for one or more tokens and may only come last,
//   so this is everything below `sensors`, however deep, but not `sensors`
//   itself.
// - `*.*`: any subject of exactly two tokens.
// - `>`: a full wildcard at the root matches every subject.
const patterns = ["sensors.*.temperature", "sensors.>", "*.*", ">"];

// Six subjects, each testing one edge of the rules: a token too many for
// `*`, the bare prefix that `>` does not cover, two tokens, and a capital
// letter (subjects are case-sensitive).
const subjects = [
  "sensors.kitchen.temperature",
  "sensors.kitchen.humidity",
  "sensors.garden.shed.temperature",
  "sensors",
  "alerts.kitchen",
  "Sensors.kitchen.temperature",
];

// One connection both subscribes and publishes. A connection receives its
// own messages by default, and keeping everything on one connection makes
// the order of events easy to reason about (see below).
const nc = await connect({ servers, name: "wildcards" });

// Each subscription records the subjects it receives. A callback runs as
// soon as the client reads the message from the socket.
const received = patterns.map((pattern) => {
  const seen = new Set();
  nc.subscribe(pattern, {
    callback: (err, msg) => {
      if (!err) seen.add(msg.subject);
    },
  });
  return seen;
});
await nc.flush();

for (const subject of subjects) {
  nc.publish(subject, "reading");
}
console.log(`Published ${subjects.length} messages`);

// `flush` resolves when the server has answered a ping sent after the
// messages. The server handles a connection's commands in order, so by
// then it has routed every message, and the client has read every copy it
// was sent and handed it to its callback: the sets are complete.
await nc.flush();
patterns.forEach((pattern, i) => {
  console.log(`${pattern} received ${received[i].size} of ${subjects.length}:`);
  for (const subject of subjects) {
    console.log(`  ${received[i].has(subject) ? "yes" : "no "} ${subject}`);
  }
});

await nc.close();
