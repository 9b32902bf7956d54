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

    // A stream for orders, kept in memory since the example is short-lived.
    jsStreamConfig stream;
    jsStreamConfig_Init(&stream);
    const char *subjects[] = {"orders.>"};
    stream.Name = "ORDERS";
    stream.Subjects = subjects;
    stream.SubjectsLen = 1;
    stream.Storage = js_MemoryStorage;
    check(js_AddStream(NULL, js, &stream, NULL, &jerr), "creating the stream");
    printf("Created stream ORDERS\n");

    // Five orders arrive before anyone reads them. Each acknowledgement from
    // the stream names the sequence the order was stored under.
    for (int n = 1; n <= 5; n++) {
        char body[32];
        snprintf(body, sizeof body, "order %d", n);
        jsPubAck *ack = NULL;
        check(js_Publish(&ack, js, "orders.new", body, (int) strlen(body), NULL, &jerr),
              "publishing an order");
        printf("Published order %d: stored as sequence %llu\n", n,
               (unsigned long long) ack->Sequence);
        jsPubAck_Destroy(ack);
    }

    // The `processor` consumer is durable: it has a name and keeps its
    // position on the server even while no client is connected. A consumer
    // without a delivery subject is a pull consumer: clients ask for
    // messages when they are ready. It starts at the beginning of the
    // stream, and every message must be acknowledged on its own; one that is
    // not acknowledged within `AckWait` is delivered again, at most
    // `MaxDeliver` times. Durations in JetStream's configuration are
    // nanoseconds.
    jsConsumerConfig consumer;
    jsConsumerConfig_Init(&consumer);
    consumer.Durable = "processor";
    consumer.FilterSubject = "orders.>";
    consumer.DeliverPolicy = js_DeliverAll;
    consumer.AckPolicy = js_AckExplicit;
    consumer.AckWait = 30 * (int64_t) 1000000000;
    consumer.MaxDeliver = 5;
    consumer.MaxAckPending = 100;
    jsConsumerInfo *info = NULL;
    check(js_AddConsumer(&info, js, "ORDERS", &consumer, NULL, &jerr), "creating the consumer");
    printf("Created consumer processor: %llu messages to process\n",
           (unsigned long long) info->NumPending);
    jsConsumerInfo_Destroy(info);

    // A pull subscription bound to the existing consumer: `Stream` and
    // `Consumer` name it, so nats.c uses it as it is instead of creating
    // one.
    jsSubOptions bind;
    jsSubOptions_Init(&bind);
    bind.Stream = "ORDERS";
    bind.Consumer = "processor";
    natsSubscription *sub = NULL;
    check(js_PullSubscribe(&sub, js, "orders.>", "processor", NULL, &bind, &jerr),
          "binding to the consumer");

    // Fetch two messages, waiting at most five seconds for them. Each
    // message's metadata tells where it sits in the stream, how often it was
    // delivered and how many messages are still waiting after it.
    //
    // `natsMsg_AckSync` acknowledges the message and waits for the server to
    // confirm it has recorded the acknowledgement.
    natsMsgList batch;
    check(natsSubscription_Fetch(&batch, sub, 2, 5000, &jerr), "fetching");
    for (int i = 0; i < batch.Count; i++) {
        natsMsg *msg = batch.Msgs[i];
        jsMsgMetaData *meta = NULL;
        check(natsMsg_GetMetaData(&meta, msg), "reading a message's metadata");
        int len = natsMsg_GetDataLength(msg);
        const char *body = natsMsg_GetData(msg);
        printf("Received %.*s: stream sequence %llu, consumer sequence %llu, delivery %llu, "
               "%llu pending\n",
               len, body, (unsigned long long) meta->Sequence.Stream,
               (unsigned long long) meta->Sequence.Consumer,
               (unsigned long long) meta->NumDelivered, (unsigned long long) meta->NumPending);
        jsMsgMetaData_Destroy(meta);
        check(natsMsg_AckSync(msg, NULL, &jerr), "acknowledging");
        printf("Acknowledged %.*s\n", len, body);
    }
    natsMsgList_Destroy(&batch);

    // The consumer's state shows the outcome: the acknowledgement floor is
    // at stream sequence 2, nothing awaits acknowledgement, and three
    // messages are still waiting to be processed.
    check(js_GetConsumerInfo(&info, js, "ORDERS", "processor", NULL, &jerr),
          "reading the consumer's info");
    printf("Consumer processor: acknowledged up to stream sequence %llu, %lld awaiting "
           "acknowledgement, %llu to process\n",
           (unsigned long long) info->AckFloor.Stream, (long long) info->NumAckPending,
           (unsigned long long) info->NumPending);
    jsConsumerInfo_Destroy(info);

    natsSubscription_Destroy(sub);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
