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

	// Two buckets: `flags` remembers the last three values of each key,
	// `sessions` only the latest, and its values expire after an hour.
	flags, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      "flags",
		Description: "Feature switches",
		History:     3,
	})
	if err != nil {
		log.Fatalf("creating the flags bucket: %v", err)
	}
	if _, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "sessions", TTL: time.Hour}); err != nil {
		log.Fatalf("creating the sessions bucket: %v", err)
	}
	fmt.Println("Created buckets flags and sessions")

	// Two flags exist before anyone watches.
	put(ctx, flags, "dark-mode", "on")
	put(ctx, flags, "beta-search", "off")

	// A watcher first delivers the current value of every key, then a `nil`
	// entry to say it has caught up, then every change as it happens. Its
	// updates arrive on a channel, which this program reads in turn with the
	// changes it makes, so the output has a fixed order.
	watcher, err := flags.WatchAll(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer watcher.Stop()
	for {
		entry := next(watcher)
		if entry == nil {
			fmt.Println("Watcher: caught up with the current values")
			break
		}
		show(entry)
	}

	// Three changes: beta search is switched on, dark mode is removed, and a
	// new flag appears. The watcher reports each one.
	put(ctx, flags, "beta-search", "on")
	if err := flags.Delete(ctx, "dark-mode"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Deleted dark-mode")
	put(ctx, flags, "new-checkout", "on")
	for range 3 {
		show(next(watcher))
	}

	// A key's history keeps up to three revisions, the delete marker
	// included.
	history, err := flags.History(ctx, "dark-mode")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("History of dark-mode:")
	for _, entry := range history {
		fmt.Printf("  %s\n", describe(entry))
	}

	// Every bucket of the account with its settings, in name order.
	lister := js.KeyValueStores(ctx)
	var buckets []string
	for status := range lister.Status() {
		ttl := "no TTL"
		if status.TTL() > 0 {
			ttl = fmt.Sprintf("TTL %ds", int(status.TTL().Seconds()))
		}
		description := ""
		if d := status.Config().Description; d != "" {
			description = " (" + d + ")"
		}
		buckets = append(buckets, fmt.Sprintf("  %s%s: history %d, %d values, %s",
			status.Bucket(), description, status.History(), status.Values(), ttl))
	}
	if err := lister.Error(); err != nil {
		log.Fatal(err)
	}
	slices.Sort(buckets)
	fmt.Printf("Buckets in the account:\n%s\n", strings.Join(buckets, "\n"))
}

// put stores a value and prints its revision.
func put(ctx context.Context, kv jetstream.KeyValue, key, value string) {
	revision, err := kv.Put(ctx, key, []byte(value))
	if err != nil {
		log.Fatalf("putting %s: %v", key, err)
	}
	fmt.Printf("Put %s = %s (revision %d)\n", key, value, revision)
}

// next waits up to five seconds for the watcher's next update.
func next(watcher jetstream.KeyWatcher) jetstream.KeyValueEntry {
	select {
	case entry := <-watcher.Updates():
		return entry
	case <-time.After(5 * time.Second):
		log.Fatal("the watcher reported nothing for five seconds")
		return nil
	}
}

// show prints an update the watcher delivered.
func show(entry jetstream.KeyValueEntry) {
	fmt.Printf("Watcher: %s\n", describe(entry))
}

// describe gives an entry's revision, operation, key and value in one line.
func describe(entry jetstream.KeyValueEntry) string {
	if entry.Operation() == jetstream.KeyValuePut {
		return fmt.Sprintf("revision %d: PUT %s = %s", entry.Revision(), entry.Key(), entry.Value())
	}
	return fmt.Sprintf("revision %d: DELETE %s", entry.Revision(), entry.Key())
}
