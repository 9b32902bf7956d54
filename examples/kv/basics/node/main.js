import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. The key-value store is part of JetStream, which must be
// enabled on that server.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// `Kvm` manages the buckets of the account. Create the `profiles` bucket;
// `history: 5` keeps the last five values of each key instead of only the
// latest one.
const kvm = new Kvm(nc);
const profiles = await kvm.create("profiles", {
  description: "User profile settings",
  history: 5,
});
console.log("Created bucket profiles, keeping 5 revisions per key");

// `put` stores a value and returns its revision: the sequence number of the
// message that holds it in the bucket's stream. Writing a key that already
// exists adds a new revision.
const puts = [
  ["ada.theme", "light"],
  ["ada.language", "en"],
  ["grace.theme", "dark"],
  ["ada.theme", "dark"],
];
for (const [key, value] of puts) {
  const revision = await profiles.put(key, value);
  console.log(`Put ${key} = ${value} (revision ${revision})`);
}

// `get` returns the latest entry of a key, with its value and revision, or
// `null` if the key was never written.
for (const key of ["ada.theme", "ada.language"]) {
  const entry = await profiles.get(key);
  if (entry === null) throw new Error(`${key} has no value`);
  console.log(`Get ${key}: ${entry.string()} (revision ${entry.revision})`);
}

// Deleting a key does not erase its past: the delete is recorded as one
// more revision, a marker without a value.
await profiles.delete("grace.theme");
console.log("Deleted grace.theme");

// The history of a key lists every revision still kept, oldest first.
for (const key of ["ada.theme", "grace.theme"]) {
  console.log(`History of ${key}:`);
  for await (const entry of await profiles.history({ key })) {
    if (entry.operation === "PUT") {
      console.log(`  revision ${entry.revision}: PUT ${entry.string()}`);
    } else {
      console.log(`  revision ${entry.revision}: DELETE`);
    }
  }
}

// Listing the keys shows those that currently hold a value; the deleted one
// is gone. The order of the listing is not guaranteed, so it is sorted.
const keys = [];
for await (const key of await profiles.keys()) {
  keys.push(key);
}
console.log(`Keys with a value: ${keys.sort().join(", ")}`);

// The status of the bucket: its history setting, how many values it holds
// (every kept revision counts, the delete marker too) and the stream behind
// it.
const status = await profiles.status();
console.log(
  `Bucket ${status.bucket}: ${status.history} revisions per key, ${status.values} values stored, backed by stream ${status.streamInfo.config.name}`,
);

// Finally, the names of all buckets in the account.
for await (const bucket of kvm.list()) {
  console.log(`Bucket in the account: ${bucket.bucket}`);
}
await nc.close();
