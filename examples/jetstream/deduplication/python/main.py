import asyncio
import os

import nats
from nats.js.api import Header, StorageType, StreamConfig


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. JetStream must be enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # The `PAYMENTS` stream remembers the message IDs it has seen for one
    # minute: that is its duplicate window (`duplicate_window`, in seconds;
    # two minutes unless set). The window bounds how much the server must
    # remember, so it should cover the longest time a publisher may take to
    # retry.
    info = await js.add_stream(
        StreamConfig(
            name="PAYMENTS",
            subjects=["payments.>"],
            storage=StorageType.FILE,
            duplicate_window=60,
        )
    )
    print(f"Created stream PAYMENTS with a duplicate window of {info.config.duplicate_window:.0f}s")

    # Each charge carries its invoice number as its message ID, in the
    # `Nats-Msg-Id` header. Every charge is sent twice, as a publisher does
    # when an acknowledgement does not come back in time. The first attempt
    # is stored; the stream acknowledges the second with the sequence of the
    # stored message and the `duplicate` flag, and keeps nothing new. (The
    # server leaves the flag out when it is false, hence `bool`.)
    charges = [
        ("invoice-1001", "charge 40.00 EUR for invoice 1001"),
        ("invoice-1002", "charge 15.50 EUR for invoice 1002"),
    ]
    for attempt in (1, 2):
        for msg_id, body in charges:
            ack = await js.publish("payments.charge", body.encode(), headers={Header.MSG_ID: msg_id})
            duplicate = str(bool(ack.duplicate)).lower()
            print(f"Published {msg_id}, attempt {attempt}: sequence {ack.seq}, duplicate {duplicate}")

    # Without an ID the server has nothing to compare: the same charge sent
    # twice is stored twice, and the customer would pay twice.
    for attempt in (1, 2):
        ack = await js.publish("payments.charge", b"charge 9.99 EUR for invoice 1003")
        duplicate = str(bool(ack.duplicate)).lower()
        print(f"Published invoice 1003 without an ID, attempt {attempt}: sequence {ack.seq}, duplicate {duplicate}")

    # Six publishes, four messages: two charges with IDs, and the charge
    # without one twice.
    info = await js.stream_info("PAYMENTS")
    print(f"Stream PAYMENTS holds {info.state.messages} messages")

    # The ID stays with the stored message as a header.
    msg = await js.get_msg("PAYMENTS", 1)
    print(f"Message 1: {msg.data.decode()} (Nats-Msg-Id {msg.headers[Header.MSG_ID]})")

    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
