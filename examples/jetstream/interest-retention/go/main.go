package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// `InterestPolicy` retention is the only change from a default stream:
	// a message stays only while some consumer still has to acknowledge it.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:      "ORDERS",
		Subjects:  []string{"orders.>"},
		Retention: jetstream.InterestPolicy,
		Storage:   jetstream.FileStorage,
	})
	if err != nil {
		log.Fatalf("creating the stream: %v", err)
	}
	fmt.Println("Created stream ORDERS with interest retention")

	// A message published while the stream has no consumer at all is
	// accepted, and the acknowledgement names its sequence, but nobody could
	// ever want it: the stream does not keep it.
	ack, err := js.Publish(ctx, "orders.paid", []byte("order 1 paid, before anyone listened"))
	if err != nil {
		log.Fatalf("publishing: %v", err)
	}
	fmt.Printf("Published order 1 as sequence %d, with no consumer yet\n", ack.Sequence)
	showStream(ctx, stream, 0)

	// Two pull consumers share the stream. `billing` reads every order
	// event, `shipping` only paid orders. Unlike a work queue, an interest
	// stream allows filters that overlap.
	billing := createConsumer(ctx, stream, "billing", "orders.>")
	shipping := createConsumer(ctx, stream, "shipping", "orders.paid")

	// Three new events: two payments, which both consumers want, and one
	// cancellation, which only billing wants.
	events := []struct{ subject, body string }{
		{"orders.paid", "order 2 paid"},
		{"orders.paid", "order 3 paid"},
		{"orders.cancelled", "order 4 cancelled"},
	}
	for _, event := range events {
		if _, err := js.Publish(ctx, event.subject, []byte(event.body)); err != nil {
			log.Fatalf("publishing: %v", err)
		}
	}
	fmt.Println("Published 2 payments and 1 cancellation")
	showStream(ctx, stream, 3)

	// Billing reads and acknowledges all three. The cancellation had no
	// other reader and goes; the two payments stay, because shipping has not
	// seen them yet.
	handle(ctx, billing, "Billing", 3)
	showStream(ctx, stream, 2)

	// Shipping handles the first payment. Both consumers are now done with
	// it, so only one message remains.
	handle(ctx, shipping, "Shipping", 1)
	showStream(ctx, stream, 1)

	// Deleting a consumer withdraws its interest. The payment shipping never
	// acknowledged has no reader left and the stream is empty, while its
	// sequence numbers keep counting from where they were.
	if err := stream.DeleteConsumer(ctx, "shipping"); err != nil {
		log.Fatalf("deleting the shipping consumer: %v", err)
	}
	fmt.Println("Deleted consumer shipping")
	showStream(ctx, stream, 0)
}

// createConsumer adds a durable pull consumer that receives the events on
// the subjects of its filter and must acknowledge each of them.
func createConsumer(ctx context.Context, stream jetstream.Stream, name, filter string) jetstream.Consumer {
	consumer, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       name,
		FilterSubject: filter,
		AckPolicy:     jetstream.AckExplicitPolicy,
	})
	if err != nil {
		log.Fatalf("creating consumer %s: %v", name, err)
	}
	fmt.Printf("Created consumer %s for %s\n", name, filter)
	return consumer
}

// handle fetches `count` events and acknowledges each one, waiting for the
// server to confirm the acknowledgement.
func handle(ctx context.Context, consumer jetstream.Consumer, name string, count int) {
	batch, err := consumer.Fetch(count, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	for msg := range batch.Messages() {
		if err := msg.DoubleAck(ctx); err != nil {
			log.Fatalf("acknowledging: %v", err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s acknowledged sequence %d: %s\n", name, meta.Sequence.Stream, msg.Data())
	}
	if err := batch.Error(); err != nil {
		log.Fatalf("fetching: %v", err)
	}
}

// showStream prints how many messages the stream holds, per subject, and
// its first and last sequence. The server removes a message a moment after
// the last acknowledgement it waited for, so this first waits until the
// stream holds the expected number of messages.
func showStream(ctx context.Context, stream jetstream.Stream, expected uint64) {
	for {
		info, err := stream.Info(ctx, jetstream.WithSubjectFilter(">"))
		if err != nil {
			log.Fatalf("waiting for %d messages in the stream: %v", expected, err)
		}
		state := info.State
		if state.Msgs != expected {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		fmt.Printf("Stream ORDERS holds %d messages, first sequence %d, last sequence %d\n",
			state.Msgs, state.FirstSeq, state.LastSeq)
		subjects := make([]string, 0, len(state.Subjects))
		for subject := range state.Subjects {
			subjects = append(subjects, subject)
		}
		slices.Sort(subjects)
		for _, subject := range subjects {
			fmt.Printf("  %s: %d\n", subject, state.Subjects[subject])
		}
		return
	}
}
