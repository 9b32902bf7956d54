import asyncio
import os

import nats
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. JetStream must be enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)

    # The JetStream context publishes to streams and manages them; its calls
    # are requests to the server.
    js = nc.jetstream()

    # The `SENSORS` stream captures every subject under `sensors.`. Limits
    # retention (the default) keeps messages until a limit is reached; here
    # the only limit is `max_msgs_per_subject=3`, so each sensor's latest
    # three readings survive however chatty the other sensors are. When a
    # subject is full, the oldest message makes room (`DiscardPolicy.OLD`).
    await js.add_stream(
        StreamConfig(
            name="SENSORS",
            description="Latest readings of every sensor",
            subjects=["sensors.>"],
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            max_msgs_per_subject=3,
        )
    )
    print("Created stream SENSORS, keeping 3 messages per subject")

    # Five kitchen readings and two from the cellar. A JetStream publish
    # waits for the stream's acknowledgement, which names the sequence number
    # the message was stored under.
    readings = [
        ("sensors.kitchen", "19.5"),
        ("sensors.kitchen", "19.8"),
        ("sensors.kitchen", "20.1"),
        ("sensors.kitchen", "20.4"),
        ("sensors.kitchen", "20.6"),
        ("sensors.cellar", "12.0"),
        ("sensors.cellar", "12.1"),
    ]
    for subject, value in readings:
        ack = await js.publish(subject, value.encode())
        print(f"Published {subject} {value}: stored as sequence {ack.seq}")

    # Seven messages went in but the stream holds five: the two oldest
    # kitchen readings were dropped to respect the per-subject limit, which
    # is why the first sequence is 3. Asking for the stream's info with a
    # subject filter also returns the number of messages on each subject.
    info = await js.stream_info("SENSORS", subjects_filter=">")
    state = info.state
    print(f"Stream SENSORS holds {state.messages} messages, sequences {state.first_seq} to {state.last_seq}")
    print("Messages per subject:")
    for subject, count in sorted(state.subjects.items()):
        print(f"  {subject}: {count}")

    # The most recent message on a subject can be read directly from the
    # stream, without creating a consumer.
    last = await js.get_last_msg("SENSORS", "sensors.kitchen")
    print(f"Latest on sensors.kitchen: {last.data.decode()} (sequence {last.seq})")

    # Finally, the names of all streams in the account.
    for stream in await js.streams_info():
        print(f"Stream in the account: {stream.config.name}")

    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
