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

/* The service. nats.c calls it on its own thread for every request that
   arrives on `greet.hello`. A request carries a reply subject, a private
   inbox of the caller, and the answer is published there. Requests can
   carry headers like any message; the service reads the `Language` header
   when there is one. */
static void on_request(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void) sub;
    (void) closure;
    const char *language = NULL;
    int len = natsMsg_GetDataLength(msg);
    const char *name = natsMsg_GetData(msg);
    if (natsMsgHeader_Get(msg, "Language", &language) == NATS_OK)
        printf("Service got \"%.*s\" with Language: %s\n", len, name, language);
    else
        printf("Service got \"%.*s\"\n", len, name);

    char answer[256];
    snprintf(answer, sizeof answer, "Hello, %.*s!", len, name);
    natsStatus s = natsConnection_PublishString(nc, natsMsg_GetReply(msg), answer);
    if (s != NATS_OK)
        fprintf(stderr, "responding: %s\n", natsStatus_GetText(s));
    natsMsg_Destroy(msg);
}

int main(void)
{
    // The server address comes from `NATS_URL`, with the usual local
    // address as a fallback.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;

    // The service and its caller each get their own connection, as two
    // programs would. Neither ever learns the other's address: they only
    // share a subject.
    natsConnection *service = NULL, *caller = NULL;
    check(natsConnection_ConnectTo(&service, url), "connecting the service");
    check(natsConnection_ConnectTo(&caller, url), "connecting the caller");

    // The service is an ordinary subscription on `greet.hello`, with
    // `on_request` above as its message handler.
    natsSubscription *requests = NULL;
    check(natsConnection_Subscribe(&requests, service, "greet.hello", on_request, NULL), "subscribing");

    // A request sent before the subscription reaches the server would find
    // nobody to answer. A flush returns once the server has processed
    // everything the service sent so far, its subscription included.
    check(natsConnection_Flush(service), "flushing");
    printf("Service listening on greet.hello\n");

    // `natsConnection_RequestString` publishes the message with a fresh
    // inbox as its reply subject and waits for the first answer, here for
    // up to two seconds.
    natsMsg *reply = NULL;
    check(natsConnection_RequestString(&reply, caller, "greet.hello", "Ada", 2000), "requesting");
    printf("Reply: %.*s\n", natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    natsMsg_Destroy(reply);

    // The second request carries a header, so it is built as a message
    // and sent with `natsConnection_RequestMsg`.
    natsMsg *request = NULL;
    check(natsMsg_Create(&request, "greet.hello", NULL, "Grace", (int) strlen("Grace")), "creating a message");
    check(natsMsgHeader_Set(request, "Language", "en"), "setting a header");
    check(natsConnection_RequestMsg(&reply, caller, request, 2000), "requesting");
    printf("Reply: %.*s\n", natsMsg_GetDataLength(reply), natsMsg_GetData(reply));
    natsMsg_Destroy(reply);
    natsMsg_Destroy(request);

    // Draining stops the service gracefully: the server stops sending it
    // requests and those already received are answered before the
    // subscription closes. The program waits up to two seconds for that.
    check(natsSubscription_Drain(requests), "draining");
    check(natsSubscription_WaitForDrainCompletion(requests, 2000), "draining");
    printf("Service stopped\n");

    natsSubscription_Destroy(requests);
    natsConnection_Destroy(service);
    natsConnection_Destroy(caller);
    nats_Close();
    return 0;
}
