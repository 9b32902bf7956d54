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

	// The `PAYMENTS` stream remembers the message IDs it has seen for one
	// minute: that is its duplicate window (`Duplicates`, two minutes unless
	// set). The window bounds how much the server must remember, so it
	// should cover the longest time a publisher may take to retry.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       "PAYMENTS",
		Subjects:   []string{"payments.>"},
		Storage:    jetstream.FileStorage,
		Duplicates: time.Minute,
	})
	if err != nil {
		log.Fatalf("creating the stream: %v", err)
	}
	fmt.Printf("Created stream PAYMENTS with a duplicate window of %.0fs\n",
		stream.CachedInfo().Config.Duplicates.Seconds())

	// Each charge carries its invoice number as its message ID:
	// `WithMsgID` sets the `Nats-Msg-Id` header. Every charge is sent twice,
	// as a publisher does when an acknowledgement does not come back in
	// time. The first attempt is stored; the stream acknowledges the second
	// with the sequence of the stored message and the `Duplicate` flag, and
	// keeps nothing new.
	charges := []struct{ id, body string }{
		{"invoice-1001", "charge 40.00 EUR for invoice 1001"},
		{"invoice-1002", "charge 15.50 EUR for invoice 1002"},
	}
	for attempt := 1; attempt <= 2; attempt++ {
		for _, c := range charges {
			ack, err := js.Publish(ctx, "payments.charge", []byte(c.body), jetstream.WithMsgID(c.id))
			if err != nil {
				log.Fatalf("publishing: %v", err)
			}
			fmt.Printf("Published %s, attempt %d: sequence %d, duplicate %t\n",
				c.id, attempt, ack.Sequence, ack.Duplicate)
		}
	}

	// Without an ID the server has nothing to compare: the same charge sent
	// twice is stored twice, and the customer would pay twice.
	for attempt := 1; attempt <= 2; attempt++ {
		ack, err := js.Publish(ctx, "payments.charge", []byte("charge 9.99 EUR for invoice 1003"))
		if err != nil {
			log.Fatalf("publishing: %v", err)
		}
		fmt.Printf("Published invoice 1003 without an ID, attempt %d: sequence %d, duplicate %t\n",
			attempt, ack.Sequence, ack.Duplicate)
	}

	// Six publishes, four messages: two charges with IDs, and the charge
	// without one twice.
	info, err := stream.Info(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Stream PAYMENTS holds %d messages\n", info.State.Msgs)

	// The ID stays with the stored message as a header.
	msg, err := stream.GetMsg(ctx, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Message 1: %s (Nats-Msg-Id %s)\n", msg.Data, msg.Header.Get(jetstream.MsgIDHeader))
}
