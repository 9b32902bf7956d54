use async_nats::jetstream::{self, stream};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback. JetStream must be enabled on that server.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;

    // A JetStream context is the client's interface to streams and
    // consumers. Its calls are requests to the server, each bounded by the
    // context's timeout (five seconds unless set otherwise).
    let js = jetstream::new(client);

    // The `SENSORS` stream captures every subject under `sensors.`. Limits
    // retention (the default) keeps messages until a limit is reached; here
    // the only limit is `max_messages_per_subject: 3`, so each sensor's
    // latest three readings survive however chatty the other sensors are.
    // When a subject is full, the oldest message makes room
    // (`DiscardPolicy::Old`). Limits left at zero mean "unlimited".
    let stream = js
        .get_or_create_stream(stream::Config {
            name: "SENSORS".into(),
            description: Some("Latest readings of every sensor".into()),
            subjects: vec!["sensors.>".into()],
            storage: stream::StorageType::File,
            retention: stream::RetentionPolicy::Limits,
            discard: stream::DiscardPolicy::Old,
            max_messages_per_subject: 3,
            ..Default::default()
        })
        .await?;
    println!("Created stream SENSORS, keeping 3 messages per subject");

    // Five kitchen readings and two from the cellar. A JetStream publish
    // returns a future for the stream's acknowledgement; awaiting it gives
    // the sequence number the message was stored under.
    let readings = [
        ("sensors.kitchen", "19.5"),
        ("sensors.kitchen", "19.8"),
        ("sensors.kitchen", "20.1"),
        ("sensors.kitchen", "20.4"),
        ("sensors.kitchen", "20.6"),
        ("sensors.cellar", "12.0"),
        ("sensors.cellar", "12.1"),
    ];
    for (subject, value) in readings {
        let ack = js.publish(subject, value.into()).await?.await?;
        println!("Published {subject} {value}: stored as sequence {}", ack.sequence);
    }

    // Seven messages went in but the stream holds five: the two oldest
    // kitchen readings were dropped to respect the per-subject limit, which
    // is why the first sequence is 3. Asking for the stream's info with a
    // subject filter also returns the number of messages on each subject,
    // as a stream of pairs; the server sends them in no particular order.
    let mut info = stream.info_with_subjects(">").await?;
    let state = &info.info.state;
    println!(
        "Stream SENSORS holds {} messages, sequences {} to {}",
        state.messages, state.first_sequence, state.last_sequence
    );
    let mut subjects = Vec::new();
    while let Some((subject, count)) = info.try_next().await? {
        subjects.push((subject, count));
    }
    subjects.sort();
    println!("Messages per subject:");
    for (subject, count) in subjects {
        println!("  {subject}: {count}");
    }

    // The most recent message on a subject can be read directly from the
    // stream, without creating a consumer.
    let last = stream.get_last_raw_message_by_subject("sensors.kitchen").await?;
    println!(
        "Latest on sensors.kitchen: {} (sequence {})",
        String::from_utf8_lossy(&last.payload),
        last.sequence
    );

    // Finally, the names of all streams in the account.
    let mut names = js.stream_names();
    while let Some(name) = names.try_next().await? {
        println!("Stream in the account: {name}");
    }
    Ok(())
}
