package main

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	// The server address comes from `NATS_URL`, with the usual local address
	// as a fallback.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// The service and its caller each get their own connection, as two
	// programs would. Neither ever learns the other's address: they only
	// share a subject.
	//
	// The service's connection reports on `closed` when it has shut down,
	// which the program waits for at the end.
	closed := make(chan struct{})
	service, err := nats.Connect(url, nats.Name("greeter"),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		log.Fatalf("connecting the service: %v", err)
	}
	defer service.Close()
	client, err := nats.Connect(url, nats.Name("caller"))
	if err != nil {
		log.Fatalf("connecting the caller: %v", err)
	}
	defer client.Close()

	// The service is an ordinary subscription on `greet.hello`. Every request
	// carries a reply subject, a private inbox of the caller, and
	// `msg.Respond` publishes the answer there. Requests can carry headers
	// like any message; the service reads the `Language` header when there
	// is one.
	_, err = service.Subscribe("greet.hello", func(msg *nats.Msg) {
		if lang := msg.Header.Get("Language"); lang != "" {
			fmt.Printf("Service got %q with Language: %s\n", msg.Data, lang)
		} else {
			fmt.Printf("Service got %q\n", msg.Data)
		}
		if err := msg.Respond([]byte("Hello, " + string(msg.Data) + "!")); err != nil {
			log.Printf("responding: %v", err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	// A request sent before the subscription reaches the server would find
	// nobody to answer. `Flush` returns once the server has processed
	// everything the service sent so far, its subscription included.
	if err := service.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Service listening on greet.hello")

	// `Request` publishes the message with a fresh inbox as its reply
	// subject and waits for the first answer, here for up to two seconds.
	reply, err := client.Request("greet.hello", []byte("Ada"), 2*time.Second)
	if err != nil {
		log.Fatalf("request: %v", err)
	}
	fmt.Printf("Reply: %s\n", reply.Data)

	// The second request carries a header, so it is built as a message
	// and sent with `RequestMsg`.
	request := nats.NewMsg("greet.hello")
	request.Data = []byte("Grace")
	request.Header.Set("Language", "en")
	reply, err = client.RequestMsg(request, 2*time.Second)
	if err != nil {
		log.Fatalf("request: %v", err)
	}
	fmt.Printf("Reply: %s\n", reply.Data)

	// Draining stops the service gracefully: the server stops sending it
	// requests, those already received are answered, and then the
	// connection closes.
	if err := service.Drain(); err != nil {
		log.Fatal(err)
	}
	<-closed
	fmt.Println("Service stopped")
}
