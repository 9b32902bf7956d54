import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectLink;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.support.NatsJetStreamClientError;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

public class Main {
    // describe prints what an entry is: a plain object with its size, a
    // link to one object, or a link to a whole bucket.
    static void describe(ObjectInfo info) {
        if (info == null) {
            throw new IllegalStateException("entry not found");
        }
        if (!info.isLink()) {
            System.out.printf("%s is an object of %d bytes%n", info.getObjectName(), info.getSize());
            return;
        }
        ObjectLink link = info.getLink();
        if (link.isBucketLink()) {
            System.out.printf("%s is a link to bucket %s%n", info.getObjectName(), link.getBucket());
            return;
        }
        System.out.printf("%s is a link to %s/%s%n", info.getObjectName(), link.getBucket(), link.getObjectName());
    }

    // readText reads an entry into memory, following a link like `get`
    // does, and decodes it.
    static String readText(ObjectStore os, String name) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        os.get(name, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    // jnats reports object store errors as exceptions whose message starts
    // with the error's id, e.g. `[OS-90201]`; this checks for one of them.
    static boolean isError(Exception e, NatsJetStreamClientError error) {
        return e.getMessage() != null && e.getMessage().startsWith("[" + error.id() + "]");
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`; the object store lives
        // in JetStream, so that server must have it enabled.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // Two buckets: `assets` holds what a web site serves, `archive`
            // holds retired files. Each bucket is a stream of its own.
            ObjectStoreManagement osm = nc.objectStoreManagement();
            osm.create(ObjectStoreConfiguration.builder("assets").build());
            osm.create(ObjectStoreConfiguration.builder("archive").build());
            ObjectStore assets = nc.objectStore("assets");
            ObjectStore archive = nc.objectStore("archive");
            System.out.println("Created buckets assets and archive");

            // Upload the current logo under a versioned name. A short text
            // stands in for the image bytes.
            ObjectInfo v2 = assets.put("logo-v2.png", bytes("logo, second edition"));
            describe(v2);

            // `addLink` stores a link entry: a metadata record without
            // chunks that names the target's bucket and object. Pages refer
            // to `logo.png` and never need to know which version is current.
            describe(assets.addLink("logo.png", v2));

            // Reading a link follows it: the result is the target's content.
            System.out.printf("logo.png reads \"%s\"%n", readText(assets, "logo.png"));

            // A new version is uploaded next to the old one. Adding a link
            // under a name that already holds a link replaces it, so
            // re-pointing is one call; readers switch over at once. (A name
            // that holds a real object cannot be turned into a link.)
            ObjectInfo v3 = assets.put("logo-v3.png", bytes("logo, third edition"));
            describe(v3);
            assets.addLink("logo.png", v3);
            describe(assets.getInfo("logo.png"));
            System.out.printf("logo.png reads \"%s\"%n", readText(assets, "logo.png"));

            // A bucket link points at a whole bucket rather than one object.
            // It cannot be read as data; a reader looks up the bucket it
            // names and opens that bucket instead.
            archive.put("logo-v1.png", bytes("logo, first edition"));
            assets.addBucketLink("old-logos", archive);
            ObjectInfo bucketLink = assets.getInfo("old-logos");
            describe(bucketLink);
            try {
                readText(assets, "old-logos");
                throw new IllegalStateException("reading old-logos: expected a bucket-link error");
            } catch (IllegalArgumentException e) {
                if (!isError(e, NatsJetStreamClientError.OsGetLinkToBucket)) {
                    throw e;
                }
                System.out.println("old-logos cannot be read as data: it links to a bucket");
            }
            String linkedName = bucketLink.getLink().getBucket();
            ObjectStore linked = nc.objectStore(linkedName);
            System.out.printf("%s/logo-v1.png reads \"%s\"%n", linkedName, readText(linked, "logo-v1.png"));

            // Links are not reference counted: deleting the target leaves the
            // link in place, pointing at nothing. Reading through it reports
            // that the object is not found.
            assets.delete("logo-v3.png");
            System.out.println("Deleted logo-v3.png");
            describe(assets.getInfo("logo.png"));
            try {
                readText(assets, "logo.png");
                throw new IllegalStateException("reading logo.png: expected not found");
            } catch (IllegalArgumentException e) {
                if (!isError(e, NatsJetStreamClientError.OsObjectNotFound)) {
                    throw e;
                }
                System.out.println("logo.png cannot be read: its target is not found");
            }
        }
    }
}
