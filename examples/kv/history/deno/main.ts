import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. The key-value store is part of JetStream, which must be
// enabled on that server.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// The `releases` bucket keeps the last five revisions of each key
// (`history: 5`; the most a bucket can keep is 64).
const releases = await new Kvm(nc).create("releases", { history: 5 });
console.log("Created bucket releases, keeping 5 revisions per key");

// One version of the API, then six versions of the web front end, one after
// the other. Every put is a new revision of the key.
await releases.put("api.version", "3.4");
for (const version of ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2"]) {
  await releases.put("web.version", version);
}
console.log("Put api.version once and web.version six times");

// Six revisions went in, five are kept: the first one, 1.0, made room.
await printHistory("web.version");

// Deleting the key adds a delete marker as its newest revision. The marker
// counts against the history limit like any other revision, so 1.1 goes too,
// but the older values stay readable.
await releases.delete("web.version");
console.log("Deleted web.version");
await printHistory("web.version");

// Purging the key removes every revision it has and leaves a single purge
// marker: the history is gone, which a delete alone never does.
await releases.purge("web.version");
console.log("Purged web.version");
await printHistory("web.version");

// The purge touched only its key: api.version keeps its history.
await printHistory("api.version");

// The bucket now holds two messages: the value of api.version and the purge
// marker of web.version.
const status = await releases.status();
console.log(
  `Bucket ${status.bucket}: ${status.history} revisions per key, ${status.values} values stored`,
);
await nc.close();

// Lists every revision of a key the bucket still keeps, oldest first, with
// its operation: a put with its value, or a delete (`DEL`) or purge marker.
async function printHistory(key: string) {
  console.log(`History of ${key}:`);
  for await (const entry of await releases.history({ key })) {
    if (entry.operation === "PUT") {
      console.log(`  revision ${entry.revision}: PUT ${entry.string()}`);
    } else if (entry.operation === "DEL") {
      console.log(`  revision ${entry.revision}: DELETE`);
    } else {
      console.log(`  revision ${entry.revision}: ${entry.operation}`);
    }
  }
}
