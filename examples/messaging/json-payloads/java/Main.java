import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

public class Main {
    // The Java standard library has no JSON. jnats needs JSON for its
    // JetStream API and ships a small parser, `io.nats.client.support.
    // JsonParser`, which this program uses for decoding; a larger program
    // would add a JSON library such as Jackson and map classes directly.
    // Encoding the few fields here is a format string. The item names are
    // plain words; text that could hold quotes or backslashes would need
    // escaping, which a JSON library does for you.

    // What the shop publishes on `orders.created`.
    record Order(int id, String item, int quantity) {
        String toJson() {
            return String.format("{\"id\":%d,\"item\":\"%s\",\"quantity\":%d}", id, item, quantity);
        }

        // Throws for a body that is not valid JSON or lacks a field.
        static Order fromJson(byte[] body) throws JsonParseException {
            Map<String, JsonValue> fields = object(body);
            return new Order(integer(fields, "id"), string(fields, "item"), integer(fields, "quantity"));
        }
    }

    // Asks the price service what some quantity of an item costs.
    record QuoteRequest(String item, int quantity) {
        String toJson() {
            return String.format("{\"item\":\"%s\",\"quantity\":%d}", item, quantity);
        }

        static QuoteRequest fromJson(byte[] body) throws JsonParseException {
            Map<String, JsonValue> fields = object(body);
            return new QuoteRequest(string(fields, "item"), integer(fields, "quantity"));
        }
    }

    // The unit prices the service knows, in cents.
    static final Map<String, Integer> PRICES = Map.of("book", 1200, "lamp", 3500);

    public static void main(String[] args) throws Exception {
        // The server address comes from `NATS_URL`, with the usual local
        // address as a fallback.
        String url = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");

        // One connection for the shop (publisher and caller), one for the
        // subscriber and the price service.
        try (Connection shop = Nats.connect(Options.builder().server(url).connectionName("shop").build());
             Connection backend = Nats.connect(Options.builder().server(url).connectionName("backend").build())) {

            // A synchronous subscription for new orders.
            Subscription orders = backend.subscribe("orders.created");

            // The price service decodes each request. A body that is not
            // valid JSON, or has a field of the wrong type, fails to decode;
            // the service then answers with an error in JSON rather than
            // staying silent, so the caller learns why at once instead of
            // waiting for a timeout.
            Dispatcher service = backend.createDispatcher(msg -> {
                String reply;
                try {
                    QuoteRequest req = QuoteRequest.fromJson(msg.getData());
                    Integer price = PRICES.get(req.item());
                    if (price == null) {
                        reply = "{\"error\":\"unknown item\"}";
                    } else {
                        reply = String.format("{\"item\":\"%s\",\"quantity\":%d,\"total_cents\":%d}",
                                req.item(), req.quantity(), price * req.quantity());
                    }
                } catch (JsonParseException e) {
                    reply = "{\"error\":\"invalid request\"}";
                }
                backend.publish(msg.getReplyTo(), reply.getBytes(StandardCharsets.UTF_8));
            });
            service.subscribe("prices.quote");
            backend.flush(Duration.ofSeconds(5));

            // The second body is cut short on purpose: NATS does not check
            // payloads, so it is delivered like the others.
            List<String> bodies = List.of(
                    new Order(1001, "book", 2).toJson(),
                    "{\"id\":1002,\"item\":\"pen\"",
                    new Order(1003, "lamp", 1).toJson());
            for (String body : bodies) {
                shop.publish("orders.created", body.getBytes(StandardCharsets.UTF_8));
                System.out.println("Published " + body);
            }

            // The subscriber decodes each body into an `Order`. A malformed
            // one is reported and skipped: one bad message must not stop the
            // others.
            for (int n = 0; n < bodies.size(); n++) {
                Message msg = orders.nextMessage(Duration.ofSeconds(5));
                if (msg == null) {
                    throw new IllegalStateException("an order did not arrive");
                }
                try {
                    Order order = Order.fromJson(msg.getData());
                    System.out.println("Order " + order.id() + ": " + order.quantity() + " x " + order.item());
                } catch (JsonParseException e) {
                    System.out.println("Skipped a malformed message: " + new String(msg.getData(), StandardCharsets.UTF_8));
                }
            }

            // Request and reply carry JSON the same way. The second request
            // has a quantity that is a string, not a number: valid JSON, but
            // not a valid `QuoteRequest`.
            for (String body : List.of(new QuoteRequest("book", 2).toJson(), "{\"item\":\"book\",\"quantity\":\"two\"}")) {
                System.out.println("Requested " + body);
                Message msg = shop.request("prices.quote", body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
                if (msg == null) {
                    throw new IllegalStateException("the quote request timed out");
                }
                System.out.println("Reply " + new String(msg.getData(), StandardCharsets.UTF_8));
                Map<String, JsonValue> reply = object(msg.getData());
                if (reply.containsKey("error")) {
                    System.out.println("Quote failed: " + string(reply, "error"));
                    continue;
                }
                System.out.println("Quote: " + integer(reply, "quantity") + " x " + string(reply, "item") + " = "
                        + integer(reply, "total_cents") + " cents");
            }
        }
    }

    // The fields of a JSON object; anything else is an error.
    static Map<String, JsonValue> object(byte[] body) throws JsonParseException {
        JsonValue value = JsonParser.parse(body);
        if (value.type != JsonValue.Type.MAP) {
            throw new JsonParseException("not a JSON object");
        }
        return value.map;
    }

    // A field that must be a whole number.
    static int integer(Map<String, JsonValue> fields, String name) throws JsonParseException {
        JsonValue value = fields.get(name);
        if (value == null || value.type != JsonValue.Type.INTEGER) {
            throw new JsonParseException(name + " must be a whole number");
        }
        return value.i;
    }

    // A field that must be a string.
    static String string(Map<String, JsonValue> fields, String name) throws JsonParseException {
        JsonValue value = fields.get(name);
        if (value == null || value.type != JsonValue.Type.STRING) {
            throw new JsonParseException(name + " must be a string");
        }
        return value.string;
    }
}
