use std::time::Duration;

use async_nats::header::NATS_MESSAGE_ID;
use async_nats::jetstream::{self, context::Publish, stream};

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. JetStream must be enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);

    // The `PAYMENTS` stream remembers the message IDs it has seen for one
    // minute: that is its duplicate window (`duplicate_window`, two minutes
    // unless set). The window bounds how much the server must remember, so
    // it should cover the longest time a publisher may take to retry.
    let mut payments = js
        .create_stream(stream::Config {
            name: "PAYMENTS".into(),
            subjects: vec!["payments.>".into()],
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(60),
            ..Default::default()
        })
        .await?;
    println!(
        "Created stream PAYMENTS with a duplicate window of {}s",
        payments.cached_info().config.duplicate_window.as_secs()
    );

    // Each charge carries its invoice number as its message ID:
    // `message_id` sets the `Nats-Msg-Id` header. Every charge is sent
    // twice, as a publisher does when an acknowledgement does not come back
    // in time. The first attempt is stored; the stream acknowledges the
    // second with the sequence of the stored message and the `duplicate`
    // flag, and keeps nothing new.
    let charges = [
        ("invoice-1001", "charge 40.00 EUR for invoice 1001"),
        ("invoice-1002", "charge 15.50 EUR for invoice 1002"),
    ];
    for attempt in 1..=2 {
        for (id, body) in charges {
            let charge = Publish::build().message_id(id).payload(body.into());
            let ack = js.send_publish("payments.charge", charge).await?.await?;
            println!(
                "Published {id}, attempt {attempt}: sequence {}, duplicate {}",
                ack.sequence, ack.duplicate
            );
        }
    }

    // Without an ID the server has nothing to compare: the same charge sent
    // twice is stored twice, and the customer would pay twice.
    for attempt in 1..=2 {
        let ack = js
            .publish("payments.charge", "charge 9.99 EUR for invoice 1003".into())
            .await?
            .await?;
        println!(
            "Published invoice 1003 without an ID, attempt {attempt}: sequence {}, duplicate {}",
            ack.sequence, ack.duplicate
        );
    }

    // Six publishes, four messages: two charges with IDs, and the charge
    // without one twice.
    let info = payments.info().await?;
    println!("Stream PAYMENTS holds {} messages", info.state.messages);

    // The ID stays with the stored message as a header.
    let msg = payments.get_raw_message(1).await?;
    let id = msg
        .headers
        .get(NATS_MESSAGE_ID)
        .map(|v| v.as_str())
        .unwrap_or("none");
    println!(
        "Message 1: {} (Nats-Msg-Id {id})",
        String::from_utf8_lossy(&msg.payload)
    );
    Ok(())
}
