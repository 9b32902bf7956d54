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

    // Create the `profiles` bucket. `history: 5` keeps the last five values
    // of each key instead of only the latest one.
    let profiles = js
        .create_key_value(kv::Config {
            bucket: "profiles".into(),
            description: "User profile settings".into(),
            history: 5,
            ..Default::default()
        })
        .await?;
    println!("Created bucket profiles, keeping 5 revisions per key");

    // `put` stores a value and returns its revision: the sequence number of
    // the message that holds it in the bucket's stream. Writing a key that
    // already exists adds a new revision.
    let puts = [
        ("ada.theme", "light"),
        ("ada.language", "en"),
        ("grace.theme", "dark"),
        ("ada.theme", "dark"),
    ];
    for (key, value) in puts {
        let revision = profiles.put(key, value.into()).await?;
        println!("Put {key} = {value} (revision {revision})");
    }

    // `entry` returns the latest value of a key together with its revision;
    // `None` if the key has no value. (`get` would return only the value.)
    for key in ["ada.theme", "ada.language"] {
        let entry = profiles.entry(key).await?.ok_or(format!("{key} has no value"))?;
        let value = String::from_utf8_lossy(&entry.value);
        println!("Get {key}: {value} (revision {})", entry.revision);
    }

    // Deleting a key does not erase its past: the delete is recorded as one
    // more revision, a marker without a value.
    profiles.delete("grace.theme").await?;
    println!("Deleted grace.theme");

    // The history of a key lists every revision still kept, oldest first.
    for key in ["ada.theme", "grace.theme"] {
        println!("History of {key}:");
        let mut history = profiles.history(key).await?;
        while let Some(entry) = history.try_next().await? {
            match entry.operation {
                kv::Operation::Put => println!(
                    "  revision {}: PUT {}",
                    entry.revision,
                    String::from_utf8_lossy(&entry.value)
                ),
                _ => println!("  revision {}: DELETE", entry.revision),
            }
        }
    }

    // Listing the keys shows those that currently hold a value; the deleted
    // one is gone. The order of the listing is not guaranteed, so it is
    // sorted.
    let mut keys: Vec<String> = profiles.keys().await?.try_collect().await?;
    keys.sort();
    println!("Keys with a value: {}", keys.join(", "));

    // The status of the bucket: its history setting, how many values it
    // holds (every kept revision counts, the delete marker too) and the
    // stream behind it. A `Store` keeps the stream information it was
    // opened with, so the bucket is opened again for a current view.
    let status = js.get_key_value("profiles").await?.status().await?;
    println!(
        "Bucket {}: {} revisions per key, {} values stored, backed by stream {}",
        status.bucket(),
        status.history(),
        status.values(),
        status.info.config.name
    );

    // Finally, the names of all buckets in the account. Each bucket is the
    // stream `KV_<bucket>`, so they are the stream names with that prefix.
    let mut streams = js.stream_names();
    while let Some(stream) = streams.try_next().await? {
        if let Some(bucket) = stream.strip_prefix("KV_") {
            println!("Bucket in the account: {bucket}");
        }
    }
    Ok(())
}
