#include <stdio.h>
#include <stdlib.h>

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

/* Lists every revision of a key the bucket still keeps, oldest first, with
   its operation: a put with its value, or a delete or purge marker. */
static void print_history(kvStore *kv, const char *key)
{
    kvEntryList history;
    check(kvStore_History(&history, kv, key, NULL), "reading a history");
    printf("History of %s:\n", key);
    for (int i = 0; i < history.Count; i++) {
        kvEntry *entry = history.Entries[i];
        unsigned long long revision = kvEntry_Revision(entry);
        switch (kvEntry_Operation(entry)) {
        case kvOp_Put:
            printf("  revision %llu: PUT %s\n", revision, kvEntry_ValueString(entry));
            break;
        case kvOp_Delete:
            printf("  revision %llu: DELETE\n", revision);
            break;
        case kvOp_Purge:
            printf("  revision %llu: PURGE\n", revision);
            break;
        default:
            fprintf(stderr, "revision %llu has an unknown operation\n", revision);
            exit(1);
        }
    }
    kvEntryList_Destroy(&history);
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

    // The `releases` bucket keeps the last five revisions of each key
    // (`History = 5`; the most a bucket can keep is 64).
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "releases";
    cfg.History = 5;
    kvStore *releases = NULL;
    check(js_CreateKeyValue(&releases, js, &cfg), "creating the bucket");
    printf("Created bucket releases, keeping 5 revisions per key\n");

    // One version of the API, then six versions of the web front end, one
    // after the other. Every put is a new revision of the key.
    check(kvStore_PutString(NULL, releases, "api.version", "3.4"), "putting a value");
    const char *versions[] = {"1.0", "1.1", "1.2", "2.0", "2.1", "2.2"};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        check(kvStore_PutString(NULL, releases, "web.version", versions[i]), "putting a value");
    printf("Put api.version once and web.version six times\n");

    // Six revisions went in, five are kept: the first one, 1.0, made room.
    print_history(releases, "web.version");

    // Deleting the key adds a delete marker as its newest revision. The
    // marker counts against the history limit like any other revision, so
    // 1.1 goes too, but the older values stay readable.
    check(kvStore_Delete(releases, "web.version"), "deleting the key");
    printf("Deleted web.version\n");
    print_history(releases, "web.version");

    // Purging the key removes every revision it has and leaves a single
    // purge marker: the history is gone, which a delete alone never does.
    check(kvStore_Purge(releases, "web.version", NULL), "purging the key");
    printf("Purged web.version\n");
    print_history(releases, "web.version");

    // The purge touched only its key: api.version keeps its history.
    print_history(releases, "api.version");

    // The bucket now holds two messages: the value of api.version and the
    // purge marker of web.version.
    kvStatus *status = NULL;
    check(kvStore_Status(&status, releases), "reading the bucket's status");
    printf("Bucket %s: %lld revisions per key, %llu values stored\n", kvStatus_Bucket(status),
           (long long) kvStatus_History(status), (unsigned long long) kvStatus_Values(status));
    kvStatus_Destroy(status);

    kvStore_Destroy(releases);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
