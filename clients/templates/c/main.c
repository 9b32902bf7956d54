#include <stdio.h>
#include <stdlib.h>

#include <nats/nats.h>

/* Every nats.c call returns a `natsStatus`; the program stops at the first
   one that is not `NATS_OK`, naming the step that failed. */
static void check(natsStatus s, const char *step)
{
    if (s == NATS_OK)
        return;
    fprintf(stderr, "%s: %s\n", step, natsStatus_GetText(s));
    exit(1);
}

/* A responder: nats.c calls it on its own thread for every request on
   `demo.hello`, and it answers on the request's reply subject. */
static void respond(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void) sub;
    (void) closure;
    char answer[256];
    snprintf(answer, sizeof answer, "Hello, %.*s!", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsConnection_PublishString(nc, natsMsg_GetReply(msg), answer);
    natsMsg_Destroy(msg);
}

int main(void)
{
    // `NATS_URL` holds the address of the NATS server to connect to;
    // without it, the program tries a server on this machine's default
    // port, 4222.
    const char *url = getenv("NATS_URL");
    if (url == NULL)
        url = NATS_DEFAULT_URL;
    natsConnection *nc = NULL;
    check(natsConnection_ConnectTo(&nc, url), "connecting");

    natsSubscription *requests = NULL;
    check(natsConnection_Subscribe(&requests, nc, "demo.hello", respond, NULL), "subscribing");

    // The request goes over the same connection, after the subscription,
    // and the server handles a connection's commands in order: the
    // responder is in place when the request arrives. It waits up to two
    // seconds for the answer.
    natsMsg *reply = NULL;
    check(natsConnection_RequestString(&reply, nc, "demo.hello", "NATS", 2000), "requesting");
    printf("Reply: %.*s\n", natsMsg_GetDataLength(reply), natsMsg_GetData(reply));

    natsMsg_Destroy(reply);
    natsSubscription_Destroy(requests);
    natsConnection_Destroy(nc);
    nats_Close();
    return 0;
}
