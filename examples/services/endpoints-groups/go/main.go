package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"
)

// The parts of the discovery answers this program prints. The answers carry
// more (the instance id, start time, processing durations), which change on
// every run.
type endpointInfo struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
}

type info struct {
	Name        string         `json:"name"`
	Version     string         `json:"version"`
	Description string         `json:"description"`
	Endpoints   []endpointInfo `json:"endpoints"`
}

type endpointStats struct {
	Name     string `json:"name"`
	Requests int    `json:"num_requests"`
	Errors   int    `json:"num_errors"`
}

type stats struct {
	Name      string          `json:"name"`
	Version   string          `json:"version"`
	Endpoints []endpointStats `json:"endpoints"`
}

// operands reads the two integers of a request such as `84 2`.
func operands(req micro.Request) (int, int, bool) {
	fields := strings.Fields(string(req.Data()))
	if len(fields) != 2 {
		return 0, 0, false
	}
	a, errA := strconv.Atoi(fields[0])
	b, errB := strconv.Atoi(fields[1])
	return a, b, errA == nil && errB == nil
}

func main() {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url)
	if err != nil {
		log.Fatalf("connecting: %v", err)
	}
	defer nc.Close()

	// A service is declared with a name, a version and a description. The
	// name is what callers and monitoring tools look it up by; several
	// instances may share it. `AddService` also subscribes the service to
	// the discovery subjects under `$SRV`.
	svc, err := micro.AddService(nc, micro.Config{
		Name:        "calculator",
		Version:     "1.0.0",
		Description: "Adds and divides integers",
	})
	if err != nil {
		log.Fatalf("adding the service: %v", err)
	}
	defer svc.Stop()

	// A group puts its endpoints under a common subject prefix: `add` and
	// `divide` listen on `calc.add` and `calc.divide`. Every endpoint joins
	// a queue group, so the requests are spread over all running instances.
	calc := svc.AddGroup("calc")
	err = calc.AddEndpoint("add", micro.HandlerFunc(func(req micro.Request) {
		a, b, ok := operands(req)
		if !ok {
			_ = req.Error("400", "expected two integers", nil)
			return
		}
		_ = req.Respond([]byte(strconv.Itoa(a + b)))
	}))
	if err != nil {
		log.Fatalf("adding add: %v", err)
	}

	// A handler that cannot answer replies with a service error: a code and
	// a description, sent as the headers `Nats-Service-Error-Code` and
	// `Nats-Service-Error`. The service counts it as an error in its
	// statistics.
	err = calc.AddEndpoint("divide", micro.HandlerFunc(func(req micro.Request) {
		a, b, ok := operands(req)
		if !ok {
			_ = req.Error("400", "expected two integers", nil)
			return
		}
		if b == 0 {
			_ = req.Error("400", "division by zero", nil)
			return
		}
		_ = req.Respond([]byte(strconv.Itoa(a / b)))
	}))
	if err != nil {
		log.Fatalf("adding divide: %v", err)
	}
	fmt.Println("Service calculator 1.0.0 started")

	// To a caller, an endpoint is an ordinary request subject. An error
	// reply has an empty body and the two error headers. The service and
	// its caller share one connection here, so the server has the
	// endpoints' subscriptions before the first request.
	call := func(subject, data string) {
		reply, err := nc.Request(subject, []byte(data), 2*time.Second)
		if err != nil {
			log.Fatalf("requesting %s: %v", subject, err)
		}
		if code := reply.Header.Get(micro.ErrorCodeHeader); code != "" {
			fmt.Printf("%s %s -> error %s: %s\n", subject, data, code, reply.Header.Get(micro.ErrorHeader))
			return
		}
		fmt.Printf("%s %s -> %s\n", subject, data, reply.Data)
	}
	call("calc.add", "2 3")
	call("calc.divide", "84 2")
	call("calc.divide", "1 0")

	// Discovery is request/reply too, on `$SRV.<verb>.<name>`: PING says
	// who is there, INFO describes the endpoints, STATS counts requests
	// and errors. Any client can ask, with no service library at all.
	discover := func(verb string, into any) {
		reply, err := nc.Request("$SRV."+verb+".calculator", nil, 2*time.Second)
		if err != nil {
			log.Fatalf("requesting %s: %v", verb, err)
		}
		if err := json.Unmarshal(reply.Data, into); err != nil {
			log.Fatalf("decoding %s: %v", verb, err)
		}
	}

	var ping micro.Ping
	discover("PING", &ping)
	fmt.Printf("PING %s %s\n", ping.Name, ping.Version)

	var described info
	discover("INFO", &described)
	fmt.Printf("INFO %s %s: %s\n", described.Name, described.Version, described.Description)
	sort.Slice(described.Endpoints, func(i, j int) bool {
		return described.Endpoints[i].Name < described.Endpoints[j].Name
	})
	for _, e := range described.Endpoints {
		fmt.Printf("  endpoint %s on %s\n", e.Name, e.Subject)
	}

	// A service counts a request once its handler has returned, which can
	// be a moment after the reply went out. Ask again until all three
	// requests are counted.
	var counted stats
	for attempt := 1; ; attempt++ {
		counted = stats{}
		discover("STATS", &counted)
		total := 0
		for _, e := range counted.Endpoints {
			total += e.Requests
		}
		if total == 3 {
			break
		}
		if attempt == 50 {
			log.Fatalf("STATS counted %d requests, expected 3", total)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("STATS %s %s\n", counted.Name, counted.Version)
	sort.Slice(counted.Endpoints, func(i, j int) bool {
		return counted.Endpoints[i].Name < counted.Endpoints[j].Name
	})
	for _, e := range counted.Endpoints {
		fmt.Printf("  endpoint %s: %d requests, %d errors\n", e.Name, e.Requests, e.Errors)
	}
}
