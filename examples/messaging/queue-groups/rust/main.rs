use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;

    // Two workers subscribe to `jobs.resize` in the queue group `resizers`.
    // The server hands each message to one member of the group, so which
    // worker gets which job changes from run to run. Each worker is a task
    // that passes the number of every job it handles to the `handled`
    // channel.
    let (handled_tx, mut handled) = mpsc::unbounded_channel();
    for _ in 0..2 {
        let mut jobs = client.queue_subscribe("jobs.resize", "resizers".into()).await?;
        let handled_tx = handled_tx.clone();
        tokio::spawn(async move {
            while let Some(job) = jobs.next().await {
                let _ = handled_tx.send(job_number(&job.payload));
            }
        });
    }

    // The auditor subscribes to the same subject without a queue group, so
    // it receives its own copy of every message.
    let (audited_tx, mut audited) = mpsc::unbounded_channel();
    let mut all_jobs = client.subscribe("jobs.resize").await?;
    tokio::spawn(async move {
        while let Some(job) = all_jobs.next().await {
            let _ = audited_tx.send(job_number(&job.payload));
        }
    });

    // The publisher knows nothing about the group: it publishes ten jobs to
    // the subject, and adding workers would need no change here. Since the
    // subscriptions went out on the same connection first, the server has
    // them before the first job.
    for n in 1..=10 {
        client.publish("jobs.resize", format!("image {n}").into()).await?;
    }
    client.flush().await?;
    println!("Published 10 jobs to jobs.resize");

    // Collect what the workers handled. Put together, their jobs are every
    // job exactly once: the group never gave the same message to both.
    let mut jobs = collect(&mut handled, 10).await?;
    jobs.sort();
    println!("Jobs handled by the resizers queue group:");
    for n in &jobs {
        println!("  image {n}");
    }
    if jobs != (1..=10).collect::<Vec<_>>() {
        return Err(format!("the workers handled {jobs:?}").into());
    }
    println!("Every job was handled by exactly one worker");

    // The auditor, outside the group, saw all ten as well.
    let seen = collect(&mut audited, 10).await?;
    println!("Jobs seen by the auditor: {}", seen.len());
    Ok(())
}

/// Reads the number out of a message body such as `image 7`; 0 for a body of
/// any other shape, which the check of the handled jobs rejects.
fn job_number(body: &[u8]) -> u32 {
    std::str::from_utf8(body)
        .ok()
        .and_then(|body| body.strip_prefix("image "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Receives `count` job numbers from a channel, waiting at most five seconds
/// in all.
async fn collect(
    channel: &mut mpsc::UnboundedReceiver<u32>,
    count: usize,
) -> Result<Vec<u32>, async_nats::Error> {
    let mut jobs = Vec::with_capacity(count);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while jobs.len() < count {
        match tokio::time::timeout_at(deadline, channel.recv()).await {
            Ok(Some(job)) => jobs.push(job),
            _ => return Err(format!("only {} of {count} jobs arrived", jobs.len()).into()),
        }
    }
    Ok(jobs)
}
