import asyncio
import json
import os

import nats

# The unit prices the service knows, in cents.
PRICES = {"book": 1200, "lamp": 3500}


def encode(value):
    """Compact JSON bytes. `json.dumps` puts a space after `,` and `:`
    unless told otherwise; the separators here match what the programs in
    the other languages send."""
    return json.dumps(value, separators=(",", ":")).encode()


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")

    # One connection for the shop (publisher and caller), one for the
    # subscriber and the price service.
    shop = await nats.connect(url, name="shop")
    backend = await nats.connect(url, name="backend")

    # A subscription without a callback, read with `next_msg`.
    orders = await backend.subscribe("orders.created")

    # The price service decodes each request with `json.loads`, which
    # raises `ValueError` for a body that is not valid JSON. JSON has no
    # schema, so the service also checks that the fields it needs are there
    # and have the right type. On any problem it answers with an error in
    # JSON rather than staying silent, so the caller learns why at once
    # instead of waiting for a timeout.
    async def quote(msg):
        try:
            req = json.loads(msg.data)
            valid = isinstance(req.get("item"), str) and isinstance(req.get("quantity"), int)
        except (ValueError, AttributeError):
            valid = False
        if not valid:
            reply = {"error": "invalid request"}
        elif req["item"] not in PRICES:
            reply = {"error": "unknown item"}
        else:
            total = PRICES[req["item"]] * req["quantity"]
            reply = {"item": req["item"], "quantity": req["quantity"], "total_cents": total}
        await msg.respond(encode(reply))

    await backend.subscribe("prices.quote", cb=quote)

    # nats-py 2.16 may write a flush's ping ahead of commands still in its
    # buffer, so the backend flushes twice to be sure the server has both
    # subscriptions.
    await backend.flush()
    await backend.flush()

    # A `dict` keeps its keys in the order they were added, and `json.dumps`
    # writes them in that order. The second body is cut short on purpose:
    # NATS does not check payloads, so it is delivered like the others.
    bodies = [
        encode({"id": 1001, "item": "book", "quantity": 2}),
        b'{"id":1002,"item":"pen"',
        encode({"id": 1003, "item": "lamp", "quantity": 1}),
    ]
    for body in bodies:
        await shop.publish("orders.created", body)
        print(f"Published {body.decode()}")

    # The subscriber decodes each body. A malformed one is reported and
    # skipped: one bad message must not stop the others.
    for _ in bodies:
        msg = await orders.next_msg(timeout=5)
        try:
            order = json.loads(msg.data)
        except ValueError:
            print(f"Skipped a malformed message: {msg.data.decode()}")
            continue
        print(f"Order {order['id']}: {order['quantity']} x {order['item']}")

    # Request and reply carry JSON the same way. The second request has a
    # quantity that is a string, not a number: valid JSON, but not a valid
    # request.
    for body in [encode({"item": "book", "quantity": 2}), b'{"item":"book","quantity":"two"}']:
        print(f"Requested {body.decode()}")
        msg = await shop.request("prices.quote", body, timeout=2)
        print(f"Reply {msg.data.decode()}")
        reply = json.loads(msg.data)
        if "error" in reply:
            print(f"Quote failed: {reply['error']}")
            continue
        print(f"Quote: {reply['quantity']} x {reply['item']} = {reply['total_cents']} cents")

    await backend.close()
    await shop.close()


if __name__ == "__main__":
    asyncio.run(main())
