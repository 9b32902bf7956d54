import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, the same variable the
        // `nats` command line tool reads, with the usual local address as a
        // fallback.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // Subscribers and publishers need not know about each other, so this
        // program gives each side its own connection, as two separate
        // services would have.
        try (Connection subscriber = Nats.connect(Options.builder().server(url).connectionName("subscriber").build());
             Connection publisher = Nats.connect(Options.builder().server(url).connectionName("publisher").build())) {

            // `*` matches exactly one token, so the first subscription hears
            // about new orders from any region: `orders.eu.new`,
            // `orders.us.new` and so on. `>` matches one or more trailing
            // tokens, so the second one sees everything that happens to
            // European orders.
            //
            // A subscription without a dispatcher queues its messages until
            // the program asks for them with `nextMessage`, which keeps the
            // two lists apart.
            Subscription newOrders = subscriber.subscribe("orders.*.new");
            Subscription euOrders = subscriber.subscribe("orders.eu.>");

            // Core NATS stores nothing: a message published before a
            // subscription reaches the server is simply not delivered to it.
            // `flush` waits for the server to answer a ping, and since it
            // handles a connection's commands in order, both subscriptions
            // are then in place.
            subscriber.flush(Duration.ofSeconds(5));

            // Four messages. `orders.eu.new` matches both patterns,
            // `orders.us.new` only the first, and the two other European
            // subjects only the second.
            String[][] messages = {
                {"orders.eu.new", "order 1 from Lisbon"},
                {"orders.us.new", "order 2 from Denver"},
                {"orders.eu.shipped", "order 1 is on its way"},
                {"orders.eu.delivered", "order 1 arrived"},
            };
            for (String[] m : messages) {
                publisher.publish(m[0], m[1].getBytes(StandardCharsets.UTF_8));
                System.out.println("Published to " + m[0] + ": " + m[1]);
            }
            publisher.flush(Duration.ofSeconds(5));

            // Each subscriber reads what it was sent. The message published
            // to `orders.eu.new` reached both: in core NATS every matching
            // subscription gets its own copy.
            receive(newOrders, 2);
            receive(euOrders, 3);
        }
    }

    // Prints the next `count` messages of a subscription, waiting at most a
    // few seconds for each.
    static void receive(Subscription sub, int count) throws InterruptedException {
        System.out.println("The " + sub.getSubject() + " subscriber received:");
        for (int i = 0; i < count; i++) {
            Message msg = sub.nextMessage(Duration.ofSeconds(5));
            if (msg == null) {
                throw new IllegalStateException("no message arrived on " + sub.getSubject());
            }
            System.out.println("  " + msg.getSubject() + ": " + new String(msg.getData(), StandardCharsets.UTF_8));
        }
    }
}
