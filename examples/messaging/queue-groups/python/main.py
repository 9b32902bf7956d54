import asyncio
import os

import nats


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)

    # Two workers subscribe to `jobs.resize` in the queue group `resizers`.
    # The server hands each message to one member of the group, so which
    # worker gets which job changes from run to run. Each worker puts the
    # number of every job it handles on the `handled` queue.
    handled = asyncio.Queue()

    async def worker(msg):
        await handled.put(job_number(msg))

    for _ in range(2):
        await nc.subscribe("jobs.resize", queue="resizers", cb=worker)

    # The auditor subscribes to the same subject without a queue group, so
    # it receives its own copy of every message.
    audited = asyncio.Queue()

    async def auditor(msg):
        await audited.put(job_number(msg))

    await nc.subscribe("jobs.resize", cb=auditor)

    # The publisher knows nothing about the group: it publishes ten jobs to
    # the subject, and adding workers would need no change here.
    for n in range(1, 11):
        await nc.publish("jobs.resize", f"image {n}".encode())
    print("Published 10 jobs to jobs.resize")

    # Collect what the workers handled. Put together, their jobs are every
    # job exactly once: the group never gave the same message to both.
    jobs = sorted(await collect(handled, 10))
    print("Jobs handled by the resizers queue group:")
    for n in jobs:
        print(f"  image {n}")
    if jobs != list(range(1, 11)):
        raise SystemExit(f"the workers handled {jobs}")
    print("Every job was handled by exactly one worker")

    # The auditor, outside the group, saw all ten as well.
    print(f"Jobs seen by the auditor: {len(await collect(audited, 10))}")

    await nc.close()


def job_number(msg):
    """The number in a message body such as `image 7`."""
    return int(msg.data.decode().removeprefix("image "))


async def collect(queue, count):
    """Take `count` job numbers from a queue, waiting at most five seconds in all."""

    async def take():
        return [await queue.get() for _ in range(count)]

    return await asyncio.wait_for(take(), timeout=5)


if __name__ == "__main__":
    asyncio.run(main())
