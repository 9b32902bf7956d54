import asyncio
import os

import nats
import nats.js.errors


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. The key-value store is part of JetStream, which must be
    # enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # The `releases` bucket keeps the last five revisions of each key
    # (`history=5`; the most a bucket can keep is 64).
    releases = await js.create_key_value(bucket="releases", history=5)
    print("Created bucket releases, keeping 5 revisions per key")

    # One version of the API, then six versions of the web front end, one
    # after the other. Every put is a new revision of the key.
    await releases.put("api.version", b"3.4")
    for version in ("1.0", "1.1", "1.2", "2.0", "2.1", "2.2"):
        await releases.put("web.version", version.encode())
    print("Put api.version once and web.version six times")

    # Six revisions went in, five are kept: the first one, 1.0, made room.
    await print_history(releases, "web.version")

    # Deleting the key adds a delete marker as its newest revision. The
    # marker counts against the history limit like any other revision, so
    # 1.1 goes too, but the older values stay readable.
    await releases.delete("web.version")
    print("Deleted web.version")
    await print_history(releases, "web.version")

    # Purging the key removes every revision it has and leaves a single
    # purge marker: the history is gone, which a delete alone never does.
    await releases.purge("web.version")
    print("Purged web.version")
    await print_history(releases, "web.version")

    # The purge touched only its key: api.version keeps its history.
    await print_history(releases, "api.version")

    # The bucket now holds two messages: the value of api.version and the
    # purge marker of web.version.
    status = await releases.status()
    print(f"Bucket {status.bucket}: {status.history} revisions per key, {status.values} values stored")

    await nc.close()


async def print_history(kv, key):
    """Lists every revision of a key the bucket still keeps, oldest first,
    with its operation: a put with its value, or a delete or purge marker.
    An entry's `operation` is `None` for a put, `DEL` or `PURGE` for a
    marker."""
    print(f"History of {key}:")
    for entry in await history_of(kv, key):
        if entry.operation is None:
            print(f"  revision {entry.revision}: PUT {entry.value.decode()}")
        elif entry.operation == "DEL":
            print(f"  revision {entry.revision}: DELETE")
        else:
            print(f"  revision {entry.revision}: {entry.operation}")


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
