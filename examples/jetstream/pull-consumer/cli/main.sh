#!/bin/bash

set -euo pipefail

# A single JetStream server with its own storage directory. This time the
# options are given on the command line instead of in a file: `-js`
# enables JetStream and `-sd` chooses where it stores data.
nats-server -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for JetStream to report healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# A stream for orders, kept in memory since the example is short-lived.
# Its details are not needed here, so only the first line of the command's
# output is kept.
nats stream add ORDERS --defaults --subjects "orders.>" --storage memory > stream.txt
head -n 1 stream.txt

# Five orders arrive before anyone reads them. Each acknowledgement from
# the stream names the sequence the order was stored under.
for n in 1 2 3 4 5; do
  nats pub --jetstream "orders.new" "order $n"
done

# The `processor` consumer is durable: it has a name and keeps its
# position even while no client is connected. `--pull` makes clients ask
# for messages, `--deliver all` starts at the beginning of the stream and
# `--ack explicit` means every message must be acknowledged on its own.
# `--max-deliver 5` caps redelivery of a message that is never
# acknowledged, and `--wait 30s` is how long the server waits for an
# acknowledgement before delivering the message again.
nats consumer add ORDERS processor \
  --defaults \
  --pull \
  --deliver all \
  --ack explicit \
  --replay instant \
  --filter "orders.>" \
  --max-deliver 5 \
  --max-pending 100 \
  --wait 30s

# Fetch two messages. `consumer next` acknowledges each one as it prints
# it, so the consumer moves on.
nats consumer next ORDERS processor --count 2

# The server records acknowledgements asynchronously, so wait (for up to
# 30 seconds) until the consumer has no acknowledgement outstanding.
for attempt in $(seq 1 150); do
  nats consumer info ORDERS processor --json | grep -q '"num_ack_pending": 0,' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the acknowledgements were not recorded" >&2
    exit 1
  fi
  sleep 0.2
done

# The consumer's state shows the outcome: the acknowledgement floor is at
# stream sequence 2 and three messages are still waiting to be processed.
nats consumer info ORDERS processor

# The consumer report sums up every consumer of the stream in a table.
nats consumer report ORDERS
