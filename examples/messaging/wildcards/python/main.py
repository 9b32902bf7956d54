import asyncio
import os

import nats
from nats.errors import TimeoutError

# Four patterns:
#
# - `sensors.*.temperature`: `*` stands for exactly one token, so this is
#   any three-token subject with `sensors` first and `temperature` last.
# - `sensors.>`: `>` stands for one or more tokens and may only come last,
#   so this is everything below `sensors`, however deep, but not `sensors`
#   itself.
# - `*.*`: any subject of exactly two tokens.
# - `>`: a full wildcard at the root matches every subject.
PATTERNS = ["sensors.*.temperature", "sensors.>", "*.*", ">"]

# Six subjects, each testing one edge of the rules: a token too many for
# `*`, the bare prefix that `>` does not cover, two tokens, and a capital
# letter (subjects are case-sensitive).
SUBJECTS = [
    "sensors.kitchen.temperature",
    "sensors.kitchen.humidity",
    "sensors.garden.shed.temperature",
    "sensors",
    "alerts.kitchen",
    "Sensors.kitchen.temperature",
]


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")

    # One connection both subscribes and publishes. A connection receives
    # its own messages by default, and keeping everything on one connection
    # makes the order of events easy to reason about (see below).
    nc = await nats.connect(url, name="wildcards")

    # Subscriptions without a callback queue their messages until the
    # program reads them. nats-py 2.16 may write a flush's ping ahead of
    # commands still in its buffer, so the program flushes twice to be sure
    # the server has all four.
    subs = [await nc.subscribe(pattern) for pattern in PATTERNS]
    await nc.flush()
    await nc.flush()

    for subject in SUBJECTS:
        await nc.publish(subject, b"reading")
    print(f"Published {len(SUBJECTS)} messages")

    # A flush returns when the server has answered a ping sent after the
    # messages. The server handles a connection's commands in order, so by
    # then it has routed every message, and the client has read every copy
    # it was sent: they wait in the subscriptions' queues. Reading each
    # queue until it is empty (a short timeout, which only runs out once
    # nothing is left) gives the complete set each pattern received.
    await nc.flush()
    await nc.flush()
    for pattern, sub in zip(PATTERNS, subs):
        received = set()
        while True:
            try:
                msg = await sub.next_msg(timeout=0.1)
            except TimeoutError:
                break
            received.add(msg.subject)
        print(f"{pattern} received {len(received)} of {len(SUBJECTS)}:")
        for subject in SUBJECTS:
            mark = "yes" if subject in received else "no "
            print(f"  {mark} {subject}")

    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
