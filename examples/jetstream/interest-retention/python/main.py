import asyncio
import os

import nats
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StorageType, StreamConfig


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. JetStream must be enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # `INTEREST` retention is the only change from a default stream: a
    # message stays only while some consumer still has to acknowledge it.
    await js.add_stream(
        StreamConfig(
            name="ORDERS",
            subjects=["orders.>"],
            retention=RetentionPolicy.INTEREST,
            storage=StorageType.FILE,
        )
    )
    print("Created stream ORDERS with interest retention")

    # A message published while the stream has no consumer at all is
    # accepted, and the acknowledgement names its sequence, but nobody could
    # ever want it: the stream does not keep it.
    ack = await js.publish("orders.paid", b"order 1 paid, before anyone listened")
    print(f"Published order 1 as sequence {ack.seq}, with no consumer yet")
    await show_stream(js, 0)

    # Two pull consumers share the stream. `billing` reads every order event,
    # `shipping` only paid orders. Unlike a work queue, an interest stream
    # allows filters that overlap.
    billing = await create_consumer(js, "billing", "orders.>")
    shipping = await create_consumer(js, "shipping", "orders.paid")

    # Three new events: two payments, which both consumers want, and one
    # cancellation, which only billing wants.
    events = [
        ("orders.paid", "order 2 paid"),
        ("orders.paid", "order 3 paid"),
        ("orders.cancelled", "order 4 cancelled"),
    ]
    for subject, body in events:
        await js.publish(subject, body.encode())
    print("Published 2 payments and 1 cancellation")
    await show_stream(js, 3)

    # Billing reads and acknowledges all three. The cancellation had no other
    # reader and goes; the two payments stay, because shipping has not seen
    # them yet.
    await handle(billing, "Billing", 3)
    await show_stream(js, 2)

    # Shipping handles the first payment. Both consumers are now done with
    # it, so only one message remains.
    await handle(shipping, "Shipping", 1)
    await show_stream(js, 1)

    # Deleting a consumer withdraws its interest. The payment shipping never
    # acknowledged has no reader left and the stream is empty, while its
    # sequence numbers keep counting from where they were.
    await js.delete_consumer("ORDERS", "shipping")
    print("Deleted consumer shipping")
    await show_stream(js, 0)

    await nc.close()


async def create_consumer(js, name, subject_filter):
    """Add a durable pull consumer for the events its filter matches and bind a pull subscription to it."""
    await js.add_consumer(
        "ORDERS",
        ConsumerConfig(durable_name=name, filter_subject=subject_filter, ack_policy=AckPolicy.EXPLICIT),
    )
    print(f"Created consumer {name} for {subject_filter}")
    return await js.pull_subscribe_bind(durable=name, stream="ORDERS")


async def handle(sub, name, count):
    """Fetch `count` events and acknowledge each, waiting for the server to confirm."""
    for msg in await sub.fetch(count, timeout=5):
        await msg.ack_sync(timeout=5)
        print(f"{name} acknowledged sequence {msg.metadata.sequence.stream}: {msg.data.decode()}")


async def show_stream(js, expected):
    """Print the stream's message count, per subject, and its first and last sequence.

    The server removes a message a moment after the last acknowledgement it
    waited for, so this first waits (for up to ten seconds) until the stream
    holds the expected number of messages.
    """
    for _ in range(200):
        state = (await js.stream_info("ORDERS", subjects_filter=">")).state
        if state.messages == expected:
            break
        await asyncio.sleep(0.05)
    else:
        raise SystemExit(f"the ORDERS stream never held {expected} messages")
    print(f"Stream ORDERS holds {state.messages} messages, first sequence {state.first_seq}, last sequence {state.last_seq}")
    for subject, count in sorted((state.subjects or {}).items()):
        print(f"  {subject}: {count}")


if __name__ == "__main__":
    asyncio.run(main())
