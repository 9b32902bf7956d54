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

	// The `jetstream` package is the client's interface to streams and
	// consumers. Its calls are requests to the server, so each takes a
	// context that bounds how long it may wait.
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The `SENSORS` stream captures every subject under `sensors.`. Limits
	// retention (the default) keeps messages until a limit is reached; here
	// the only limit is `MaxMsgsPerSubject: 3`, so each sensor's latest three
	// readings survive however chatty the other sensors are. When a subject
	// is full, the oldest message makes room (`DiscardOld`).
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:              "SENSORS",
		Description:       "Latest readings of every sensor",
		Subjects:          []string{"sensors.>"},
		Storage:           jetstream.FileStorage,
		Retention:         jetstream.LimitsPolicy,
		Discard:           jetstream.DiscardOld,
		MaxMsgsPerSubject: 3,
	})
	if err != nil {
		log.Fatalf("creating the stream: %v", err)
	}
	fmt.Println("Created stream SENSORS, keeping 3 messages per subject")

	// Five kitchen readings and two from the cellar. A JetStream publish
	// waits for the stream's acknowledgement, which names the sequence
	// number the message was stored under.
	readings := []struct{ subject, value string }{
		{"sensors.kitchen", "19.5"},
		{"sensors.kitchen", "19.8"},
		{"sensors.kitchen", "20.1"},
		{"sensors.kitchen", "20.4"},
		{"sensors.kitchen", "20.6"},
		{"sensors.cellar", "12.0"},
		{"sensors.cellar", "12.1"},
	}
	for _, r := range readings {
		ack, err := js.Publish(ctx, r.subject, []byte(r.value))
		if err != nil {
			log.Fatalf("publishing: %v", err)
		}
		fmt.Printf("Published %s %s: stored as sequence %d\n", r.subject, r.value, ack.Sequence)
	}

	// Seven messages went in but the stream holds five: the two oldest
	// kitchen readings were dropped to respect the per-subject limit, which
	// is why the first sequence is 3. Asking for the stream's info with a
	// subject filter also returns the number of messages on each subject.
	info, err := stream.Info(ctx, jetstream.WithSubjectFilter(">"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Stream SENSORS holds %d messages, sequences %d to %d\n",
		info.State.Msgs, info.State.FirstSeq, info.State.LastSeq)
	fmt.Println("Messages per subject:")
	subjects := make([]string, 0, len(info.State.Subjects))
	for subject := range info.State.Subjects {
		subjects = append(subjects, subject)
	}
	slices.Sort(subjects)
	for _, subject := range subjects {
		fmt.Printf("  %s: %d\n", subject, info.State.Subjects[subject])
	}

	// The most recent message on a subject can be read directly from the
	// stream, without creating a consumer.
	last, err := stream.GetLastMsgForSubject(ctx, "sensors.kitchen")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Latest on sensors.kitchen: %s (sequence %d)\n", last.Data, last.Sequence)

	// Finally, the names of all streams in the account.
	names := js.StreamNames(ctx)
	for name := range names.Name() {
		fmt.Printf("Stream in the account: %s\n", name)
	}
	if err := names.Err(); err != nil {
		log.Fatal(err)
	}
}
