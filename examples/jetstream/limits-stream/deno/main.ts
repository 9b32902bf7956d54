import { connect } from "@nats-io/transport-node";
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. JetStream must be enabled on that server.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// JetStream has two client interfaces: the manager creates and inspects
// streams and consumers, the client publishes and reads messages. Both make
// requests to the server, each bounded by a timeout (five seconds unless set
// otherwise).
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// The `SENSORS` stream captures every subject under `sensors.`. Limits
// retention (the default) keeps messages until a limit is reached; here the
// only limit is `max_msgs_per_subject: 3`, so each sensor's latest three
// readings survive however chatty the other sensors are. When a subject is
// full, the oldest message makes room (`DiscardPolicy.Old`).
await jsm.streams.add({
  name: "SENSORS",
  description: "Latest readings of every sensor",
  subjects: ["sensors.>"],
  storage: StorageType.File,
  retention: RetentionPolicy.Limits,
  discard: DiscardPolicy.Old,
  max_msgs_per_subject: 3,
});
console.log("Created stream SENSORS, keeping 3 messages per subject");

// Five kitchen readings and two from the cellar. A JetStream publish waits
// for the stream's acknowledgement, which names the sequence number the
// message was stored under.
const readings = [
  ["sensors.kitchen", "19.5"],
  ["sensors.kitchen", "19.8"],
  ["sensors.kitchen", "20.1"],
  ["sensors.kitchen", "20.4"],
  ["sensors.kitchen", "20.6"],
  ["sensors.cellar", "12.0"],
  ["sensors.cellar", "12.1"],
];
for (const [subject, value] of readings) {
  const ack = await js.publish(subject, value);
  console.log(`Published ${subject} ${value}: stored as sequence ${ack.seq}`);
}

// Seven messages went in but the stream holds five: the two oldest kitchen
// readings were dropped to respect the per-subject limit, which is why the
// first sequence is 3. Asking for the stream's info with a subject filter
// also returns the number of messages on each subject.
const { state } = await jsm.streams.info("SENSORS", { subjects_filter: ">" });
console.log(
  `Stream SENSORS holds ${state.messages} messages, sequences ${state.first_seq} to ${state.last_seq}`,
);
console.log("Messages per subject:");
const subjects = state.subjects ?? {};
for (const subject of Object.keys(subjects).sort()) {
  console.log(`  ${subject}: ${subjects[subject]}`);
}

// The most recent message on a subject can be read directly from the stream,
// without creating a consumer.
const last = await jsm.streams.getMessage("SENSORS", { last_by_subj: "sensors.kitchen" });
if (last === null) throw new Error("sensors.kitchen has no message");
console.log(`Latest on sensors.kitchen: ${last.string()} (sequence ${last.seq})`);

// Finally, the names of all streams in the account.
for await (const name of jsm.streams.names()) {
  console.log(`Stream in the account: ${name}`);
}
await nc.close();
