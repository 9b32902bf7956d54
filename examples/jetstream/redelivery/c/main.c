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

/* nats.c has no public JSON parser, and the advisory is a flat JSON object
   whose few fields of interest are numbers and plain strings, so these two
   helpers pick them out: the value after `"key":`, copied into `out`. */
static const char *json_value(const char *json, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    if (at == NULL) {
        fprintf(stderr, "the advisory has no %s: %s\n", key, json);
        exit(1);
    }
    return at + strlen(pattern);
}

static unsigned long long json_number(const char *json, const char *key)
{
    return strtoull(json_value(json, key), NULL, 10);
}

static void json_string(const char *json, const char *key, char *out, size_t size)
{
    const char *value = json_value(json, key);
    size_t n = 0;
    if (*value == '"') {
        for (value++; value[n] != '\0' && value[n] != '"'; n++)
            ;
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, value, n);
    out[n] = '\0';
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

    // A stream for image tasks, kept in memory since the example is
    // short-lived.
    jsStreamConfig stream;
    jsStreamConfig_Init(&stream);
    const char *subjects[] = {"tasks.>"};
    stream.Name = "TASKS";
    stream.Subjects = subjects;
    stream.SubjectsLen = 1;
    stream.Storage = js_MemoryStorage;
    check(js_AddStream(NULL, js, &stream, NULL, &jerr), "creating the stream");
    printf("Created stream TASKS\n");

    // The `worker` consumer wants every message acknowledged. One that is
    // not acknowledged within `AckWait` (one second here, thirty unless
    // set; in nanoseconds, like every duration in JetStream's
    // configuration) is delivered again, and so is one the worker rejects
    // with a nak, at once. `MaxDeliver` caps the deliveries of a message at
    // three.
    jsConsumerConfig consumer;
    jsConsumerConfig_Init(&consumer);
    consumer.Durable = "worker";
    consumer.AckPolicy = js_AckExplicit;
    consumer.AckWait = 1000000000;
    consumer.MaxDeliver = 3;
    jsConsumerInfo *info = NULL;
    check(js_AddConsumer(&info, js, "TASKS", &consumer, NULL, &jerr), "creating the consumer");
    printf("Created consumer worker: ack wait %llds, at most %lld deliveries\n",
           (long long) (info->Config->AckWait / 1000000000), (long long) info->Config->MaxDeliver);
    jsConsumerInfo_Destroy(info);

    // When a message has used up its deliveries, the server publishes an
    // advisory on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
    // Nothing else records the failure, so that advisory is the signal to
    // set the message aside as a dead letter. The subscription is in place,
    // and the flush makes sure the server knows it, before any task exists.
    natsSubscription *advisories = NULL;
    check(natsConnection_SubscribeSync(&advisories, nc,
                                       "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.worker"),
          "subscribing to the advisories");
    check(natsConnection_Flush(nc), "flushing");
    printf("Listening for max-deliveries advisories of TASKS > worker\n");

    // Two tasks; the second one names a file the worker cannot read.
    const char *tasks[] = {"resize photo-1.jpg", "resize broken.jpg"};
    for (int i = 0; i < 2; i++) {
        jsPubAck *ack = NULL;
        check(js_Publish(&ack, js, "tasks.resize", tasks[i], (int) strlen(tasks[i]), NULL, &jerr),
              "publishing a task");
        printf("Published %s: stream sequence %llu\n", tasks[i],
               (unsigned long long) ack->Sequence);
        jsPubAck_Destroy(ack);
    }

    // The worker binds a pull subscription to the consumer and takes one
    // message at a time, waiting up to five seconds for it. The message's
    // metadata counts its deliveries. The good task is acknowledged
    // (`natsMsg_AckSync` waits for the server to confirm it). The broken one
    // fails every time: the first failure is a nak, which makes the message
    // come back at once; the second time the worker does not answer at all,
    // as if it had crashed, and the message comes back only when the ack
    // wait has run out; the third failure is a nak again, on the last
    // delivery allowed.
    jsSubOptions bind;
    jsSubOptions_Init(&bind);
    bind.Stream = "TASKS";
    bind.Consumer = "worker";
    natsSubscription *worker = NULL;
    check(js_PullSubscribe(&worker, js, NULL, "worker", NULL, &bind, &jerr),
          "binding to the consumer");
    for (int i = 0; i < 4; i++) {
        natsMsgList batch;
        check(natsSubscription_Fetch(&batch, worker, 1, 5000, &jerr), "waiting for a task");
        natsMsg *msg = batch.Msgs[0];
        jsMsgMetaData *meta = NULL;
        check(natsMsg_GetMetaData(&meta, msg), "reading the metadata");
        char body[64];
        snprintf(body, sizeof body, "%.*s", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
        printf("Delivery %llu of sequence %llu (%s): ", (unsigned long long) meta->NumDelivered,
               (unsigned long long) meta->Sequence.Stream, body);
        if (strcmp(body, "resize photo-1.jpg") == 0) {
            check(natsMsg_AckSync(msg, NULL, &jerr), "acknowledging");
            printf("done, acknowledged\n");
        } else if (meta->NumDelivered == 2) {
            printf("no answer\n");
        } else {
            check(natsMsg_Nak(msg, NULL), "rejecting");
            printf("failed, nak\n");
        }
        jsMsgMetaData_Destroy(meta);
        natsMsgList_Destroy(&batch);
    }

    // A pull consumer looks at a message it would deliver again when a
    // client asks for messages. When the worker asks once more, the server
    // finds the message at its limit: instead of delivering it, it
    // publishes the advisory, and the worker's request ends empty after its
    // one-second wait, which nats.c reports as `NATS_TIMEOUT`.
    natsMsgList extra;
    natsStatus s = natsSubscription_Fetch(&extra, worker, 1, 1000, &jerr);
    if (s == NATS_OK) {
        fprintf(stderr, "delivered a fourth time: %.*s\n", natsMsg_GetDataLength(extra.Msgs[0]),
                natsMsg_GetData(extra.Msgs[0]));
        return 1;
    }
    if (s != NATS_TIMEOUT)
        check(s, "asking for a task");
    printf("No task left for the worker\n");

    // The advisory is JSON. It names the stream sequence of the message,
    // which reads the dead letter back from the stream: the stream still
    // holds it, since a limits stream keeps messages whatever their
    // consumers do.
    natsMsg *event = NULL;
    check(natsSubscription_NextMsg(&event, advisories, 5000), "waiting for the advisory");
    char json[1024];
    snprintf(json, sizeof json, "%.*s", natsMsg_GetDataLength(event), natsMsg_GetData(event));
    natsMsg_Destroy(event);
    char stream_name[64], consumer_name[64];
    json_string(json, "stream", stream_name, sizeof stream_name);
    json_string(json, "consumer", consumer_name, sizeof consumer_name);
    unsigned long long sequence = json_number(json, "stream_seq");
    printf("Advisory: consumer %s gave up on sequence %llu of stream %s after %llu deliveries\n",
           consumer_name, sequence, stream_name, json_number(json, "deliveries"));
    natsMsg *dead = NULL;
    check(js_GetMsg(&dead, js, "TASKS", sequence, NULL, &jerr), "reading the dead letter");
    printf("Dead letter: sequence %llu on %s: %.*s\n", (unsigned long long) natsMsg_GetSequence(dead),
           natsMsg_GetSubject(dead), natsMsg_GetDataLength(dead), natsMsg_GetData(dead));
    natsMsg_Destroy(dead);

    // The consumer has nothing left: no message awaits acknowledgement and
    // none waits to be delivered.
    check(js_GetConsumerInfo(&info, js, "TASKS", "worker", NULL, &jerr),
          "reading the consumer's info");
    printf("Consumer worker: %lld awaiting acknowledgement, %llu to process\n",
           (long long) info->NumAckPending, (unsigned long long) info->NumPending);
    jsConsumerInfo_Destroy(info);

    natsSubscription_Destroy(worker);
    natsSubscription_Destroy(advisories);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
