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

/* `qsort` comparison for the per-subject counts of a stream, by subject. */
static int compare_subjects(const void *a, const void *b)
{
    return strcmp(((const jsStreamStateSubject *) a)->Subject,
                  ((const jsStreamStateSubject *) b)->Subject);
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback. JetStream must be enabled on that server; a
    // JetStream context both manages streams and publishes to them, each
    // call a request to the server bounded by a timeout (five seconds
    // unless set otherwise).
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    check(natsConnection_ConnectTo(&nc, url), "connecting");
    check(natsConnection_JetStream(&js, nc, NULL), "opening JetStream");

    // The `SENSORS` stream captures every subject under `sensors.`. Limits
    // retention (the default) keeps messages until a limit is reached; here
    // the only limit is `MaxMsgsPerSubject = 3`, so each sensor's latest
    // three readings survive however chatty the other sensors are. When a
    // subject is full, the oldest message makes room (`js_DiscardOld`).
    // `jsStreamConfig_Init` fills in the defaults for everything else.
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char *subjects[] = {"sensors.>"};
    cfg.Name = "SENSORS";
    cfg.Description = "Latest readings of every sensor";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Retention = js_LimitsPolicy;
    cfg.Discard = js_DiscardOld;
    cfg.MaxMsgsPerSubject = 3;
    jsErrCode jerr = 0;
    check(js_AddStream(NULL, js, &cfg, NULL, &jerr), "creating the stream");
    printf("Created stream SENSORS, keeping 3 messages per subject\n");

    // Five kitchen readings and two from the cellar. `js_Publish` waits for
    // the stream's acknowledgement, which names the sequence number the
    // message was stored under.
    const char *readings[][2] = {
        {"sensors.kitchen", "19.5"}, {"sensors.kitchen", "19.8"}, {"sensors.kitchen", "20.1"},
        {"sensors.kitchen", "20.4"}, {"sensors.kitchen", "20.6"}, {"sensors.cellar", "12.0"},
        {"sensors.cellar", "12.1"},
    };
    for (size_t i = 0; i < sizeof readings / sizeof readings[0]; i++) {
        jsPubAck *ack = NULL;
        check(js_Publish(&ack, js, readings[i][0], readings[i][1], (int) strlen(readings[i][1]),
                         NULL, &jerr),
              "publishing a reading");
        printf("Published %s %s: stored as sequence %llu\n", readings[i][0], readings[i][1],
               (unsigned long long) ack->Sequence);
        jsPubAck_Destroy(ack);
    }

    // Seven messages went in but the stream holds five: the two oldest
    // kitchen readings were dropped to respect the per-subject limit, which
    // is why the first sequence is 3. Asking for the stream's info with a
    // subject filter also returns the number of messages on each subject.
    jsOptions opts;
    jsOptions_Init(&opts);
    opts.Stream.Info.SubjectsFilter = ">";
    jsStreamInfo *info = NULL;
    check(js_GetStreamInfo(&info, js, "SENSORS", &opts, &jerr), "reading the stream's info");
    jsStreamState *state = &info->State;
    printf("Stream SENSORS holds %llu messages, sequences %llu to %llu\n",
           (unsigned long long) state->Msgs, (unsigned long long) state->FirstSeq,
           (unsigned long long) state->LastSeq);
    printf("Messages per subject:\n");
    if (state->Subjects != NULL) {
        qsort(state->Subjects->List, (size_t) state->Subjects->Count,
              sizeof state->Subjects->List[0], compare_subjects);
        for (int i = 0; i < state->Subjects->Count; i++)
            printf("  %s: %llu\n", state->Subjects->List[i].Subject,
                   (unsigned long long) state->Subjects->List[i].Msgs);
    }
    jsStreamInfo_Destroy(info);

    // The most recent message on a subject can be read directly from the
    // stream, without creating a consumer.
    natsMsg *last = NULL;
    check(js_GetLastMsg(&last, js, "SENSORS", "sensors.kitchen", NULL, &jerr),
          "reading the latest kitchen reading");
    printf("Latest on sensors.kitchen: %.*s (sequence %llu)\n", natsMsg_GetDataLength(last),
           natsMsg_GetData(last), (unsigned long long) natsMsg_GetSequence(last));
    natsMsg_Destroy(last);

    // Finally, the names of all streams in the account.
    jsStreamNamesList *names = NULL;
    check(js_StreamNames(&names, js, NULL, &jerr), "listing the streams");
    for (int i = 0; i < names->Count; i++)
        printf("Stream in the account: %s\n", names->List[i]);
    jsStreamNamesList_Destroy(names);

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
