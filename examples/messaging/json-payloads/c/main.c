#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

/* C has no JSON in its standard library, and nats.c keeps the JSON parser
   it uses internally out of its public API. A real program would link a
   JSON library such as cJSON or Jansson; this one stays with the C library
   alone, because its payloads are tiny and always have the same shape:
   `snprintf` writes them and `sscanf` reads them back, field by field, in
   the fixed order they are written. That is not a general JSON parser (it
   accepts no extra spaces, no other key order, no escaped quotes), but it
   does refuse anything that does not fit, which is what this example needs
   to show. */

/* What the shop publishes on `orders.created`. */
struct order {
    int id;
    char item[32];
    int quantity;
};

/* Copies a message body into `buf` as a C string, so `sscanf` can read it. */
static const char *body_text(natsMsg *msg, char *buf, size_t size)
{
    snprintf(buf, size, "%.*s", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    return buf;
}

/* Decodes an order. `%n` records how much of the text the format used: the
   whole body has to fit, closing brace included, or it is malformed. */
static bool decode_order(const char *text, struct order *o)
{
    int end = -1;
    int fields = sscanf(text, "{\"id\":%d,\"item\":\"%31[^\"]\",\"quantity\":%d}%n", &o->id, o->item, &o->quantity, &end);
    return fields == 3 && end == (int) strlen(text);
}

/* The unit price of an item the service knows, in cents, or -1. */
static int price(const char *item)
{
    if (strcmp(item, "book") == 0)
        return 1200;
    if (strcmp(item, "lamp") == 0)
        return 3500;
    return -1;
}

/* Every nats.c call returns a `natsStatus`. This program stops at the
   first one that is not `NATS_OK`, naming the step that failed. */
static void check(natsStatus s, const char *step)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s: %s\n", step, natsStatus_GetText(s));
    nats_PrintLastErrorStack(stderr);
    exit(1);
}

/* The price service, called by nats.c on its own thread. A request that
   does not decode (not JSON, or a field of the wrong type) gets an error
   in JSON rather than silence, so the caller learns why at once instead of
   waiting for a timeout. */
static void on_quote(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void) sub;
    (void) closure;
    char text[256], item[32], reply[256];
    int quantity = 0, end = -1;
    body_text(msg, text, sizeof text);
    int fields = sscanf(text, "{\"item\":\"%31[^\"]\",\"quantity\":%d}%n", item, &quantity, &end);
    if (fields != 2 || end != (int) strlen(text))
        snprintf(reply, sizeof reply, "{\"error\":\"invalid request\"}");
    else if (price(item) < 0)
        snprintf(reply, sizeof reply, "{\"error\":\"unknown item\"}");
    else
        snprintf(reply, sizeof reply, "{\"item\":\"%s\",\"quantity\":%d,\"total_cents\":%d}", item, quantity,
                 price(item) * quantity);
    natsStatus s = natsConnection_PublishString(nc, natsMsg_GetReply(msg), reply);
    if (s != NATS_OK)
        fprintf(stderr, "replying: %s\n", natsStatus_GetText(s));
    natsMsg_Destroy(msg);
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;

    // One connection for the shop (publisher and caller), one for the
    // subscriber and the price service.
    natsConnection *shop = NULL, *backend = NULL;
    check(natsConnection_ConnectTo(&shop, url), "connecting the shop");
    check(natsConnection_ConnectTo(&backend, url), "connecting the backend");

    // A synchronous subscription for new orders, and the price service with
    // `on_quote` as its handler.
    natsSubscription *orders = NULL, *service = NULL;
    check(natsConnection_SubscribeSync(&orders, backend, "orders.created"), "subscribing");
    check(natsConnection_Subscribe(&service, backend, "prices.quote", on_quote, NULL), "subscribing");
    check(natsConnection_Flush(backend), "flushing");

    // Two orders written with `snprintf`, and between them a body cut short
    // on purpose: NATS does not check payloads, so it is delivered like the
    // others.
    const char *format = "{\"id\":%d,\"item\":\"%s\",\"quantity\":%d}";
    char bodies[3][128];
    snprintf(bodies[0], sizeof bodies[0], format, 1001, "book", 2);
    snprintf(bodies[1], sizeof bodies[1], "{\"id\":1002,\"item\":\"pen\"");
    snprintf(bodies[2], sizeof bodies[2], format, 1003, "lamp", 1);
    for (int i = 0; i < 3; i++) {
        check(natsConnection_PublishString(shop, "orders.created", bodies[i]), "publishing");
        printf("Published %s\n", bodies[i]);
    }

    // The subscriber decodes each body. A malformed one is reported and
    // skipped: one bad message must not stop the others.
    for (int i = 0; i < 3; i++) {
        natsMsg *msg = NULL;
        char text[256];
        struct order order;
        check(natsSubscription_NextMsg(&msg, orders, 5000), "waiting for an order");
        body_text(msg, text, sizeof text);
        if (decode_order(text, &order))
            printf("Order %d: %d x %s\n", order.id, order.quantity, order.item);
        else
            printf("Skipped a malformed message: %s\n", text);
        natsMsg_Destroy(msg);
    }

    // Request and reply carry JSON the same way. The second request has a
    // quantity that is a string, not a number: valid JSON, but not a valid
    // request.
    const char *requests[] = {"{\"item\":\"book\",\"quantity\":2}", "{\"item\":\"book\",\"quantity\":\"two\"}"};
    for (int i = 0; i < 2; i++) {
        natsMsg *msg = NULL;
        char text[256], item[32], error[64];
        int quantity = 0, total = 0;
        printf("Requested %s\n", requests[i]);
        check(natsConnection_RequestString(&msg, shop, "prices.quote", requests[i], 2000), "requesting a quote");
        printf("Reply %s\n", body_text(msg, text, sizeof text));
        if (sscanf(text, "{\"error\":\"%63[^\"]\"}", error) == 1)
            printf("Quote failed: %s\n", error);
        else if (sscanf(text, "{\"item\":\"%31[^\"]\",\"quantity\":%d,\"total_cents\":%d}", item, &quantity, &total) == 3)
            printf("Quote: %d x %s = %d cents\n", quantity, item, total);
        else {
            fprintf(stderr, "the reply has neither a total nor an error: %s\n", text);
            exit(1);
        }
        natsMsg_Destroy(msg);
    }

    natsSubscription_Destroy(service);
    natsSubscription_Destroy(orders);
    natsConnection_Destroy(shop);
    natsConnection_Destroy(backend);
    nats_Close();
    return 0;
}
