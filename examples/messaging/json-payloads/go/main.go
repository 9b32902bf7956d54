package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// Order is what the shop publishes on `orders.created`. The struct tags give
// the JSON field names, shared with the programs in every other language.
type Order struct {
	ID       int    `json:"id"`
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
}

// QuoteRequest asks the price service what some quantity of an item costs.
type QuoteRequest struct {
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
}

// QuoteReply is the service's answer: either a total or an error. Fields
// left at their zero value are not encoded (`omitempty`).
type QuoteReply struct {
	Item       string `json:"item,omitempty"`
	Quantity   int    `json:"quantity,omitempty"`
	TotalCents int    `json:"total_cents,omitempty"`
	Error      string `json:"error,omitempty"`
}

// prices are the unit prices the service knows, in cents.
var prices = map[string]int{"book": 1200, "lamp": 3500}

func main() {
	// The server address comes from `NATS_URL`, with the usual local address
	// as a fallback.
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// One connection for the shop (publisher and caller), one for the
	// subscriber and the price service.
	shop, err := nats.Connect(url, nats.Name("shop"))
	if err != nil {
		log.Fatalf("connecting the shop: %v", err)
	}
	defer shop.Close()
	backend, err := nats.Connect(url, nats.Name("backend"))
	if err != nil {
		log.Fatalf("connecting the backend: %v", err)
	}
	defer backend.Close()

	// A synchronous subscription for new orders, in place once `Flush` has
	// had the server's answer.
	orders, err := backend.SubscribeSync("orders.created")
	if err != nil {
		log.Fatal(err)
	}

	// The price service decodes each request into a `QuoteRequest`. A body
	// that is not valid JSON, or has a field of the wrong type, makes
	// `json.Unmarshal` fail; the service then answers with an error in JSON
	// rather than staying silent, so the caller learns why at once instead
	// of waiting for a timeout.
	_, err = backend.Subscribe("prices.quote", func(msg *nats.Msg) {
		var req QuoteRequest
		var reply QuoteReply
		if err := json.Unmarshal(msg.Data, &req); err != nil {
			reply.Error = "invalid request"
		} else if price, ok := prices[req.Item]; !ok {
			reply.Error = "unknown item"
		} else {
			reply = QuoteReply{Item: req.Item, Quantity: req.Quantity, TotalCents: price * req.Quantity}
		}
		data, err := json.Marshal(reply)
		if err != nil {
			log.Printf("encoding the reply: %v", err)
			return
		}
		if err := msg.Respond(data); err != nil {
			log.Printf("replying: %v", err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := backend.Flush(); err != nil {
		log.Fatal(err)
	}

	// `json.Marshal` turns a struct into compact JSON bytes, fields in the
	// order the struct declares them. The second body is cut short on
	// purpose: NATS does not check payloads, so it is delivered like the
	// others.
	first, err := json.Marshal(Order{ID: 1001, Item: "book", Quantity: 2})
	if err != nil {
		log.Fatal(err)
	}
	last, err := json.Marshal(Order{ID: 1003, Item: "lamp", Quantity: 1})
	if err != nil {
		log.Fatal(err)
	}
	bodies := [][]byte{first, []byte(`{"id":1002,"item":"pen"`), last}
	for _, body := range bodies {
		if err := shop.Publish("orders.created", body); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Published %s\n", body)
	}

	// The subscriber decodes each body into an `Order`. A malformed one is
	// reported and skipped: one bad message must not stop the others.
	for range bodies {
		msg, err := orders.NextMsg(5 * time.Second)
		if err != nil {
			log.Fatalf("waiting for an order: %v", err)
		}
		var order Order
		if err := json.Unmarshal(msg.Data, &order); err != nil {
			fmt.Printf("Skipped a malformed message: %s\n", msg.Data)
			continue
		}
		fmt.Printf("Order %d: %d x %s\n", order.ID, order.Quantity, order.Item)
	}

	// Request and reply carry JSON the same way. The second request has a
	// quantity that is a string, not a number: valid JSON, but not a valid
	// `QuoteRequest`.
	good, err := json.Marshal(QuoteRequest{Item: "book", Quantity: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, body := range [][]byte{good, []byte(`{"item":"book","quantity":"two"}`)} {
		fmt.Printf("Requested %s\n", body)
		msg, err := shop.Request("prices.quote", body, 2*time.Second)
		if err != nil {
			log.Fatalf("requesting a quote: %v", err)
		}
		fmt.Printf("Reply %s\n", msg.Data)
		var reply QuoteReply
		if err := json.Unmarshal(msg.Data, &reply); err != nil {
			log.Fatalf("decoding the reply: %v", err)
		}
		if reply.Error != "" {
			fmt.Printf("Quote failed: %s\n", reply.Error)
			continue
		}
		fmt.Printf("Quote: %d x %s = %d cents\n", reply.Quantity, reply.Item, reply.TotalCents)
	}
}
