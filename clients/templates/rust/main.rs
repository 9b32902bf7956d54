use std::time::Duration;

use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // `NATS_URL` holds the address of the NATS server to connect to;
    // without it, the program tries a server on this machine's default
    // port, 4222. A request gives up after two seconds without an answer.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::ConnectOptions::new()
        .request_timeout(Some(Duration::from_secs(2)))
        .connect(&url)
        .await?;

    // A responder: every request on `demo.hello` gets an answer on the
    // request's reply subject. It runs as a task of its own.
    let mut requests = client.subscribe("demo.hello").await?;
    let responder = client.clone();
    tokio::spawn(async move {
        while let Some(request) = requests.next().await {
            if let Some(reply) = request.reply {
                let name = String::from_utf8_lossy(&request.payload);
                let _ = responder.publish(reply, format!("Hello, {name}!").into()).await;
            }
        }
    });

    // The request goes over the same connection, after the subscription,
    // and the server handles a connection's commands in order: the
    // responder is in place when the request arrives.
    let reply = client.request("demo.hello", "NATS".into()).await?;
    println!("Reply: {}", String::from_utf8_lossy(&reply.payload));
    Ok(())
}
