use std::time::Duration;

use async_nats::service::{self, error, ServiceExt};
use futures::StreamExt;

/// The two integers of a request such as `84 2`.
fn operands(request: &service::Request) -> Result<(i64, i64), error::Error> {
    let bad = || error::Error {
        code: 400,
        status: "expected two integers".to_string(),
    };
    let text = std::str::from_utf8(&request.message.payload).map_err(|_| bad())?;
    let fields: Vec<&str> = text.split_whitespace().collect();
    match fields[..] {
        [a, b] => Ok((a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?)),
        _ => Err(bad()),
    }
}

/// Serves one endpoint in its own task: each request is answered with the
/// result of `compute` or with its service error.
fn serve(
    mut endpoint: service::endpoint::Endpoint,
    compute: fn(i64, i64) -> Result<i64, error::Error>,
) {
    tokio::spawn(async move {
        while let Some(request) = endpoint.next().await {
            let answer = operands(&request)
                .and_then(|(a, b)| compute(a, b))
                .map(|result| result.to_string().into());
            if let Err(err) = request.respond(answer).await {
                eprintln!("responding: {err}");
            }
        }
    });
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_string());
    let client = async_nats::connect(url).await?;

    // A service is declared with a name, a version and a description. The
    // name is what callers and monitoring tools look it up by; several
    // instances may share it. Starting the service also subscribes it to
    // the discovery subjects under `$SRV`.
    let calculator = client
        .service_builder()
        .description("Adds and divides integers")
        .start("calculator", "1.0.0")
        .await?;

    // A group puts its endpoints under a common subject prefix: `add` and
    // `divide` listen on `calc.add` and `calc.divide`. Every endpoint joins
    // a queue group, so the requests are spread over all running instances.
    // Without `name`, an endpoint would be named after its whole subject.
    let calc = calculator.group("calc");
    let add = calc.endpoint_builder().name("add").add("add").await?;
    let divide = calc.endpoint_builder().name("divide").add("divide").await?;
    serve(add, |a, b| Ok(a + b));

    // A handler that cannot answer responds with a service error: a code
    // and a description, sent as the headers `Nats-Service-Error-Code` and
    // `Nats-Service-Error`. The service counts it as an error in its
    // statistics.
    serve(divide, |a, b| {
        if b == 0 {
            return Err(error::Error {
                code: 400,
                status: "division by zero".to_string(),
            });
        }
        Ok(a / b)
    });
    println!("Service calculator 1.0.0 started");

    // To a caller, an endpoint is an ordinary request subject. An error
    // reply has an empty body and the two error headers. The service and
    // its caller share one connection here, so the server has the
    // endpoints' subscriptions before the first request.
    for (subject, data) in [
        ("calc.add", "2 3"),
        ("calc.divide", "84 2"),
        ("calc.divide", "1 0"),
    ] {
        let reply = client.request(subject, data.into()).await?;
        let header = |name| {
            reply
                .headers
                .as_ref()
                .and_then(|headers| headers.get(name))
                .map(|value| value.to_string())
        };
        match header(service::NATS_SERVICE_ERROR_CODE) {
            Some(code) => println!(
                "{subject} {data} -> error {code}: {}",
                header(service::NATS_SERVICE_ERROR).unwrap_or_default()
            ),
            None => println!(
                "{subject} {data} -> {}",
                String::from_utf8_lossy(&reply.payload)
            ),
        }
    }

    // Discovery is request/reply too, on `$SRV.<verb>.<name>`: PING says
    // who is there, INFO describes the endpoints, STATS counts requests
    // and errors. Any client can ask, with no service library at all. The
    // answers carry more (the instance id, start time, processing
    // durations), which change on every run; only stable facts are printed.
    let reply = client.request("$SRV.PING.calculator", "".into()).await?;
    let ping: service::PingResponse = serde_json::from_slice(&reply.payload)?;
    println!("PING {} {}", ping.name, ping.version);

    let reply = client.request("$SRV.INFO.calculator", "".into()).await?;
    let mut info: service::Info = serde_json::from_slice(&reply.payload)?;
    println!("INFO {} {}: {}", info.name, info.version, info.description);
    info.endpoints.sort_by(|a, b| a.name.cmp(&b.name));
    for endpoint in &info.endpoints {
        println!("  endpoint {} on {}", endpoint.name, endpoint.subject);
    }

    // A service counts a request once its reply has gone out, so the count
    // can lag a moment behind the reply. Ask again until all three
    // requests are counted.
    let mut attempt = 1;
    let mut stats = loop {
        let reply = client.request("$SRV.STATS.calculator", "".into()).await?;
        let stats: service::Stats = serde_json::from_slice(&reply.payload)?;
        let total: usize = stats.endpoints.iter().map(|e| e.requests).sum();
        if total == 3 {
            break stats;
        }
        if attempt == 50 {
            return Err(format!("STATS counted {total} requests, expected 3").into());
        }
        attempt += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    println!("STATS {} {}", stats.name, stats.version);
    stats.endpoints.sort_by(|a, b| a.name.cmp(&b.name));
    for endpoint in &stats.endpoints {
        println!(
            "  endpoint {}: {} requests, {} errors",
            endpoint.name, endpoint.requests, endpoint.errors
        );
    }

    calculator.stop().await?;
    Ok(())
}
