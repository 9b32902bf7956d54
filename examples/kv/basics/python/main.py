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

    # Create the `profiles` bucket. `history=5` keeps the last five values of
    # each key instead of only the latest one.
    kv = await js.create_key_value(bucket="profiles", description="User profile settings", history=5)
    print("Created bucket profiles, keeping 5 revisions per key")

    # `put` stores a value and returns its revision: the sequence number of
    # the message that holds it in the bucket's stream. Writing a key that
    # already exists adds a new revision.
    for key, value in [
        ("ada.theme", "light"),
        ("ada.language", "en"),
        ("grace.theme", "dark"),
        ("ada.theme", "dark"),
    ]:
        revision = await kv.put(key, value.encode())
        print(f"Put {key} = {value} (revision {revision})")

    # `get` returns the latest value of a key together with its revision.
    for key in ["ada.theme", "ada.language"]:
        entry = await kv.get(key)
        print(f"Get {key}: {entry.value.decode()} (revision {entry.revision})")

    # Deleting a key does not erase its past: the delete is recorded as one
    # more revision, a marker without a value.
    await kv.delete("grace.theme")
    print("Deleted grace.theme")

    # The history of a key lists every revision still kept, oldest first. An
    # entry's `operation` is empty for a value and `DEL` for a delete marker.
    for key in ["ada.theme", "grace.theme"]:
        print(f"History of {key}:")
        for entry in await history_of(kv, key):
            if entry.operation is None:
                print(f"  revision {entry.revision}: PUT {entry.value.decode()}")
            else:
                print(f"  revision {entry.revision}: DELETE")

    # Listing the keys shows those that currently hold a value; the deleted
    # one is gone. The order of the listing is not guaranteed, so it is
    # sorted.
    keys = sorted(await keys_of(kv))
    print(f"Keys with a value: {', '.join(keys)}")

    # The status of the bucket: its history setting, how many values it holds
    # (every kept revision counts, the delete marker too) and the stream
    # behind it.
    status = await kv.status()
    print(
        f"Bucket {status.bucket}: {status.history} revisions per key, {status.values} values stored, "
        f"backed by stream {status.stream_info.config.name}"
    )

    # Finally, the names of all buckets in the account. A bucket is a stream
    # whose name is the bucket's with `KV_` in front, so the bucket names are
    # read from the list of streams.
    for stream in await js.streams_info():
        if stream.config.name.startswith("KV_"):
            print(f"Bucket in the account: {stream.config.name.removeprefix('KV_')}")

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



async def keys_of(kv):
    """The keys holding a value, of a bucket that has some: `keys` reads
    through the same watcher as `history`, and is asked again the same way."""
    for _ in range(4):
        try:
            return await kv.keys()
        except nats.js.errors.NoKeysError:
            pass
    return await kv.keys()

if __name__ == "__main__":
    asyncio.run(main())
