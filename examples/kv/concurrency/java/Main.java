import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;

import java.nio.charset.StandardCharsets;

public class Main {
    // A conditional write that loses is refused by the stream behind the
    // bucket with API error 10071, "wrong last sequence": the key was not at
    // the revision the writer named.
    static final int WRONG_LAST_SEQUENCE = 10071;

    interface Write {
        long run() throws Exception;
    }

    // Runs a conditional write that is expected to lose, and fails unless
    // the server refused it for that reason.
    static void expectRefused(Write write, String what) throws Exception {
        try {
            write.run();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return;
            }
            throw e;
        }
        throw new IllegalStateException("expected " + what + " to be refused");
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. The key-value store is part of JetStream,
        // which must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // A bucket of stock levels that keeps five revisions per key.
            nc.keyValueManagement().create(KeyValueConfiguration.builder()
                .name("inventory")
                .maxHistoryPerKey(5)
                .build());
            System.out.println("Created bucket inventory, keeping 5 revisions per key");
            KeyValue kv = nc.keyValue("inventory");

            // `create` writes a key only if it has no value yet. The first
            // create succeeds; a second one, from someone who thought they
            // were first, is refused.
            long revision = kv.create("widgets", bytes("10"));
            System.out.println("Created widgets = 10 (revision " + revision + ")");
            expectRefused(() -> kv.create("widgets", bytes("12")), "the second create");
            System.out.println("Creating widgets = 12 was refused: widgets already exists");

            // Two clerks read the stock level. Both see 10, at revision 1.
            KeyValueEntry read = kv.get("widgets");
            System.out.println("Both clerks read widgets = " + read.getValueAsString()
                + " (revision " + read.getRevision() + ")");

            // The first clerk sells one widget and writes 9, on the condition
            // that the key is still at the revision it read. It is, so the
            // update succeeds and the key moves to a new revision.
            revision = kv.update("widgets", bytes("9"), read.getRevision());
            System.out.println("The first clerk updated widgets to 9 (revision " + revision + ")");

            // The second clerk sold two widgets and, working from the same
            // read, writes 8 on the same condition. The key has moved on, so
            // the update is refused instead of silently losing the first
            // clerk's sale.
            expectRefused(() -> kv.update("widgets", bytes("8"), read.getRevision()), "the second clerk's update");
            System.out.println("The second clerk's update to 8 was refused: widgets is no longer at revision "
                + read.getRevision());

            // The second clerk reads again, finds 9, and retries from that
            // revision.
            KeyValueEntry reread = kv.get("widgets");
            System.out.println("The second clerk read widgets = " + reread.getValueAsString()
                + " (revision " + reread.getRevision() + ")");
            revision = kv.update("widgets", bytes("7"), reread.getRevision());
            System.out.println("The second clerk updated widgets to 7 (revision " + revision + ")");

            // After a delete, `create` works again: the key's latest revision
            // is a delete marker, so the key counts as absent.
            kv.delete("widgets");
            System.out.println("Deleted widgets");
            revision = kv.create("widgets", bytes("50"));
            System.out.println("Created widgets = 50 (revision " + revision + ")");

            // The history shows every successful write, and none of the
            // refused ones.
            System.out.println("History of widgets:");
            for (KeyValueEntry entry : kv.history("widgets")) {
                if (entry.getOperation() == KeyValueOperation.PUT) {
                    System.out.println("  revision " + entry.getRevision() + ": PUT " + entry.getValueAsString());
                } else {
                    System.out.println("  revision " + entry.getRevision() + ": DELETE");
                }
            }
        }
    }
}
