#!/bin/bash

set -euo pipefail

# A single JetStream server keeping its data in `./data`.
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

# The stream keeps the latest price of every product. Once a message is
# stored, the server also publishes a copy of it as a plain NATS message:
# `--republish-source` chooses which stored subjects are copied and
# `--republish-destination` where the copies go, here the same subject
# under `live.`.
nats stream add PRICES --defaults --subjects "prices.>" --max-msgs-per-subject 1 \
  --republish-source "prices.>" --republish-destination "live.prices.>" > stream.txt
head -n 1 stream.txt
grep Republishing stream.txt

# A dashboard only needs the live feed, so it subscribes with plain NATS:
# no consumer, nothing to acknowledge. It waits for three prices.
nats sub "live.prices.>" --count 3 > dashboard.txt 2>&1 &
dashboard=$!
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=live.prices.book" | grep -q '"subject"' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the dashboard did not subscribe" >&2
    exit 1
  fi
  sleep 0.2
done

nats pub --jetstream --quiet prices.book "12.50"
nats pub --jetstream --quiet prices.lamp "40.00"
nats pub --jetstream --quiet prices.book "11.90"
wait "$dashboard"

# Each copy carries headers that tie it to the stream: the stream's name,
# the subject and sequence it was stored under, and the sequence of the
# previous message on the same subject. With `Nats-Last-Sequence` the
# dashboard can tell that it saw every update of a product: the second
# book price follows sequence 1, which it has seen. A dashboard that
# joins late reads the current prices from the stream, which keeps one
# per product, and continues with the live feed.
cat dashboard.txt
nats stream subjects PRICES
