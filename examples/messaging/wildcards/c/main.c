#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

/* Four patterns:

   - `sensors.*.temperature`: `*` stands for exactly one token, so this is
     any three-token subject with `sensors` first and `temperature` last.
   - `sensors.>`: `>` stands for one or more tokens and may only come last,
     so this is everything below `sensors`, however deep, but not `sensors`
     itself.
   - `*.*`: any subject of exactly two tokens.
   - `>`: a full wildcard at the root matches every subject. */
static const char *patterns[] = {"sensors.*.temperature", "sensors.>", "*.*", ">"};
#define PATTERN_COUNT 4

/* Six subjects, each testing one edge of the rules: a token too many for
   `*`, the bare prefix that `>` does not cover, two tokens, and a capital
   letter (subjects are case-sensitive). */
static const char *subjects[] = {
    "sensors.kitchen.temperature",
    "sensors.kitchen.humidity",
    "sensors.garden.shed.temperature",
    "sensors",
    "alerts.kitchen",
    "Sensors.kitchen.temperature",
};
#define SUBJECT_COUNT 6

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
    // address as a fallback.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;

    // One connection both subscribes and publishes. A connection receives
    // its own messages by default, and keeping everything on one connection
    // makes the order of events easy to reason about (see below).
    natsConnection *nc = NULL;
    check(natsConnection_ConnectTo(&nc, url), "connecting");

    // Synchronous subscriptions queue their messages until the program
    // reads them with `natsSubscription_NextMsg`.
    natsSubscription *subs[PATTERN_COUNT] = {NULL};
    for (int i = 0; i < PATTERN_COUNT; i++)
        check(natsConnection_SubscribeSync(&subs[i], nc, patterns[i]), "subscribing");
    check(natsConnection_Flush(nc), "flushing");

    for (int j = 0; j < SUBJECT_COUNT; j++)
        check(natsConnection_PublishString(nc, subjects[j], "reading"), "publishing");
    printf("Published %d messages\n", SUBJECT_COUNT);

    // A flush returns when the server has answered a ping sent after the
    // messages. The server handles a connection's commands in order, so by
    // then it has routed every message, and the client has read every copy
    // it was sent: they wait in the subscriptions' queues. Reading each
    // queue until it is empty (a short timeout, which only runs out once
    // nothing is left) gives the complete set each pattern received.
    check(natsConnection_Flush(nc), "flushing");
    for (int i = 0; i < PATTERN_COUNT; i++) {
        bool received[SUBJECT_COUNT] = {false};
        int count = 0;
        natsMsg *msg = NULL;
        natsStatus s;
        while ((s = natsSubscription_NextMsg(&msg, subs[i], 100)) == NATS_OK) {
            for (int j = 0; j < SUBJECT_COUNT; j++) {
                if (!received[j] && strcmp(natsMsg_GetSubject(msg), subjects[j]) == 0) {
                    received[j] = true;
                    count++;
                }
            }
            natsMsg_Destroy(msg);
        }
        if (s != NATS_TIMEOUT)
            check(s, "reading a subscription");
        printf("%s received %d of %d:\n", patterns[i], count, SUBJECT_COUNT);
        for (int j = 0; j < SUBJECT_COUNT; j++)
            printf("  %s %s\n", received[j] ? "yes" : "no ", subjects[j]);
        natsSubscription_Destroy(subs[i]);
    }

    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
