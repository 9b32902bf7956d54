import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // The service and its caller each get their own connection, as two
        // programs would. Neither ever learns the other's address: they only
        // share a subject.
        try (Connection service = Nats.connect(Options.builder().server(url).connectionName("greeter").build());
             Connection client = Nats.connect(Options.builder().server(url).connectionName("caller").build())) {

            // The service is an ordinary subscription on `greet.hello`,
            // served by a dispatcher thread. Every request carries a reply
            // subject, a private inbox of the caller, and the answer is
            // published there. Requests can carry headers like any message;
            // the service reads the `Language` header when there is one.
            Dispatcher dispatcher = service.createDispatcher(msg -> {
                String name = new String(msg.getData(), StandardCharsets.UTF_8);
                String lang = msg.hasHeaders() ? msg.getHeaders().getFirst("Language") : null;
                if (lang != null) {
                    System.out.println("Service got \"" + name + "\" with Language: " + lang);
                } else {
                    System.out.println("Service got \"" + name + "\"");
                }
                service.publish(msg.getReplyTo(), ("Hello, " + name + "!").getBytes(StandardCharsets.UTF_8));
            });
            dispatcher.subscribe("greet.hello");

            // A request sent before the subscription reaches the server
            // would find nobody to answer. `flush` returns once the server
            // has processed everything the service sent so far, its
            // subscription included.
            service.flush(Duration.ofSeconds(5));
            System.out.println("Service listening on greet.hello");

            // `request` publishes the message with a fresh inbox as its reply
            // subject and waits for the first answer, here for up to two
            // seconds.
            Message reply = client.request("greet.hello", "Ada".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
            System.out.println("Reply: " + text(reply));

            // The second request carries a header.
            Headers headers = new Headers().put("Language", "en");
            reply = client.request("greet.hello", headers, "Grace".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
            System.out.println("Reply: " + text(reply));

            // Draining stops the service gracefully: the server stops sending
            // it requests, those already received are answered, and then the
            // connection closes.
            service.drain(Duration.ofSeconds(5)).get();
            System.out.println("Service stopped");
        }
    }

    // The body of a reply as text; a missing reply means the request timed out.
    static String text(Message reply) {
        if (reply == null) {
            throw new IllegalStateException("the request timed out without a reply");
        }
        return new String(reply.getData(), StandardCharsets.UTF_8);
    }
}
