import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // One connection plays the subscriber and the service, another the
        // publisher and the caller, as separate programs would.
        try (Connection receiver = Nats.connect(Options.builder().server(url).connectionName("receiver").build());
             Connection sender = Nats.connect(Options.builder().server(url).connectionName("sender").build())) {

            // A synchronous subscription for new orders. `flush` returns
            // once the server has processed everything the receiver sent so
            // far, the subscription included.
            Subscription orders = receiver.subscribe("orders.new");
            receiver.flush(Duration.ofSeconds(5));

            // `Headers` maps a key to a list of values. `add` appends, so
            // adding twice gives `Tag` two values, kept in order; `put`
            // would replace them.
            Headers tags = new Headers();
            tags.add("Tag", "priority");
            tags.add("Tag", "gift");
            sender.publish("orders.new", tags, "2 books".getBytes(StandardCharsets.UTF_8));
            sender.flush(Duration.ofSeconds(5));
            System.out.println("Published \"2 books\" to orders.new with Tag: priority and Tag: gift");

            // On the receiving side, `getFirst` returns the first value of a
            // key and `get` all of them. `getHeaders` is null for a message
            // without any, which `hasHeaders` tells.
            Message got = orders.nextMessage(Duration.ofSeconds(5));
            if (got == null || !got.hasHeaders()) {
                throw new IllegalStateException("the order did not arrive with its headers");
            }
            System.out.println("Subscriber got \"" + text(got) + "\"");
            System.out.println("  Tag (first value): " + got.getHeaders().getFirst("Tag"));
            System.out.println("  Tag (all values): " + String.join(", ", got.getHeaders().get("Tag")));

            // A reply is a message like any other, so it can carry headers
            // too. The service, run by a dispatcher thread, reads the
            // `Order-Id` header of each request and publishes its answer to
            // the request's reply subject with a `Status` header.
            Dispatcher service = receiver.createDispatcher(req -> {
                String orderId = req.hasHeaders() ? req.getHeaders().getFirst("Order-Id") : null;
                System.out.println("Service got \"" + text(req) + "\" with Order-Id: " + orderId);
                Headers status = new Headers().put("Status", "shipped");
                receiver.publish(req.getReplyTo(), status, "on its way".getBytes(StandardCharsets.UTF_8));
            });
            service.subscribe("orders.status");
            receiver.flush(Duration.ofSeconds(5));

            // `request` takes headers like `publish` does; the reply's
            // headers arrive with it. A null reply means no answer came in
            // time.
            Headers order = new Headers().put("Order-Id", "1001");
            Message reply = sender.request("orders.status", order, "where is it?".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(2));
            if (reply == null) {
                throw new IllegalStateException("the request timed out without a reply");
            }
            System.out.println("Reply: \"" + text(reply) + "\"");
            System.out.println("  Status: " + (reply.hasHeaders() ? reply.getHeaders().getFirst("Status") : null));
        }
    }

    // The body of a message as text.
    static String text(Message msg) {
        return new String(msg.getData(), StandardCharsets.UTF_8);
    }
}
