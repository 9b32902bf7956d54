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

    // The `PAYMENTS` stream remembers the message IDs it has seen for one
    // minute: that is its duplicate window (`Duplicates`, in nanoseconds
    // like every duration in JetStream's configuration; two minutes unless
    // set). The window bounds how much the server must remember, so it
    // should cover the longest time a publisher may take to retry.
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char *subjects[] = {"payments.>"};
    cfg.Name = "PAYMENTS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Duplicates = 60 * (int64_t) 1000000000;
    jsStreamInfo *created = NULL;
    check(js_AddStream(&created, js, &cfg, NULL, &jerr), "creating the stream");
    printf("Created stream PAYMENTS with a duplicate window of %llds\n",
           (long long) (created->Config->Duplicates / 1000000000));
    jsStreamInfo_Destroy(created);

    // Each charge carries its invoice number as its message ID: the publish
    // option `MsgId` sets the `Nats-Msg-Id` header. Every charge is sent
    // twice, as a publisher does when an acknowledgement does not come back
    // in time. The first attempt is stored; the stream acknowledges the
    // second with the sequence of the stored message and the `Duplicate`
    // flag, and keeps nothing new.
    const char *charges[][2] = {
        {"invoice-1001", "charge 40.00 EUR for invoice 1001"},
        {"invoice-1002", "charge 15.50 EUR for invoice 1002"},
    };
    for (int attempt = 1; attempt <= 2; attempt++) {
        for (size_t i = 0; i < sizeof charges / sizeof charges[0]; i++) {
            jsPubOptions options;
            jsPubOptions_Init(&options);
            options.MsgId = charges[i][0];
            jsPubAck *ack = NULL;
            check(js_Publish(&ack, js, "payments.charge", charges[i][1],
                             (int) strlen(charges[i][1]), &options, &jerr),
                  "publishing a charge");
            printf("Published %s, attempt %d: sequence %llu, duplicate %s\n", charges[i][0],
                   attempt, (unsigned long long) ack->Sequence, ack->Duplicate ? "true" : "false");
            jsPubAck_Destroy(ack);
        }
    }

    // Without an ID the server has nothing to compare: the same charge sent
    // twice is stored twice, and the customer would pay twice.
    const char *unmarked = "charge 9.99 EUR for invoice 1003";
    for (int attempt = 1; attempt <= 2; attempt++) {
        jsPubAck *ack = NULL;
        check(js_Publish(&ack, js, "payments.charge", unmarked, (int) strlen(unmarked), NULL,
                         &jerr),
              "publishing a charge");
        printf("Published invoice 1003 without an ID, attempt %d: sequence %llu, duplicate %s\n",
               attempt, (unsigned long long) ack->Sequence, ack->Duplicate ? "true" : "false");
        jsPubAck_Destroy(ack);
    }

    // Six publishes, four messages: two charges with IDs, and the charge
    // without one twice.
    jsStreamInfo *info = NULL;
    check(js_GetStreamInfo(&info, js, "PAYMENTS", NULL, &jerr), "reading the stream's info");
    printf("Stream PAYMENTS holds %llu messages\n", (unsigned long long) info->State.Msgs);
    jsStreamInfo_Destroy(info);

    // The ID stays with the stored message as a header.
    natsMsg *msg = NULL;
    const char *id = NULL;
    check(js_GetMsg(&msg, js, "PAYMENTS", 1, NULL, &jerr), "reading message 1");
    check(natsMsgHeader_Get(msg, "Nats-Msg-Id", &id), "reading the message ID");
    printf("Message 1: %.*s (Nats-Msg-Id %s)\n", natsMsg_GetDataLength(msg), natsMsg_GetData(msg),
           id);
    natsMsg_Destroy(msg);

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
