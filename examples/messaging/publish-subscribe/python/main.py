import asyncio
import os

import nats


async def main():
    # The server address comes from `NATS_URL`, the same variable the `nats`
    # command line tool reads, with the usual local address as a fallback.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")

    # Subscribers and publishers need not know about each other, so this
    # program gives each side its own connection, as two separate services
    # would have.
    subscriber = await nats.connect(url, name="subscriber")
    publisher = await nats.connect(url, name="publisher")

    # `*` matches exactly one token, so the first subscription hears about
    # new orders from any region: `orders.eu.new`, `orders.us.new` and so on.
    # `>` matches one or more trailing tokens, so the second one sees
    # everything that happens to European orders.
    #
    # Without a callback, a subscription queues its messages until the
    # program asks for them with `next_msg`, which keeps the two lists apart.
    new_orders = await subscriber.subscribe("orders.*.new")
    eu_orders = await subscriber.subscribe("orders.eu.>")

    # Core NATS stores nothing: a message published before a subscription
    # reaches the server is simply not delivered to it. `flush` waits for
    # the server to answer a ping, and since the server handles a
    # connection's commands in order, the subscriptions sent before the ping
    # are then in place.
    #
    # nats-py 2.16 writes that ping straight to the socket, possibly ahead of
    # commands still waiting in its buffer, so the program flushes twice: by
    # the time the first answer is back the subscriptions have been sent, and
    # the second answer confirms that the server has them.
    await subscriber.flush()
    await subscriber.flush()

    # Four messages. `orders.eu.new` matches both patterns, `orders.us.new`
    # only the first, and the two other European subjects only the second.
    messages = [
        ("orders.eu.new", "order 1 from Lisbon"),
        ("orders.us.new", "order 2 from Denver"),
        ("orders.eu.shipped", "order 1 is on its way"),
        ("orders.eu.delivered", "order 1 arrived"),
    ]
    for subject, body in messages:
        await publisher.publish(subject, body.encode())
        print(f"Published to {subject}: {body}")
    await publisher.flush()

    # Each subscriber reads what it was sent. The message published to
    # `orders.eu.new` reached both: in core NATS every matching subscription
    # gets its own copy.
    await receive(new_orders, 2)
    await receive(eu_orders, 3)

    await subscriber.close()
    await publisher.close()


async def receive(sub, count):
    """Print the next `count` messages of a subscription."""
    print(f"The {sub.subject} subscriber received:")
    for _ in range(count):
        msg = await sub.next_msg(timeout=5)
        print(f"  {msg.subject}: {msg.data.decode()}")


if __name__ == "__main__":
    asyncio.run(main())
