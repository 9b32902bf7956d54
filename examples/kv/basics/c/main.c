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

/* `qsort` comparison for an array of C strings. */
static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
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

    // Create the `profiles` bucket. `History = 5` keeps the last five
    // values of each key instead of only the latest one. `kvConfig_Init`
    // fills in the defaults for everything else.
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "profiles";
    cfg.Description = "User profile settings";
    cfg.History = 5;
    kvStore *profiles = NULL;
    check(js_CreateKeyValue(&profiles, js, &cfg), "creating the bucket");
    printf("Created bucket profiles, keeping 5 revisions per key\n");

    // `kvStore_PutString` stores a value and returns its revision: the
    // sequence number of the message that holds it in the bucket's stream.
    // Writing a key that already exists adds a new revision.
    const char *puts[][2] = {
        {"ada.theme", "light"},
        {"ada.language", "en"},
        {"grace.theme", "dark"},
        {"ada.theme", "dark"},
    };
    for (size_t i = 0; i < sizeof puts / sizeof puts[0]; i++) {
        uint64_t revision = 0;
        check(kvStore_PutString(&revision, profiles, puts[i][0], puts[i][1]), "putting a value");
        printf("Put %s = %s (revision %llu)\n", puts[i][0], puts[i][1], (unsigned long long) revision);
    }

    // `kvStore_Get` returns the latest entry of a key, with its value and
    // revision. Entries belong to the program, which destroys them.
    const char *gets[] = {"ada.theme", "ada.language"};
    for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
        kvEntry *entry = NULL;
        check(kvStore_Get(&entry, profiles, gets[i]), gets[i]);
        printf("Get %s: %s (revision %llu)\n", gets[i], kvEntry_ValueString(entry),
               (unsigned long long) kvEntry_Revision(entry));
        kvEntry_Destroy(entry);
    }

    // Deleting a key does not erase its past: the delete is recorded as one
    // more revision, a marker without a value.
    check(kvStore_Delete(profiles, "grace.theme"), "deleting a key");
    printf("Deleted grace.theme\n");

    // The history of a key lists every revision still kept, oldest first.
    const char *histories[] = {"ada.theme", "grace.theme"};
    for (size_t i = 0; i < sizeof histories / sizeof histories[0]; i++) {
        kvEntryList history;
        check(kvStore_History(&history, profiles, histories[i], NULL), "reading a history");
        printf("History of %s:\n", histories[i]);
        for (int j = 0; j < history.Count; j++) {
            kvEntry *entry = history.Entries[j];
            unsigned long long revision = kvEntry_Revision(entry);
            if (kvEntry_Operation(entry) == kvOp_Put)
                printf("  revision %llu: PUT %s\n", revision, kvEntry_ValueString(entry));
            else
                printf("  revision %llu: DELETE\n", revision);
        }
        kvEntryList_Destroy(&history);
    }

    // Listing the keys shows those that currently hold a value; the deleted
    // one is gone. The order of the listing is not guaranteed, so it is
    // sorted.
    kvKeysList keys;
    check(kvStore_Keys(&keys, profiles, NULL), "listing the keys");
    qsort(keys.Keys, (size_t) keys.Count, sizeof keys.Keys[0], compare_strings);
    printf("Keys with a value: ");
    for (int i = 0; i < keys.Count; i++)
        printf("%s%s", i > 0 ? ", " : "", keys.Keys[i]);
    printf("\n");
    kvKeysList_Destroy(&keys);

    // The status of the bucket: its history setting and how many values it
    // holds (every kept revision counts, the delete marker too). The bucket
    // is backed by the stream `KV_profiles`, whose information JetStream
    // returns like that of any other stream.
    kvStatus *status = NULL;
    jsStreamInfo *stream = NULL;
    check(kvStore_Status(&status, profiles), "reading the bucket's status");
    check(js_GetStreamInfo(&stream, js, "KV_profiles", NULL, NULL), "reading the stream's info");
    printf("Bucket %s: %lld revisions per key, %llu values stored, backed by stream %s\n",
           kvStatus_Bucket(status), (long long) kvStatus_History(status),
           (unsigned long long) kvStatus_Values(status), stream->Config->Name);
    jsStreamInfo_Destroy(stream);
    kvStatus_Destroy(status);

    // Finally, the names of all buckets in the account. Each bucket is the
    // stream `KV_<bucket>`, so they are the stream names with that prefix.
    jsStreamNamesList *names = NULL;
    check(js_StreamNames(&names, js, NULL, NULL), "listing the streams");
    for (int i = 0; i < names->Count; i++) {
        if (strncmp(names->List[i], "KV_", 3) == 0)
            printf("Bucket in the account: %s\n", names->List[i] + 3);
    }
    jsStreamNamesList_Destroy(names);

    kvStore_Destroy(profiles);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
