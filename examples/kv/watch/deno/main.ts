import { connect, deadline, syncIterator } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import type { KvEntry } from "@nats-io/kv";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. The key-value store is part of JetStream, which must be
// enabled on that server.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// Two buckets: `flags` remembers the last three values of each key,
// `sessions` only the latest, and its values expire after an hour (`ttl` is
// in milliseconds).
const kvm = new Kvm(nc);
const flags = await kvm.create("flags", { description: "Feature switches", history: 3 });
await kvm.create("sessions", { ttl: 60 * 60 * 1000 });
console.log("Created buckets flags and sessions");

// Two flags exist before anyone watches.
await put("dark-mode", "on");
await put("beta-search", "off");

// A watcher first delivers the current value of every key, then every
// change as it happens. Each entry's `delta` counts the entries still
// waiting behind it, so the first one with a delta of 0 means the watcher
// has caught up. This program reads the watcher in turn with the changes it
// makes, so the output has a fixed order.
const watcher = await flags.watch();
const updates = syncIterator(watcher);
for (;;) {
  const entry = await next();
  console.log(`Watcher: ${describe(entry)}`);
  if (entry.delta === 0) {
    console.log("Watcher: caught up with the current values");
    break;
  }
}

// Three changes: beta search is switched on, dark mode is removed, and a new
// flag appears. The watcher reports each one.
await put("beta-search", "on");
await flags.delete("dark-mode");
console.log("Deleted dark-mode");
await put("new-checkout", "on");
for (let i = 0; i < 3; i++) {
  console.log(`Watcher: ${describe(await next())}`);
}
watcher.stop();

// A key's history keeps up to three revisions, the delete marker included.
console.log("History of dark-mode:");
for await (const entry of await flags.history({ key: "dark-mode" })) {
  console.log(`  ${describe(entry)}`);
}

// Every bucket of the account with its settings, in name order.
const buckets = [];
for await (const status of kvm.list()) {
  const description = status.description ? ` (${status.description})` : "";
  const ttl = status.ttl > 0 ? `TTL ${status.ttl / 1000}s` : "no TTL";
  buckets.push(
    `  ${status.bucket}${description}: history ${status.history}, ${status.values} values, ${ttl}`,
  );
}
console.log(`Buckets in the account:\n${buckets.sort().join("\n")}`);
await nc.close();

// Stores a value and prints its revision.
async function put(key: string, value: string) {
  const revision = await flags.put(key, value);
  console.log(`Put ${key} = ${value} (revision ${revision})`);
}

// Waits up to five seconds for the watcher's next entry.
async function next(): Promise<KvEntry> {
  const entry = await deadline(updates.next(), 5000);
  if (entry === null) throw new Error("the watcher stopped");
  return entry;
}

// Gives an entry's revision, operation, key and value in one line.
function describe(entry: KvEntry): string {
  if (entry.operation === "PUT") {
    return `revision ${entry.revision}: PUT ${entry.key} = ${entry.string()}`;
  }
  return `revision ${entry.revision}: DELETE ${entry.key}`;
}
