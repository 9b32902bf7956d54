package main

import (
	"fmt"
	"log"
	"os"
	"sync/atomic"

	"github.com/nats-io/nats.go"
)

// total is how many messages each subscriber is sent.
const total = 10

func main() {
	// The server address comes from `NATS_URL`, with the usual local address
	// as a fallback.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	publisher, err := nats.Connect(url, nats.Name("publisher"))
	if err != nil {
		log.Fatalf("connecting the publisher: %v", err)
	}
	defer publisher.Close()

	// First the abrupt way: `Close` shuts the connection at once. Messages
	// already delivered to the client but not yet handled are dropped.
	handled, err := run(url, publisher, "jobs.closed", func(nc *nats.Conn) error {
		nc.Close()
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Closed: %d of %d messages handled, %d lost\n", handled, total, total-handled)

	// Then gracefully: `Drain` unsubscribes, so the server sends nothing new,
	// lets the handler work through every message already in the client's
	// buffer, and then closes the connection. It returns at once; the
	// closed handler tells when it is done.
	handled, err = run(url, publisher, "jobs.drained", func(nc *nats.Conn) error {
		return nc.Drain()
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Drained: %d of %d messages handled, %d lost\n", handled, total, total-handled)
}

// run starts a subscriber on its own connection, fills its buffer with
// `total` messages while its handler is held up on the first one, stops it
// with `stop`, and returns how many messages the handler got.
func run(url string, publisher *nats.Conn, subject string, stop func(*nats.Conn) error) (int, error) {
	// The closed handler runs once the connection is fully closed, after a
	// drain has finished too.
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return 0, fmt.Errorf("connecting the subscriber: %w", err)
	}

	// The handler counts every message it is given. On the first one it
	// says so on `started`, then waits until `release` is closed, standing
	// for slow work: meanwhile the other messages wait in the client's
	// buffer. `finished` tells when that first message has been dealt with.
	var count atomic.Int32
	started := make(chan struct{})
	release := make(chan struct{})
	finished := make(chan struct{})
	_, err = nc.Subscribe(subject, func(*nats.Msg) {
		if count.Add(1) == 1 {
			close(started)
			<-release
			close(finished)
		}
	})
	if err != nil {
		return 0, err
	}
	if err := nc.Flush(); err != nil {
		return 0, err
	}

	for i := 1; i <= total; i++ {
		if err := publisher.Publish(subject, fmt.Appendf(nil, "job %d", i)); err != nil {
			return 0, err
		}
	}

	// Both flushes return when the server has answered a ping. The
	// publisher's proves the server has routed all the messages; the
	// subscriber's ping is answered after them, so by then the client has
	// read every one. Once the handler has started on the first, the
	// other nine wait in the buffer.
	if err := publisher.Flush(); err != nil {
		return 0, err
	}
	if err := nc.Flush(); err != nil {
		return 0, err
	}
	<-started

	// Stop the subscriber while its buffer is full, then let the handler
	// go on, and wait until the connection is closed and the first message
	// is finished.
	if err := stop(nc); err != nil {
		return 0, err
	}
	close(release)
	<-closed
	<-finished
	return int(count.Load()), nil
}
