import io.nats.client.BaseConsumerContext;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsJetStreamMetaData;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    // The audit events the example stores, in the order they happen.
    static final String[][] EVENTS = {
        {"audit.users", "alice signed up"},
        {"audit.orders", "alice placed order 1"},
        {"audit.users", "bob signed up"},
        {"audit.orders", "bob placed order 2"},
        {"audit.users", "alice changed her email"},
        {"audit.orders", "order 1 shipped"},
    };

    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. JetStream must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // The `AUDIT` stream keeps every event published under `audit.>`.
            jsm.addStream(StreamConfiguration.builder()
                .name("AUDIT")
                .subjects("audit.>")
                .storageType(StorageType.Memory)
                .build());
            System.out.println("Created stream AUDIT");

            for (String[] event : EVENTS) {
                js.publish(event[0], event[1].getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("Published " + EVENTS.length + " events");

            // `createOrderedConsumer` sets up an ephemeral pull consumer with
            // no acknowledgements, one that the library watches: if a
            // message goes missing or the heartbeats stop, it recreates the
            // consumer from the last sequence it delivered. The default
            // configuration reads the whole stream from the first message.
            StreamContext stream = nc.getStreamContext("AUDIT");
            System.out.println("Replaying the whole stream:");
            replay(stream.createOrderedConsumer(new OrderedConsumerConfiguration()));

            // A second ordered consumer narrows the view: only
            // `audit.orders`, and only from stream sequence 3 on. Other start
            // positions work the same way, such as
            // `DeliverPolicy.LastPerSubject` to get just the latest event of
            // each subject when building a cache.
            System.out.println("Replaying audit.orders from sequence 3:");
            replay(stream.createOrderedConsumer(new OrderedConsumerConfiguration()
                .filterSubject("audit.orders")
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(3)));
        }
    }

    // Prints messages until the consumer has nothing left to deliver. Every
    // message's metadata carries the number of messages still pending after
    // it, so a reader knows it has reached the end of the stream when that
    // number drops to zero, without waiting for a timeout.
    static void replay(BaseConsumerContext consumer) throws Exception {
        try (IterableConsumer messages = consumer.iterate()) {
            while (true) {
                Message msg = messages.nextMessage(Duration.ofSeconds(5));
                if (msg == null) {
                    throw new IllegalStateException("no message within five seconds");
                }
                NatsJetStreamMetaData meta = msg.metaData();
                System.out.println("  #" + meta.streamSequence() + " " + msg.getSubject() + ": "
                    + new String(msg.getData(), StandardCharsets.UTF_8));
                if (meta.pendingCount() == 0) {
                    return;
                }
            }
        }
    }
}
