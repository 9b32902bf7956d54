import asyncio
import os

import nats


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")

    # The service and its caller each get their own connection, as two
    # programs would. Neither ever learns the other's address: they only
    # share a subject.
    service = await nats.connect(url, name="greeter")
    client = await nats.connect(url, name="caller")

    # The service is an ordinary subscription on `greet.hello`. Every request
    # carries a reply subject, a private inbox of the caller, and
    # `msg.respond` publishes the answer there. Requests can carry headers
    # like any message; the service reads the `Language` header when there
    # is one.
    async def greet(msg):
        name = msg.data.decode()
        lang = (msg.headers or {}).get("Language")
        if lang:
            print(f'Service got "{name}" with Language: {lang}')
        else:
            print(f'Service got "{name}"')
        await msg.respond(f"Hello, {name}!".encode())

    await service.subscribe("greet.hello", cb=greet)

    # A request sent before the subscription reaches the server would find
    # nobody to answer. `flush` waits for the server to answer a ping, and
    # since the server handles a connection's commands in order, the
    # subscription sent before the ping is then in place.
    #
    # nats-py 2.16 writes that ping straight to the socket, possibly ahead of
    # commands still waiting in its buffer, so the service flushes twice: by
    # the time the first answer is back the subscription has been sent, and
    # the second answer confirms that the server has it.
    await service.flush()
    await service.flush()
    print("Service listening on greet.hello")

    # `request` publishes the message with a fresh inbox as its reply subject
    # and waits for the first answer, here for up to two seconds.
    reply = await client.request("greet.hello", b"Ada", timeout=2)
    print(f"Reply: {reply.data.decode()}")

    # The second request carries a header.
    reply = await client.request("greet.hello", b"Grace", timeout=2, headers={"Language": "en"})
    print(f"Reply: {reply.data.decode()}")

    # Draining stops the service gracefully: the server stops sending it
    # requests, those already received are answered, and then the
    # connection closes.
    await service.drain()
    print("Service stopped")

    await client.close()


if __name__ == "__main__":
    asyncio.run(main())
