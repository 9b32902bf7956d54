import asyncio
import os

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. JetStream must be enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # A stream for orders, kept in memory since the example is short-lived.
    await js.add_stream(StreamConfig(name="ORDERS", subjects=["orders.>"], storage=StorageType.MEMORY))
    print("Created stream ORDERS")

    # Five orders arrive before anyone reads them. Each acknowledgement from
    # the stream names the sequence the order was stored under.
    for n in range(1, 6):
        ack = await js.publish("orders.new", f"order {n}".encode())
        print(f"Published order {n}: stored as sequence {ack.seq}")

    # The `processor` consumer is durable: it has a name and keeps its
    # position on the server even while no client is connected. A consumer
    # without a push subject is a pull consumer: clients ask for messages
    # when they are ready. It starts at the beginning of the stream, and
    # every message must be acknowledged on its own; one that is not
    # acknowledged within `ack_wait` seconds is delivered again, at most
    # `max_deliver` times.
    info = await js.add_consumer(
        "ORDERS",
        ConsumerConfig(
            durable_name="processor",
            filter_subject="orders.>",
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=30,
            max_deliver=5,
            max_ack_pending=100,
        ),
    )
    print(f"Created consumer processor: {info.num_pending} messages to process")

    # A pull subscription bound to the consumer asks for messages with
    # `fetch`, here two of them, waiting at most five seconds. Each message's
    # metadata tells where it sits in the stream, how often it was delivered
    # and how many messages are still waiting after it.
    #
    # `ack_sync` acknowledges the message and waits for the server to confirm
    # it has recorded the acknowledgement.
    sub = await js.pull_subscribe_bind(durable="processor", stream="ORDERS")
    for msg in await sub.fetch(2, timeout=5):
        meta = msg.metadata
        print(
            f"Received {msg.data.decode()}: stream sequence {meta.sequence.stream}, "
            f"consumer sequence {meta.sequence.consumer}, delivery {meta.num_delivered}, "
            f"{meta.num_pending} pending"
        )
        await msg.ack_sync(timeout=5)
        print(f"Acknowledged {msg.data.decode()}")

    # The consumer's state shows the outcome: the acknowledgement floor is at
    # stream sequence 2, nothing awaits acknowledgement, and three messages
    # are still waiting to be processed.
    info = await js.consumer_info("ORDERS", "processor")
    print(
        f"Consumer processor: acknowledged up to stream sequence {info.ack_floor.stream_seq}, "
        f"{info.num_ack_pending} awaiting acknowledgement, {info.num_pending} to process"
    )

    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
