import asyncio
import os

import nats

# How many messages each subscriber is sent.
TOTAL = 10


async def run(url, publisher, subject, graceful):
    """Start a subscriber on its own connection, fill its buffer with TOTAL
    messages while its handler is held up on the first one, stop it by
    draining (`graceful`) or by closing, and return how many messages the
    handler got."""
    nc = await nats.connect(url)

    # The handler counts every message it is given. On the first one it
    # says so on `started`, then waits for `release`, standing for slow
    # work: meanwhile the other messages wait in the client's buffer.
    count = 0
    started = asyncio.Event()
    release = asyncio.Event()

    async def handle(msg):
        nonlocal count
        count += 1
        if count == 1:
            started.set()
            await release.wait()

    await nc.subscribe(subject, cb=handle)
    # nats-py 2.16 may write a flush's ping ahead of commands still in its
    # buffer, so the program flushes twice to be sure the server has the
    # subscription.
    await nc.flush()
    await nc.flush()

    for i in range(1, TOTAL + 1):
        await publisher.publish(subject, f"job {i}".encode())

    # Each flush returns when the server has answered a ping. The
    # publisher's proves the server has routed all the messages; the
    # subscriber's ping is answered after them, so by then the client has
    # read every one. Once the handler has started on the first, the other
    # nine wait in the buffer.
    await publisher.flush()
    await publisher.flush()
    await nc.flush()
    await started.wait()

    # Stop the subscriber while its buffer is full. `drain` returns only
    # when the handler has finished every message, so the handler is let go
    # while the drain runs. `close` returns once the connection is closed,
    # and only then is the handler let go.
    if graceful:
        draining = asyncio.create_task(nc.drain())
        release.set()
        await draining
    else:
        await nc.close()
        release.set()
    return count


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    publisher = await nats.connect(url, name="publisher")

    # First the abrupt way: `close` shuts the connection at once. It cancels
    # the handler's task, the one message in progress included, and drops
    # the messages still waiting in the buffer.
    handled = await run(url, publisher, "jobs.closed", graceful=False)
    print(f"Closed: {handled} of {TOTAL} messages handled, {TOTAL - handled} lost")

    # Then gracefully: `drain` unsubscribes, so the server sends nothing
    # new, waits until the handler has worked through every message already
    # in the buffer, and then closes the connection.
    handled = await run(url, publisher, "jobs.drained", graceful=True)
    print(f"Drained: {handled} of {TOTAL} messages handled, {TOTAL - handled} lost")

    await publisher.close()


if __name__ == "__main__":
    asyncio.run(main())
