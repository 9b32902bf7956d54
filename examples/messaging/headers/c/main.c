#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

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

/* The service. A reply is a message like any other, so it can carry
   headers too: the service reads the `Order-Id` header of each request and
   publishes its answer to the request's reply subject as a message with a
   `Status` header. nats.c calls it on its own thread. */
static void on_request(natsConnection *nc, natsSubscription *sub, natsMsg *req, void *closure)
{
    (void) sub;
    (void) closure;
    const char *order_id = NULL;
    if (natsMsgHeader_Get(req, "Order-Id", &order_id) != NATS_OK)
        order_id = "(none)";
    printf("Service got \"%.*s\" with Order-Id: %s\n", natsMsg_GetDataLength(req), natsMsg_GetData(req), order_id);

    natsMsg *reply = NULL;
    natsStatus s = natsMsg_Create(&reply, natsMsg_GetReply(req), NULL, "on its way", (int) strlen("on its way"));
    if (s == NATS_OK)
        s = natsMsgHeader_Set(reply, "Status", "shipped");
    if (s == NATS_OK)
        s = natsConnection_PublishMsg(nc, reply);
    if (s != NATS_OK)
        fprintf(stderr, "replying: %s\n", natsStatus_GetText(s));
    natsMsg_Destroy(reply);
    natsMsg_Destroy(req);
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;

    // One connection plays the subscriber and the service, another the
    // publisher and the caller, as separate programs would.
    natsConnection *receiver = NULL, *sender = NULL;
    check(natsConnection_ConnectTo(&receiver, url), "connecting the receiver");
    check(natsConnection_ConnectTo(&sender, url), "connecting the sender");

    // A synchronous subscription for new orders. A flush returns once the
    // server has processed everything the receiver sent so far, the
    // subscription included.
    natsSubscription *orders = NULL;
    check(natsConnection_SubscribeSync(&orders, receiver, "orders.new"), "subscribing");
    check(natsConnection_Flush(receiver), "flushing");

    // Headers belong to a `natsMsg`. `natsMsgHeader_Add` appends a value,
    // so adding twice gives `Tag` two values, kept in order;
    // `natsMsgHeader_Set` would replace them.
    natsMsg *msg = NULL;
    check(natsMsg_Create(&msg, "orders.new", NULL, "2 books", (int) strlen("2 books")), "creating a message");
    check(natsMsgHeader_Add(msg, "Tag", "priority"), "adding a header");
    check(natsMsgHeader_Add(msg, "Tag", "gift"), "adding a header");
    check(natsConnection_PublishMsg(sender, msg), "publishing");
    check(natsConnection_Flush(sender), "flushing");
    natsMsg_Destroy(msg);
    printf("Published \"2 books\" to orders.new with Tag: priority and Tag: gift\n");

    // On the receiving side, `natsMsgHeader_Get` returns the first value of
    // a key and `natsMsgHeader_Values` all of them, in an array that the
    // caller frees (the strings in it belong to the message).
    natsMsg *got = NULL;
    check(natsSubscription_NextMsg(&got, orders, 5000), "waiting for the order");
    const char *first = NULL;
    const char **values = NULL;
    int count = 0;
    check(natsMsgHeader_Get(got, "Tag", &first), "reading a header");
    check(natsMsgHeader_Values(got, "Tag", &values, &count), "reading a header");
    printf("Subscriber got \"%.*s\"\n", natsMsg_GetDataLength(got), natsMsg_GetData(got));
    printf("  Tag (first value): %s\n", first);
    printf("  Tag (all values): ");
    for (int i = 0; i < count; i++)
        printf("%s%s", i > 0 ? ", " : "", values[i]);
    printf("\n");
    free((void *) values);
    natsMsg_Destroy(got);

    // The service subscribes with `on_request` above as its handler.
    natsSubscription *service = NULL;
    check(natsConnection_Subscribe(&service, receiver, "orders.status", on_request, NULL), "subscribing");
    check(natsConnection_Flush(receiver), "flushing");

    // A request with headers is built as a message and sent with
    // `natsConnection_RequestMsg`; the reply's headers arrive with it.
    natsMsg *req = NULL, *reply = NULL;
    check(natsMsg_Create(&req, "orders.status", NULL, "where is it?", (int) strlen("where is it?")), "creating a message");
    check(natsMsgHeader_Set(req, "Order-Id", "1001"), "setting a header");
    check(natsConnection_RequestMsg(&reply, sender, req, 2000), "requesting the status");
    const char *status = NULL;
    check(natsMsgHeader_Get(reply, "Status", &status), "reading a header");
    printf("Reply: \"%.*s\"\n", natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    printf("  Status: %s\n", status);
    natsMsg_Destroy(reply);
    natsMsg_Destroy(req);

    natsSubscription_Destroy(service);
    natsSubscription_Destroy(orders);
    natsConnection_Destroy(receiver);
    natsConnection_Destroy(sender);
    nats_Close();
    return 0;
}
