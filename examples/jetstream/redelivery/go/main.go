package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// maxDeliveries is the part of a max-deliveries advisory this program reads:
// which message of which stream the consumer gave up on, after how many
// deliveries.
type maxDeliveries struct {
	Stream     string `json:"stream"`
	Consumer   string `json:"consumer"`
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A stream for image tasks, kept in memory since the example is
	// short-lived.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     "TASKS",
		Subjects: []string{"tasks.>"},
		Storage:  jetstream.MemoryStorage,
	})
	if err != nil {
		log.Fatalf("creating the stream: %v", err)
	}
	fmt.Println("Created stream TASKS")

	// The `worker` consumer wants every message acknowledged. One that is
	// not acknowledged within `AckWait` (one second here, thirty unless set)
	// is delivered again, and so is one the worker rejects with a nak, at
	// once. `MaxDeliver` caps the deliveries of a message at three.
	cons, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:    "worker",
		AckPolicy:  jetstream.AckExplicitPolicy,
		AckWait:    time.Second,
		MaxDeliver: 3,
	})
	if err != nil {
		log.Fatalf("creating the consumer: %v", err)
	}
	config := cons.CachedInfo().Config
	fmt.Printf("Created consumer worker: ack wait %.0fs, at most %d deliveries\n",
		config.AckWait.Seconds(), config.MaxDeliver)

	// When a message has used up its deliveries, the server publishes an
	// advisory on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
	// Nothing else records the failure, so that advisory is the signal to
	// set the message aside as a dead letter. The subscription is in place,
	// and the flush makes sure the server knows it, before any task exists.
	advisories, err := nc.SubscribeSync("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.worker")
	if err != nil {
		log.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Listening for max-deliveries advisories of TASKS > worker")

	// Two tasks; the second one names a file the worker cannot read.
	for _, task := range []string{"resize photo-1.jpg", "resize broken.jpg"} {
		ack, err := js.Publish(ctx, "tasks.resize", []byte(task))
		if err != nil {
			log.Fatalf("publishing: %v", err)
		}
		fmt.Printf("Published %s: stream sequence %d\n", task, ack.Sequence)
	}

	// The worker takes one message at a time; `Next` waits up to five
	// seconds for it. The message's metadata counts its deliveries. The good
	// task is acknowledged. The broken one fails every time: the first
	// failure is a nak, which makes the message come back at once; the
	// second time the worker does not answer at all, as if it had crashed,
	// and the message comes back only when the ack wait has run out; the
	// third failure is a nak again, on the last delivery allowed.
	for i := 0; i < 4; i++ {
		msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			log.Fatalf("waiting for a task: %v", err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			log.Fatal(err)
		}
		prefix := fmt.Sprintf("Delivery %d of sequence %d (%s)",
			meta.NumDelivered, meta.Sequence.Stream, msg.Data())
		switch {
		case string(msg.Data()) == "resize photo-1.jpg":
			if err := msg.DoubleAck(ctx); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%s: done, acknowledged\n", prefix)
		case meta.NumDelivered == 2:
			fmt.Printf("%s: no answer\n", prefix)
		default:
			if err := msg.Nak(); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%s: failed, nak\n", prefix)
		}
	}

	// A pull consumer looks at a message it would deliver again when a
	// client asks for messages. When the worker asks once more, the server
	// finds the message at its limit: instead of delivering it, it publishes
	// the advisory, and the worker's request ends empty after its one-second
	// wait.
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		log.Fatalf("asking for a task: %v", err)
	}
	for extra := range batch.Messages() {
		log.Fatalf("delivered a fourth time: %s", extra.Data())
	}
	if err := batch.Error(); err != nil {
		log.Fatalf("asking for a task: %v", err)
	}
	fmt.Println("No task left for the worker")

	// The advisory is JSON. It names the stream sequence of the message,
	// which reads the dead letter back from the stream: the stream still
	// holds it, since a limits stream keeps messages whatever their
	// consumers do.
	msg, err := advisories.NextMsg(5 * time.Second)
	if err != nil {
		log.Fatalf("waiting for the advisory: %v", err)
	}
	var advisory maxDeliveries
	if err := json.Unmarshal(msg.Data, &advisory); err != nil {
		log.Fatalf("reading the advisory: %v", err)
	}
	fmt.Printf("Advisory: consumer %s gave up on sequence %d of stream %s after %d deliveries\n",
		advisory.Consumer, advisory.StreamSeq, advisory.Stream, advisory.Deliveries)
	dead, err := stream.GetMsg(ctx, advisory.StreamSeq)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Dead letter: sequence %d on %s: %s\n", dead.Sequence, dead.Subject, dead.Data)

	// The consumer has nothing left: no message awaits acknowledgement and
	// none waits to be delivered.
	info, err := cons.Info(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Consumer worker: %d awaiting acknowledgement, %d to process\n",
		info.NumAckPending, info.NumPending)
}
