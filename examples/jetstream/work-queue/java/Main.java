import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
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

            // `WorkQueue` retention turns the stream into a durable to-do
            // list: a message stays until a consumer acknowledges it, then it
            // is removed.
            nc.jetStreamManagement().addStream(StreamConfiguration.builder()
                .name("JOBS")
                .subjects("jobs.>")
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(StorageType.File)
                .build());
            System.out.println("Created work queue stream JOBS");
            StreamContext stream = nc.getStreamContext("JOBS");

            // Two pull consumers, each owning one kind of job. Their filters,
            // `jobs.email` and `jobs.image`, do not overlap, so every job has
            // exactly one owner.
            ConsumerContext mailer = createConsumer(stream, "mailer", "jobs.email");
            ConsumerContext thumbnailer = createConsumer(stream, "thumbnailer", "jobs.image");

            // A work queue refuses a consumer whose filter overlaps
            // another's: a second consumer for `jobs.email` could take jobs
            // the mailer expects.
            try {
                stream.createOrUpdateConsumer(ConsumerConfiguration.builder()
                    .durable("second-mailer")
                    .filterSubject("jobs.email")
                    .ackPolicy(AckPolicy.Explicit)
                    .build());
                throw new IllegalStateException("expected the server to refuse a second consumer on jobs.email");
            } catch (JetStreamApiException e) {
                System.out.println("A second consumer on jobs.email was refused: " + e.getErrorDescription()
                    + " (error " + e.getApiErrorCode() + ")");
            }

            // Queue up five jobs: two emails and three images.
            String[][] jobs = {
                {"jobs.email", "welcome mail for ada"},
                {"jobs.email", "invoice for grace"},
                {"jobs.image", "thumbnail of photo-1.jpg"},
                {"jobs.image", "thumbnail of photo-2.jpg"},
                {"jobs.image", "thumbnail of photo-3.jpg"},
            };
            for (String[] job : jobs) {
                js.publish(job[0], job[1].getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("Queued 2 email jobs and 3 image jobs");
            showStream(stream, 5);

            // The mailer takes both email jobs and acknowledges them.
            // Acknowledged jobs leave the stream: three remain, all images,
            // and the first sequence moves past the finished emails.
            work(mailer, "mailer", 2);
            showStream(stream, 3);

            // The thumbnailer works through the images. Then the stream is
            // empty, but its sequence numbers keep counting: the next job
            // will be number 6.
            work(thumbnailer, "thumbnailer", 3);
            showStream(stream, 0);
        }
    }

    // Adds a durable pull consumer that receives the jobs on one subject and
    // must acknowledge each of them.
    static ConsumerContext createConsumer(StreamContext stream, String name, String subject) throws Exception {
        ConsumerContext consumer = stream.createOrUpdateConsumer(ConsumerConfiguration.builder()
            .durable(name)
            .filterSubject(subject)
            .ackPolicy(AckPolicy.Explicit)
            .build());
        System.out.println("Created consumer " + name + " for " + subject);
        return consumer;
    }

    // Fetches `count` jobs and acknowledges each one, waiting for the server
    // to confirm the acknowledgement.
    static void work(ConsumerContext consumer, String name, int count) throws Exception {
        FetchConsumeOptions options = FetchConsumeOptions.builder().maxMessages(count).expiresIn(5000).build();
        try (FetchConsumer fetch = consumer.fetch(options)) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) {
                msg.ackSync(Duration.ofSeconds(5));
                System.out.println("The " + name + " did: " + new String(msg.getData(), StandardCharsets.UTF_8));
            }
        }
    }

    // Prints how many messages the stream holds, per subject, and its first
    // and last sequence. The server removes acknowledged messages a moment
    // after confirming the acknowledgement, so this first waits (for up to
    // ten seconds) until the stream holds the expected number of messages.
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
            throw new IllegalStateException("the JOBS stream never held " + expected + " messages");
        }
        System.out.println("Stream JOBS holds " + state.getMsgCount() + " messages, first sequence "
            + state.getFirstSequence() + ", last sequence " + state.getLastSequence());
        List<Subject> subjects = new ArrayList<>(state.getSubjects());
        Collections.sort(subjects);
        for (Subject subject : subjects) {
            System.out.println("  " + subject.getName() + ": " + subject.getCount());
        }
    }
}
