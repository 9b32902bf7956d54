use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::oneshot;

/// How many messages each subscriber is sent.
const TOTAL: usize = 10;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let publisher = async_nats::connect(&url).await?;

    // First the abrupt way. In async-nats a `Subscriber` is a stream that
    // owns the client's buffer of messages for it; a task that stops
    // reading it, because it ends or is aborted at shutdown, drops it, and
    // with it every message that had arrived but was not yet handled.
    let handled = run(&url, &publisher, "jobs.closed", false).await?;
    println!(
        "Closed: {handled} of {TOTAL} messages handled, {} lost",
        TOTAL - handled
    );

    // Then gracefully: `drain` unsubscribes, so the server sends nothing
    // new, and closes the connection. The stream then yields the messages
    // already in its buffer before it ends, so a task that reads it to the
    // end handles all of them.
    let handled = run(&url, &publisher, "jobs.drained", true).await?;
    println!(
        "Drained: {handled} of {TOTAL} messages handled, {} lost",
        TOTAL - handled
    );
    Ok(())
}

/// Starts a subscriber on its own connection, fills its buffer with `TOTAL`
/// messages while its handler is held up on the first one, stops it by
/// draining (`graceful`) or by aborting its task, and returns how many
/// messages the handler got.
async fn run(
    url: &str,
    publisher: &async_nats::Client,
    subject: &str,
    graceful: bool,
) -> Result<usize, async_nats::Error> {
    let client = async_nats::connect(url).await?;
    let mut messages = client.subscribe(subject.to_string()).await?;
    round_trip(&client).await?;

    // The handler task counts every message it is given. On the first one
    // it says so on `started`, then waits for `release`, standing for slow
    // work: meanwhile the other messages wait in the buffer.
    let count = Arc::new(AtomicUsize::new(0));
    let (started_tx, started) = oneshot::channel::<()>();
    let (release, release_rx) = oneshot::channel::<()>();
    let counter = count.clone();
    let handler = tokio::spawn(async move {
        let mut first = Some((started_tx, release_rx));
        while let Some(_message) = messages.next().await {
            counter.fetch_add(1, Ordering::SeqCst);
            if let Some((started_tx, release_rx)) = first.take() {
                let _ = started_tx.send(());
                let _ = release_rx.await;
            }
        }
    });

    for i in 1..=TOTAL {
        publisher
            .publish(subject.to_string(), format!("job {i}").into())
            .await?;
    }

    // The server handles a connection's commands in order. The publisher's
    // round trip proves the server has routed all the messages; the
    // subscriber's comes back after them, so by then the client has read
    // every one. Once the handler has started on the first, the other nine
    // wait in the buffer.
    round_trip(publisher).await?;
    round_trip(&client).await?;
    started.await?;

    if graceful {
        // Drain, let the handler go on, and wait for it to reach the end of
        // the stream.
        client.drain().await?;
        let _ = release.send(());
        handler.await?;
    } else {
        // Abort the handler task and wait until it is gone; its stream and
        // buffer go with it. Only then is the connection closed (the last
        // clone of the client dropped).
        handler.abort();
        let _ = handler.await;
        drop(release);
        drop(client);
    }
    Ok(count.load(Ordering::SeqCst))
}

/// Returns once the server has handled every command `client` sent before.
/// `flush` only writes them out; a message the client sends to its own inbox
/// comes back after the server has processed all that came before it, on
/// that connection, in order.
async fn round_trip(client: &async_nats::Client) -> Result<(), async_nats::Error> {
    let inbox = client.new_inbox();
    let mut echo = client.subscribe(inbox.clone()).await?;
    client.publish(inbox, "".into()).await?;
    echo.next().await.ok_or("the connection closed")?;
    Ok(())
}
