package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The audit events the example stores, in the order they happen.
var events = []struct{ subject, data string }{
	{"audit.users", "alice signed up"},
	{"audit.orders", "alice placed order 1"},
	{"audit.users", "bob signed up"},
	{"audit.orders", "bob placed order 2"},
	{"audit.users", "alice changed her email"},
	{"audit.orders", "order 1 shipped"},
}

func main() {
	// The server address comes from `NATS_URL`, with the usual local address
	// as a fallback. JetStream must be enabled on that server.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url)
	if err != nil {
		log.Fatalf("connecting: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The `AUDIT` stream keeps every event published under `audit.>`.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "AUDIT",
		Subjects: []string{"audit.>"},
		Storage:  jetstream.MemoryStorage,
	})
	if err != nil {
		log.Fatalf("creating the stream: %v", err)
	}
	fmt.Println("Created stream AUDIT")

	for _, e := range events {
		if _, err := js.Publish(ctx, e.subject, []byte(e.data)); err != nil {
			log.Fatalf("publishing: %v", err)
		}
	}
	fmt.Printf("Published %d events\n", len(events))

	// `OrderedConsumer` creates an ephemeral consumer on the server and
	// hides it behind a handle: the library picks its name, never
	// acknowledges, and recreates it from the last delivered sequence if a
	// message goes missing or the heartbeats stop. With the zero
	// configuration it reads the whole stream from the first message.
	all, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		log.Fatalf("creating the ordered consumer: %v", err)
	}
	fmt.Println("Replaying the whole stream:")
	if err := replay(all); err != nil {
		log.Fatal(err)
	}

	// A second ordered consumer narrows the view: only `audit.orders`, and
	// only from stream sequence 3 on. Other start positions work the same
	// way, such as `DeliverLastPerSubjectPolicy` to get just the latest
	// event of each subject when building a cache.
	orders, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"audit.orders"},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    3,
	})
	if err != nil {
		log.Fatalf("creating the ordered consumer: %v", err)
	}
	fmt.Println("Replaying audit.orders from sequence 3:")
	if err := replay(orders); err != nil {
		log.Fatal(err)
	}
}

// replay prints messages until the consumer has nothing left to deliver.
// Every message's metadata carries the number of messages still pending
// after it, so a reader knows it has reached the end of the stream when that
// number drops to zero, without waiting for a timeout.
func replay(c jetstream.Consumer) error {
	iter, err := c.Messages()
	if err != nil {
		return fmt.Errorf("reading: %w", err)
	}
	defer iter.Stop()
	for {
		msg, err := iter.Next()
		if err != nil {
			return fmt.Errorf("reading: %w", err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		fmt.Printf("  #%d %s: %s\n", meta.Sequence.Stream, msg.Subject(), msg.Data())
		if meta.NumPending == 0 {
			return nil
		}
	}
}
