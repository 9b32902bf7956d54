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

/* The audit events the example stores, in the order they happen. */
static const char *events[][2] = {
    {"audit.users", "alice signed up"},
    {"audit.orders", "alice placed order 1"},
    {"audit.users", "bob signed up"},
    {"audit.orders", "bob placed order 2"},
    {"audit.users", "alice changed her email"},
    {"audit.orders", "order 1 shipped"},
};
#define EVENT_COUNT (sizeof events / sizeof events[0])

/* Prints messages until the consumer has nothing left to deliver, then
   drops the subscription and with it the consumer. Every message's
   metadata carries the number of messages still pending after it, so a
   reader knows it has reached the end of the stream when that number drops
   to zero, without waiting for a timeout. */
static void replay(natsSubscription *sub)
{
    for (;;) {
        natsMsg *msg = NULL;
        jsMsgMetaData *meta = NULL;
        check(natsSubscription_NextMsg(&msg, sub, 5000), "reading");
        check(natsMsg_GetMetaData(&meta, msg), "reading the metadata");
        printf("  #%llu %s: %.*s\n", (unsigned long long) meta->Sequence.Stream,
               natsMsg_GetSubject(msg), natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        uint64_t pending = meta->NumPending;
        jsMsgMetaData_Destroy(meta);
        natsMsg_Destroy(msg);
        if (pending == 0)
            break;
    }
    check(natsSubscription_Unsubscribe(sub), "unsubscribing");
    natsSubscription_Destroy(sub);
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback. JetStream must be enabled on that server.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsErrCode jerr = 0;
    check(natsConnection_ConnectTo(&nc, url), "connecting");
    check(natsConnection_JetStream(&js, nc, NULL), "opening JetStream");

    // The `AUDIT` stream keeps every event published under `audit.>`.
    jsStreamConfig stream;
    jsStreamConfig_Init(&stream);
    const char *subjects[] = {"audit.>"};
    stream.Name = "AUDIT";
    stream.Subjects = subjects;
    stream.SubjectsLen = 1;
    stream.Storage = js_MemoryStorage;
    check(js_AddStream(NULL, js, &stream, NULL, &jerr), "creating the stream");
    printf("Created stream AUDIT\n");

    for (size_t i = 0; i < EVENT_COUNT; i++) {
        const char *data = events[i][1];
        check(js_Publish(NULL, js, events[i][0], data, (int) strlen(data), NULL, &jerr),
              "publishing an event");
    }
    printf("Published %d events\n", (int) EVENT_COUNT);

    // `Ordered` makes the subscription create an ephemeral push consumer
    // with flow control and heartbeats and no acknowledgements. The library
    // checks every sequence number, and if a message goes missing or the
    // heartbeats stop, it recreates the consumer from the last sequence it
    // delivered. Subscribing to the stream's whole subject space reads it
    // from the first message.
    jsSubOptions all;
    jsSubOptions_Init(&all);
    all.Stream = "AUDIT";
    all.Ordered = true;
    natsSubscription *sub = NULL;
    check(js_SubscribeSync(&sub, js, "audit.>", NULL, &all, &jerr),
          "creating the ordered consumer");
    printf("Replaying the whole stream:\n");
    replay(sub);

    // A second ordered consumer narrows the view: only `audit.orders`, and
    // only from stream sequence 3 on. Other start positions work the same
    // way, such as `js_DeliverLastPerSubject` to get just the latest event
    // of each subject when building a cache.
    jsSubOptions orders;
    jsSubOptions_Init(&orders);
    orders.Stream = "AUDIT";
    orders.Ordered = true;
    orders.Config.DeliverPolicy = js_DeliverByStartSequence;
    orders.Config.OptStartSeq = 3;
    sub = NULL;
    check(js_SubscribeSync(&sub, js, "audit.orders", NULL, &orders, &jerr),
          "creating the ordered consumer");
    printf("Replaying audit.orders from sequence 3:\n");
    replay(sub);

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return 0;
}
