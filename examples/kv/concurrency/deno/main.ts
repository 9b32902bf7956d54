import { connect } from "@nats-io/transport-node";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. The key-value store is part of JetStream, which must be
// enabled on that server.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// A bucket of stock levels that keeps five revisions per key.
const inventory = await new Kvm(nc).create("inventory", { history: 5 });
console.log("Created bucket inventory, keeping 5 revisions per key");

// A conditional write that loses is refused by the stream behind the
// bucket with a JetStream API error, code 10071, "wrong last sequence":
// the key was not at the revision the writer named.
async function refused(write: Promise<number>): Promise<boolean> {
  try {
    await write;
    return false;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence) {
      return true;
    }
    throw err;
  }
}

// `create` writes a key only if it has no value yet. The first create
// succeeds; a second one, from someone who thought they were first, is
// refused.
let revision = await inventory.create("widgets", "10");
console.log(`Created widgets = 10 (revision ${revision})`);
if (!(await refused(inventory.create("widgets", "12")))) {
  throw new Error("expected the second create to be refused");
}
console.log("Creating widgets = 12 was refused: widgets already exists");

// Two clerks read the stock level. Both see 10, at revision 1.
const read = await inventory.get("widgets");
if (read === null) throw new Error("widgets has no value");
console.log(`Both clerks read widgets = ${read.string()} (revision ${read.revision})`);

// The first clerk sells one widget and writes 9, on the condition that the
// key is still at the revision it read. It is, so the update succeeds and
// the key moves to a new revision.
revision = await inventory.update("widgets", "9", read.revision);
console.log(`The first clerk updated widgets to 9 (revision ${revision})`);

// The second clerk sold two widgets and, working from the same read, writes
// 8 on the same condition. The key has moved on, so the update is refused
// instead of silently losing the first clerk's sale.
if (!(await refused(inventory.update("widgets", "8", read.revision)))) {
  throw new Error("expected the second clerk's update to be refused");
}
console.log(`The second clerk's update to 8 was refused: widgets is no longer at revision ${read.revision}`);

// The second clerk reads again, finds 9, and retries from that revision.
const reread = await inventory.get("widgets");
if (reread === null) throw new Error("widgets has no value");
console.log(`The second clerk read widgets = ${reread.string()} (revision ${reread.revision})`);
revision = await inventory.update("widgets", "7", reread.revision);
console.log(`The second clerk updated widgets to 7 (revision ${revision})`);

// After a delete, `create` works again: the key's latest revision is a
// delete marker, so the key counts as absent.
await inventory.delete("widgets");
console.log("Deleted widgets");
revision = await inventory.create("widgets", "50");
console.log(`Created widgets = 50 (revision ${revision})`);

// The history shows every successful write, and none of the refused ones.
console.log("History of widgets:");
for await (const entry of await inventory.history({ key: "widgets" })) {
  if (entry.operation === "PUT") {
    console.log(`  revision ${entry.revision}: PUT ${entry.string()}`);
  } else {
    console.log(`  revision ${entry.revision}: DELETE`);
  }
}
await nc.close();
