use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

/// What the shop publishes on `orders.created`. serde derives the encoding
/// and decoding; the field names become the JSON keys, shared with the
/// programs in every other language.
#[derive(Serialize, Deserialize)]
struct Order {
    id: u32,
    item: String,
    quantity: u32,
}

/// Asks the price service what some quantity of an item costs.
#[derive(Serialize, Deserialize)]
struct QuoteRequest {
    item: String,
    quantity: u32,
}

/// The service's answer: either a total or an error. Fields that are
/// `None` are left out of the JSON.
#[derive(Serialize, Deserialize, Default)]
struct QuoteReply {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quantity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_cents: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The unit price of an item the service knows, in cents.
fn price(item: &str) -> Option<u32> {
    match item {
        "book" => Some(1200),
        "lamp" => Some(3500),
        _ => None,
    }
}

/// The price service's answer to one request body. A body that is not
/// valid JSON, or has a field of the wrong type, makes `from_slice` fail;
/// the service then answers with an error in JSON rather than staying
/// silent, so the caller learns why at once instead of waiting for a
/// timeout.
fn quote(body: &[u8]) -> QuoteReply {
    let error = |text: &str| QuoteReply {
        error: Some(text.into()),
        ..Default::default()
    };
    let Ok(req) = serde_json::from_slice::<QuoteRequest>(body) else {
        return error("invalid request");
    };
    let Some(unit) = price(&req.item) else {
        return error("unknown item");
    };
    QuoteReply {
        total_cents: Some(unit * req.quantity),
        item: Some(req.item),
        quantity: Some(req.quantity),
        error: None,
    }
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());

    // One connection for the shop (publisher and caller), one for the
    // subscriber and the price service. The shop gives up on a request
    // after two seconds.
    let shop = async_nats::ConnectOptions::new()
        .request_timeout(Some(Duration::from_secs(2)))
        .connect(&url)
        .await?;
    let backend = async_nats::connect(&url).await?;

    // The subscription for new orders, and the price service as a task of
    // its own that answers each request with `quote` above.
    let mut orders = backend.subscribe("orders.created").await?;
    let mut requests = backend.subscribe("prices.quote").await?;
    let responder = backend.clone();
    tokio::spawn(async move {
        while let Some(request) = requests.next().await {
            let reply = serde_json::to_vec(&quote(&request.payload))?;
            if let Some(inbox) = request.reply {
                responder.publish(inbox, reply.into()).await?;
            }
        }
        Ok::<(), async_nats::Error>(())
    });
    round_trip(&backend).await?;

    // `serde_json::to_vec` turns a struct into compact JSON bytes, fields
    // in the order the struct declares them. The second body is cut short
    // on purpose: NATS does not check payloads, so it is delivered like the
    // others.
    let bodies = vec![
        serde_json::to_vec(&Order {
            id: 1001,
            item: "book".into(),
            quantity: 2,
        })?,
        br#"{"id":1002,"item":"pen""#.to_vec(),
        serde_json::to_vec(&Order {
            id: 1003,
            item: "lamp".into(),
            quantity: 1,
        })?,
    ];
    for body in &bodies {
        shop.publish("orders.created", body.clone().into()).await?;
        println!("Published {}", String::from_utf8_lossy(body));
    }
    shop.flush().await?;

    // The subscriber decodes each body into an `Order`. A malformed one is
    // reported and skipped: one bad message must not stop the others.
    for _ in &bodies {
        let msg = tokio::time::timeout(Duration::from_secs(5), orders.next())
            .await?
            .ok_or("the subscription ended")?;
        match serde_json::from_slice::<Order>(&msg.payload) {
            Ok(order) => println!("Order {}: {} x {}", order.id, order.quantity, order.item),
            Err(_) => println!(
                "Skipped a malformed message: {}",
                String::from_utf8_lossy(&msg.payload)
            ),
        }
    }

    // Request and reply carry JSON the same way. The second request has a
    // quantity that is a string, not a number: valid JSON, but not a valid
    // `QuoteRequest`.
    let good = serde_json::to_vec(&QuoteRequest {
        item: "book".into(),
        quantity: 2,
    })?;
    for body in [good, br#"{"item":"book","quantity":"two"}"#.to_vec()] {
        println!("Requested {}", String::from_utf8_lossy(&body));
        let msg = shop.request("prices.quote", body.into()).await?;
        println!("Reply {}", String::from_utf8_lossy(&msg.payload));
        let reply: QuoteReply = serde_json::from_slice(&msg.payload)?;
        match reply {
            QuoteReply {
                error: Some(error), ..
            } => println!("Quote failed: {error}"),
            QuoteReply {
                item: Some(item),
                quantity: Some(quantity),
                total_cents: Some(total),
                ..
            } => {
                println!("Quote: {quantity} x {item} = {total} cents")
            }
            _ => return Err("the reply has neither a total nor an error".into()),
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
    Ok(())
}
