import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

public class Main {
    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        try (Connection nc = Nats.connect(url)) {

            // Two workers subscribe to `jobs.resize` in the queue group
            // `resizers`, each through its own dispatcher. The server hands
            // each message to one member of the group, so which worker gets
            // which job changes from run to run. Each worker puts the number
            // of every job it handles on the `handled` queue.
            BlockingQueue<Integer> handled = new LinkedBlockingQueue<>();
            for (int worker = 1; worker <= 2; worker++) {
                nc.createDispatcher(msg -> handled.add(jobNumber(msg)))
                    .subscribe("jobs.resize", "resizers");
            }

            // The auditor subscribes to the same subject without a queue
            // group, so it receives its own copy of every message.
            BlockingQueue<Integer> audited = new LinkedBlockingQueue<>();
            nc.createDispatcher(msg -> audited.add(jobNumber(msg))).subscribe("jobs.resize");

            // The publisher knows nothing about the group: it publishes ten
            // jobs to the subject, and adding workers would need no change
            // here.
            for (int n = 1; n <= 10; n++) {
                nc.publish("jobs.resize", ("image " + n).getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("Published 10 jobs to jobs.resize");

            // Collect what the workers handled. Put together, their jobs are
            // every job exactly once: the group never gave the same message
            // to both.
            List<Integer> jobs = collect(handled, 10);
            Collections.sort(jobs);
            System.out.println("Jobs handled by the resizers queue group:");
            for (int n : jobs) {
                System.out.println("  image " + n);
            }
            if (!jobs.equals(IntStream.rangeClosed(1, 10).boxed().toList())) {
                throw new IllegalStateException("the workers handled " + jobs);
            }
            System.out.println("Every job was handled by exactly one worker");

            // The auditor, outside the group, saw all ten as well.
            System.out.println("Jobs seen by the auditor: " + collect(audited, 10).size());
        }
    }

    // The number in a message body such as `image 7`.
    static int jobNumber(Message msg) {
        return Integer.parseInt(new String(msg.getData(), StandardCharsets.UTF_8).replace("image ", ""));
    }

    // Takes `count` job numbers from a queue, waiting at most five seconds
    // for each.
    static List<Integer> collect(BlockingQueue<Integer> queue, int count) throws InterruptedException {
        List<Integer> jobs = new ArrayList<>();
        while (jobs.size() < count) {
            Integer n = queue.poll(5, TimeUnit.SECONDS);
            if (n == null) {
                throw new IllegalStateException("only " + jobs.size() + " of " + count + " jobs arrived");
            }
            jobs.add(n);
        }
        return jobs;
    }
}
