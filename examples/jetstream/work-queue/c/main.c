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

/* Fills in the configuration of a durable pull consumer that reads one
   subject and needs every message acknowledged. */
static void pull_config(jsConsumerConfig *cfg, const char *name, const char *subject)
{
    jsConsumerConfig_Init(cfg);
    cfg->Durable = name;
    cfg->FilterSubject = subject;
    cfg->AckPolicy = js_AckExplicit;
}

/* Adds a durable pull consumer that receives the jobs on one subject and
   must acknowledge each of them. */
static void create_consumer(const char *name, const char *subject)
{
    jsConsumerConfig cfg;
    pull_config(&cfg, name, subject);
    jsErrCode jerr = 0;
    check(js_AddConsumer(NULL, js, "JOBS", &cfg, NULL, &jerr), "creating a consumer");
    printf("Created consumer %s for %s\n", name, subject);
}

/* Takes `count` jobs from a consumer and acknowledges each one, waiting for
   the server to confirm the acknowledgement (`natsMsg_AckSync`). A pull
   subscription bound to the consumer fetches the jobs in batches, each
   fetch waiting at most five seconds. */
static void work(const char *name, int count)
{
    jsSubOptions bind;
    jsSubOptions_Init(&bind);
    bind.Stream = "JOBS";
    bind.Consumer = name;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    check(js_PullSubscribe(&sub, js, NULL, name, NULL, &bind, &jerr), "binding to a consumer");
    for (int handled = 0; handled < count;) {
        natsMsgList batch;
        natsStatus s = natsSubscription_Fetch(&batch, sub, count - handled, 5000, &jerr);
        if (s == NATS_TIMEOUT) {
            fprintf(stderr, "the %s did not finish its jobs: %d of %d done\n", name, handled,
                    count);
            exit(1);
        }
        check(s, "fetching jobs");
        for (int i = 0; i < batch.Count; i++, handled++) {
            natsMsg *msg = batch.Msgs[i];
            printf("The %s did: %.*s\n", name, natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
            check(natsMsg_AckSync(msg, NULL, &jerr), "acknowledging a job");
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
   and last sequence. The server removes acknowledged messages a moment
   after confirming the acknowledgement, so it first waits (up to five
   seconds) until the stream holds the expected number of messages. */
static void show_stream(uint64_t expected)
{
    jsOptions opts;
    jsOptions_Init(&opts);
    opts.Stream.Info.SubjectsFilter = ">";
    for (int attempt = 0;; attempt++) {
        jsStreamInfo *info = NULL;
        jsErrCode jerr = 0;
        check(js_GetStreamInfo(&info, js, "JOBS", &opts, &jerr), "reading the stream's info");
        jsStreamState *state = &info->State;
        if (state->Msgs == expected) {
            printf("Stream JOBS holds %llu messages, first sequence %llu, last sequence %llu\n",
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
            fprintf(stderr, "JOBS holds %llu messages, expected %llu\n",
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

    // `js_WorkQueuePolicy` turns the stream into a work queue: a message
    // stays only until a consumer acknowledges it.
    jsStreamConfig stream;
    jsStreamConfig_Init(&stream);
    const char *subjects[] = {"jobs.>"};
    stream.Name = "JOBS";
    stream.Subjects = subjects;
    stream.SubjectsLen = 1;
    stream.Retention = js_WorkQueuePolicy;
    stream.Storage = js_FileStorage;
    check(js_AddStream(NULL, js, &stream, NULL, &jerr), "creating the stream");
    printf("Created work queue stream JOBS\n");

    // Two durable pull consumers, each owning one kind of job. Their
    // filters, `jobs.email` and `jobs.image`, do not overlap.
    create_consumer("mailer", "jobs.email");
    create_consumer("thumbnailer", "jobs.image");

    // A work queue refuses a consumer whose filter overlaps another's: a
    // second consumer for `jobs.email` could take jobs the mailer expects.
    // The call fails, `jerr` receives the server's error code and
    // `nats_GetLastError` the reason it gave, after a `(file:line): ` prefix
    // saying where in nats.c the error was noticed, which is left out here.
    jsConsumerConfig second;
    pull_config(&second, "second-mailer", "jobs.email");
    natsStatus s = js_AddConsumer(NULL, js, "JOBS", &second, NULL, &jerr);
    if (s == NATS_OK) {
        fprintf(stderr, "a second consumer on jobs.email was accepted\n");
        return 1;
    }
    if (jerr == 0)
        check(s, "creating the second consumer");
    const char *reason = nats_GetLastError(NULL);
    const char *located = strstr(reason, "): ");
    if (reason[0] == '(' && located != NULL)
        reason = located + 3;
    printf("A second consumer on jobs.email was refused: %s (error %d)\n", reason, (int) jerr);

    // Queue up five jobs: two emails and three images. Each publish waits
    // for the stream to store the job.
    const char *queued[][2] = {
        {"jobs.email", "welcome mail for ada"},
        {"jobs.email", "invoice for grace"},
        {"jobs.image", "thumbnail of photo-1.jpg"},
        {"jobs.image", "thumbnail of photo-2.jpg"},
        {"jobs.image", "thumbnail of photo-3.jpg"},
    };
    for (size_t i = 0; i < sizeof queued / sizeof queued[0]; i++) {
        check(js_Publish(NULL, js, queued[i][0], queued[i][1], (int) strlen(queued[i][1]), NULL,
                         &jerr),
              "queueing a job");
    }
    printf("Queued 2 email jobs and 3 image jobs\n");
    show_stream(5);

    // The mailer takes both email jobs and acknowledges them. Acknowledged
    // jobs leave the stream: three remain, all images, and the first
    // sequence moves past the finished emails.
    work("mailer", 2);
    show_stream(3);

    // The thumbnailer works through the images. Then the stream is empty,
    // but its sequence numbers keep counting: the next job will be number 6.
    work("thumbnailer", 3);
    show_stream(0);

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
