#!/bin/bash

set -euo pipefail

# The script brings its own server. It listens on the loopback interface
# only, and its monitoring port lets the script ask whether it is ready.
nats-server --addr 127.0.0.1 --port 4222 --http_port 8222 > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for the health endpoint to answer, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# A subscriber that prints the body of the first message on `demo.hello`
# and exits. Its output goes to a file, shown once it is done.
nats sub demo.hello --count 1 --raw > received.txt 2>&1 &
subscriber=$!

# A message published before the subscription reaches the server is lost,
# so wait until the server counts it.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/connz | grep -q '"subscriptions": 1' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the subscriber did not subscribe" >&2
    exit 1
  fi
  sleep 0.2
done

# Publish one message; the subscriber receives it and exits.
nats pub demo.hello "Hello, NATS!"
wait "$subscriber"

# What the subscriber received.
cat received.txt
