import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.nats.client.api.Subject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. JetStream must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {
            JetStream js = nc.jetStream();

            // `Interest` retention is the only change from a default stream:
            // a message stays only while some consumer still has to
            // acknowledge it.
            nc.jetStreamManagement().addStream(StreamConfiguration.builder()
                .name("ORDERS")
                .subjects("orders.>")
                .retentionPolicy(RetentionPolicy.Interest)
                .storageType(StorageType.File)
                .build());
            System.out.println("Created stream ORDERS with interest retention");
            StreamContext stream = nc.getStreamContext("ORDERS");

            // A message published while the stream has no consumer at all is
            // accepted, and the acknowledgement names its sequence, but
            // nobody could ever want it: the stream does not keep it.
            PublishAck ack = js.publish("orders.paid",
                "order 1 paid, before anyone listened".getBytes(StandardCharsets.UTF_8));
            System.out.println("Published order 1 as sequence " + ack.getSeqno() + ", with no consumer yet");
            showStream(stream, 0);

            // Two pull consumers share the stream. `billing` reads every
            // order event, `shipping` only paid orders. Unlike a work queue,
            // an interest stream allows filters that overlap.
            ConsumerContext billing = createConsumer(stream, "billing", "orders.>");
            ConsumerContext shipping = createConsumer(stream, "shipping", "orders.paid");

            // Three new events: two payments, which both consumers want, and
            // one cancellation, which only billing wants.
            String[][] events = {
                {"orders.paid", "order 2 paid"},
                {"orders.paid", "order 3 paid"},
                {"orders.cancelled", "order 4 cancelled"},
            };
            for (String[] event : events) {
                js.publish(event[0], event[1].getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("Published 2 payments and 1 cancellation");
            showStream(stream, 3);

            // Billing reads and acknowledges all three. The cancellation had
            // no other reader and goes; the two payments stay, because
            // shipping has not seen them yet.
            handle(billing, "Billing", 3);
            showStream(stream, 2);

            // Shipping handles the first payment. Both consumers are now done
            // with it, so only one message remains.
            handle(shipping, "Shipping", 1);
            showStream(stream, 1);

            // Deleting a consumer withdraws its interest. The payment
            // shipping never acknowledged has no reader left and the stream
            // is empty, while its sequence numbers keep counting from where
            // they were.
            stream.deleteConsumer("shipping");
            System.out.println("Deleted consumer shipping");
            showStream(stream, 0);
        }
    }

    // Adds a durable pull consumer that receives the events its filter
    // matches and must acknowledge each of them.
    static ConsumerContext createConsumer(StreamContext stream, String name, String filter) throws Exception {
        ConsumerContext consumer = stream.createOrUpdateConsumer(ConsumerConfiguration.builder()
            .durable(name)
            .filterSubject(filter)
            .ackPolicy(AckPolicy.Explicit)
            .build());
        System.out.println("Created consumer " + name + " for " + filter);
        return consumer;
    }

    // Fetches `count` events and acknowledges each one, waiting for the
    // server to confirm the acknowledgement.
    static void handle(ConsumerContext consumer, String name, int count) throws Exception {
        FetchConsumeOptions options = FetchConsumeOptions.builder().maxMessages(count).expiresIn(5000).build();
        int handled = 0;
        try (FetchConsumer fetch = consumer.fetch(options)) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) {
                msg.ackSync(Duration.ofSeconds(5));
                System.out.println(name + " acknowledged sequence " + msg.metaData().streamSequence() + ": "
                    + new String(msg.getData(), StandardCharsets.UTF_8));
                handled++;
            }
        }
        if (handled != count) {
            throw new IllegalStateException(name + " got " + handled + " of " + count + " events within 5 seconds");
        }
    }

    // Prints how many messages the stream holds, per subject, and its first
    // and last sequence. The server removes a message a moment after the
    // last acknowledgement it waited for, so this first waits (for up to ten
    // seconds) until the stream holds the expected number of messages.
    static void showStream(StreamContext stream, long expected) throws Exception {
        StreamState state = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            state = stream.getStreamInfo(StreamInfoOptions.allSubjects()).getStreamState();
            if (state.getMsgCount() == expected) {
                break;
            }
            Thread.sleep(50);
        }
        if (state.getMsgCount() != expected) {
            throw new IllegalStateException("the ORDERS stream never held " + expected + " messages");
        }
        System.out.println("Stream ORDERS holds " + state.getMsgCount() + " messages, first sequence "
            + state.getFirstSequence() + ", last sequence " + state.getLastSequence());
        List<Subject> subjects = new ArrayList<>(state.getSubjects());
        Collections.sort(subjects);
        for (Subject subject : subjects) {
            System.out.println("  " + subject.getName() + ": " + subject.getCount());
        }
    }
}
