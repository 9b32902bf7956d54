#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

/* How many messages each subscriber is sent. */
#define TOTAL 10

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

/* What the handler and `main` share: a count of the messages handled, and
   three flags for the first message (the handler has `started` on it, may
   go on once `released`, has `finished` it), guarded by one mutex. */
struct state {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int count;
    bool started, released, finished;
};

/* Waits under the state's mutex until `*flag` is true. */
static void wait_for(struct state *st, bool *flag)
{
    pthread_mutex_lock(&st->mu);
    while (!*flag)
        pthread_cond_wait(&st->cond, &st->mu);
    pthread_mutex_unlock(&st->mu);
}

/* Sets `*flag` under the state's mutex and wakes every waiter. */
static void set(struct state *st, bool *flag)
{
    pthread_mutex_lock(&st->mu);
    *flag = true;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->mu);
}

/* The handler, called by nats.c on the subscription's own thread. It counts
   every message it is given. On the first one it waits until released,
   standing for slow work: meanwhile the other messages wait in the
   subscription's queue. */
static void on_job(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void) nc;
    (void) sub;
    struct state *st = closure;
    pthread_mutex_lock(&st->mu);
    bool first = ++st->count == 1;
    pthread_mutex_unlock(&st->mu);
    if (first) {
        set(st, &st->started);
        wait_for(st, &st->released);
        set(st, &st->finished);
    }
    natsMsg_Destroy(msg);
}

/* Starts a subscriber on its own connection, fills its queue with TOTAL
   messages while its handler is held up on the first one, stops it by
   draining (`graceful`) or by closing, and returns how many messages the
   handler got. */
static int run(const char *url, natsConnection *publisher, const char *subject, bool graceful)
{
    struct state st = {.mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    natsConnection *nc = NULL;
    natsSubscription *sub = NULL;
    check(natsConnection_ConnectTo(&nc, url), "connecting the subscriber");
    check(natsConnection_Subscribe(&sub, nc, subject, on_job, &st), "subscribing");
    check(natsConnection_Flush(nc), "flushing");

    for (int i = 1; i <= TOTAL; i++) {
        char body[32];
        snprintf(body, sizeof body, "job %d", i);
        check(natsConnection_PublishString(publisher, subject, body), "publishing");
    }

    // Each flush returns when the server has answered a ping. The
    // publisher's proves the server has routed all the messages; the
    // subscriber's ping is answered after them, so by then the client has
    // read every one. Once the handler has started on the first, the other
    // nine wait in the queue.
    check(natsConnection_Flush(publisher), "flushing");
    check(natsConnection_Flush(nc), "flushing");
    wait_for(&st, &st.started);

    if (graceful) {
        // Drain, let the handler go on, and wait until the drain is done.
        check(natsSubscription_Drain(sub), "draining");
        set(&st, &st.released);
        check(natsSubscription_WaitForDrainCompletion(sub, 5000), "draining");
    } else {
        // Close, and only then let the handler go on.
        natsConnection_Close(nc);
        set(&st, &st.released);
    }
    wait_for(&st, &st.finished);

    natsSubscription_Destroy(sub);
    natsConnection_Destroy(nc);
    pthread_mutex_lock(&st.mu);
    int count = st.count;
    pthread_mutex_unlock(&st.mu);
    return count;
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;

    natsConnection *publisher = NULL;
    check(natsConnection_ConnectTo(&publisher, url), "connecting the publisher");

    // First the abrupt way: `natsConnection_Close` shuts the connection at
    // once. The message in the handler is finished, but those still waiting
    // in the subscription's queue are dropped.
    int handled = run(url, publisher, "jobs.closed", false);
    printf("Closed: %d of %d messages handled, %d lost\n", handled, TOTAL, TOTAL - handled);

    // Then gracefully: `natsSubscription_Drain` unsubscribes, so the server
    // sends nothing new, and lets the handler work through every message
    // already in the queue; `natsSubscription_WaitForDrainCompletion` waits
    // for that. (`natsConnection_Drain` does the same for every subscription
    // of a connection and then closes it.)
    handled = run(url, publisher, "jobs.drained", true);
    printf("Drained: %d of %d messages handled, %d lost\n", handled, TOTAL, TOTAL - handled);

    natsConnection_Destroy(publisher);
    nats_Close();
    return 0;
}
