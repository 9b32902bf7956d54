#!/bin/bash

set -euo pipefail

# One server is enough. It only listens on the loopback interface.
nats-server --addr 127.0.0.1 --port 4222 --http_port 8222 > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for the server's health endpoint to answer, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# The service answers requests on `greet.hello`. Its reply is a template:
# `{{ .Request }}` stands for the body of the request it is answering. It
# handles two requests and then exits; its own log goes to a file so it
# can be shown in one piece at the end.
nats reply greet.hello "Hello, {{ .Request }}!" --count 2 > service.txt 2>&1 &
service=$!

# A request sent before the service has subscribed would find nobody to
# answer, so wait until the server reports the service's subscription.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/connz | grep -q '"subscriptions": 1' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the service did not subscribe" >&2
    exit 1
  fi
  sleep 0.2
done

# Each request waits for the first answer and prints it along with the
# round-trip time. Requests can carry headers just like any other message;
# the service logs the one attached to the second request.
nats request greet.hello "Ada"
nats request greet.hello "Grace" --header "Language:en"

# Having answered twice, the service drains its subscription and stops.
# `nats reply` always ends with exit status 1, even after a clean drain, so
# that status is the expected one here. The service's log shows each
# request as it arrived.
wait "$service" || [ $? -eq 1 ]
cat service.txt
