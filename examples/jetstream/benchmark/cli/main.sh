#!/bin/bash

set -euo pipefail

# One JetStream server, storing its data under `./data`.
nats-server -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait until JetStream answers its health check, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Core NATS first: two clients publish 5,000 small messages between them
# as fast as they can. Nobody listens, so this measures only how quickly
# the server accepts them. `--no-progress` leaves just the summary.
nats bench pub bench.core --clients 2 --msgs 5000 --size 64 --no-progress

# Now with persistence. `--create` makes the `benchstream` stream first,
# and each publish waits for the stream's acknowledgement in batches of
# 100, so the rate includes writing to disk.
nats bench js pub async bench.js --create --msgs 2000 --size 128 --batch 100 --no-progress

# Reading the stream back with a durable pull consumer that fetches
# batches of 200 messages and acknowledges each one.
nats bench js fetch --msgs 2000 --batch 200 --no-progress

# The stream keeps what the benchmark wrote: 2,000 messages of 128 bytes.
nats stream ls
