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

// describe prints what an entry is: a plain object with its size, a link
// to one object, or a link to a whole bucket.
func describe(info *jetstream.ObjectInfo) {
	if info.Opts == nil || info.Opts.Link == nil {
		fmt.Printf("%s is an object of %d bytes\n", info.Name, info.Size)
		return
	}
	link := info.Opts.Link
	if link.Name == "" {
		fmt.Printf("%s is a link to bucket %s\n", info.Name, link.Bucket)
		return
	}
	fmt.Printf("%s is a link to %s/%s\n", info.Name, link.Bucket, link.Name)
}

func main() {
	// The server address comes from `NATS_URL`; the object store lives in
	// JetStream, so that server must have it enabled.
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

	// Two buckets: `assets` holds what a web site serves, `archive` holds
	// retired files. Each bucket is a stream of its own.
	assets, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "assets"})
	if err != nil {
		log.Fatalf("creating assets: %v", err)
	}
	archive, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "archive"})
	if err != nil {
		log.Fatalf("creating archive: %v", err)
	}
	fmt.Println("Created buckets assets and archive")

	// Upload the current logo under a versioned name. A short text stands
	// in for the image bytes.
	v2, err := assets.PutString(ctx, "logo-v2.png", "logo, second edition")
	if err != nil {
		log.Fatalf("putting logo-v2.png: %v", err)
	}
	describe(v2)

	// `AddLink` stores a link entry: a metadata record without chunks
	// that names the target's bucket and object. Pages refer to
	// `logo.png` and never need to know which version is current.
	link, err := assets.AddLink(ctx, "logo.png", v2)
	if err != nil {
		log.Fatalf("adding logo.png: %v", err)
	}
	describe(link)

	// Reading a link follows it: the result is the target's content.
	text, err := assets.GetString(ctx, "logo.png")
	if err != nil {
		log.Fatalf("reading logo.png: %v", err)
	}
	fmt.Printf("logo.png reads %q\n", text)

	// A new version is uploaded next to the old one. Adding a link under
	// a name that already holds a link replaces it, so re-pointing is one
	// call; readers switch over at once. (A name that holds a real object
	// cannot be turned into a link.)
	v3, err := assets.PutString(ctx, "logo-v3.png", "logo, third edition")
	if err != nil {
		log.Fatalf("putting logo-v3.png: %v", err)
	}
	describe(v3)
	if _, err := assets.AddLink(ctx, "logo.png", v3); err != nil {
		log.Fatalf("re-pointing logo.png: %v", err)
	}
	info, err := assets.GetInfo(ctx, "logo.png")
	if err != nil {
		log.Fatalf("inspecting logo.png: %v", err)
	}
	describe(info)
	text, err = assets.GetString(ctx, "logo.png")
	if err != nil {
		log.Fatalf("reading logo.png: %v", err)
	}
	fmt.Printf("logo.png reads %q\n", text)

	// A bucket link points at a whole bucket rather than one object.
	// It cannot be read as data; a reader looks up the bucket it names
	// and opens that bucket instead.
	if _, err := archive.PutString(ctx, "logo-v1.png", "logo, first edition"); err != nil {
		log.Fatalf("putting logo-v1.png: %v", err)
	}
	if _, err := assets.AddBucketLink(ctx, "old-logos", archive); err != nil {
		log.Fatalf("adding old-logos: %v", err)
	}
	info, err = assets.GetInfo(ctx, "old-logos")
	if err != nil {
		log.Fatalf("inspecting old-logos: %v", err)
	}
	describe(info)
	if _, err := assets.Get(ctx, "old-logos"); errors.Is(err, jetstream.ErrCantGetBucket) {
		fmt.Println("old-logos cannot be read as data: it links to a bucket")
	} else {
		log.Fatalf("reading old-logos: expected a bucket-link error, got %v", err)
	}
	linked, err := js.ObjectStore(ctx, info.Opts.Link.Bucket)
	if err != nil {
		log.Fatalf("opening %s: %v", info.Opts.Link.Bucket, err)
	}
	text, err = linked.GetString(ctx, "logo-v1.png")
	if err != nil {
		log.Fatalf("reading logo-v1.png: %v", err)
	}
	fmt.Printf("%s/logo-v1.png reads %q\n", info.Opts.Link.Bucket, text)

	// Links are not reference counted: deleting the target leaves the
	// link in place, pointing at nothing. Reading through it reports that
	// the object is not found.
	if err := assets.Delete(ctx, "logo-v3.png"); err != nil {
		log.Fatalf("deleting logo-v3.png: %v", err)
	}
	fmt.Println("Deleted logo-v3.png")
	info, err = assets.GetInfo(ctx, "logo.png")
	if err != nil {
		log.Fatalf("inspecting logo.png: %v", err)
	}
	describe(info)
	if _, err := assets.Get(ctx, "logo.png"); errors.Is(err, jetstream.ErrObjectNotFound) {
		fmt.Println("logo.png cannot be read: its target is not found")
	} else {
		log.Fatalf("reading logo.png: expected not found, got %v", err)
	}
}
