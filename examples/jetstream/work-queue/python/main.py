import asyncio
import os

import nats
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. JetStream must be enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # `WORK_QUEUE` retention turns the stream into a durable to-do list: a
    # message stays until a consumer acknowledges it, then it is removed.
    await js.add_stream(
        StreamConfig(
            name="JOBS",
            subjects=["jobs.>"],
            retention=RetentionPolicy.WORK_QUEUE,
            storage=StorageType.FILE,
        )
    )
    print("Created work queue stream JOBS")

    # Two pull consumers, each owning one kind of job. Their filters,
    # `jobs.email` and `jobs.image`, do not overlap, so every job has exactly
    # one owner.
    mailer = await create_consumer(js, "mailer", "jobs.email")
    thumbnailer = await create_consumer(js, "thumbnailer", "jobs.image")

    # A work queue refuses a consumer whose filter overlaps another's: a
    # second consumer for `jobs.email` could take jobs the mailer expects.
    try:
        await js.add_consumer(
            "JOBS",
            ConsumerConfig(durable_name="second-mailer", filter_subject="jobs.email", ack_policy=AckPolicy.EXPLICIT),
        )
        raise SystemExit("expected the server to refuse a second consumer on jobs.email")
    except APIError as err:
        print(f"A second consumer on jobs.email was refused: {err.description} (error {err.err_code})")

    # Queue up five jobs: two emails and three images.
    jobs = [
        ("jobs.email", "welcome mail for ada"),
        ("jobs.email", "invoice for grace"),
        ("jobs.image", "thumbnail of photo-1.jpg"),
        ("jobs.image", "thumbnail of photo-2.jpg"),
        ("jobs.image", "thumbnail of photo-3.jpg"),
    ]
    for subject, body in jobs:
        await js.publish(subject, body.encode())
    print("Queued 2 email jobs and 3 image jobs")
    await show_stream(js, 5)

    # The mailer takes both email jobs and acknowledges them. Acknowledged
    # jobs leave the stream: three remain, all images, and the first sequence
    # moves past the finished emails.
    await work(mailer, "mailer", 2)
    await show_stream(js, 3)

    # The thumbnailer works through the images. Then the stream is empty,
    # but its sequence numbers keep counting: the next job will be number 6.
    await work(thumbnailer, "thumbnailer", 3)
    await show_stream(js, 0)

    await nc.close()


async def create_consumer(js, name, subject):
    """Add a durable pull consumer for the jobs on one subject and bind a pull subscription to it."""
    await js.add_consumer(
        "JOBS",
        ConsumerConfig(durable_name=name, filter_subject=subject, ack_policy=AckPolicy.EXPLICIT),
    )
    print(f"Created consumer {name} for {subject}")
    return await js.pull_subscribe_bind(durable=name, stream="JOBS")


async def work(sub, name, count):
    """Fetch `count` jobs and acknowledge each, waiting for the server to confirm."""
    for msg in await sub.fetch(count, timeout=5):
        await msg.ack_sync(timeout=5)
        print(f"The {name} did: {msg.data.decode()}")


async def show_stream(js, expected):
    """Print the stream's message count, per subject, and its first and last sequence.

    The server removes acknowledged messages a moment after confirming the
    acknowledgement, so this first waits (for up to ten seconds) until the
    stream holds the expected number of messages.
    """
    for _ in range(200):
        state = (await js.stream_info("JOBS", subjects_filter=">")).state
        if state.messages == expected:
            break
        await asyncio.sleep(0.05)
    else:
        raise SystemExit(f"the JOBS stream never held {expected} messages")
    print(f"Stream JOBS holds {state.messages} messages, first sequence {state.first_seq}, last sequence {state.last_seq}")
    for subject, count in sorted((state.subjects or {}).items()):
        print(f"  {subject}: {count}")


if __name__ == "__main__":
    asyncio.run(main())
