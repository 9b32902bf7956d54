import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueStatus;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. The key-value store is part of JetStream,
        // which must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // The `releases` bucket keeps the last five revisions of each
            // key (`maxHistoryPerKey(5)`; the most a bucket can keep is 64).
            // `KeyValueManagement` creates buckets, `KeyValue` uses one.
            KeyValueManagement kvm = nc.keyValueManagement();
            kvm.create(KeyValueConfiguration.builder()
                .name("releases")
                .maxHistoryPerKey(5)
                .build());
            KeyValue releases = nc.keyValue("releases");
            System.out.println("Created bucket releases, keeping 5 revisions per key");

            // One version of the API, then six versions of the web front
            // end, one after the other. Every put is a new revision of the
            // key.
            releases.put("api.version", "3.4");
            for (String version : new String[] {"1.0", "1.1", "1.2", "2.0", "2.1", "2.2"}) {
                releases.put("web.version", version);
            }
            System.out.println("Put api.version once and web.version six times");

            // Six revisions went in, five are kept: the first one, 1.0, made
            // room.
            printHistory(releases, "web.version");

            // Deleting the key adds a delete marker as its newest revision.
            // The marker counts against the history limit like any other
            // revision, so 1.1 goes too, but the older values stay readable.
            releases.delete("web.version");
            System.out.println("Deleted web.version");
            printHistory(releases, "web.version");

            // Purging the key removes every revision it has and leaves a
            // single purge marker: the history is gone, which a delete alone
            // never does.
            releases.purge("web.version");
            System.out.println("Purged web.version");
            printHistory(releases, "web.version");

            // The purge touched only its key: api.version keeps its history.
            printHistory(releases, "api.version");

            // The bucket now holds two messages: the value of api.version
            // and the purge marker of web.version.
            KeyValueStatus status = releases.getStatus();
            System.out.printf("Bucket %s: %d revisions per key, %d values stored%n",
                status.getBucketName(), status.getMaxHistoryPerKey(), status.getEntryCount());
        }
    }

    // Lists every revision of a key the bucket still keeps, oldest first,
    // with its operation: a put with its value, or a delete or purge marker.
    static void printHistory(KeyValue kv, String key) throws Exception {
        System.out.printf("History of %s:%n", key);
        for (KeyValueEntry entry : kv.history(key)) {
            switch (entry.getOperation()) {
                case PUT -> System.out.printf("  revision %d: PUT %s%n",
                    entry.getRevision(), entry.getValueAsString());
                case DELETE -> System.out.printf("  revision %d: DELETE%n", entry.getRevision());
                case PURGE -> System.out.printf("  revision %d: PURGE%n", entry.getRevision());
            }
        }
    }
}
