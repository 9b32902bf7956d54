use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. JetStream must be enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);

    // A stream for orders, kept in memory since the example is short-lived.
    let stream = js
        .get_or_create_stream(stream::Config {
            name: "ORDERS".into(),
            subjects: vec!["orders.>".into()],
            storage: stream::StorageType::Memory,
            ..Default::default()
        })
        .await?;
    println!("Created stream ORDERS");

    // Five orders arrive before anyone reads them. Each acknowledgement from
    // the stream names the sequence the order was stored under.
    for n in 1..=5 {
        let ack = js
            .publish("orders.new", format!("order {n}").into())
            .await?
            .await?;
        println!("Published order {n}: stored as sequence {}", ack.sequence);
    }

    // The `processor` consumer is durable: it has a name and keeps its
    // position on the server even while no client is connected. A
    // `pull::Config` makes it a pull consumer: clients ask for messages when
    // they are ready. It starts at the beginning of the stream, and every
    // message must be acknowledged on its own; one that is not acknowledged
    // within `ack_wait` is delivered again, at most `max_deliver` times.
    let mut processor = stream
        .create_consumer(consumer::pull::Config {
            durable_name: Some("processor".into()),
            filter_subject: "orders.>".into(),
            deliver_policy: consumer::DeliverPolicy::All,
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: Duration::from_secs(30),
            max_deliver: 5,
            max_ack_pending: 100,
            ..Default::default()
        })
        .await?;
    let info = processor.info().await?;
    println!(
        "Created consumer processor: {} messages to process",
        info.num_pending
    );

    // Ask for a batch of two messages, waiting at most five seconds for
    // them. Each message's metadata tells where it sits in the stream, how
    // often it was delivered and how many messages are still waiting after
    // it.
    //
    // `double_ack` acknowledges the message and waits for the server to
    // confirm it has recorded the acknowledgement.
    let mut batch = processor
        .batch()
        .max_messages(2)
        .expires(Duration::from_secs(5))
        .messages()
        .await?;
    while let Some(message) = batch.try_next().await? {
        let body = String::from_utf8_lossy(&message.payload).into_owned();
        let meta = message.info()?;
        println!(
            "Received {body}: stream sequence {}, consumer sequence {}, delivery {}, {} pending",
            meta.stream_sequence, meta.consumer_sequence, meta.delivered, meta.pending
        );
        message.double_ack().await?;
        println!("Acknowledged {body}");
    }

    // The consumer's state shows the outcome: the acknowledgement floor is
    // at stream sequence 2, nothing awaits acknowledgement, and three
    // messages are still waiting to be processed.
    let info = processor.info().await?;
    println!(
        "Consumer processor: acknowledged up to stream sequence {}, {} awaiting acknowledgement, {} to process",
        info.ack_floor.stream_sequence, info.num_ack_pending, info.num_pending
    );
    Ok(())
}
