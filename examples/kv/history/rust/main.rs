use async_nats::jetstream::{self, kv};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. The key-value store is part of JetStream, which must be
    // enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);

    // The `releases` bucket keeps the last five revisions of each key
    // (`history: 5`; the most a bucket can keep is 64).
    let releases = js
        .create_key_value(kv::Config {
            bucket: "releases".into(),
            history: 5,
            ..Default::default()
        })
        .await?;
    println!("Created bucket releases, keeping 5 revisions per key");

    // One version of the API, then six versions of the web front end, one
    // after the other. Every put is a new revision of the key.
    releases.put("api.version", "3.4".into()).await?;
    for version in ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2"] {
        releases.put("web.version", version.into()).await?;
    }
    println!("Put api.version once and web.version six times");

    // Six revisions went in, five are kept: the first one, 1.0, made room.
    print_history(&releases, "web.version").await?;

    // Deleting the key adds a delete marker as its newest revision. The
    // marker counts against the history limit like any other revision, so
    // 1.1 goes too, but the older values stay readable.
    releases.delete("web.version").await?;
    println!("Deleted web.version");
    print_history(&releases, "web.version").await?;

    // Purging the key removes every revision it has and leaves a single
    // purge marker: the history is gone, which a delete alone never does.
    releases.purge("web.version").await?;
    println!("Purged web.version");
    print_history(&releases, "web.version").await?;

    // The purge touched only its key: api.version keeps its history.
    print_history(&releases, "api.version").await?;

    // The bucket now holds two messages: the value of api.version and the
    // purge marker of web.version. A store's `status` reports what the
    // server said when the store was opened, so the bucket is opened afresh
    // to read the current count.
    let status = js.get_key_value("releases").await?.status().await?;
    println!(
        "Bucket {}: {} revisions per key, {} values stored",
        status.bucket(),
        status.history(),
        status.values()
    );
    Ok(())
}

/// Lists every revision of a key the bucket still keeps, oldest first, with
/// its operation: a put with its value, or a delete or purge marker.
async fn print_history(kv: &kv::Store, key: &str) -> Result<(), async_nats::Error> {
    println!("History of {key}:");
    let mut history = kv.history(key).await?;
    while let Some(entry) = history.try_next().await? {
        match entry.operation {
            kv::Operation::Put => println!(
                "  revision {}: PUT {}",
                entry.revision,
                String::from_utf8_lossy(&entry.value)
            ),
            kv::Operation::Delete => println!("  revision {}: DELETE", entry.revision),
            kv::Operation::Purge => println!("  revision {}: PURGE", entry.revision),
        }
    }
    Ok(())
}
