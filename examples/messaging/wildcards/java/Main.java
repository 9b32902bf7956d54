import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

public class Main {
    // Four patterns:
    //
    // - `sensors.*.temperature`: `*` stands for exactly one token, so this
    //   is any three-token subject with `sensors` first and `temperature`
    //   last.
    // - `sensors.>`: `>` stands for one or more tokens and may only come
    //   last, so this is everything below `sensors`, however deep, but not
    //   `sensors` itself.
    // - `*.*`: any subject of exactly two tokens.
    // - `>`: a full wildcard at the root matches every subject.
    static final List<String> PATTERNS = List.of("sensors.*.temperature", "sensors.>", "*.*", ">");

    // Six subjects, each testing one edge of the rules: a token too many for
    // `*`, the bare prefix that `>` does not cover, two tokens, and a
    // capital letter (subjects are case-sensitive).
    static final List<String> SUBJECTS = List.of(
            "sensors.kitchen.temperature",
            "sensors.kitchen.humidity",
            "sensors.garden.shed.temperature",
            "sensors",
            "alerts.kitchen",
            "Sensors.kitchen.temperature");

    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // One connection both subscribes and publishes. A connection
        // receives its own messages by default, and keeping everything on
        // one connection makes the order of events easy to reason about
        // (see below).
        try (Connection nc = Nats.connect(Options.builder().server(url).connectionName("wildcards").build())) {
            // Synchronous subscriptions queue their messages until the
            // program reads them with `nextMessage`.
            List<Subscription> subs = new ArrayList<>();
            for (String pattern : PATTERNS) {
                subs.add(nc.subscribe(pattern));
            }
            nc.flush(Duration.ofSeconds(5));

            for (String subject : SUBJECTS) {
                nc.publish(subject, "reading".getBytes());
            }
            System.out.println("Published " + SUBJECTS.size() + " messages");

            // `flush` returns when the server has answered a ping sent after
            // the messages. The server handles a connection's commands in
            // order, so by then it has routed every message, and the client
            // has read every copy it was sent: they wait in the
            // subscriptions' queues. Reading each queue until it is empty (a
            // short timeout, which only runs out once nothing is left) gives
            // the complete set each pattern received.
            nc.flush(Duration.ofSeconds(5));
            for (int i = 0; i < PATTERNS.size(); i++) {
                Set<String> received = new HashSet<>();
                Message msg;
                while ((msg = subs.get(i).nextMessage(Duration.ofMillis(100))) != null) {
                    received.add(msg.getSubject());
                }
                System.out.println(PATTERNS.get(i) + " received " + received.size() + " of " + SUBJECTS.size() + ":");
                for (String subject : SUBJECTS) {
                    System.out.println("  " + (received.contains(subject) ? "yes" : "no ") + " " + subject);
                }
            }
        }
    }
}
