import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.service.Discovery;
import io.nats.service.EndpointStats;
import io.nats.service.Group;
import io.nats.service.InfoResponse;
import io.nats.service.PingResponse;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import io.nats.service.StatsResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

public class Main {
    /** A request that cannot be computed, answered with a service error. */
    static class Refused extends Exception {
        Refused(String description) {
            super(description);
        }
    }

    /** What an endpoint computes from the two integers of a request. */
    interface Compute {
        long apply(long a, long b) throws Refused;
    }

    /** The two integers of a request such as `84 2`. */
    static long[] operands(ServiceMessage msg) throws Refused {
        String[] fields = new String(msg.getData(), StandardCharsets.UTF_8).trim().split("\\s+");
        try {
            if (fields.length == 2) {
                return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
            }
        } catch (NumberFormatException e) {
            // answered below like any other malformed request
        }
        throw new Refused("expected two integers");
    }

    /** Builds an endpoint of the group that answers with `compute`'s result. */
    static ServiceEndpoint endpoint(Connection nc, Group group, String name, Compute compute) {
        return ServiceEndpoint.builder()
            .group(group)
            .endpointName(name)
            .handler(msg -> {
                try {
                    long[] ab = operands(msg);
                    msg.respond(nc, Long.toString(compute.apply(ab[0], ab[1])));
                } catch (Refused refused) {
                    msg.respondStandardError(nc, refused.getMessage(), 400);
                }
            })
            .build();
    }

    public static void main(String[] args) throws Exception {
        String url = System.getenv().getOrDefault("NATS_URL", Options.DEFAULT_URL);
        try (Connection nc = Nats.connect(url)) {
            // A group puts its endpoints under a common subject prefix: `add`
            // and `divide` listen on `calc.add` and `calc.divide`. Every
            // endpoint joins a queue group, so the requests are spread over
            // all running instances.
            //
            // A handler that cannot answer responds with a service error: a
            // code and a description, sent as the headers
            // `Nats-Service-Error-Code` and `Nats-Service-Error`. jnats counts
            // an error in the statistics only when a handler throws, and then
            // answers with code 500 and the exception's text; `divide` answers
            // its own 400 instead, so its STATS line below shows 0 errors where
            // the other languages count 1.
            Group calc = new Group("calc");
            ServiceEndpoint add = endpoint(nc, calc, "add", (a, b) -> a + b);
            ServiceEndpoint divide = endpoint(nc, calc, "divide", (a, b) -> {
                if (b == 0) {
                    throw new Refused("division by zero");
                }
                return a / b;
            });

            // A service is declared with a name, a version and a description.
            // The name is what callers and monitoring tools look it up by;
            // several instances may share it. Starting the service also
            // subscribes it to the discovery subjects under `$SRV`.
            Service service = Service.builder()
                .connection(nc)
                .name("calculator")
                .version("1.0.0")
                .description("Adds and divides integers")
                .addServiceEndpoint(add)
                .addServiceEndpoint(divide)
                .build();
            service.startService();
            System.out.println("Service calculator 1.0.0 started");

            // To a caller, an endpoint is an ordinary request subject. An
            // error reply has an empty body and the two error headers. The
            // service and its caller share one connection here, so the server
            // has the endpoints' subscriptions before the first request.
            call(nc, "calc.add", "2 3");
            call(nc, "calc.divide", "84 2");
            call(nc, "calc.divide", "1 0");

            // Discovery is request/reply too, on `$SRV.<verb>.<name>`: PING
            // says who is there, INFO describes the endpoints, STATS counts
            // requests and errors. `Discovery` sends those requests and
            // decodes the answers; this one stops at the first answer or
            // after two seconds. The answers carry more (the instance id,
            // start time, processing durations), which change on every run;
            // only stable facts are printed.
            Discovery discovery = new Discovery(nc, 2000, 1);
            PingResponse ping = discovery.ping("calculator").get(0);
            System.out.println("PING " + ping.getName() + " " + ping.getVersion());

            InfoResponse info = discovery.info("calculator").get(0);
            System.out.println("INFO " + info.getName() + " " + info.getVersion() + ": " + info.getDescription());
            info.getEndpoints().stream()
                .sorted(Comparator.comparing(e -> e.getName()))
                .forEach(e -> System.out.println("  endpoint " + e.getName() + " on " + e.getSubject()));

            // Some libraries count a request only after its reply has gone
            // out, so a count can lag a moment behind the reply. Ask again
            // until all three requests are counted.
            StatsResponse stats;
            for (int attempt = 1; ; attempt++) {
                stats = discovery.stats("calculator").get(0);
                long total = stats.getEndpointStatsList().stream().mapToLong(EndpointStats::getNumRequests).sum();
                if (total == 3) {
                    break;
                }
                if (attempt == 50) {
                    throw new IllegalStateException("STATS counted " + total + " requests, expected 3");
                }
                Thread.sleep(100);
            }
            System.out.println("STATS " + stats.getName() + " " + stats.getVersion());
            List<EndpointStats> endpoints = stats.getEndpointStatsList();
            endpoints.stream()
                .sorted(Comparator.comparing(EndpointStats::getName))
                .forEach(e -> System.out.println(
                    "  endpoint " + e.getName() + ": " + e.getNumRequests() + " requests, " + e.getNumErrors() + " errors"));

            service.stop();
        }
    }

    static void call(Connection nc, String subject, String data) throws Exception {
        Message reply = nc.request(subject, data.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
        if (reply == null) {
            throw new IllegalStateException("no reply to " + subject);
        }
        String code = reply.hasHeaders() ? reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE) : null;
        if (code != null) {
            String description = reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR);
            System.out.println(subject + " " + data + " -> error " + code + ": " + description);
        } else {
            System.out.println(subject + " " + data + " -> " + new String(reply.getData(), StandardCharsets.UTF_8));
        }
    }
}
