#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Job numbers gathered by message callbacks. nats.c calls a subscription's
   callback on its own thread, so the list is guarded by a mutex, and a
   condition variable wakes the main thread once `expected` jobs are in. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t full;
    int jobs[100];
    int count;
    int expected;
} collector;

static void collector_init(collector *c, int expected)
{
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->full, NULL);
    c->count = 0;
    c->expected = expected;
}

/* The message callback: reads the number out of a body such as `image 7`
   (0 for an empty body or one of any other shape, which the check of the
   jobs rejects)
   and adds it to the collector passed as the closure. */
static void on_job(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    collector *c = closure;
    const char *body = natsMsg_GetData(msg);
    int n = 0;
    if (body != NULL)
        sscanf(body, "image %d", &n);
    natsMsg_Destroy(msg);
    pthread_mutex_lock(&c->lock);
    if (c->count < (int) (sizeof c->jobs / sizeof c->jobs[0]))
        c->jobs[c->count++] = n;
    if (c->count >= c->expected)
        pthread_cond_signal(&c->full);
    pthread_mutex_unlock(&c->lock);
}

/* Waits at most five seconds until the collector holds its expected number
   of jobs, and returns how many it holds. */
static int collector_wait(collector *c)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&c->lock);
    while (c->count < c->expected) {
        if (pthread_cond_timedwait(&c->full, &c->lock, &until) != 0)
            break;
    }
    int count = c->count;
    pthread_mutex_unlock(&c->lock);
    if (count < c->expected) {
        fprintf(stderr, "only %d of %d jobs arrived\n", count, c->expected);
        exit(1);
    }
    return count;
}

static int compare_ints(const void *a, const void *b)
{
    return *(const int *) a - *(const int *) b;
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;
    natsConnection *nc = NULL;
    check(natsConnection_ConnectTo(&nc, url), "connecting");

    // Two workers subscribe to `jobs.resize` in the queue group `resizers`.
    // The server hands each message to one member of the group, so which
    // worker gets which job changes from run to run. Both workers' callbacks
    // record the number of every job they handle in `handled`.
    collector handled;
    collector_init(&handled, 10);
    natsSubscription *workers[2] = {NULL, NULL};
    for (int worker = 0; worker < 2; worker++) {
        check(natsConnection_QueueSubscribe(&workers[worker], nc, "jobs.resize", "resizers",
                                            on_job, &handled),
              "subscribing a worker");
    }

    // The auditor subscribes to the same subject without a queue group, so
    // it receives its own copy of every message.
    collector audited;
    collector_init(&audited, 10);
    natsSubscription *auditor = NULL;
    check(natsConnection_Subscribe(&auditor, nc, "jobs.resize", on_job, &audited),
          "subscribing the auditor");

    // The publisher knows nothing about the group: it publishes ten jobs to
    // the subject, and adding workers would need no change here. Since the
    // subscriptions went out on the same connection first, the server has
    // them before the first job.
    for (int n = 1; n <= 10; n++) {
        char body[32];
        snprintf(body, sizeof body, "image %d", n);
        check(natsConnection_PublishString(nc, "jobs.resize", body), "publishing a job");
    }
    check(natsConnection_Flush(nc), "flushing");
    printf("Published 10 jobs to jobs.resize\n");

    // Collect what the workers handled. Put together, their jobs are every
    // job exactly once: the group never gave the same message to both.
    int count = collector_wait(&handled);
    pthread_mutex_lock(&handled.lock);
    qsort(handled.jobs, (size_t) count, sizeof handled.jobs[0], compare_ints);
    printf("Jobs handled by the resizers queue group:\n");
    int every_job_once = count == 10;
    for (int i = 0; i < count; i++) {
        printf("  image %d\n", handled.jobs[i]);
        if (handled.jobs[i] != i + 1)
            every_job_once = 0;
    }
    pthread_mutex_unlock(&handled.lock);
    if (!every_job_once) {
        fprintf(stderr, "the workers did not handle every job exactly once\n");
        return 1;
    }
    printf("Every job was handled by exactly one worker\n");

    // The auditor, outside the group, saw all ten as well.
    printf("Jobs seen by the auditor: %d\n", collector_wait(&audited));

    for (int worker = 0; worker < 2; worker++)
        natsSubscription_Destroy(workers[worker]);
    natsSubscription_Destroy(auditor);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
