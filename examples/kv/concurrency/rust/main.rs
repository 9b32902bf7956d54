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

    // A bucket of stock levels that keeps five revisions per key.
    let inventory = js
        .create_key_value(kv::Config {
            bucket: "inventory".into(),
            history: 5,
            ..Default::default()
        })
        .await?;
    println!("Created bucket inventory, keeping 5 revisions per key");

    // `create` writes a key only if it has no value yet. The first create
    // succeeds; a second one, from someone who thought they were first, is
    // refused with `CreateErrorKind::AlreadyExists`.
    let revision = inventory.create("widgets", "10".into()).await?;
    println!("Created widgets = 10 (revision {revision})");
    match inventory.create("widgets", "12".into()).await {
        Err(err) if err.kind() == kv::CreateErrorKind::AlreadyExists => {
            println!("Creating widgets = 12 was refused: widgets already exists")
        }
        other => return Err(format!("expected the second create to be refused, got {other:?}").into()),
    }

    // Two clerks read the stock level. Both see 10, at revision 1.
    let read = inventory.entry("widgets").await?.ok_or("widgets has no value")?;
    println!(
        "Both clerks read widgets = {} (revision {})",
        String::from_utf8_lossy(&read.value),
        read.revision
    );

    // The first clerk sells one widget and writes 9, on the condition that
    // the key is still at the revision it read. It is, so the update
    // succeeds and the key moves to a new revision.
    let revision = inventory.update("widgets", "9".into(), read.revision).await?;
    println!("The first clerk updated widgets to 9 (revision {revision})");

    // The second clerk sold two widgets and, working from the same read,
    // writes 8 on the same condition. The key has moved on, so the update is
    // refused with `UpdateErrorKind::WrongLastRevision` instead of silently
    // losing the first clerk's sale.
    match inventory.update("widgets", "8".into(), read.revision).await {
        Err(err) if err.kind() == kv::UpdateErrorKind::WrongLastRevision => println!(
            "The second clerk's update to 8 was refused: widgets is no longer at revision {}",
            read.revision
        ),
        other => {
            return Err(format!("expected the second clerk's update to be refused, got {other:?}").into())
        }
    }

    // The second clerk reads again, finds 9, and retries from that revision.
    let reread = inventory.entry("widgets").await?.ok_or("widgets has no value")?;
    println!(
        "The second clerk read widgets = {} (revision {})",
        String::from_utf8_lossy(&reread.value),
        reread.revision
    );
    let revision = inventory.update("widgets", "7".into(), reread.revision).await?;
    println!("The second clerk updated widgets to 7 (revision {revision})");

    // After a delete, `create` works again: the key's latest revision is a
    // delete marker, so the key counts as absent.
    inventory.delete("widgets").await?;
    println!("Deleted widgets");
    let revision = inventory.create("widgets", "50".into()).await?;
    println!("Created widgets = 50 (revision {revision})");

    // The history shows every successful write, and none of the refused
    // ones.
    println!("History of widgets:");
    let mut history = inventory.history("widgets").await?;
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
    Ok(())
}
