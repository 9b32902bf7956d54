use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;

/// Four patterns:
///
/// - `sensors.*.temperature`: `*` stands for exactly one token, so this is
///   any three-token subject with `sensors` first and `temperature` last.
/// - `sensors.>`: `>` stands for one or more tokens and may only come last,
///   so this is everything below `sensors`, however deep, but not `sensors`
///   itself.
/// - `*.*`: any subject of exactly two tokens.
/// - `>`: a full wildcard at the root matches every subject.
const PATTERNS: [&str; 4] = ["sensors.*.temperature", "sensors.>", "*.*", ">"];

/// Six subjects, each testing one edge of the rules: a token too many for
/// `*`, the bare prefix that `>` does not cover, two tokens, and a capital
/// letter (subjects are case-sensitive).
const SUBJECTS: [&str; 6] = [
    "sensors.kitchen.temperature",
    "sensors.kitchen.humidity",
    "sensors.garden.shed.temperature",
    "sensors",
    "alerts.kitchen",
    "Sensors.kitchen.temperature",
];

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());

    // One connection both subscribes and publishes. A connection receives
    // its own messages by default, and keeping everything on one connection
    // makes the order of events easy to reason about (see below).
    let client = async_nats::connect(&url).await?;

    let mut subs = Vec::new();
    for pattern in PATTERNS {
        subs.push(client.subscribe(pattern).await?);
    }
    round_trip(&client).await?;

    for subject in SUBJECTS {
        client.publish(subject, "reading".into()).await?;
    }
    println!("Published {} messages", SUBJECTS.len());

    // The server handles a connection's commands in order, and the client
    // hands each incoming message to its subscription in order. So once a
    // message the client sends itself after the six has come back, every
    // copy of the six waits in the subscriptions' queues. Reading each
    // queue until it is empty (a short timeout, which only runs out once
    // nothing is left) gives the complete set each pattern received.
    //
    // That round-trip message travels on the client's own `_INBOX.…`
    // subject, which `>` and `*.*` match as well; only the six subjects
    // above are counted.
    round_trip(&client).await?;
    for (pattern, sub) in PATTERNS.iter().zip(subs.iter_mut()) {
        let mut received = HashSet::new();
        while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(100), sub.next()).await {
            received.insert(msg.subject.to_string());
        }
        let count = SUBJECTS.iter().filter(|s| received.contains(**s)).count();
        println!("{pattern} received {count} of {}:", SUBJECTS.len());
        for subject in SUBJECTS {
            let mark = if received.contains(subject) { "yes" } else { "no " };
            println!("  {mark} {subject}");
        }
    }
    Ok(())
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
    echo.unsubscribe().await?;
    Ok(())
}
