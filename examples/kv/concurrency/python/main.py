import asyncio
import os

import nats
import nats.js.errors
from nats.js.errors import KeyWrongLastSequenceError


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. The key-value store is part of JetStream, which must be
    # enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # A bucket of stock levels that keeps five revisions per key.
    kv = await js.create_key_value(bucket="inventory", history=5)
    print("Created bucket inventory, keeping 5 revisions per key")

    # `create` writes a key only if it has no value yet. The first create
    # succeeds; a second one, from someone who thought they were first, is
    # refused with `KeyWrongLastSequenceError`: the bucket expected the key
    # to have no revision at all.
    revision = await kv.create("widgets", b"10")
    print(f"Created widgets = 10 (revision {revision})")
    try:
        await kv.create("widgets", b"12")
        raise SystemExit("expected the second create to be refused")
    except KeyWrongLastSequenceError:
        print("Creating widgets = 12 was refused: widgets already exists")

    # Two clerks read the stock level. Both see 10, at revision 1.
    read = await kv.get("widgets")
    print(f"Both clerks read widgets = {read.value.decode()} (revision {read.revision})")

    # The first clerk sells one widget and writes 9, on the condition that
    # the key is still at the revision it read. It is, so the update
    # succeeds and the key moves to a new revision.
    revision = await kv.update("widgets", b"9", last=read.revision)
    print(f"The first clerk updated widgets to 9 (revision {revision})")

    # The second clerk sold two widgets and, working from the same read,
    # writes 8 on the same condition. The key has moved on, so the update is
    # refused instead of silently losing the first clerk's sale.
    try:
        await kv.update("widgets", b"8", last=read.revision)
        raise SystemExit("expected the second clerk's update to be refused")
    except KeyWrongLastSequenceError:
        print(f"The second clerk's update to 8 was refused: widgets is no longer at revision {read.revision}")

    # The second clerk reads again, finds 9, and retries from that revision.
    reread = await kv.get("widgets")
    print(f"The second clerk read widgets = {reread.value.decode()} (revision {reread.revision})")
    revision = await kv.update("widgets", b"7", last=reread.revision)
    print(f"The second clerk updated widgets to 7 (revision {revision})")

    # After a delete, `create` works again: the key's latest revision is a
    # delete marker, so the key counts as absent.
    await kv.delete("widgets")
    print("Deleted widgets")
    revision = await kv.create("widgets", b"50")
    print(f"Created widgets = 50 (revision {revision})")

    # The history shows every successful write, and none of the refused
    # ones. An entry's `operation` is empty for a value and `DEL` for a
    # delete marker.
    print("History of widgets:")
    for entry in await history_of(kv, "widgets"):
        if entry.operation is None:
            print(f"  revision {entry.revision}: PUT {entry.value.decode()}")
        else:
            print(f"  revision {entry.revision}: DELETE")

    await nc.close()


async def history_of(kv, key):
    """The revisions of `key`, which has some. nats-py 2.16 reads a history
    through a watcher that can decide there is nothing to read before it has
    counted the first entries, on a busy machine: it then raises
    `NoKeysError` for a key that has revisions. Asking again reads them."""
    for _ in range(4):
        try:
            return await kv.history(key)
        except nats.js.errors.NoKeysError:
            pass
    return await kv.history(key)


if __name__ == "__main__":
    asyncio.run(main())
