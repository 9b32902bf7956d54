import { connect, millis, nanos } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";

// The server address comes from `NATS_URL`, with the usual local address as
// a fallback. JetStream must be enabled on that server.
const servers = Deno.env.get("NATS_URL") ?? "nats://127.0.0.1:4222";
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// The `PAYMENTS` stream remembers the message IDs it has seen for one
// minute: that is its duplicate window (`duplicate_window`, in nanoseconds
// like every duration in JetStream's configuration; two minutes unless set).
// The window bounds how much the server must remember, so it should cover
// the longest time a publisher may take to retry.
const created = await jsm.streams.add({
  name: "PAYMENTS",
  subjects: ["payments.>"],
  storage: StorageType.File,
  duplicate_window: nanos(60_000),
});
console.log(
  `Created stream PAYMENTS with a duplicate window of ${millis(created.config.duplicate_window) / 1000}s`,
);

// Each charge carries its invoice number as its message ID: `msgID` sets the
// `Nats-Msg-Id` header. Every charge is sent twice, as a publisher does when
// an acknowledgement does not come back in time. The first attempt is
// stored; the stream acknowledges the second with the sequence of the stored
// message and the `duplicate` flag, and keeps nothing new.
const charges = [
  ["invoice-1001", "charge 40.00 EUR for invoice 1001"],
  ["invoice-1002", "charge 15.50 EUR for invoice 1002"],
];
for (const attempt of [1, 2]) {
  for (const [msgID, body] of charges) {
    const ack = await js.publish("payments.charge", body, { msgID });
    console.log(
      `Published ${msgID}, attempt ${attempt}: sequence ${ack.seq}, duplicate ${ack.duplicate}`,
    );
  }
}

// Without an ID the server has nothing to compare: the same charge sent
// twice is stored twice, and the customer would pay twice.
for (const attempt of [1, 2]) {
  const ack = await js.publish("payments.charge", "charge 9.99 EUR for invoice 1003");
  console.log(
    `Published invoice 1003 without an ID, attempt ${attempt}: sequence ${ack.seq}, duplicate ${ack.duplicate}`,
  );
}

// Six publishes, four messages: two charges with IDs, and the charge without
// one twice.
const { state } = await jsm.streams.info("PAYMENTS");
console.log(`Stream PAYMENTS holds ${state.messages} messages`);

// The ID stays with the stored message as a header.
const msg = await jsm.streams.getMessage("PAYMENTS", { seq: 1 });
if (msg === null) throw new Error("message 1 is missing");
console.log(`Message 1: ${msg.string()} (Nats-Msg-Id ${msg.header.get("Nats-Msg-Id")})`);
await nc.close();
