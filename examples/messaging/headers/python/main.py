import asyncio
import os

import nats


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")

    # One connection plays the subscriber and the service, another the
    # publisher and the caller, as separate programs would.
    receiver = await nats.connect(url, name="receiver")
    sender = await nats.connect(url, name="sender")

    # A subscription without a callback queues its messages until the
    # program asks for them with `next_msg`. `flush` waits for the server to
    # answer a ping; nats-py 2.16 may write that ping ahead of commands still
    # in its buffer, so the program flushes twice to be sure the server has
    # the subscription.
    orders = await receiver.subscribe("orders.new")
    await receiver.flush()
    await receiver.flush()

    # nats-py takes headers as a plain `dict`, one string per key. The NATS
    # protocol allows a key to repeat, and other clients can send a `Tag`
    # with two values; nats-py can send only one, and when it receives a
    # repeated key it keeps the last value. This program therefore sends a
    # single `Tag`.
    await sender.publish("orders.new", b"2 books", headers={"Tag": "priority"})
    await sender.flush()
    print('Published "2 books" to orders.new with Tag: priority')

    # On the receiving side, `msg.headers` is that same kind of `dict`, or
    # `None` when the message carried no headers at all.
    got = await orders.next_msg(timeout=5)
    headers = got.headers or {}
    print(f'Subscriber got "{got.data.decode()}"')
    print(f"  Tag (first value): {headers.get('Tag')}")
    print(f"  Tag (all values): {headers.get('Tag')}")

    # A reply is a message like any other, so it can carry headers too. The
    # service reads the `Order-Id` header of each request and publishes its
    # answer to the request's reply subject with a `Status` header.
    async def status(req):
        order_id = (req.headers or {}).get("Order-Id")
        print(f'Service got "{req.data.decode()}" with Order-Id: {order_id}')
        await receiver.publish(req.reply, b"on its way", headers={"Status": "shipped"})

    await receiver.subscribe("orders.status", cb=status)
    await receiver.flush()
    await receiver.flush()

    # `request` takes headers like `publish` does; the reply's headers
    # arrive with it.
    reply = await sender.request(
        "orders.status", b"where is it?", timeout=2, headers={"Order-Id": "1001"}
    )
    print(f'Reply: "{reply.data.decode()}"')
    print(f"  Status: {(reply.headers or {}).get('Status')}")

    await receiver.close()
    await sender.close()


if __name__ == "__main__":
    asyncio.run(main())
