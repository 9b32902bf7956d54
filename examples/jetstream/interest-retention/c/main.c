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

static jsCtx *js = NULL;

/* Adds a durable pull consumer that receives the events its filter matches
   and must acknowledge each of them. */
static void create_consumer(const char *name, const char *filter)
{
    jsConsumerConfig cfg;
    jsConsumerConfig_Init(&cfg);
    cfg.Durable = name;
    cfg.FilterSubject = filter;
    cfg.AckPolicy = js_AckExplicit;
    jsErrCode jerr = 0;
    check(js_AddConsumer(NULL, js, "ORDERS", &cfg, NULL, &jerr), "creating a consumer");
    printf("Created consumer %s for %s\n", name, filter);
}

/* Takes `count` events from a consumer and acknowledges each one, waiting
   for the server to confirm the acknowledgement (`natsMsg_AckSync`). A pull
   subscription bound to the consumer fetches them, each fetch waiting at
   most five seconds. The stream sequence comes from the metadata that
   JetStream puts in every message it delivers. */
static void handle(const char *consumer, const char *name, int count)
{
    jsSubOptions bind;
    jsSubOptions_Init(&bind);
    bind.Stream = "ORDERS";
    bind.Consumer = consumer;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    check(js_PullSubscribe(&sub, js, NULL, consumer, NULL, &bind, &jerr), "binding to a consumer");
    for (int handled = 0; handled < count;) {
        natsMsgList batch;
        natsStatus s = natsSubscription_Fetch(&batch, sub, count - handled, 5000, &jerr);
        if (s == NATS_TIMEOUT) {
            fprintf(stderr, "%s got %d of %d events within 5 seconds\n", name, handled, count);
            exit(1);
        }
        check(s, "fetching events");
        for (int i = 0; i < batch.Count; i++, handled++) {
            natsMsg *msg = batch.Msgs[i];
            check(natsMsg_AckSync(msg, NULL, &jerr), "acknowledging an event");
            jsMsgMetaData *meta = NULL;
            check(natsMsg_GetMetaData(&meta, msg), "reading an event's metadata");
            printf("%s acknowledged sequence %llu: %.*s\n", name,
                   (unsigned long long) meta->Sequence.Stream, natsMsg_GetDataLength(msg),
                   natsMsg_GetData(msg));
            jsMsgMetaData_Destroy(meta);
        }
        natsMsgList_Destroy(&batch);
    }
    natsSubscription_Destroy(sub);
}

/* `qsort` comparison for the per-subject counts of a stream, by subject. */
static int compare_subjects(const void *a, const void *b)
{
    return strcmp(((const jsStreamStateSubject *) a)->Subject,
                  ((const jsStreamStateSubject *) b)->Subject);
}

/* Prints how many messages the stream holds, per subject, and its first
   and last sequence. The server removes a message a moment after the last
   acknowledgement it waited for, so this first waits (up to five seconds)
   until the stream holds the expected number of messages. */
static void show_stream(uint64_t expected)
{
    jsOptions opts;
    jsOptions_Init(&opts);
    opts.Stream.Info.SubjectsFilter = ">";
    for (int attempt = 0;; attempt++) {
        jsStreamInfo *info = NULL;
        jsErrCode jerr = 0;
        check(js_GetStreamInfo(&info, js, "ORDERS", &opts, &jerr), "reading the stream's info");
        jsStreamState *state = &info->State;
        if (state->Msgs == expected) {
            printf("Stream ORDERS holds %llu messages, first sequence %llu, last sequence %llu\n",
                   (unsigned long long) state->Msgs, (unsigned long long) state->FirstSeq,
                   (unsigned long long) state->LastSeq);
            if (state->Subjects != NULL) {
                qsort(state->Subjects->List, (size_t) state->Subjects->Count,
                      sizeof state->Subjects->List[0], compare_subjects);
                for (int i = 0; i < state->Subjects->Count; i++)
                    printf("  %s: %llu\n", state->Subjects->List[i].Subject,
                           (unsigned long long) state->Subjects->List[i].Msgs);
            }
            jsStreamInfo_Destroy(info);
            return;
        }
        if (attempt == 100) {
            fprintf(stderr, "ORDERS holds %llu messages, expected %llu\n",
                    (unsigned long long) state->Msgs, (unsigned long long) expected);
            exit(1);
        }
        jsStreamInfo_Destroy(info);
        nats_Sleep(50);
    }
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback. JetStream must be enabled on that server.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;
    natsConnection *nc = NULL;
    jsErrCode jerr = 0;
    check(natsConnection_ConnectTo(&nc, url), "connecting");
    check(natsConnection_JetStream(&js, nc, NULL), "opening JetStream");

    // `js_InterestPolicy` is the only change from a default stream: a
    // message stays only while some consumer still has to acknowledge it.
    jsStreamConfig stream;
    jsStreamConfig_Init(&stream);
    const char *subjects[] = {"orders.>"};
    stream.Name = "ORDERS";
    stream.Subjects = subjects;
    stream.SubjectsLen = 1;
    stream.Retention = js_InterestPolicy;
    stream.Storage = js_FileStorage;
    check(js_AddStream(NULL, js, &stream, NULL, &jerr), "creating the stream");
    printf("Created stream ORDERS with interest retention\n");

    // A message published while the stream has no consumer at all is
    // accepted, and the acknowledgement names its sequence, but nobody
    // could ever want it: the stream does not keep it.
    const char *early = "order 1 paid, before anyone listened";
    jsPubAck *ack = NULL;
    check(js_Publish(&ack, js, "orders.paid", early, (int) strlen(early), NULL, &jerr),
          "publishing the first order");
    printf("Published order 1 as sequence %llu, with no consumer yet\n",
           (unsigned long long) ack->Sequence);
    jsPubAck_Destroy(ack);
    show_stream(0);

    // Two durable pull consumers share the stream. `billing` reads every
    // order event, `shipping` only paid orders. Unlike a work queue, an
    // interest stream allows filters that overlap.
    create_consumer("billing", "orders.>");
    create_consumer("shipping", "orders.paid");

    // Three new events: two payments, which both consumers want, and one
    // cancellation, which only billing wants. Each publish waits for the
    // stream to store the event.
    const char *events[][2] = {
        {"orders.paid", "order 2 paid"},
        {"orders.paid", "order 3 paid"},
        {"orders.cancelled", "order 4 cancelled"},
    };
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        check(js_Publish(NULL, js, events[i][0], events[i][1], (int) strlen(events[i][1]), NULL,
                         &jerr),
              "publishing an event");
    }
    printf("Published 2 payments and 1 cancellation\n");
    show_stream(3);

    // Billing reads and acknowledges all three. The cancellation had no
    // other reader and goes; the two payments stay, because shipping has
    // not seen them yet.
    handle("billing", "Billing", 3);
    show_stream(2);

    // Shipping handles the first payment. Both consumers are now done with
    // it, so only one message remains.
    handle("shipping", "Shipping", 1);
    show_stream(1);

    // Deleting a consumer withdraws its interest. The payment shipping
    // never acknowledged has no reader left and the stream is empty, while
    // its sequence numbers keep counting from where they were.
    check(js_DeleteConsumer(js, "ORDERS", "shipping", NULL, &jerr), "deleting the shipping consumer");
    printf("Deleted consumer shipping\n");
    show_stream(0);

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
