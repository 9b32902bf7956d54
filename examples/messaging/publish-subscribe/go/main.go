package main

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	// The server address comes from `NATS_URL`, the same variable the `nats`
	// command line tool reads, with the usual local address as a fallback.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// Subscribers and publishers need not know about each other, so this
	// program gives each side its own connection, as two separate services
	// would have.
	subscriber, err := nats.Connect(url, nats.Name("subscriber"))
	if err != nil {
		log.Fatalf("connecting the subscriber: %v", err)
	}
	defer subscriber.Close()
	publisher, err := nats.Connect(url, nats.Name("publisher"))
	if err != nil {
		log.Fatalf("connecting the publisher: %v", err)
	}
	defer publisher.Close()

	// `*` matches exactly one token, so the first subscription hears about
	// new orders from any region: `orders.eu.new`, `orders.us.new` and so on.
	// `>` matches one or more trailing tokens, so the second one sees
	// everything that happens to European orders.
	//
	// A synchronous subscription queues its messages until the program asks
	// for them with `NextMsg`, which keeps the two lists apart.
	newOrders, err := subscriber.SubscribeSync("orders.*.new")
	if err != nil {
		log.Fatal(err)
	}
	euOrders, err := subscriber.SubscribeSync("orders.eu.>")
	if err != nil {
		log.Fatal(err)
	}

	// Core NATS stores nothing: a message published before a subscription
	// reaches the server is simply not delivered to it. `Flush` waits for
	// the server to answer a ping, and since it handles a connection's
	// commands in order, both subscriptions are then in place.
	if err := subscriber.Flush(); err != nil {
		log.Fatal(err)
	}

	// Four messages. `orders.eu.new` matches both patterns, `orders.us.new`
	// only the first, and the two other European subjects only the second.
	messages := []struct{ subject, body string }{
		{"orders.eu.new", "order 1 from Lisbon"},
		{"orders.us.new", "order 2 from Denver"},
		{"orders.eu.shipped", "order 1 is on its way"},
		{"orders.eu.delivered", "order 1 arrived"},
	}
	for _, m := range messages {
		if err := publisher.Publish(m.subject, []byte(m.body)); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Published to %s: %s\n", m.subject, m.body)
	}

	// Each subscriber reads what it was sent. The message published to
	// `orders.eu.new` reached both: in core NATS every matching subscription
	// gets its own copy.
	receive(newOrders, 2)
	receive(euOrders, 3)
}

// receive prints the next `count` messages of a subscription, waiting at most
// a few seconds for each.
func receive(sub *nats.Subscription, count int) {
	fmt.Printf("The %s subscriber received:\n", sub.Subject)
	for range count {
		msg, err := sub.NextMsg(5 * time.Second)
		if err != nil {
			log.Fatalf("waiting for a message on %s: %v", sub.Subject, err)
		}
		fmt.Printf("  %s: %s\n", msg.Subject, msg.Data)
	}
}
