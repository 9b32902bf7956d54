#!/bin/bash

set -euo pipefail

# A plain server: payloads are opaque bytes to NATS, JSON included. The
# monitoring port lets the script check on it.
nats-server --addr 127.0.0.1 --port 4222 --http_port 8222 > server.log 2>&1 &

# Every `nats` command below connects to this address.
export NATS_URL="nats://127.0.0.1:4222"

# Wait until the server answers its health endpoint, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# A message sent before a subscriber is in place reaches nobody, so the
# script waits until the server's `/connz` endpoint reports the expected
# number of subscriptions across all connections.
wait_for_subscriptions() {
  local expected=$1 total
  for _ in $(seq 1 150); do
    total=$(curl -fsS http://127.0.0.1:8222/connz | awk '$1 == "\"subscriptions\":" {n += $2} END {print n + 0}') || true
    [ "${total:-0}" -ge "$expected" ] && return 0
    sleep 0.2
  done
  echo "expected $expected subscriptions, the server did not report them" >&2
  exit 1
}

# A subscriber for new orders that stops after three messages.
nats sub orders.created --count 3 > subscriber.txt 2>&1 &
subscriber=$!
wait_for_subscriptions 1

# Three orders as JSON. The second is cut short on purpose: the server does
# not parse payloads, so it accepts and delivers it like the others. (The
# single quotes keep the shell away from the double quotes inside.)
nats pub orders.created '{"id":1001,"item":"book","quantity":2}'
nats pub orders.created '{"id":1002,"item":"pen"'
nats pub orders.created '{"id":1003,"item":"lamp","quantity":1}'
wait "$subscriber"

# The subscriber received all three bodies, byte for byte. Deciding that
# the second one is unusable is the receiving program's job; the client
# programs of this example decode each body and skip the bad one.
cat subscriber.txt

# A request and its reply carry JSON the same way. This stand-in price
# service answers one request with a fixed JSON body; the client programs
# decode the request and compute the answer.
nats reply prices.quote '{"item":"book","quantity":2,"total_cents":2400}' --count 1 > service.txt 2>&1 &
service=$!
wait_for_subscriptions 1

# `nats request` prints the reply's body as it arrived.
nats request prices.quote '{"item":"book","quantity":2}'

# `nats reply` ends with exit status 1 even after a clean drain, so that
# status is the expected one. Its log shows the request it answered.
wait "$service" || [ $? -eq 1 ]
cat service.txt
