import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.nats.client.api.Subject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback. JetStream must be enabled on that server.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // `JetStreamManagement` creates and inspects streams and
            // consumers; `JetStream` publishes to streams.
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();

            // The `SENSORS` stream captures every subject under `sensors.`.
            // Limits retention (the default) keeps messages until a limit is
            // reached; here the only limit is three messages per subject, so
            // each sensor's latest three readings survive however chatty the
            // other sensors are. When a subject is full, the oldest message
            // makes room (`DiscardPolicy.Old`).
            jsm.addStream(StreamConfiguration.builder()
                .name("SENSORS")
                .description("Latest readings of every sensor")
                .subjects("sensors.>")
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxMessagesPerSubject(3)
                .build());
            System.out.println("Created stream SENSORS, keeping 3 messages per subject");

            // Five kitchen readings and two from the cellar. A JetStream
            // publish waits for the stream's acknowledgement, which names the
            // sequence number the message was stored under.
            String[][] readings = {
                {"sensors.kitchen", "19.5"},
                {"sensors.kitchen", "19.8"},
                {"sensors.kitchen", "20.1"},
                {"sensors.kitchen", "20.4"},
                {"sensors.kitchen", "20.6"},
                {"sensors.cellar", "12.0"},
                {"sensors.cellar", "12.1"},
            };
            for (String[] r : readings) {
                PublishAck ack = js.publish(r[0], r[1].getBytes(StandardCharsets.UTF_8));
                System.out.println("Published " + r[0] + " " + r[1] + ": stored as sequence " + ack.getSeqno());
            }

            // Seven messages went in but the stream holds five: the two
            // oldest kitchen readings were dropped to respect the per-subject
            // limit, which is why the first sequence is 3. A `StreamContext`
            // works with one stream; asking for its info with a subject
            // filter also returns the number of messages on each subject.
            StreamContext stream = nc.getStreamContext("SENSORS");
            StreamState state = stream.getStreamInfo(StreamInfoOptions.allSubjects()).getStreamState();
            System.out.println("Stream SENSORS holds " + state.getMsgCount() + " messages, sequences "
                + state.getFirstSequence() + " to " + state.getLastSequence());
            System.out.println("Messages per subject:");
            List<Subject> subjects = new ArrayList<>(state.getSubjects());
            Collections.sort(subjects);
            for (Subject subject : subjects) {
                System.out.println("  " + subject.getName() + ": " + subject.getCount());
            }

            // The most recent message on a subject can be read directly from
            // the stream, without creating a consumer.
            MessageInfo last = stream.getLastMessage("sensors.kitchen");
            System.out.println("Latest on sensors.kitchen: " + new String(last.getData(), StandardCharsets.UTF_8)
                + " (sequence " + last.getSeq() + ")");

            // Finally, the names of all streams in the account.
            for (String name : jsm.getStreamNames()) {
                System.out.println("Stream in the account: " + name);
            }
        }
    }
}
