use std::time::Duration;

use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());

    // One connection plays the subscriber and the service, another the
    // publisher and the caller, as separate programs would. The caller gives
    // up on a request after two seconds.
    let receiver = async_nats::connect(&url).await?;
    let sender = async_nats::ConnectOptions::new()
        .request_timeout(Some(Duration::from_secs(2)))
        .connect(&url)
        .await?;

    // A subscription for new orders. The server handles a connection's
    // commands in order, so once a message the receiver sends itself has
    // come back, the subscription is in place.
    let mut orders = receiver.subscribe("orders.new").await?;
    round_trip(&receiver).await?;

    // A `HeaderMap` maps a key to a list of values. `append` adds a value,
    // so appending twice gives `Tag` two values, kept in order; `insert`
    // would replace them. `publish_with_headers` sends them along.
    let mut headers = async_nats::HeaderMap::new();
    headers.append("Tag", "priority");
    headers.append("Tag", "gift");
    sender
        .publish_with_headers("orders.new", headers, "2 books".into())
        .await?;
    sender.flush().await?;
    println!("Published \"2 books\" to orders.new with Tag: priority and Tag: gift");

    // On the receiving side, `get` returns the first value of a key and
    // `get_all` all of them. `headers` is `None` for a message without any.
    let got = tokio::time::timeout(Duration::from_secs(5), orders.next())
        .await?
        .ok_or("the subscription ended")?;
    let headers = got.headers.unwrap_or_default();
    let first = headers.get("Tag").map(|v| v.as_str()).unwrap_or_default();
    let all: Vec<&str> = headers.get_all("Tag").map(|v| v.as_str()).collect();
    println!("Subscriber got {:?}", String::from_utf8_lossy(&got.payload));
    println!("  Tag (first value): {first}");
    println!("  Tag (all values): {}", all.join(", "));

    // A reply is a message like any other, so it can carry headers too. The
    // service reads the `Order-Id` header of each request and publishes its
    // answer to the request's reply subject with a `Status` header. It runs
    // as its own task.
    let mut requests = receiver.subscribe("orders.status").await?;
    let responder = receiver.clone();
    tokio::spawn(async move {
        while let Some(request) = requests.next().await {
            let order_id = request
                .headers
                .as_ref()
                .and_then(|h| h.get("Order-Id"))
                .map(|v| v.to_string())
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&request.payload);
            println!("Service got {body:?} with Order-Id: {order_id}");
            if let Some(reply) = request.reply {
                let mut headers = async_nats::HeaderMap::new();
                headers.insert("Status", "shipped");
                responder
                    .publish_with_headers(reply, headers, "on its way".into())
                    .await?;
            }
        }
        Ok::<(), async_nats::Error>(())
    });
    round_trip(&receiver).await?;

    // `request_with_headers` sends a request with headers; the reply's
    // headers arrive with it.
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Order-Id", "1001");
    let reply = sender
        .request_with_headers("orders.status", headers, "where is it?".into())
        .await?;
    let status = reply
        .headers
        .as_ref()
        .and_then(|h| h.get("Status"))
        .map(|v| v.to_string())
        .unwrap_or_default();
    println!("Reply: {:?}", String::from_utf8_lossy(&reply.payload));
    println!("  Status: {status}");
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
