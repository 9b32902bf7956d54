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

	// A stream for orders, kept in memory since the example is short-lived.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "ORDERS",
		Subjects: []string{"orders.>"},
		Storage:  jetstream.MemoryStorage,
	})
	if err != nil {
		log.Fatalf("creating the stream: %v", err)
	}
	fmt.Println("Created stream ORDERS")

	// Five orders arrive before anyone reads them. Each acknowledgement from
	// the stream names the sequence the order was stored under.
	for n := 1; n <= 5; n++ {
		ack, err := js.Publish(ctx, "orders.new", []byte(fmt.Sprintf("order %d", n)))
		if err != nil {
			log.Fatalf("publishing: %v", err)
		}
		fmt.Printf("Published order %d: stored as sequence %d\n", n, ack.Sequence)
	}

	// The `processor` consumer is durable: it has a name and keeps its
	// position on the server even while no client is connected. A consumer
	// without a push subject is a pull consumer: clients ask for messages
	// when they are ready. It starts at the beginning of the stream, and
	// every message must be acknowledged on its own; one that is not
	// acknowledged within `AckWait` is delivered again, at most `MaxDeliver`
	// times.
	consumer, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "processor",
		FilterSubject: "orders.>",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       30 * time.Second,
		MaxDeliver:    5,
		MaxAckPending: 100,
	})
	if err != nil {
		log.Fatalf("creating the consumer: %v", err)
	}
	info, err := consumer.Info(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Created consumer processor: %d messages to process\n", info.NumPending)

	// Fetch two messages, waiting at most five seconds for them. Each
	// message's metadata tells where it sits in the stream, how often it was
	// delivered and how many messages are still waiting after it.
	//
	// `DoubleAck` acknowledges the message and waits for the server to
	// confirm it has recorded the acknowledgement.
	batch, err := consumer.Fetch(2, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	for msg := range batch.Messages() {
		meta, err := msg.Metadata()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Received %s: stream sequence %d, consumer sequence %d, delivery %d, %d pending\n",
			msg.Data(), meta.Sequence.Stream, meta.Sequence.Consumer, meta.NumDelivered, meta.NumPending)
		if err := msg.DoubleAck(ctx); err != nil {
			log.Fatalf("acknowledging: %v", err)
		}
		fmt.Printf("Acknowledged %s\n", msg.Data())
	}
	if err := batch.Error(); err != nil {
		log.Fatalf("fetching: %v", err)
	}

	// The consumer's state shows the outcome: the acknowledgement floor is
	// at stream sequence 2, nothing awaits acknowledgement, and three
	// messages are still waiting to be processed.
	info, err = consumer.Info(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Consumer processor: acknowledged up to stream sequence %d, %d awaiting acknowledgement, %d to process\n",
		info.AckFloor.Stream, info.NumAckPending, info.NumPending)
}
