use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server's address comes from `NATS_URL`, with the usual local
    // default when the variable is not set.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_string());
    let client = async_nats::connect(url).await?;

    // Two subscribers with different wildcards. `*` stands for exactly one
    // token, so `orders.*.new` hears about new orders from any region. `>`
    // stands for one or more trailing tokens, so `orders.eu.>` sees
    // everything that happens to European orders.
    let mut new_orders = client.subscribe("orders.*.new").await?;
    let mut eu_orders = client.subscribe("orders.eu.>").await?;

    // Subscribing only queues a request to the server. A flush waits for
    // the server to answer a ping sent after it, so once it returns both
    // subscriptions are in place and no message published below is missed.
    client.flush().await?;

    // Publish four messages. `orders.eu.new` matches both patterns,
    // `orders.us.new` only the first, and the two other European subjects
    // only the second.
    let orders = [
        ("orders.eu.new", "order 1 from Lisbon"),
        ("orders.us.new", "order 2 from Denver"),
        ("orders.eu.shipped", "order 1 is on its way"),
        ("orders.eu.delivered", "order 1 arrived"),
    ];
    for (subject, body) in orders {
        client.publish(subject, body.into()).await?;
        println!("published to {subject}: {body}");
    }
    client.flush().await?;

    // Each subscription is a stream of messages. The first subscriber
    // expects two of them, the second three. Reading one subscriber after
    // the other keeps the output in a fixed order; the messages were
    // delivered to both in parallel.
    println!("subscriber orders.*.new received:");
    for _ in 0..2 {
        let message = new_orders.next().await.ok_or("subscription closed")?;
        println!("  {}: {}", message.subject, String::from_utf8_lossy(&message.payload));
    }

    // The message published to `orders.eu.new` shows up here too: in core
    // NATS every matching subscriber gets its own copy.
    println!("subscriber orders.eu.> received:");
    for _ in 0..3 {
        let message = eu_orders.next().await.ok_or("subscription closed")?;
        println!("  {}: {}", message.subject, String::from_utf8_lossy(&message.payload));
    }

    Ok(())
}
