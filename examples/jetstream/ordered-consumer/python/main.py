import asyncio
import os

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy, StorageType, StreamConfig

# The audit events the example stores, in the order they happen.
EVENTS = [
    ("audit.users", "alice signed up"),
    ("audit.orders", "alice placed order 1"),
    ("audit.users", "bob signed up"),
    ("audit.orders", "bob placed order 2"),
    ("audit.users", "alice changed her email"),
    ("audit.orders", "order 1 shipped"),
]


async def replay(sub):
    # Print messages until the consumer has nothing left to deliver. Every
    # message's metadata carries the number of messages still pending after
    # it, so a reader knows it has reached the end of the stream when that
    # number drops to zero, without waiting for a timeout.
    while True:
        msg = await sub.next_msg(timeout=5)
        meta = msg.metadata
        print(f"  #{meta.sequence.stream} {msg.subject}: {msg.data.decode()}")
        if meta.num_pending == 0:
            break
    await sub.unsubscribe()


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. JetStream must be enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # The `AUDIT` stream keeps every event published under `audit.>`.
    await js.add_stream(StreamConfig(name="AUDIT", subjects=["audit.>"], storage=StorageType.MEMORY))
    print("Created stream AUDIT")

    for subject, data in EVENTS:
        await js.publish(subject, data.encode())
    print(f"Published {len(EVENTS)} events")

    # `ordered_consumer=True` makes the subscription create an ephemeral
    # push consumer with flow control and heartbeats and no
    # acknowledgements. The library checks every sequence number, and if a
    # message goes missing or the heartbeats stop, it recreates the consumer
    # from the last sequence it delivered. Subscribing to the stream's whole
    # subject space reads it from the first message.
    everything = await js.subscribe("audit.>", stream="AUDIT", ordered_consumer=True)
    print("Replaying the whole stream:")
    await replay(everything)

    # A second ordered consumer narrows the view: only `audit.orders`, and
    # only from stream sequence 3 on. Other start positions work the same
    # way, such as `DeliverPolicy.LAST_PER_SUBJECT` to get just the latest
    # event of each subject when building a cache.
    orders = await js.subscribe(
        "audit.orders",
        stream="AUDIT",
        ordered_consumer=True,
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
        config=ConsumerConfig(opt_start_seq=3),
    )
    print("Replaying audit.orders from sequence 3:")
    await replay(orders)

    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
