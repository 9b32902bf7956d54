use async_nats::jetstream::{self, consumer, stream};
use futures::TryStreamExt;

/// The audit events the example stores, in the order they happen.
const EVENTS: [(&str, &str); 6] = [
    ("audit.users", "alice signed up"),
    ("audit.orders", "alice placed order 1"),
    ("audit.users", "bob signed up"),
    ("audit.orders", "bob placed order 2"),
    ("audit.users", "alice changed her email"),
    ("audit.orders", "order 1 shipped"),
];

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. JetStream must be enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);

    // The `AUDIT` stream keeps every event published under `audit.>`.
    let stream = js
        .create_stream(stream::Config {
            name: "AUDIT".into(),
            subjects: vec!["audit.>".into()],
            storage: stream::StorageType::Memory,
            ..Default::default()
        })
        .await?;
    println!("Created stream AUDIT");

    for (subject, data) in EVENTS {
        js.publish(subject, data.into()).await?.await?;
    }
    println!("Published {} events", EVENTS.len());

    // An `OrderedConfig` makes `create_consumer` set up an ephemeral pull
    // consumer with no acknowledgements, one that the library watches:
    // if a message goes missing or the heartbeats stop, it recreates the
    // consumer from the last sequence it delivered. The default
    // configuration reads the whole stream from the first message.
    let all = stream
        .create_consumer(consumer::pull::OrderedConfig::default())
        .await?;
    println!("Replaying the whole stream:");
    replay(all).await?;

    // A second ordered consumer narrows the view: only `audit.orders`, and
    // only from stream sequence 3 on. Other start positions work the same
    // way, such as `DeliverPolicy::LastPerSubject` to get just the latest
    // event of each subject when building a cache.
    let orders = stream
        .create_consumer(consumer::pull::OrderedConfig {
            filter_subject: "audit.orders".into(),
            deliver_policy: consumer::DeliverPolicy::ByStartSequence { start_sequence: 3 },
            ..Default::default()
        })
        .await?;
    println!("Replaying audit.orders from sequence 3:");
    replay(orders).await?;
    Ok(())
}

/// Prints messages until the consumer has nothing left to deliver. Every
/// message's metadata carries the number of messages still pending after it,
/// so a reader knows it has reached the end of the stream when that number
/// drops to zero, without waiting for a timeout.
async fn replay(
    consumer: consumer::Consumer<consumer::pull::OrderedConfig>,
) -> Result<(), async_nats::Error> {
    let mut messages = consumer.messages().await?;
    while let Some(msg) = messages.try_next().await? {
        let info = msg.info()?;
        println!(
            "  #{} {}: {}",
            info.stream_sequence,
            msg.subject,
            String::from_utf8_lossy(&msg.payload)
        );
        if info.pending == 0 {
            return Ok(());
        }
    }
    Err("the message stream ended early".into())
}
