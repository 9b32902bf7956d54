use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use futures::{StreamExt, TryStreamExt};

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. JetStream must be enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);

    // `RetentionPolicy::Interest` is the only change from a default stream:
    // a message stays only while some consumer still has to acknowledge it.
    let orders = js
        .get_or_create_stream(stream::Config {
            name: "ORDERS".into(),
            subjects: vec!["orders.>".into()],
            retention: stream::RetentionPolicy::Interest,
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await?;
    println!("Created stream ORDERS with interest retention");

    // A message published while the stream has no consumer at all is
    // accepted, and the acknowledgement names its sequence, but nobody could
    // ever want it: the stream does not keep it.
    let ack = js
        .publish("orders.paid", "order 1 paid, before anyone listened".into())
        .await?
        .await?;
    println!(
        "Published order 1 as sequence {}, with no consumer yet",
        ack.sequence
    );
    show_stream(&orders, 0).await?;

    // Two durable pull consumers share the stream. `billing` reads every
    // order event, `shipping` only paid orders. Unlike a work queue, an
    // interest stream allows filters that overlap.
    let billing = create_consumer(&orders, "billing", "orders.>").await?;
    let shipping = create_consumer(&orders, "shipping", "orders.paid").await?;

    // Three new events: two payments, which both consumers want, and one
    // cancellation, which only billing wants. Each publish waits for the
    // stream to store the event.
    let events = [
        ("orders.paid", "order 2 paid"),
        ("orders.paid", "order 3 paid"),
        ("orders.cancelled", "order 4 cancelled"),
    ];
    for (subject, event) in events {
        js.publish(subject, event.into()).await?.await?;
    }
    println!("Published 2 payments and 1 cancellation");
    show_stream(&orders, 3).await?;

    // Billing reads and acknowledges all three. The cancellation had no
    // other reader and goes; the two payments stay, because shipping has not
    // seen them yet.
    handle("Billing", &billing, 3).await?;
    show_stream(&orders, 2).await?;

    // Shipping handles the first payment. Both consumers are now done with
    // it, so only one message remains.
    handle("Shipping", &shipping, 1).await?;
    show_stream(&orders, 1).await?;

    // Deleting a consumer withdraws its interest. The payment shipping never
    // acknowledged has no reader left and the stream is empty, while its
    // sequence numbers keep counting from where they were.
    orders.delete_consumer("shipping").await?;
    println!("Deleted consumer shipping");
    show_stream(&orders, 0).await?;
    Ok(())
}

/// Adds a durable pull consumer that receives the events its filter matches
/// and must acknowledge each of them.
async fn create_consumer(
    orders: &stream::Stream,
    name: &str,
    filter: &str,
) -> Result<consumer::PullConsumer, async_nats::Error> {
    let consumer = orders
        .create_consumer(consumer::pull::Config {
            durable_name: Some(name.into()),
            filter_subject: filter.into(),
            ack_policy: consumer::AckPolicy::Explicit,
            ..Default::default()
        })
        .await?;
    println!("Created consumer {name} for {filter}");
    Ok(consumer)
}

/// Takes `count` events from a consumer and acknowledges each one, waiting
/// for the server to confirm the acknowledgement (`double_ack`). A fetch asks
/// for exactly that many and returns them one by one.
async fn handle(
    name: &str,
    consumer: &consumer::PullConsumer,
    count: usize,
) -> Result<(), async_nats::Error> {
    let mut messages = consumer
        .fetch()
        .max_messages(count)
        .expires(Duration::from_secs(5))
        .messages()
        .await?;
    let mut handled = 0;
    while let Some(message) = messages.next().await {
        let message = message?;
        message.double_ack().await?;
        let sequence = message.info()?.stream_sequence;
        println!(
            "{name} acknowledged sequence {sequence}: {}",
            String::from_utf8_lossy(&message.payload)
        );
        handled += 1;
    }
    if handled != count {
        return Err(format!("{name} got {handled} of {count} events within 5 seconds").into());
    }
    Ok(())
}

/// Prints how many messages the stream holds, per subject, and its first
/// and last sequence. The server removes a message a moment after the last
/// acknowledgement it waited for, so this first waits (up to five seconds)
/// until the stream holds the expected number of messages.
async fn show_stream(orders: &stream::Stream, expected: u64) -> Result<(), async_nats::Error> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut info = orders.info_with_subjects(">").await?;
        let state = info.info.state.clone();
        if state.messages == expected {
            println!(
                "Stream ORDERS holds {} messages, first sequence {}, last sequence {}",
                state.messages, state.first_sequence, state.last_sequence
            );
            let mut subjects = Vec::new();
            while let Some(pair) = info.try_next().await? {
                subjects.push(pair);
            }
            subjects.sort();
            for (subject, count) in subjects {
                println!("  {subject}: {count}");
            }
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("ORDERS holds {} messages, expected {expected}", state.messages).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
