package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
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

	// Create the `profiles` bucket. `History: 5` keeps the last five values
	// of each key instead of only the latest one.
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      "profiles",
		Description: "User profile settings",
		History:     5,
	})
	if err != nil {
		log.Fatalf("creating the bucket: %v", err)
	}
	fmt.Println("Created bucket profiles, keeping 5 revisions per key")

	// `Put` stores a value and returns its revision: the sequence number of
	// the message that holds it in the bucket's stream. Writing a key that
	// already exists adds a new revision.
	puts := []struct{ key, value string }{
		{"ada.theme", "light"},
		{"ada.language", "en"},
		{"grace.theme", "dark"},
		{"ada.theme", "dark"},
	}
	for _, p := range puts {
		revision, err := kv.Put(ctx, p.key, []byte(p.value))
		if err != nil {
			log.Fatalf("putting %s: %v", p.key, err)
		}
		fmt.Printf("Put %s = %s (revision %d)\n", p.key, p.value, revision)
	}

	// `Get` returns the latest value of a key together with its revision.
	for _, key := range []string{"ada.theme", "ada.language"} {
		entry, err := kv.Get(ctx, key)
		if err != nil {
			log.Fatalf("getting %s: %v", key, err)
		}
		fmt.Printf("Get %s: %s (revision %d)\n", key, entry.Value(), entry.Revision())
	}

	// Deleting a key does not erase its past: the delete is recorded as one
	// more revision, a marker without a value.
	if err := kv.Delete(ctx, "grace.theme"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Deleted grace.theme")

	// The history of a key lists every revision still kept, oldest first.
	for _, key := range []string{"ada.theme", "grace.theme"} {
		history, err := kv.History(ctx, key)
		if err != nil {
			log.Fatalf("reading the history of %s: %v", key, err)
		}
		fmt.Printf("History of %s:\n", key)
		for _, entry := range history {
			if entry.Operation() == jetstream.KeyValuePut {
				fmt.Printf("  revision %d: PUT %s\n", entry.Revision(), entry.Value())
			} else {
				fmt.Printf("  revision %d: DELETE\n", entry.Revision())
			}
		}
	}

	// Listing the keys shows those that currently hold a value; the deleted
	// one is gone. The order of the listing is not guaranteed, so it is
	// sorted.
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		log.Fatal(err)
	}
	var keys []string
	for key := range lister.Keys() {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	fmt.Printf("Keys with a value: %s\n", strings.Join(keys, ", "))

	// The status of the bucket: its history setting, how many values it
	// holds (every kept revision counts, the delete marker too) and the
	// stream behind it.
	status, err := kv.Status(ctx)
	if err != nil {
		log.Fatal(err)
	}
	bucket, ok := status.(*jetstream.KeyValueBucketStatus)
	if !ok {
		log.Fatalf("the bucket is not backed by a stream")
	}
	stream := bucket.StreamInfo().Config.Name
	fmt.Printf("Bucket %s: %d revisions per key, %d values stored, backed by stream %s\n",
		status.Bucket(), status.History(), status.Values(), stream)

	// Finally, the names of all buckets in the account.
	names := js.KeyValueStoreNames(ctx)
	for name := range names.Name() {
		fmt.Printf("Bucket in the account: %s\n", name)
	}
	if err := names.Error(); err != nil {
		log.Fatal(err)
	}
}
