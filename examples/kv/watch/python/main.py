import asyncio
import os

import nats


async def main():
    # The server address comes from `NATS_URL`, with the usual local address
    # as a fallback. The key-value store is part of JetStream, which must be
    # enabled on that server.
    url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
    nc = await nats.connect(url)
    js = nc.jetstream()

    # Two buckets: `flags` remembers the last three values of each key,
    # `sessions` only the latest, and its values expire after an hour (the
    # TTL is given in seconds).
    flags = await js.create_key_value(bucket="flags", description="Feature switches", history=3)
    await js.create_key_value(bucket="sessions", ttl=3600)
    print("Created buckets flags and sessions")

    # Two flags exist before anyone watches.
    await put(flags, "dark-mode", "on")
    await put(flags, "beta-search", "off")

    # A watcher first delivers the current value of every key, then `None` to
    # say it has caught up, then every change as it happens. This program
    # reads its updates in turn with the changes it makes, so the output has
    # a fixed order. `updates` waits at most five seconds.
    watcher = await flags.watchall()
    while (entry := await watcher.updates(timeout=5)) is not None:
        print(f"Watcher: {describe(entry)}")
    print("Watcher: caught up with the current values")

    # Three changes: beta search is switched on, dark mode is removed, and a
    # new flag appears. The watcher reports each one.
    await put(flags, "beta-search", "on")
    await flags.delete("dark-mode")
    print("Deleted dark-mode")
    await put(flags, "new-checkout", "on")
    for _ in range(3):
        print(f"Watcher: {describe(await watcher.updates(timeout=5))}")
    await watcher.stop()

    # A key's history keeps up to three revisions, the delete marker
    # included.
    print("History of dark-mode:")
    for entry in await flags.history("dark-mode"):
        print(f"  {describe(entry)}")

    # Every bucket of the account with its settings, in name order. A bucket
    # is a stream whose name is the bucket's with `KV_` in front, so the
    # buckets are found in the list of streams.
    buckets = []
    for stream in await js.streams_info():
        config = stream.config
        if not config.name.startswith("KV_"):
            continue
        description = f" ({config.description})" if config.description else ""
        ttl = f"TTL {int(config.max_age)}s" if config.max_age else "no TTL"
        buckets.append(
            f"  {config.name.removeprefix('KV_')}{description}: history {config.max_msgs_per_subject}, "
            f"{stream.state.messages} values, {ttl}"
        )
    print("Buckets in the account:")
    for line in sorted(buckets):
        print(line)

    await nc.close()


async def put(kv, key, value):
    """Store a value and print its revision."""
    revision = await kv.put(key, value.encode())
    print(f"Put {key} = {value} (revision {revision})")


def describe(entry):
    """An entry's revision, operation, key and value in one line."""
    if entry.operation is None:
        return f"revision {entry.revision}: PUT {entry.key} = {entry.value.decode()}"
    return f"revision {entry.revision}: DELETE {entry.key}"


if __name__ == "__main__":
    asyncio.run(main())
