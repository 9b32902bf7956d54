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

/* A conditional write that loses fails with `NATS_ERR`, and the reason the
   server gave, "wrong last sequence", is in the thread's last error: the
   key was not at the revision the writer named. This stops the program
   unless the write was refused for exactly that reason. */
static void expect_refused(natsStatus s, const char *what)
{
    if (s == NATS_OK) {
        fprintf(stderr, "expected %s to be refused\n", what);
        exit(1);
    }
    if (strstr(nats_GetLastError(NULL), "wrong last sequence") == NULL)
        check(s, what);
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback. The key-value store is part of JetStream,
    // which must be enabled on that server, and is reached through a
    // JetStream context.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    check(natsConnection_ConnectTo(&nc, url), "connecting");
    check(natsConnection_JetStream(&js, nc, NULL), "opening JetStream");

    // A bucket of stock levels that keeps five revisions per key.
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "inventory";
    cfg.History = 5;
    kvStore *kv = NULL;
    check(js_CreateKeyValue(&kv, js, &cfg), "creating the bucket");
    printf("Created bucket inventory, keeping 5 revisions per key\n");

    // `kvStore_CreateString` writes a key only if it has no value yet. The
    // first create succeeds; a second one, from someone who thought they
    // were first, is refused.
    uint64_t revision = 0;
    check(kvStore_CreateString(&revision, kv, "widgets", "10"), "creating widgets");
    printf("Created widgets = 10 (revision %llu)\n", (unsigned long long) revision);
    expect_refused(kvStore_CreateString(NULL, kv, "widgets", "12"), "the second create");
    printf("Creating widgets = 12 was refused: widgets already exists\n");

    // Two clerks read the stock level. Both see 10, at revision 1.
    kvEntry *read = NULL;
    check(kvStore_Get(&read, kv, "widgets"), "reading widgets");
    uint64_t seen = kvEntry_Revision(read);
    printf("Both clerks read widgets = %s (revision %llu)\n", kvEntry_ValueString(read),
           (unsigned long long) seen);
    kvEntry_Destroy(read);

    // The first clerk sells one widget and writes 9, on the condition that
    // the key is still at the revision it read. It is, so the update
    // succeeds and the key moves to a new revision.
    check(kvStore_UpdateString(&revision, kv, "widgets", "9", seen), "the first clerk's update");
    printf("The first clerk updated widgets to 9 (revision %llu)\n", (unsigned long long) revision);

    // The second clerk sold two widgets and, working from the same read,
    // writes 8 on the same condition. The key has moved on, so the update
    // is refused instead of silently losing the first clerk's sale.
    expect_refused(kvStore_UpdateString(NULL, kv, "widgets", "8", seen), "the second clerk's update");
    printf("The second clerk's update to 8 was refused: widgets is no longer at revision %llu\n",
           (unsigned long long) seen);

    // The second clerk reads again, finds 9, and retries from that
    // revision.
    check(kvStore_Get(&read, kv, "widgets"), "reading widgets again");
    seen = kvEntry_Revision(read);
    printf("The second clerk read widgets = %s (revision %llu)\n", kvEntry_ValueString(read),
           (unsigned long long) seen);
    kvEntry_Destroy(read);
    check(kvStore_UpdateString(&revision, kv, "widgets", "7", seen), "the second clerk's retry");
    printf("The second clerk updated widgets to 7 (revision %llu)\n", (unsigned long long) revision);

    // After a delete, creating the key works again: its latest revision is
    // a delete marker, so the key counts as absent.
    check(kvStore_Delete(kv, "widgets"), "deleting widgets");
    printf("Deleted widgets\n");
    check(kvStore_CreateString(&revision, kv, "widgets", "50"), "creating widgets after the delete");
    printf("Created widgets = 50 (revision %llu)\n", (unsigned long long) revision);

    // The history shows every successful write, and none of the refused
    // ones.
    kvEntryList history;
    check(kvStore_History(&history, kv, "widgets", NULL), "reading the history");
    printf("History of widgets:\n");
    for (int i = 0; i < history.Count; i++) {
        kvEntry *entry = history.Entries[i];
        unsigned long long rev = kvEntry_Revision(entry);
        if (kvEntry_Operation(entry) == kvOp_Put)
            printf("  revision %llu: PUT %s\n", rev, kvEntry_ValueString(entry));
        else
            printf("  revision %llu: DELETE\n", rev);
    }
    kvEntryList_Destroy(&history);

    kvStore_Destroy(kv);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
