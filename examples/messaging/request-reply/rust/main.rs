use std::time::Duration;

use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`, with the usual local address
    // as a fallback.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());

    // The service and its caller each get their own connection, as two
    // programs would. Neither ever learns the other's address: they only
    // share a subject. The caller gives up on a request after two seconds.
    let service = async_nats::connect(&url).await?;
    let caller = async_nats::ConnectOptions::new()
        .request_timeout(Some(Duration::from_secs(2)))
        .connect(&url)
        .await?;

    // The service is an ordinary subscription on `greet.hello`. Every
    // request carries a reply subject, a private inbox of the caller, and
    // the service publishes its answer there. Requests can carry headers
    // like any message; the service reads the `Language` header when there
    // is one. It runs as its own task and ends when its subscription does.
    let mut requests = service.subscribe("greet.hello").await?;
    let responder = service.clone();
    let service_task = tokio::spawn(async move {
        while let Some(request) = requests.next().await {
            let name = String::from_utf8_lossy(&request.payload).into_owned();
            let language = request.headers.as_ref().and_then(|h| h.get("Language"));
            match language {
                Some(language) => println!("Service got {name:?} with Language: {language}"),
                None => println!("Service got {name:?}"),
            }
            if let Some(reply) = request.reply {
                responder.publish(reply, format!("Hello, {name}!").into()).await?;
            }
        }
        Ok::<(), async_nats::Error>(())
    });

    // A request sent before the subscription reaches the server would find
    // nobody to answer. The server handles a connection's commands in order,
    // so once a message the service sends itself has come back, its
    // subscription is in place.
    round_trip(&service).await?;
    println!("Service listening on greet.hello");

    // `request` publishes the message with a fresh inbox as its reply
    // subject and waits for the first answer.
    let reply = caller.request("greet.hello", "Ada".into()).await?;
    println!("Reply: {}", String::from_utf8_lossy(&reply.payload));

    // The second request carries a header, so it goes out with
    // `request_with_headers`.
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Language", "en");
    let reply = caller
        .request_with_headers("greet.hello", headers, "Grace".into())
        .await?;
    println!("Reply: {}", String::from_utf8_lossy(&reply.payload));

    // Draining stops the service gracefully: the server stops sending it
    // requests, those already received are answered, and then its
    // subscription ends, which lets the service task finish.
    service.drain().await?;
    service_task.await??;
    println!("Service stopped");
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
