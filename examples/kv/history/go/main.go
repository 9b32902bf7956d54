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
	// as a fallback. The key-value store is part of JetStream, which must be
	// enabled on that server.
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

	// The `releases` bucket keeps the last five revisions of each key
	// (`History: 5`; the most a bucket can keep is 64).
	releases, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "releases", History: 5})
	if err != nil {
		log.Fatalf("creating the bucket: %v", err)
	}
	fmt.Println("Created bucket releases, keeping 5 revisions per key")

	// One version of the API, then six versions of the web front end, one
	// after the other. Every put is a new revision of the key.
	if _, err := releases.PutString(ctx, "api.version", "3.4"); err != nil {
		log.Fatal(err)
	}
	for _, version := range []string{"1.0", "1.1", "1.2", "2.0", "2.1", "2.2"} {
		if _, err := releases.PutString(ctx, "web.version", version); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("Put api.version once and web.version six times")

	// Six revisions went in, five are kept: the first one, 1.0, made room.
	printHistory(ctx, releases, "web.version")

	// Deleting the key adds a delete marker as its newest revision. The
	// marker counts against the history limit like any other revision, so
	// 1.1 goes too, but the older values stay readable.
	if err := releases.Delete(ctx, "web.version"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Deleted web.version")
	printHistory(ctx, releases, "web.version")

	// Purging the key removes every revision it has and leaves a single
	// purge marker: the history is gone, which a delete alone never does.
	if err := releases.Purge(ctx, "web.version"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Purged web.version")
	printHistory(ctx, releases, "web.version")

	// The purge touched only its key: api.version keeps its history.
	printHistory(ctx, releases, "api.version")

	// The bucket now holds two messages: the value of api.version and the
	// purge marker of web.version.
	status, err := releases.Status(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Bucket %s: %d revisions per key, %d values stored\n",
		status.Bucket(), status.History(), status.Values())
}

// printHistory lists every revision of a key the bucket still keeps, oldest
// first, with its operation: a put with its value, or a delete or purge
// marker.
func printHistory(ctx context.Context, kv jetstream.KeyValue, key string) {
	entries, err := kv.History(ctx, key)
	if err != nil {
		log.Fatalf("reading the history of %s: %v", key, err)
	}
	fmt.Printf("History of %s:\n", key)
	for _, entry := range entries {
		switch entry.Operation() {
		case jetstream.KeyValuePut:
			fmt.Printf("  revision %d: PUT %s\n", entry.Revision(), entry.Value())
		case jetstream.KeyValueDelete:
			fmt.Printf("  revision %d: DELETE\n", entry.Revision())
		case jetstream.KeyValuePurge:
			fmt.Printf("  revision %d: PURGE\n", entry.Revision())
		}
	}
}
