import asyncio
import os

import nats


async def main():
    # `NATS_URL` holds the address of the NATS server to connect to;
    # without it, the program tries a server on this machine's default
    # port, 4222.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)

    # A responder: every request on `demo.hello` gets an answer on the
    # request's reply subject.
    async def respond(msg):
        await msg.respond(f"Hello, {msg.data.decode()}!".encode())

    await nc.subscribe("demo.hello", cb=respond)

    # The request goes over the same connection, after the subscription,
    # and the server handles a connection's commands in order: the
    # responder is in place when the request arrives. It waits up to two
    # seconds for the answer.
    reply = await nc.request("demo.hello", b"NATS", timeout=2)
    print(f"Reply: {reply.data.decode()}")

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
