package main

import (
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
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
	nc, err := nats.Connect(url)
	if err != nil {
		log.Fatalf("connecting: %v", err)
	}
	defer nc.Close()

	// Two workers subscribe to `jobs.resize` in the queue group `resizers`.
	// The server hands each message to one member of the group, so which
	// worker gets which job changes from run to run. Each worker passes the
	// number of every job it handles to the `handled` channel.
	handled := make(chan int, 100)
	for worker := 1; worker <= 2; worker++ {
		_, err := nc.QueueSubscribe("jobs.resize", "resizers", func(msg *nats.Msg) {
			handled <- jobNumber(msg)
		})
		if err != nil {
			log.Fatal(err)
		}
	}

	// The auditor subscribes to the same subject without a queue group, so
	// it receives its own copy of every message.
	audited := make(chan int, 100)
	if _, err := nc.Subscribe("jobs.resize", func(msg *nats.Msg) {
		audited <- jobNumber(msg)
	}); err != nil {
		log.Fatal(err)
	}

	// The publisher knows nothing about the group: it publishes ten jobs to
	// the subject, and adding workers would need no change here.
	for n := 1; n <= 10; n++ {
		if err := nc.Publish("jobs.resize", []byte(fmt.Sprintf("image %d", n))); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("Published 10 jobs to jobs.resize")

	// Collect what the workers handled. Put together, their jobs are every
	// job exactly once: the group never gave the same message to both.
	jobs := collect(handled, 10)
	slices.Sort(jobs)
	fmt.Println("Jobs handled by the resizers queue group:")
	for _, n := range jobs {
		fmt.Printf("  image %d\n", n)
	}
	if slices.Equal(slices.Compact(jobs), []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		fmt.Println("Every job was handled by exactly one worker")
	} else {
		log.Fatalf("the workers handled %v", jobs)
	}

	// The auditor, outside the group, saw all ten as well.
	fmt.Printf("Jobs seen by the auditor: %d\n", len(collect(audited, 10)))
}

// jobNumber reads the number out of a message body such as `image 7`.
func jobNumber(msg *nats.Msg) int {
	n, err := strconv.Atoi(strings.TrimPrefix(string(msg.Data), "image "))
	if err != nil {
		log.Fatalf("unexpected job %q", msg.Data)
	}
	return n
}

// collect receives `count` job numbers from a channel, waiting at most five
// seconds in all.
func collect(ch <-chan int, count int) []int {
	deadline := time.After(5 * time.Second)
	jobs := make([]int, 0, count)
	for len(jobs) < count {
		select {
		case n := <-ch:
			jobs = append(jobs, n)
		case <-deadline:
			log.Fatalf("only %d of %d jobs arrived", len(jobs), count)
		}
	}
	return jobs
}
