package main

import (
	"context"
	"errors"
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

	// `WorkQueuePolicy` retention turns the stream into a durable to-do
	// list: a message stays until a consumer acknowledges it, then it is
	// removed.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:      "JOBS",
		Subjects:  []string{"jobs.>"},
		Retention: jetstream.WorkQueuePolicy,
		Storage:   jetstream.FileStorage,
	})
	if err != nil {
		log.Fatalf("creating the stream: %v", err)
	}
	fmt.Println("Created work queue stream JOBS")

	// Two pull consumers, each owning one kind of job. Their filters,
	// `jobs.email` and `jobs.image`, do not overlap, so every job has
	// exactly one owner.
	mailer := createConsumer(ctx, stream, "mailer", "jobs.email")
	thumbnailer := createConsumer(ctx, stream, "thumbnailer", "jobs.image")

	// A work queue refuses a consumer whose filter overlaps another's: a
	// second consumer for `jobs.email` could take jobs the mailer expects.
	_, err = stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "second-mailer",
		FilterSubject: "jobs.email",
		AckPolicy:     jetstream.AckExplicitPolicy,
	})
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) {
		log.Fatalf("expected the server to refuse a second consumer on jobs.email, got %v", err)
	}
	fmt.Printf("A second consumer on jobs.email was refused: %s (error %d)\n", apiErr.Description, apiErr.ErrorCode)

	// Queue up five jobs: two emails and three images.
	jobs := []struct{ subject, body string }{
		{"jobs.email", "welcome mail for ada"},
		{"jobs.email", "invoice for grace"},
		{"jobs.image", "thumbnail of photo-1.jpg"},
		{"jobs.image", "thumbnail of photo-2.jpg"},
		{"jobs.image", "thumbnail of photo-3.jpg"},
	}
	for _, job := range jobs {
		if _, err := js.Publish(ctx, job.subject, []byte(job.body)); err != nil {
			log.Fatalf("publishing: %v", err)
		}
	}
	fmt.Println("Queued 2 email jobs and 3 image jobs")
	showStream(ctx, stream, 5)

	// The mailer takes both email jobs and acknowledges them. Acknowledged
	// jobs leave the stream: three remain, all images, and the first
	// sequence moves past the finished emails.
	work(ctx, mailer, "mailer", 2)
	showStream(ctx, stream, 3)

	// The thumbnailer works through the images. Then the stream is empty,
	// but its sequence numbers keep counting: the next job will be number 6.
	work(ctx, thumbnailer, "thumbnailer", 3)
	showStream(ctx, stream, 0)
}

// createConsumer adds a durable pull consumer that receives the jobs on one
// subject and must acknowledge each of them.
func createConsumer(ctx context.Context, stream jetstream.Stream, name, subject string) jetstream.Consumer {
	consumer, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       name,
		FilterSubject: subject,
		AckPolicy:     jetstream.AckExplicitPolicy,
	})
	if err != nil {
		log.Fatalf("creating consumer %s: %v", name, err)
	}
	fmt.Printf("Created consumer %s for %s\n", name, subject)
	return consumer
}

// work fetches `count` jobs and acknowledges each one, waiting for the
// server to confirm the acknowledgement.
func work(ctx context.Context, consumer jetstream.Consumer, name string, count int) {
	batch, err := consumer.Fetch(count, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	for msg := range batch.Messages() {
		if err := msg.DoubleAck(ctx); err != nil {
			log.Fatalf("acknowledging: %v", err)
		}
		fmt.Printf("The %s did: %s\n", name, msg.Data())
	}
	if err := batch.Error(); err != nil {
		log.Fatalf("fetching: %v", err)
	}
}

// showStream prints how many messages the stream holds, per subject, and its
// first and last sequence. The server removes acknowledged messages a moment
// after confirming the acknowledgement, so it first waits until the stream
// holds the expected number of messages.
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
		fmt.Printf("Stream JOBS holds %d messages, first sequence %d, last sequence %d\n",
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
