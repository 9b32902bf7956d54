import { connect } from "@nats-io/transport-node";
import { Objm } from "@nats-io/obj";

// describe prints what an entry is: a plain object with its size, a link to
// one object, or a link to a whole bucket.
function describe(info) {
  if (info === null) {
    throw new Error("entry not found");
  }
  const link = info.options?.link;
  if (!link) {
    console.log(`${info.name} is an object of ${info.size} bytes`);
  } else if (!link.name) {
    console.log(`${info.name} is a link to bucket ${link.bucket}`);
  } else {
    console.log(`${info.name} is a link to ${link.bucket}/${link.name}`);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

// readText follows links like `getBlob` does and decodes the bytes;
// `getBlob` resolves to null when there is nothing to read.
async function readText(os, name) {
  const data = await os.getBlob(name);
  if (data === null) {
    throw new Error(`${name} not found`);
  }
  return dec.decode(data);
}

// The server address comes from `NATS_URL`; the object store lives in
// JetStream, so that server must have it enabled.
const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });

// Two buckets: `assets` holds what a web site serves, `archive` holds retired
// files. `Objm` manages the object store buckets of the account; each bucket
// is a stream of its own.
const objm = new Objm(nc);
const assets = await objm.create("assets");
const archive = await objm.create("archive");
console.log("Created buckets assets and archive");

// Upload the current logo under a versioned name. A short text stands in for
// the image bytes.
const v2 = await assets.putBlob(
  { name: "logo-v2.png" },
  enc.encode("logo, second edition"),
);
describe(v2);

// `link` stores a link entry: a metadata record without chunks that names
// the target's bucket and object. Pages refer to `logo.png` and never need
// to know which version is current.
describe(await assets.link("logo.png", v2));

// Reading a link follows it: the result is the target's content.
console.log(`logo.png reads ${JSON.stringify(await readText(assets, "logo.png"))}`);

// A new version is uploaded next to the old one. This client's `link`
// refuses a name that is already taken, even by a link, so re-pointing
// deletes the old link first and adds the new one; between the two calls a
// reader would find nothing under `logo.png`.
const v3 = await assets.putBlob(
  { name: "logo-v3.png" },
  enc.encode("logo, third edition"),
);
describe(v3);
await assets.delete("logo.png");
await assets.link("logo.png", v3);
describe(await assets.info("logo.png"));
console.log(`logo.png reads ${JSON.stringify(await readText(assets, "logo.png"))}`);

// A bucket link points at a whole bucket rather than one object. It cannot
// be read as data; a reader looks up the bucket it names and opens that
// bucket instead.
await archive.putBlob({ name: "logo-v1.png" }, enc.encode("logo, first edition"));
await assets.linkStore("old-logos", archive);
const bucketLink = await assets.info("old-logos");
describe(bucketLink);
try {
  await assets.get("old-logos");
  throw new Error("reading old-logos: expected a bucket-link error");
} catch (err) {
  if (err.message !== "link is a bucket") {
    throw err;
  }
  console.log("old-logos cannot be read as data: it links to a bucket");
}
const linkedName = bucketLink.options.link.bucket;
const linked = await objm.open(linkedName);
console.log(
  `${linkedName}/logo-v1.png reads ${JSON.stringify(await readText(linked, "logo-v1.png"))}`,
);

// Links are not reference counted: deleting the target leaves the link in
// place, pointing at nothing. Reading through it finds no object: `get`
// resolves to null.
await assets.delete("logo-v3.png");
console.log("Deleted logo-v3.png");
describe(await assets.info("logo.png"));
if ((await assets.get("logo.png")) !== null) {
  throw new Error("reading logo.png: expected no object");
}
console.log("logo.png cannot be read: its target is not found");

await nc.close();
