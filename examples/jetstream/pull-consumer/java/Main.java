import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsJetStreamMetaData;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. JetStream must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // A stream for orders, kept in memory since the example is
            // short-lived.
            jsm.addStream(StreamConfiguration.builder()
                .name("ORDERS")
                .subjects("orders.>")
                .storageType(StorageType.Memory)
                .build());
            System.out.println("Created stream ORDERS");

            // Five orders arrive before anyone reads them. Each
            // acknowledgement from the stream names the sequence the order
            // was stored under.
            for (int n = 1; n <= 5; n++) {
                PublishAck ack = js.publish("orders.new", ("order " + n).getBytes(StandardCharsets.UTF_8));
                System.out.println("Published order " + n + ": stored as sequence " + ack.getSeqno());
            }

            // The `processor` consumer is durable: it has a name and keeps
            // its position on the server even while no client is connected.
            // A consumer without a push subject is a pull consumer: clients
            // ask for messages when they are ready. It starts at the
            // beginning of the stream, and every message must be
            // acknowledged on its own; one that is not acknowledged within
            // the ack wait is delivered again, at most `maxDeliver` times.
            //
            // A `StreamContext` works with one stream, and the
            // `ConsumerContext` it returns with one of its consumers.
            StreamContext stream = nc.getStreamContext("ORDERS");
            ConsumerContext consumer = stream.createOrUpdateConsumer(ConsumerConfiguration.builder()
                .durable("processor")
                .filterSubject("orders.>")
                .deliverPolicy(DeliverPolicy.All)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(30))
                .maxDeliver(5)
                .maxAckPending(100)
                .build());
            System.out.println("Created consumer processor: "
                + consumer.getConsumerInfo().getNumPending() + " messages to process");

            // Fetch two messages, waiting at most five seconds for them. Each
            // message's metadata tells where it sits in the stream, how often
            // it was delivered and how many messages are still waiting after
            // it.
            //
            // `ackSync` acknowledges the message and waits for the server to
            // confirm it has recorded the acknowledgement.
            FetchConsumeOptions options = FetchConsumeOptions.builder().maxMessages(2).expiresIn(5000).build();
            try (FetchConsumer fetch = consumer.fetch(options)) {
                Message msg;
                while ((msg = fetch.nextMessage()) != null) {
                    NatsJetStreamMetaData meta = msg.metaData();
                    String body = new String(msg.getData(), StandardCharsets.UTF_8);
                    System.out.println("Received " + body + ": stream sequence " + meta.streamSequence()
                        + ", consumer sequence " + meta.consumerSequence() + ", delivery " + meta.deliveredCount()
                        + ", " + meta.pendingCount() + " pending");
                    msg.ackSync(Duration.ofSeconds(5));
                    System.out.println("Acknowledged " + body);
                }
            }

            // The consumer's state shows the outcome: the acknowledgement
            // floor is at stream sequence 2, nothing awaits acknowledgement,
            // and three messages are still waiting to be processed.
            ConsumerInfo info = consumer.getConsumerInfo();
            System.out.println("Consumer processor: acknowledged up to stream sequence "
                + info.getAckFloor().getStreamSequence() + ", " + info.getNumAckPending()
                + " awaiting acknowledgement, " + info.getNumPending() + " to process");
        }
    }
}
