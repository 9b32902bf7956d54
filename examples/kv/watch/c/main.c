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

static kvStore *flags = NULL;

/* Stores a value and prints its revision. */
static void put(const char *key, const char *value)
{
    uint64_t revision = 0;
    check(kvStore_PutString(&revision, flags, key, value), "putting a value");
    printf("Put %s = %s (revision %llu)\n", key, value, (unsigned long long) revision);
}

/* Prints an entry's revision, operation, key and value in one line after
   `prefix`, and destroys the entry. */
static void describe(const char *prefix, kvEntry *entry)
{
    unsigned long long revision = kvEntry_Revision(entry);
    if (kvEntry_Operation(entry) == kvOp_Put)
        printf("%srevision %llu: PUT %s = %s\n", prefix, revision, kvEntry_Key(entry),
               kvEntry_ValueString(entry));
    else
        printf("%srevision %llu: DELETE %s\n", prefix, revision, kvEntry_Key(entry));
    kvEntry_Destroy(entry);
}

/* `qsort` comparison for stream information, by stream name. */
static int compare_streams(const void *a, const void *b)
{
    return strcmp((*(jsStreamInfo *const *) a)->Config->Name,
                  (*(jsStreamInfo *const *) b)->Config->Name);
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

    // Two buckets: `flags` remembers the last three values of each key,
    // `sessions` only the latest, and its values expire after an hour
    // (`TTL` is in nanoseconds, like every duration in JetStream's
    // configuration).
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "flags";
    cfg.Description = "Feature switches";
    cfg.History = 3;
    check(js_CreateKeyValue(&flags, js, &cfg), "creating the flags bucket");
    kvConfig_Init(&cfg);
    cfg.Bucket = "sessions";
    cfg.TTL = 60 * 60 * (int64_t) 1000000000;
    kvStore *sessions = NULL;
    check(js_CreateKeyValue(&sessions, js, &cfg), "creating the sessions bucket");
    printf("Created buckets flags and sessions\n");

    // Two flags exist before anyone watches.
    put("dark-mode", "on");
    put("beta-search", "off");

    // A watcher first delivers the current value of every key, then a
    // `NULL` entry to say it has caught up, then every change as it
    // happens. `kvWatcher_Next` waits for the next one, here at most five
    // seconds. This program reads the watcher in turn with the changes it
    // makes, so the output has a fixed order.
    kvWatcher *watcher = NULL;
    check(kvStore_WatchAll(&watcher, flags, NULL), "watching the bucket");
    for (;;) {
        kvEntry *entry = NULL;
        check(kvWatcher_Next(&entry, watcher, 5000), "waiting for the watcher");
        if (entry == NULL) {
            printf("Watcher: caught up with the current values\n");
            break;
        }
        describe("Watcher: ", entry);
    }

    // Three changes: beta search is switched on, dark mode is removed, and
    // a new flag appears. The watcher reports each one.
    put("beta-search", "on");
    check(kvStore_Delete(flags, "dark-mode"), "deleting dark-mode");
    printf("Deleted dark-mode\n");
    put("new-checkout", "on");
    for (int i = 0; i < 3; i++) {
        kvEntry *entry = NULL;
        check(kvWatcher_Next(&entry, watcher, 5000), "waiting for the watcher");
        describe("Watcher: ", entry);
    }
    kvWatcher_Destroy(watcher);

    // A key's history keeps up to three revisions, the delete marker
    // included.
    kvEntryList history;
    check(kvStore_History(&history, flags, "dark-mode", NULL), "reading the history");
    printf("History of dark-mode:\n");
    for (int i = 0; i < history.Count; i++) {
        describe("  ", history.Entries[i]);
        history.Entries[i] = NULL;
    }
    kvEntryList_Destroy(&history);

    // Every bucket of the account with its settings, in name order. Each
    // bucket is the stream `KV_<bucket>`, whose configuration holds the
    // bucket's description, history (the messages kept per subject) and
    // TTL (the maximum age, in nanoseconds), and whose state counts the
    // values.
    jsStreamInfoList *streams = NULL;
    jsErrCode jerr = 0;
    check(js_Streams(&streams, js, NULL, &jerr), "listing the buckets");
    qsort(streams->List, (size_t) streams->Count, sizeof streams->List[0], compare_streams);
    printf("Buckets in the account:\n");
    for (int i = 0; i < streams->Count; i++) {
        jsStreamConfig *config = streams->List[i]->Config;
        if (strncmp(config->Name, "KV_", 3) != 0)
            continue;
        printf("  %s", config->Name + 3);
        if (config->Description != NULL && config->Description[0] != '\0')
            printf(" (%s)", config->Description);
        printf(": history %lld, %llu values, ", (long long) config->MaxMsgsPerSubject,
               (unsigned long long) streams->List[i]->State.Msgs);
        if (config->MaxAge > 0)
            printf("TTL %llds\n", (long long) (config->MaxAge / 1000000000));
        else
            printf("no TTL\n");
    }
    jsStreamInfoList_Destroy(streams);

    kvStore_Destroy(sessions);
    kvStore_Destroy(flags);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
