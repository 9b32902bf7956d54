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
    let jobs = js
        .get_or_create_stream(stream::Config {
            name: "JOBS".into(),
            subjects: vec!["jobs.>".into()],
            retention: stream::RetentionPolicy::WorkQueue,
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await?;
    println!("Created work queue stream JOBS");

    // Two durable pull consumers, each owning one kind of job. Their
    // filters, `jobs.email` and `jobs.image`, do not overlap.
    let mailer = create_consumer(&jobs, "mailer", "jobs.email").await?;
    let thumbnailer = create_consumer(&jobs, "thumbnailer", "jobs.image").await?;

    // A work queue refuses a consumer whose filter overlaps another's: a
    // second consumer for `jobs.email` could take jobs the mailer expects.
    // The server's answer is a JetStream API error, which names the reason
    // and carries its own error code.
    match jobs
        .create_consumer(pull_config("second-mailer", "jobs.email"))
        .await
    {
        Ok(_) => return Err("a second consumer on jobs.email was accepted".into()),
        Err(err) => match err.kind() {
            stream::ConsumerErrorKind::JetStream(api) => {
                println!("A second consumer on jobs.email was refused: {api}")
            }
            _ => return Err(err.into()),
        },
    }

    // Queue up five jobs: two emails and three images. Each publish waits
    // for the stream to store the job.
    let queued = [
        ("jobs.email", "welcome mail for ada"),
        ("jobs.email", "invoice for grace"),
        ("jobs.image", "thumbnail of photo-1.jpg"),
        ("jobs.image", "thumbnail of photo-2.jpg"),
        ("jobs.image", "thumbnail of photo-3.jpg"),
    ];
    for (subject, job) in queued {
        js.publish(subject, job.into()).await?.await?;
    }
    println!("Queued 2 email jobs and 3 image jobs");
    show_stream(&jobs, 5).await?;

    // The mailer takes both email jobs and acknowledges them. Acknowledged
    // jobs leave the stream: three remain, all images, and the first
    // sequence moves past the finished emails.
    work("mailer", &mailer, 2).await?;
    show_stream(&jobs, 3).await?;

    // The thumbnailer works through the images. Then the stream is empty,
    // but its sequence numbers keep counting: the next job will be number 6.
    work("thumbnailer", &thumbnailer, 3).await?;
    show_stream(&jobs, 0).await?;
    Ok(())
}

/// Adds a durable pull consumer that receives the jobs on one subject and
/// must acknowledge each of them.
async fn create_consumer(
    jobs: &stream::Stream,
    name: &str,
    subject: &str,
) -> Result<consumer::PullConsumer, async_nats::Error> {
    let consumer = jobs.create_consumer(pull_config(name, subject)).await?;
    println!("Created consumer {name} for {subject}");
    Ok(consumer)
}

/// The configuration of a durable pull consumer that reads one subject and
/// needs every message acknowledged.
fn pull_config(name: &str, subject: &str) -> consumer::pull::Config {
    consumer::pull::Config {
        durable_name: Some(name.into()),
        filter_subject: subject.into(),
        ack_policy: consumer::AckPolicy::Explicit,
        ..Default::default()
    }
}

/// Takes `count` jobs from a consumer and acknowledges each one, waiting for
/// the server to confirm the acknowledgement (`double_ack`). `messages()`
/// keeps pulling batches from the consumer in the background and yields
/// them one by one; the worker stops after the jobs it expects.
async fn work(name: &str, consumer: &consumer::PullConsumer, count: usize) -> Result<(), async_nats::Error> {
    let mut messages = consumer.messages().await?.take(count);
    while let Some(message) = tokio::time::timeout(Duration::from_secs(5), messages.next())
        .await
        .map_err(|_| format!("{name} got no job within 5 seconds"))?
    {
        let message = message?;
        println!("The {name} did: {}", String::from_utf8_lossy(&message.payload));
        message.double_ack().await?;
    }
    Ok(())
}

/// Prints how many messages the stream holds, per subject, and its first
/// and last sequence. The server removes acknowledged messages a moment
/// after confirming the acknowledgement, so it first waits (up to five
/// seconds) until the stream holds the expected number of messages.
async fn show_stream(jobs: &stream::Stream, expected: u64) -> Result<(), async_nats::Error> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut info = jobs.info_with_subjects(">").await?;
        let state = info.info.state.clone();
        if state.messages == expected {
            println!(
                "Stream JOBS holds {} messages, first sequence {}, last sequence {}",
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
            return Err(format!("JOBS holds {} messages, expected {expected}", state.messages).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
