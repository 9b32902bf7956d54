use std::time::Duration;

use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, the same variable the `nats`
    // command line tool reads, with the usual local address as a fallback.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());

    // Subscribers and publishers need not know about each other, so the
    // program gives each side its own connection, as two separate services
    // would have.
    let subscriber = async_nats::connect(&url).await?;
    let publisher = async_nats::connect(&url).await?;

    // `*` matches exactly one token, so the first subscription hears about
    // new orders from any region: `orders.eu.new`, `orders.us.new` and so
    // on. `>` matches one or more trailing tokens, so the second one sees
    // everything that happens to European orders.
    //
    // A `Subscriber` is a stream: messages wait in it until the program
    // asks for the next one, which keeps the two lists apart.
    let mut new_orders = subscriber.subscribe("orders.*.new").await?;
    let mut eu_orders = subscriber.subscribe("orders.eu.>").await?;

    // Core NATS stores nothing: a message published before a subscription
    // reaches the server is simply not delivered to it. The server handles a
    // connection's commands in order, so once a message the subscriber sends
    // itself has come back, both subscriptions are in place.
    round_trip(&subscriber).await?;

    // Four messages. `orders.eu.new` matches both patterns, `orders.us.new`
    // only the first, and the two other European subjects only the second.
    let messages = [
        ("orders.eu.new", "order 1 from Lisbon"),
        ("orders.us.new", "order 2 from Denver"),
        ("orders.eu.shipped", "order 1 is on its way"),
        ("orders.eu.delivered", "order 1 arrived"),
    ];
    for (subject, body) in messages {
        publisher.publish(subject, body.into()).await?;
        println!("Published to {subject}: {body}");
    }
    publisher.flush().await?;

    // Each subscriber reads what it was sent. The message published to
    // `orders.eu.new` reached both: in core NATS every matching
    // subscription gets its own copy.
    receive("orders.*.new", &mut new_orders, 2).await?;
    receive("orders.eu.>", &mut eu_orders, 3).await?;
    Ok(())
}

/// Prints the next `count` messages of a subscription, waiting at most a few
/// seconds for each.
async fn receive(
    pattern: &str,
    subscription: &mut async_nats::Subscriber,
    count: usize,
) -> Result<(), async_nats::Error> {
    println!("The {pattern} subscriber received:");
    for _ in 0..count {
        let message = tokio::time::timeout(Duration::from_secs(5), subscription.next())
            .await
            .map_err(|_| format!("no message arrived on {pattern} within 5 seconds"))?
            .ok_or("the subscription was closed")?;
        let body = String::from_utf8_lossy(&message.payload);
        println!("  {}: {body}", message.subject);
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
    Ok(())
}
