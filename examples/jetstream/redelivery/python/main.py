import asyncio
import json
import os

import nats
from nats.errors import TimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. JetStream must be enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # A stream for image tasks, kept in memory since the example is
    # short-lived.
    await js.add_stream(StreamConfig(name="TASKS", subjects=["tasks.>"], storage=StorageType.MEMORY))
    print("Created stream TASKS")

    # The `worker` consumer wants every message acknowledged. One that is not
    # acknowledged within `ack_wait` (in seconds: one here, thirty unless
    # set) is delivered again, and so is one the worker rejects with a nak,
    # at once. `max_deliver` caps the deliveries of a message at three.
    info = await js.add_consumer(
        "TASKS",
        ConsumerConfig(durable_name="worker", ack_policy=AckPolicy.EXPLICIT, ack_wait=1, max_deliver=3),
    )
    print(
        f"Created consumer worker: ack wait {info.config.ack_wait:.0f}s, at most {info.config.max_deliver} deliveries"
    )

    # When a message has used up its deliveries, the server publishes an
    # advisory on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
    # Nothing else records the failure, so that advisory is the signal to
    # set the message aside as a dead letter. The subscription is in place,
    # and the flush makes sure the server knows it, before any task exists.
    advisories = await nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.worker")
    await nc.flush()
    print("Listening for max-deliveries advisories of TASKS > worker")

    # Two tasks; the second one names a file the worker cannot read.
    for task in ("resize photo-1.jpg", "resize broken.jpg"):
        ack = await js.publish("tasks.resize", task.encode())
        print(f"Published {task}: stream sequence {ack.seq}")

    # The worker binds to the consumer and takes one message at a time,
    # waiting up to five seconds for it. The message's metadata counts its
    # deliveries. The good task is acknowledged (`ack_sync` waits for the
    # server to confirm it). The broken one fails every time: the first
    # failure is a nak, which makes the message come back at once; the
    # second time the worker does not answer at all, as if it had crashed,
    # and the message comes back only when the ack wait has run out; the
    # third failure is a nak again, on the last delivery allowed.
    worker = await js.pull_subscribe_bind("worker", stream="TASKS")
    for _ in range(4):
        [msg] = await worker.fetch(1, timeout=5)
        meta = msg.metadata
        prefix = f"Delivery {meta.num_delivered} of sequence {meta.sequence.stream} ({msg.data.decode()})"
        if msg.data == b"resize photo-1.jpg":
            await msg.ack_sync()
            print(f"{prefix}: done, acknowledged")
        elif meta.num_delivered == 2:
            print(f"{prefix}: no answer")
        else:
            await msg.nak()
            print(f"{prefix}: failed, nak")

    # A pull consumer looks at a message it would deliver again when a client
    # asks for messages. When the worker asks once more, the server finds the
    # message at its limit: instead of delivering it, it publishes the
    # advisory, and the worker's request ends empty after its one-second
    # wait, which nats-py reports as a timeout.
    try:
        [extra] = await worker.fetch(1, timeout=1)
        raise SystemExit(f"delivered a fourth time: {extra.data.decode()}")
    except TimeoutError:
        print("No task left for the worker")

    # The advisory is JSON. It names the stream sequence of the message,
    # which reads the dead letter back from the stream: the stream still
    # holds it, since a limits stream keeps messages whatever their consumers
    # do.
    advisory = json.loads((await advisories.next_msg(timeout=5)).data)
    print(
        f"Advisory: consumer {advisory['consumer']} gave up on sequence {advisory['stream_seq']} "
        f"of stream {advisory['stream']} after {advisory['deliveries']} deliveries"
    )
    dead = await js.get_msg("TASKS", advisory["stream_seq"])
    print(f"Dead letter: sequence {dead.seq} on {dead.subject}: {dead.data.decode()}")

    # The consumer has nothing left: no message awaits acknowledgement and
    # none waits to be delivered.
    info = await js.consumer_info("TASKS", "worker")
    print(f"Consumer worker: {info.num_ack_pending} awaiting acknowledgement, {info.num_pending} to process")

    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
