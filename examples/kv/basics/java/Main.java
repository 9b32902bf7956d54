import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. The key-value store is part of JetStream,
        // which must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // `KeyValueManagement` creates and lists buckets. The `profiles`
            // bucket keeps the last five values of each key instead of only
            // the latest one.
            KeyValueManagement kvm = nc.keyValueManagement();
            kvm.create(KeyValueConfiguration.builder()
                .name("profiles")
                .description("User profile settings")
                .maxHistoryPerKey(5)
                .build());
            System.out.println("Created bucket profiles, keeping 5 revisions per key");

            // A `KeyValue` works with one bucket. `put` stores a value and
            // returns its revision: the sequence number of the message that
            // holds it in the bucket's stream. Writing a key that already
            // exists adds a new revision.
            KeyValue kv = nc.keyValue("profiles");
            String[][] puts = {
                {"ada.theme", "light"},
                {"ada.language", "en"},
                {"grace.theme", "dark"},
                {"ada.theme", "dark"},
            };
            for (String[] p : puts) {
                long revision = kv.put(p[0], p[1]);
                System.out.println("Put " + p[0] + " = " + p[1] + " (revision " + revision + ")");
            }

            // `get` returns the latest value of a key together with its
            // revision.
            for (String key : List.of("ada.theme", "ada.language")) {
                KeyValueEntry entry = kv.get(key);
                System.out.println("Get " + key + ": " + entry.getValueAsString() + " (revision " + entry.getRevision() + ")");
            }

            // Deleting a key does not erase its past: the delete is recorded
            // as one more revision, a marker without a value.
            kv.delete("grace.theme");
            System.out.println("Deleted grace.theme");

            // The history of a key lists every revision still kept, oldest
            // first.
            for (String key : List.of("ada.theme", "grace.theme")) {
                System.out.println("History of " + key + ":");
                for (KeyValueEntry entry : kv.history(key)) {
                    if (entry.getOperation() == KeyValueOperation.PUT) {
                        System.out.println("  revision " + entry.getRevision() + ": PUT " + entry.getValueAsString());
                    } else {
                        System.out.println("  revision " + entry.getRevision() + ": DELETE");
                    }
                }
            }

            // Listing the keys shows those that currently hold a value; the
            // deleted one is gone. The order of the listing is not
            // guaranteed, so it is sorted.
            List<String> keys = new ArrayList<>(kv.keys());
            Collections.sort(keys);
            System.out.println("Keys with a value: " + String.join(", ", keys));

            // The status of the bucket: its history setting, how many values
            // it holds (every kept revision counts, the delete marker too)
            // and the stream behind it.
            KeyValueStatus status = kv.getStatus();
            System.out.println("Bucket " + status.getBucketName() + ": " + status.getMaxHistoryPerKey()
                + " revisions per key, " + status.getEntryCount() + " values stored, backed by stream "
                + status.getBackingStreamInfo().getConfiguration().getName());

            // Finally, the names of all buckets in the account.
            for (String name : kvm.getBucketNames()) {
                System.out.println("Bucket in the account: " + name);
            }
        }
    }
}
