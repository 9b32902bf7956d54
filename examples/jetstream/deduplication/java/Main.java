import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;

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

            // The `PAYMENTS` stream remembers the message IDs it has seen for
            // one minute: that is its duplicate window (two minutes unless
            // set). The window bounds how much the server must remember, so
            // it should cover the longest time a publisher may take to retry.
            StreamInfo created = jsm.addStream(StreamConfiguration.builder()
                .name("PAYMENTS")
                .subjects("payments.>")
                .storageType(StorageType.File)
                .duplicateWindow(Duration.ofMinutes(1))
                .build());
            System.out.printf("Created stream PAYMENTS with a duplicate window of %ds%n",
                created.getConfiguration().getDuplicateWindow().toSeconds());

            // Each charge carries its invoice number as its message ID: the
            // publish option `messageId` sets the `Nats-Msg-Id` header. Every
            // charge is sent twice, as a publisher does when an
            // acknowledgement does not come back in time. The first attempt
            // is stored; the stream acknowledges the second with the sequence
            // of the stored message and the duplicate flag, and keeps nothing
            // new.
            String[][] charges = {
                {"invoice-1001", "charge 40.00 EUR for invoice 1001"},
                {"invoice-1002", "charge 15.50 EUR for invoice 1002"},
            };
            for (int attempt = 1; attempt <= 2; attempt++) {
                for (String[] charge : charges) {
                    PublishOptions options = PublishOptions.builder().messageId(charge[0]).build();
                    PublishAck ack = js.publish("payments.charge",
                        charge[1].getBytes(StandardCharsets.UTF_8), options);
                    System.out.printf("Published %s, attempt %d: sequence %d, duplicate %b%n",
                        charge[0], attempt, ack.getSeqno(), ack.isDuplicate());
                }
            }

            // Without an ID the server has nothing to compare: the same
            // charge sent twice is stored twice, and the customer would pay
            // twice.
            for (int attempt = 1; attempt <= 2; attempt++) {
                PublishAck ack = js.publish("payments.charge",
                    "charge 9.99 EUR for invoice 1003".getBytes(StandardCharsets.UTF_8));
                System.out.printf(
                    "Published invoice 1003 without an ID, attempt %d: sequence %d, duplicate %b%n",
                    attempt, ack.getSeqno(), ack.isDuplicate());
            }

            // Six publishes, four messages: two charges with IDs, and the
            // charge without one twice.
            StreamInfo info = jsm.getStreamInfo("PAYMENTS");
            System.out.printf("Stream PAYMENTS holds %d messages%n", info.getStreamState().getMsgCount());

            // The ID stays with the stored message as a header.
            MessageInfo msg = jsm.getMessage("PAYMENTS", 1);
            System.out.printf("Message 1: %s (Nats-Msg-Id %s)%n",
                new String(msg.getData(), StandardCharsets.UTF_8),
                msg.getHeaders().getFirst("Nats-Msg-Id"));
        }
    }
}
