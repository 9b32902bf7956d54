import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

public class Main {
    // How many messages each subscriber is sent.
    static final int TOTAL = 10;

    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        try (Connection publisher = Nats.connect(Options.builder().server(url).connectionName("publisher").build())) {
            // First the abrupt way: `close` shuts the connection at once and
            // stops its dispatchers. The message in the handler is finished,
            // but those still waiting in the dispatcher's queue are dropped.
            int handled = run(url, publisher, "jobs.closed", false);
            System.out.println("Closed: " + handled + " of " + TOTAL + " messages handled, " + (TOTAL - handled) + " lost");

            // Then gracefully: `drain` unsubscribes, so the server sends
            // nothing new, lets the dispatcher work through every message
            // already in its queue, and then closes the connection. It
            // returns a future that completes when all that is done.
            handled = run(url, publisher, "jobs.drained", true);
            System.out.println("Drained: " + handled + " of " + TOTAL + " messages handled, " + (TOTAL - handled) + " lost");
        }
    }

    // Starts a subscriber on its own connection, fills its queue with TOTAL
    // messages while its handler is held up on the first one, stops it by
    // draining (`graceful`) or by closing, and returns how many messages the
    // handler got.
    static int run(String url, Connection publisher, String subject, boolean graceful) throws Exception {
        Connection nc = Nats.connect(Options.builder().server(url).build());

        // The handler, run by a dispatcher thread, counts every message it is
        // given. On the first one it says so on `started`, then waits for
        // `release`, standing for slow work: meanwhile the other messages
        // wait in the dispatcher's queue. `finished` counts down when that
        // first message has been dealt with, also if its wait is cut short
        // (closing a connection interrupts its dispatcher threads).
        AtomicInteger count = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Dispatcher dispatcher = nc.createDispatcher(msg -> {
            if (count.incrementAndGet() == 1) {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // Closing the connection interrupted the wait.
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            }
        });
        dispatcher.subscribe(subject);
        nc.flush(Duration.ofSeconds(5));

        for (int i = 1; i <= TOTAL; i++) {
            publisher.publish(subject, ("job " + i).getBytes(StandardCharsets.UTF_8));
        }

        // Each flush returns when the server has answered a ping. The
        // publisher's proves the server has routed all the messages; the
        // subscriber's ping is answered after them, so by then the client
        // has read every one. Once the handler has started on the first, the
        // other nine wait in the queue.
        publisher.flush(Duration.ofSeconds(5));
        nc.flush(Duration.ofSeconds(5));
        started.await();

        if (graceful) {
            // Drain, let the handler go on, and wait for the drain to finish.
            var drained = nc.drain(Duration.ofSeconds(5));
            release.countDown();
            if (!drained.get()) {
                throw new IllegalStateException("the drain did not finish in time");
            }
        } else {
            // Close, and only then let the handler go on.
            nc.close();
            release.countDown();
        }
        finished.await();
        return count.get();
    }
}
