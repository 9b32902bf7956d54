package main

import (
	"context"
	"errors"
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

	// A bucket of stock levels that keeps five revisions per key.
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "inventory", History: 5})
	if err != nil {
		log.Fatalf("creating the bucket: %v", err)
	}
	fmt.Println("Created bucket inventory, keeping 5 revisions per key")

	// `Create` writes a key only if it has no value yet. The first create
	// succeeds; a second one, from someone who thought they were first, is
	// refused with `ErrKeyExists`.
	revision, err := kv.Create(ctx, "widgets", []byte("10"))
	if err != nil {
		log.Fatalf("creating widgets: %v", err)
	}
	fmt.Printf("Created widgets = 10 (revision %d)\n", revision)
	if _, err := kv.Create(ctx, "widgets", []byte("12")); !errors.Is(err, jetstream.ErrKeyExists) {
		log.Fatalf("expected the second create to be refused, got %v", err)
	}
	fmt.Println("Creating widgets = 12 was refused: widgets already exists")

	// Two clerks read the stock level. Both see 10, at revision 1.
	read, err := kv.Get(ctx, "widgets")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Both clerks read widgets = %s (revision %d)\n", read.Value(), read.Revision())

	// The first clerk sells one widget and writes 9, on the condition that
	// the key is still at the revision it read. It is, so the update
	// succeeds and the key moves to a new revision.
	revision, err = kv.Update(ctx, "widgets", []byte("9"), read.Revision())
	if err != nil {
		log.Fatalf("the first clerk's update: %v", err)
	}
	fmt.Printf("The first clerk updated widgets to 9 (revision %d)\n", revision)

	// The second clerk sold two widgets and, working from the same read,
	// writes 8 on the same condition. The key has moved on, so the update
	// is refused with `ErrKeyRevisionMismatch` instead of silently losing
	// the first clerk's sale.
	_, err = kv.Update(ctx, "widgets", []byte("8"), read.Revision())
	if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		log.Fatalf("expected the second clerk's update to be refused, got %v", err)
	}
	fmt.Printf("The second clerk's update to 8 was refused: widgets is no longer at revision %d\n", read.Revision())

	// The second clerk reads again, finds 9, and retries from that
	// revision.
	reread, err := kv.Get(ctx, "widgets")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("The second clerk read widgets = %s (revision %d)\n", reread.Value(), reread.Revision())
	revision, err = kv.Update(ctx, "widgets", []byte("7"), reread.Revision())
	if err != nil {
		log.Fatalf("the second clerk's retry: %v", err)
	}
	fmt.Printf("The second clerk updated widgets to 7 (revision %d)\n", revision)

	// After a delete, `Create` works again: the key's latest revision is a
	// delete marker, so the key counts as absent.
	if err := kv.Delete(ctx, "widgets"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Deleted widgets")
	revision, err = kv.Create(ctx, "widgets", []byte("50"))
	if err != nil {
		log.Fatalf("creating widgets after the delete: %v", err)
	}
	fmt.Printf("Created widgets = 50 (revision %d)\n", revision)

	// The history shows every successful write, and none of the refused
	// ones.
	history, err := kv.History(ctx, "widgets")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("History of widgets:")
	for _, entry := range history {
		if entry.Operation() == jetstream.KeyValuePut {
			fmt.Printf("  revision %d: PUT %s\n", entry.Revision(), entry.Value())
		} else {
			fmt.Printf("  revision %d: DELETE\n", entry.Revision())
		}
	}
}
