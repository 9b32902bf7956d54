import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import io.nats.client.support.JsonValueUtils;

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

            // A stream for image tasks, kept in memory since the example is
            // short-lived.
            jsm.addStream(StreamConfiguration.builder()
                .name("TASKS")
                .subjects("tasks.>")
                .storageType(StorageType.Memory)
                .build());
            System.out.println("Created stream TASKS");

            // The `worker` consumer wants every message acknowledged. One
            // that is not acknowledged within the ack wait (one second here,
            // thirty unless set) is delivered again, and so is one the worker
            // rejects with a nak, at once. `maxDeliver` caps the deliveries
            // of a message at three.
            StreamContext stream = nc.getStreamContext("TASKS");
            ConsumerContext worker = stream.createOrUpdateConsumer(ConsumerConfiguration.builder()
                .durable("worker")
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(1))
                .maxDeliver(3)
                .build());
            ConsumerConfiguration config = worker.getCachedConsumerInfo().getConsumerConfiguration();
            System.out.printf("Created consumer worker: ack wait %ds, at most %d deliveries%n",
                config.getAckWait().toSeconds(), config.getMaxDeliver());

            // When a message has used up its deliveries, the server
            // publishes an advisory on
            // `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
            // Nothing else records the failure, so that advisory is the
            // signal to set the message aside as a dead letter. The
            // subscription is in place, and the flush makes sure the server
            // knows it, before any task exists.
            Subscription advisories =
                nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.worker");
            nc.flush(Duration.ofSeconds(5));
            System.out.println("Listening for max-deliveries advisories of TASKS > worker");

            // Two tasks; the second one names a file the worker cannot read.
            for (String task : new String[] {"resize photo-1.jpg", "resize broken.jpg"}) {
                PublishAck ack = js.publish("tasks.resize", task.getBytes(StandardCharsets.UTF_8));
                System.out.printf("Published %s: stream sequence %d%n", task, ack.getSeqno());
            }

            // The worker takes one message at a time; `next` waits up to
            // five seconds for it. The message's metadata counts its
            // deliveries. The good task is acknowledged (`ackSync` waits for
            // the server to confirm it). The broken one fails every time:
            // the first failure is a nak, which makes the message come back
            // at once; the second time the worker does not answer at all, as
            // if it had crashed, and the message comes back only when the
            // ack wait has run out; the third failure is a nak again, on the
            // last delivery allowed.
            for (int i = 0; i < 4; i++) {
                Message msg = worker.next(Duration.ofSeconds(5));
                if (msg == null) {
                    throw new IllegalStateException("no task arrived");
                }
                String body = new String(msg.getData(), StandardCharsets.UTF_8);
                NatsJetStreamMetaData meta = msg.metaData();
                String prefix = String.format("Delivery %d of sequence %d (%s)",
                    meta.deliveredCount(), meta.streamSequence(), body);
                if (body.equals("resize photo-1.jpg")) {
                    msg.ackSync(Duration.ofSeconds(5));
                    System.out.println(prefix + ": done, acknowledged");
                } else if (meta.deliveredCount() == 2) {
                    System.out.println(prefix + ": no answer");
                } else {
                    msg.nak();
                    System.out.println(prefix + ": failed, nak");
                }
            }

            // A pull consumer looks at a message it would deliver again when
            // a client asks for messages. When the worker asks once more,
            // the server finds the message at its limit: instead of
            // delivering it, it publishes the advisory, and the worker's
            // request ends empty (`null`) after its one-second wait.
            Message extra = worker.next(Duration.ofSeconds(1));
            if (extra != null) {
                throw new IllegalStateException("delivered a fourth time: "
                    + new String(extra.getData(), StandardCharsets.UTF_8));
            }
            System.out.println("No task left for the worker");

            // The advisory is JSON, which jnats's own parser reads. It names
            // the stream sequence of the message, which reads the dead letter
            // back from the stream: the stream still holds it, since a limits
            // stream keeps messages whatever their consumers do.
            Message event = advisories.nextMessage(Duration.ofSeconds(5));
            if (event == null) {
                throw new IllegalStateException("no max-deliveries advisory arrived");
            }
            JsonValue advisory = JsonParser.parse(event.getData());
            long sequence = JsonValueUtils.readLong(advisory, "stream_seq", 0);
            System.out.printf("Advisory: consumer %s gave up on sequence %d of stream %s after %d deliveries%n",
                JsonValueUtils.readString(advisory, "consumer"), sequence,
                JsonValueUtils.readString(advisory, "stream"),
                JsonValueUtils.readLong(advisory, "deliveries", 0));
            MessageInfo dead = jsm.getMessage("TASKS", sequence);
            System.out.printf("Dead letter: sequence %d on %s: %s%n", dead.getSeq(), dead.getSubject(),
                new String(dead.getData(), StandardCharsets.UTF_8));

            // The consumer has nothing left: no message awaits
            // acknowledgement and none waits to be delivered.
            ConsumerInfo info = worker.getConsumerInfo();
            System.out.printf("Consumer worker: %d awaiting acknowledgement, %d to process%n",
                info.getNumAckPending(), info.getNumPending());
        }
    }
}
