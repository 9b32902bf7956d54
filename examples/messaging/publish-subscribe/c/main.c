#include <stdio.h>
#include <stdlib.h>

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

/* Prints the next `count` messages of a subscription, waiting at most a few
   seconds for each. */
static void receive(natsSubscription *sub, const char *pattern, int count)
{
    printf("The %s subscriber received:\n", pattern);
    for (int i = 0; i < count; i++) {
        natsMsg *msg = NULL;
        check(natsSubscription_NextMsg(&msg, sub, 5000), pattern);
        printf("  %s: %.*s\n", natsMsg_GetSubject(msg),
               natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        natsMsg_Destroy(msg);
    }
}

int main(void)
{
    // The server address comes from `NATS_URL`, the same variable the
    // `nats` command line tool reads, with the usual local address as a
    // fallback.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;

    // Subscribers and publishers need not know about each other, so the
    // program gives each side its own connection, as two separate services
    // would have.
    natsConnection *subscriber = NULL, *publisher = NULL;
    check(natsConnection_ConnectTo(&subscriber, url), "connecting the subscriber");
    check(natsConnection_ConnectTo(&publisher, url), "connecting the publisher");

    // `*` matches exactly one token, so the first subscription hears about
    // new orders from any region: `orders.eu.new`, `orders.us.new` and so
    // on. `>` matches one or more trailing tokens, so the second one sees
    // everything that happens to European orders.
    //
    // A synchronous subscription queues its messages until the program asks
    // for them with `natsSubscription_NextMsg`, which keeps the two lists
    // apart.
    natsSubscription *new_orders = NULL, *eu_orders = NULL;
    check(natsConnection_SubscribeSync(&new_orders, subscriber, "orders.*.new"), "subscribing");
    check(natsConnection_SubscribeSync(&eu_orders, subscriber, "orders.eu.>"), "subscribing");

    // Core NATS stores nothing: a message published before a subscription
    // reaches the server is simply not delivered to it. A flush waits for
    // the server to answer a ping, and since it handles a connection's
    // commands in order, both subscriptions are then in place.
    check(natsConnection_Flush(subscriber), "flushing");

    // Four messages. `orders.eu.new` matches both patterns, `orders.us.new`
    // only the first, and the two other European subjects only the second.
    const char *messages[][2] = {
        {"orders.eu.new", "order 1 from Lisbon"},
        {"orders.us.new", "order 2 from Denver"},
        {"orders.eu.shipped", "order 1 is on its way"},
        {"orders.eu.delivered", "order 1 arrived"},
    };
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        check(natsConnection_PublishString(publisher, messages[i][0], messages[i][1]), "publishing");
        printf("Published to %s: %s\n", messages[i][0], messages[i][1]);
    }
    check(natsConnection_Flush(publisher), "flushing");

    // Each subscriber reads what it was sent. The message published to
    // `orders.eu.new` reached both: in core NATS every matching
    // subscription gets its own copy.
    receive(new_orders, "orders.*.new", 2);
    receive(eu_orders, "orders.eu.>", 3);

    // nats.c leaves freeing to the program: subscriptions and connections
    // are destroyed, and `nats_Close` releases the library itself.
    natsSubscription_Destroy(new_orders);
    natsSubscription_Destroy(eu_orders);
    natsConnection_Destroy(subscriber);
    natsConnection_Destroy(publisher);
    nats_Close();
    return 0;
}
