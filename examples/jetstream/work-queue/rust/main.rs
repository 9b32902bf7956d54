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

    // `RetentionPolicy::WorkQueue` turns the stream into a work queue: a
    // message stays only until a consumer acknowledges it.
    let mut jobs = js
        .get_or_create_stream(stream::Config {
            name: "JOBS".into(),
            subjects: vec!["jobs.>".into()],
            retention: stream::RetentionPolicy::WorkQueue,
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await?;
    println!("Created stream JOBS with work queue retention");

    // Two durable pull consumers, each owning one kind of job. Their
    // filters, `jobs.email` and `jobs.image`, do not overlap.
    let mailer = jobs.create_consumer(pull_consumer("mailer", "jobs.email")).await?;
    let thumbnailer = jobs.create_consumer(pull_consumer("thumbnailer", "jobs.image")).await?;
    println!("Created consumers mailer (jobs.email) and thumbnailer (jobs.image)");

    // On a work queue every job has exactly one owner, so the server refuses
    // a second consumer whose filter overlaps an existing one. The error
    // carries JetStream's own code for the reason.
    match jobs.create_consumer(pull_consumer("mailer-2", "jobs.email")).await {
        Ok(_) => return Err("a second consumer on jobs.email was accepted".into()),
        Err(err) => match err.kind() {
            stream::ConsumerErrorKind::JetStream(api) => println!(
                "A second consumer on jobs.email was refused (JetStream error {})",
                api.error_code().0
            ),
            _ => return Err(err.into()),
        },
    }

    // Queue up five jobs: two emails and three images. Each publish waits for
    // the stream to store the job.
    let queued = [
        ("jobs.email", "welcome mail for ada"),
        ("jobs.email", "invoice for grace"),
        ("jobs.image", "thumbnail of photo-1.jpg"),
        ("jobs.image", "thumbnail of photo-2.jpg"),
        ("jobs.image", "thumbnail of photo-3.jpg"),
    ];
    for (subject, job) in queued {
        let ack = js.publish(subject, job.into()).await?.await?;
        println!("Queued {job} as sequence {}", ack.sequence);
    }
    print_state(&mut jobs, 5).await?;

    // The mailer takes both email jobs and acknowledges them. `messages()`
    // keeps pulling batches from the consumer in the background and yields
    // them one by one; the worker stops after the two it expects.
    work("mailer", &mailer, 2).await?;

    // Acknowledged jobs are removed: three messages remain, all images, and
    // the first sequence has moved past the finished emails.
    print_state(&mut jobs, 3).await?;
    let mut subjects = jobs.info_with_subjects(">").await?;
    println!("Messages per subject:");
    while let Some((subject, count)) = subjects.try_next().await? {
        println!("  {subject}: {count}");
    }

    // The thumbnailer works through the images. Afterwards the stream is
    // empty, but its sequence numbers keep counting: the first sequence
    // now points at 6, where the next job will be stored.
    work("thumbnailer", &thumbnailer, 3).await?;
    print_state(&mut jobs, 0).await?;
    Ok(())
}

/// The configuration of a durable pull consumer that reads one subject and
/// needs every message acknowledged.
fn pull_consumer(name: &str, subject: &str) -> consumer::pull::Config {
    consumer::pull::Config {
        durable_name: Some(name.into()),
        filter_subject: subject.into(),
        ack_policy: consumer::AckPolicy::Explicit,
        ..Default::default()
    }
}

/// Takes `count` jobs from a consumer and acknowledges each one, waiting for
/// the server to confirm the acknowledgement (`double_ack`).
async fn work(
    name: &str,
    consumer: &consumer::Consumer<consumer::pull::Config>,
    count: usize,
) -> Result<(), async_nats::Error> {
    let mut messages = consumer.messages().await?.take(count);
    while let Some(message) = tokio::time::timeout(Duration::from_secs(5), messages.next())
        .await
        .map_err(|_| format!("{name} got no job within 5 seconds"))?
    {
        let message = message?;
        message.double_ack().await?;
        println!("{name} did {}", String::from_utf8_lossy(&message.payload));
    }
    Ok(())
}

/// Prints how many messages the stream holds and its sequence range.
///
/// The server removes an acknowledged message from a work queue a moment
/// after it confirms the acknowledgement, so this first waits (up to five
/// seconds) until the stream holds the `expected` number of messages.
async fn print_state(jobs: &mut stream::Stream, expected: u64) -> Result<(), async_nats::Error> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let state = &jobs.info().await?.state;
        if state.messages == expected {
            println!(
                "Stream JOBS: {} messages, first sequence {}, last sequence {}",
                state.messages, state.first_sequence, state.last_sequence
            );
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("JOBS holds {} messages, expected {expected}", state.messages).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
