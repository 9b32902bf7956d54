use std::time::Duration;

use async_nats::jetstream::{self, kv};
use futures::{StreamExt, TryStreamExt};

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. The key-value store is part of JetStream, which must be
    // enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);

    // Two buckets: `flags` remembers the last three values of each key,
    // `sessions` only the latest, and its values expire after an hour.
    let flags = js
        .create_key_value(kv::Config {
            bucket: "flags".into(),
            description: "Feature switches".into(),
            history: 3,
            ..Default::default()
        })
        .await?;
    js.create_key_value(kv::Config {
        bucket: "sessions".into(),
        max_age: Duration::from_secs(3600),
        ..Default::default()
    })
    .await?;
    println!("Created buckets flags and sessions");

    // Two flags exist before anyone watches.
    put(&flags, "dark-mode", "on").await?;
    put(&flags, "beta-search", "off").await?;

    // A watcher can first deliver the current value of every key, then
    // every change as it happens. In async-nats that is
    // `watch_with_history`, here on `>`, every key of the bucket
    // (`watch_all` would report only changes made after it starts). Each
    // entry's `delta` counts the entries still waiting behind it, so the
    // first one with a delta of 0 means the watcher has caught up. This
    // program reads the watcher in turn with the changes it makes, so the
    // output has a fixed order.
    let mut watcher = flags.watch_with_history(">").await?;
    loop {
        let entry = next(&mut watcher).await?;
        println!("Watcher: {}", describe(&entry));
        if entry.delta == 0 {
            println!("Watcher: caught up with the current values");
            break;
        }
    }

    // Three changes: beta search is switched on, dark mode is removed, and a
    // new flag appears. The watcher reports each one.
    put(&flags, "beta-search", "on").await?;
    flags.delete("dark-mode").await?;
    println!("Deleted dark-mode");
    put(&flags, "new-checkout", "on").await?;
    for _ in 0..3 {
        println!("Watcher: {}", describe(&next(&mut watcher).await?));
    }

    // A key's history keeps up to three revisions, the delete marker
    // included.
    println!("History of dark-mode:");
    let mut history = flags.history("dark-mode").await?;
    while let Some(entry) = history.try_next().await? {
        println!("  {}", describe(&entry));
    }

    // Every bucket of the account with its settings, in name order. A
    // bucket is the stream `KV_<bucket>`: the stream's per-subject limit is
    // the bucket's history and its maximum age the values' time to live.
    let mut buckets = Vec::new();
    let mut streams = js.streams();
    while let Some(info) = streams.try_next().await? {
        let Some(bucket) = info.config.name.strip_prefix("KV_") else {
            continue;
        };
        let description = match info.config.description.as_deref() {
            Some(text) if !text.is_empty() => format!(" ({text})"),
            _ => String::new(),
        };
        let ttl = match info.config.max_age.as_secs() {
            0 => "no TTL".to_string(),
            seconds => format!("TTL {seconds}s"),
        };
        buckets.push(format!(
            "  {bucket}{description}: history {}, {} values, {ttl}",
            info.config.max_messages_per_subject, info.state.messages
        ));
    }
    buckets.sort();
    println!("Buckets in the account:\n{}", buckets.join("\n"));
    Ok(())
}

/// Stores a value and prints its revision.
async fn put(flags: &kv::Store, key: &str, value: &str) -> Result<(), async_nats::Error> {
    let revision = flags.put(key, value.to_string().into()).await?;
    println!("Put {key} = {value} (revision {revision})");
    Ok(())
}

/// Waits up to five seconds for the watcher's next entry.
async fn next(watcher: &mut kv::Watch) -> Result<kv::Entry, async_nats::Error> {
    let entry = tokio::time::timeout(Duration::from_secs(5), watcher.next())
        .await
        .map_err(|_| "the watcher reported nothing for 5 seconds")?
        .ok_or("the watcher stopped")??;
    Ok(entry)
}

/// Gives an entry's revision, operation, key and value in one line.
fn describe(entry: &kv::Entry) -> String {
    match entry.operation {
        kv::Operation::Put => format!(
            "revision {}: PUT {} = {}",
            entry.revision,
            entry.key,
            String::from_utf8_lossy(&entry.value)
        ),
        _ => format!("revision {}: DELETE {}", entry.revision, entry.key),
    }
}
