package main

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	// `NATS_URL` holds the address of the NATS server to connect to;
	// without it, the program tries a server on this machine's default
	// port, 4222.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url)
	if err != nil {
		log.Fatalf("connecting: %v", err)
	}
	defer nc.Close()

	// A responder: every request on `demo.hello` gets an answer on the
	// request's reply subject.
	_, err = nc.Subscribe("demo.hello", func(msg *nats.Msg) {
		if err := msg.Respond([]byte("Hello, " + string(msg.Data) + "!")); err != nil {
			log.Printf("responding: %v", err)
		}
	})
	if err != nil {
		log.Fatalf("subscribing: %v", err)
	}

	// The request goes over the same connection, after the subscription,
	// and the server handles a connection's commands in order: the
	// responder is in place when the request arrives. It waits up to two
	// seconds for the answer.
	reply, err := nc.Request("demo.hello", []byte("NATS"), 2*time.Second)
	if err != nil {
		log.Fatalf("request: %v", err)
	}
	fmt.Printf("Reply: %s\n", reply.Data)
}
