package main

import (
	"fmt"
	"log"
	"os"
	"strings"
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

	// One connection plays the subscriber and the service, another the
	// publisher and the caller, as separate programs would.
	receiver, err := nats.Connect(url, nats.Name("receiver"))
	if err != nil {
		log.Fatalf("connecting the receiver: %v", err)
	}
	defer receiver.Close()
	sender, err := nats.Connect(url, nats.Name("sender"))
	if err != nil {
		log.Fatalf("connecting the sender: %v", err)
	}
	defer sender.Close()

	// A synchronous subscription for new orders. `Flush` returns once the
	// server has answered a ping, and since it handles a connection's
	// commands in order, the subscription is then in place.
	orders, err := receiver.SubscribeSync("orders.new")
	if err != nil {
		log.Fatal(err)
	}
	if err := receiver.Flush(); err != nil {
		log.Fatal(err)
	}

	// In nats.go, `nats.Header` is a map from a key to a list of values,
	// like `http.Header`. `Add` appends a value, so calling it twice for
	// `Tag` gives the key two values, kept in order; `Set` would replace
	// them. A message with headers is built as a `nats.Msg` and sent with
	// `PublishMsg`.
	msg := nats.NewMsg("orders.new")
	msg.Data = []byte("2 books")
	msg.Header.Add("Tag", "priority")
	msg.Header.Add("Tag", "gift")
	if err := sender.PublishMsg(msg); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Published %q to orders.new with Tag: priority and Tag: gift\n", msg.Data)

	// On the receiving side, `Get` returns the first value of a key and
	// `Values` all of them.
	got, err := orders.NextMsg(5 * time.Second)
	if err != nil {
		log.Fatalf("waiting for the order: %v", err)
	}
	fmt.Printf("Subscriber got %q\n", got.Data)
	fmt.Printf("  Tag (first value): %s\n", got.Header.Get("Tag"))
	fmt.Printf("  Tag (all values): %s\n", strings.Join(got.Header.Values("Tag"), ", "))

	// A reply is a message like any other, so it can carry headers too. The
	// service reads the `Order-Id` header of each request and answers with
	// `RespondMsg`, setting a `Status` header on the reply.
	_, err = receiver.Subscribe("orders.status", func(req *nats.Msg) {
		fmt.Printf("Service got %q with Order-Id: %s\n", req.Data, req.Header.Get("Order-Id"))
		reply := nats.NewMsg(req.Reply)
		reply.Data = []byte("on its way")
		reply.Header.Set("Status", "shipped")
		if err := req.RespondMsg(reply); err != nil {
			log.Printf("replying: %v", err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := receiver.Flush(); err != nil {
		log.Fatal(err)
	}

	// `RequestMsg` sends a request with headers and waits for the reply,
	// whose headers arrive with it.
	req := nats.NewMsg("orders.status")
	req.Data = []byte("where is it?")
	req.Header.Set("Order-Id", "1001")
	reply, err := sender.RequestMsg(req, 2*time.Second)
	if err != nil {
		log.Fatalf("requesting the status: %v", err)
	}
	fmt.Printf("Reply: %q\n", reply.Data)
	fmt.Printf("  Status: %s\n", reply.Header.Get("Status"))
}
