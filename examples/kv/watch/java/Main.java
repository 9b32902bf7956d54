import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class Main {
    static final String CAUGHT_UP = "Watcher: caught up with the current values";

    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. The key-value store is part of JetStream,
        // which must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // Two buckets: `flags` remembers the last three values of each
            // key, `sessions` only the latest, and its values expire after an
            // hour.
            KeyValueManagement kvm = nc.keyValueManagement();
            kvm.create(KeyValueConfiguration.builder()
                .name("flags")
                .description("Feature switches")
                .maxHistoryPerKey(3)
                .build());
            kvm.create(KeyValueConfiguration.builder().name("sessions").ttl(Duration.ofHours(1)).build());
            System.out.println("Created buckets flags and sessions");
            KeyValue flags = nc.keyValue("flags");

            // Two flags exist before anyone watches.
            put(flags, "dark-mode", "on");
            put(flags, "beta-search", "off");

            // A watcher is called with the current value of every key, then
            // `endOfData` says it has caught up, then it is called with every
            // change as it happens. The calls come from another thread, so
            // the watcher only queues a line for each, and this program
            // prints them in turn with the changes it makes, in a fixed
            // order.
            BlockingQueue<String> updates = new LinkedBlockingQueue<>();
            KeyValueWatcher watcher = new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    updates.add("Watcher: " + describe(entry));
                }

                @Override
                public void endOfData() {
                    updates.add(CAUGHT_UP);
                }
            };
            try (NatsKeyValueWatchSubscription watch = flags.watchAll(watcher)) {
                String line;
                do {
                    line = next(updates);
                    System.out.println(line);
                } while (!line.equals(CAUGHT_UP));

                // Three changes: beta search is switched on, dark mode is
                // removed, and a new flag appears. The watcher reports each
                // one.
                put(flags, "beta-search", "on");
                flags.delete("dark-mode");
                System.out.println("Deleted dark-mode");
                put(flags, "new-checkout", "on");
                for (int i = 0; i < 3; i++) {
                    System.out.println(next(updates));
                }
            }

            // A key's history keeps up to three revisions, the delete marker
            // included.
            System.out.println("History of dark-mode:");
            for (KeyValueEntry entry : flags.history("dark-mode")) {
                System.out.println("  " + describe(entry));
            }

            // Every bucket of the account with its settings, in name order.
            List<String> buckets = new ArrayList<>();
            for (KeyValueStatus status : kvm.getStatuses()) {
                String description = status.getDescription() == null ? "" : " (" + status.getDescription() + ")";
                Duration ttl = status.getTtl();
                String ttlText = ttl == null || ttl.isZero() ? "no TTL" : "TTL " + ttl.getSeconds() + "s";
                buckets.add("  " + status.getBucketName() + description + ": history " + status.getMaxHistoryPerKey()
                    + ", " + status.getEntryCount() + " values, " + ttlText);
            }
            Collections.sort(buckets);
            System.out.println("Buckets in the account:");
            buckets.forEach(System.out::println);
        }
    }

    // Stores a value and prints its revision.
    static void put(KeyValue kv, String key, String value) throws Exception {
        long revision = kv.put(key, value);
        System.out.println("Put " + key + " = " + value + " (revision " + revision + ")");
    }

    // Waits up to five seconds for the watcher's next line.
    static String next(BlockingQueue<String> updates) throws InterruptedException {
        String line = updates.poll(5, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("the watcher reported nothing for five seconds");
        }
        return line;
    }

    // An entry's revision, operation, key and value in one line.
    static String describe(KeyValueEntry entry) {
        if (entry.getOperation() == KeyValueOperation.PUT) {
            return "revision " + entry.getRevision() + ": PUT " + entry.getKey() + " = " + entry.getValueAsString();
        }
        return "revision " + entry.getRevision() + ": DELETE " + entry.getKey();
    }
}
