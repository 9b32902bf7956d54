package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	// The server address comes from `NATS_URL`, with the usual local address
	// as a fallback.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// One connection both subscribes and publishes. A connection receives
	// its own messages by default, and keeping everything on one connection
	// makes the order of events easy to reason about (see below).
	nc, err := nats.Connect(url, nats.Name("wildcards"))
	if err != nil {
		log.Fatalf("connecting: %v", err)
	}
	defer nc.Close()

	// Four patterns:
	//
	// - `sensors.*.temperature`: `*` stands for exactly one token, so this
	//   is any three-token subject with `sensors` first and `temperature`
	//   last.
	// - `sensors.>`: `>` stands for one or more tokens and may only come
	//   last, so this is everything below `sensors`, however deep, but not
	//   `sensors` itself.
	// - `*.*`: any subject of exactly two tokens.
	// - `>`: a full wildcard at the root matches every subject.
	patterns := []string{"sensors.*.temperature", "sensors.>", "*.*", ">"}
	subs := make([]*nats.Subscription, len(patterns))
	for i, pattern := range patterns {
		if subs[i], err = nc.SubscribeSync(pattern); err != nil {
			log.Fatal(err)
		}
	}
	if err := nc.Flush(); err != nil {
		log.Fatal(err)
	}

	// Six subjects, each testing one edge of the rules: a token too many
	// for `*`, the bare prefix that `>` does not cover, two tokens, and
	// a capital letter (subjects are case-sensitive).
	subjects := []string{
		"sensors.kitchen.temperature",
		"sensors.kitchen.humidity",
		"sensors.garden.shed.temperature",
		"sensors",
		"alerts.kitchen",
		"Sensors.kitchen.temperature",
	}
	for _, subject := range subjects {
		if err := nc.Publish(subject, []byte("reading")); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("Published %d messages\n", len(subjects))

	// `Flush` returns when the server has answered a ping sent after the
	// messages. The server handles a connection's commands in order, so by
	// then it has routed every message, and the client has read every copy
	// it was sent: they wait in the subscriptions' queues. Reading each
	// queue until it is empty (a short timeout, which only runs out once
	// nothing is left) gives the complete set each pattern received.
	if err := nc.Flush(); err != nil {
		log.Fatal(err)
	}
	for i, sub := range subs {
		received := map[string]bool{}
		for {
			msg, err := sub.NextMsg(100 * time.Millisecond)
			if errors.Is(err, nats.ErrTimeout) {
				break
			}
			if err != nil {
				log.Fatalf("reading %s: %v", patterns[i], err)
			}
			received[msg.Subject] = true
		}
		fmt.Printf("%s received %d of %d:\n", patterns[i], len(received), len(subjects))
		for _, subject := range subjects {
			mark := "no "
			if received[subject] {
				mark = "yes"
			}
			fmt.Printf("  %s %s\n", mark, subject)
		}
	}
}
