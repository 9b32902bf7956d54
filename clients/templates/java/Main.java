import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        // `NATS_URL` holds the address of the NATS server to connect to;
        // without it, the program tries a server on this machine's default
        // port, 4222.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // A responder: every request on `demo.hello` gets an answer on
            // the request's reply subject, from a dispatcher thread.
            Dispatcher dispatcher = nc.createDispatcher(msg -> {
                String name = new String(msg.getData(), StandardCharsets.UTF_8);
                nc.publish(msg.getReplyTo(), ("Hello, " + name + "!").getBytes(StandardCharsets.UTF_8));
            });
            dispatcher.subscribe("demo.hello");

            // The request goes over the same connection, after the
            // subscription, and the server handles a connection's commands
            // in order: the responder is in place when the request arrives.
            // It waits up to two seconds for the answer; none is `null`.
            Message reply = nc.request("demo.hello", "NATS".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
            if (reply == null) {
                throw new IllegalStateException("the request timed out without a reply");
            }
            System.out.println("Reply: " + new String(reply.getData(), StandardCharsets.UTF_8));
        }
    }
}
