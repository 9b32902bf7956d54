use std::time::Duration;

use async_nats::jetstream::{self, consumer, message::AckKind, stream};
use futures::StreamExt;
use serde::Deserialize;

/// The part of a max-deliveries advisory this program reads: which message
/// of which stream the consumer gave up on, after how many deliveries.
#[derive(Deserialize)]
struct MaxDeliveries {
    stream: String,
    consumer: String,
    stream_seq: u64,
    deliveries: u64,
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. JetStream must be enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client.clone());

    // A stream for image tasks, kept in memory since the example is
    // short-lived.
    let tasks = js
        .create_stream(stream::Config {
            name: "TASKS".into(),
            subjects: vec!["tasks.>".into()],
            storage: stream::StorageType::Memory,
            ..Default::default()
        })
        .await?;
    println!("Created stream TASKS");

    // The `worker` consumer wants every message acknowledged. One that is
    // not acknowledged within `ack_wait` (one second here, thirty unless
    // set) is delivered again, and so is one the worker rejects with a nak,
    // at once. `max_deliver` caps the deliveries of a message at three.
    let mut worker = tasks
        .create_consumer(consumer::pull::Config {
            durable_name: Some("worker".into()),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: Duration::from_secs(1),
            max_deliver: 3,
            ..Default::default()
        })
        .await?;
    let config = &worker.cached_info().config;
    println!(
        "Created consumer worker: ack wait {}s, at most {} deliveries",
        config.ack_wait.as_secs(),
        config.max_deliver
    );

    // When a message has used up its deliveries, the server publishes an
    // advisory on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
    // Nothing else records the failure, so that advisory is the signal to
    // set the message aside as a dead letter. The subscription is in place,
    // and the flush makes sure the server knows it, before any task exists.
    let mut advisories = client
        .subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.worker")
        .await?;
    client.flush().await?;
    println!("Listening for max-deliveries advisories of TASKS > worker");

    // Two tasks; the second one names a file the worker cannot read.
    for task in ["resize photo-1.jpg", "resize broken.jpg"] {
        let ack = js.publish("tasks.resize", task.into()).await?.await?;
        println!("Published {task}: stream sequence {}", ack.sequence);
    }

    // The worker takes one message at a time, waiting up to five seconds for
    // it. The message's info counts its deliveries. The good task is
    // acknowledged (`double_ack` waits for the server to confirm it). The
    // broken one fails every time: the first failure is a nak, which makes
    // the message come back at once; the second time the worker does not
    // answer at all, as if it had crashed, and the message comes back only
    // when the ack wait has run out; the third failure is a nak again, on the
    // last delivery allowed.
    for _ in 0..4 {
        let mut batch = worker
            .batch()
            .max_messages(1)
            .expires(Duration::from_secs(5))
            .messages()
            .await?;
        let msg = batch.next().await.ok_or("no task arrived")??;
        let body = String::from_utf8_lossy(&msg.payload).into_owned();
        let info = msg.info()?;
        let prefix = format!(
            "Delivery {} of sequence {} ({body})",
            info.delivered, info.stream_sequence
        );
        if body == "resize photo-1.jpg" {
            msg.double_ack().await?;
            println!("{prefix}: done, acknowledged");
        } else if info.delivered == 2 {
            println!("{prefix}: no answer");
        } else {
            msg.ack_with(AckKind::Nak(None)).await?;
            println!("{prefix}: failed, nak");
        }
    }

    // A pull consumer looks at a message it would deliver again when a
    // client asks for messages. When the worker asks once more, the server
    // finds the message at its limit: instead of delivering it, it publishes
    // the advisory, and the worker's request ends empty after its one-second
    // wait.
    let mut batch = worker
        .batch()
        .max_messages(1)
        .expires(Duration::from_secs(1))
        .messages()
        .await?;
    if let Some(extra) = batch.next().await {
        let extra = extra?;
        return Err(format!(
            "delivered a fourth time: {}",
            String::from_utf8_lossy(&extra.payload)
        )
        .into());
    }
    println!("No task left for the worker");

    // The advisory is JSON. It names the stream sequence of the message,
    // which reads the dead letter back from the stream: the stream still
    // holds it, since a limits stream keeps messages whatever their
    // consumers do.
    let event = tokio::time::timeout(Duration::from_secs(5), advisories.next())
        .await
        .map_err(|_| "no max-deliveries advisory arrived")?
        .ok_or("the advisory subscription ended")?;
    let advisory: MaxDeliveries = serde_json::from_slice(&event.payload)?;
    println!(
        "Advisory: consumer {} gave up on sequence {} of stream {} after {} deliveries",
        advisory.consumer, advisory.stream_seq, advisory.stream, advisory.deliveries
    );
    let dead = tasks.get_raw_message(advisory.stream_seq).await?;
    println!(
        "Dead letter: sequence {} on {}: {}",
        dead.sequence,
        dead.subject,
        String::from_utf8_lossy(&dead.payload)
    );

    // The consumer has nothing left: no message awaits acknowledgement and
    // none waits to be delivered.
    let info = worker.info().await?;
    println!(
        "Consumer worker: {} awaiting acknowledgement, {} to process",
        info.num_ack_pending, info.num_pending
    );
    Ok(())
}
