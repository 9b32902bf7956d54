#!/bin/bash

set -euo pipefail

# A plain server without JetStream is all that core messaging needs. The
# monitoring port (`--http_port`) lets the script check on the server over
# HTTP.
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

# Subscriptions are registered asynchronously, so before publishing the
# script waits until they are in place. The server's `/connz` monitoring
# endpoint lists every client connection with the number of subscriptions
# it holds; `awk` adds them up.
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

# The first subscriber uses `*`, which matches exactly one token, so it
# hears about new orders for any region: `orders.eu.new`, `orders.us.new`
# and so on. The second uses `>`, which matches one or more trailing
# tokens, so it sees everything that happens to European orders. Both
# stop by themselves after a known number of messages, and each writes to
# its own file so that their output does not interleave.
nats sub "orders.*.new" --count 2 > new-orders.txt 2>&1 &
new_orders=$!
nats sub "orders.eu.>" --count 3 > eu-orders.txt 2>&1 &
eu_orders=$!
wait_for_subscriptions 2

# Publish four messages. `orders.eu.new` matches both patterns,
# `orders.us.new` only the first, the two other European subjects only the
# second.
nats pub orders.eu.new "order 1 from Lisbon"
nats pub orders.us.new "order 2 from Denver"
nats pub orders.eu.shipped "order 1 is on its way"
nats pub orders.eu.delivered "order 1 arrived"

# Once both subscribers have received their share they exit on their own.
wait "$new_orders" "$eu_orders"

# What the `orders.*.new` subscriber received.
cat new-orders.txt

# And what the `orders.eu.>` subscriber received. The message published to
# `orders.eu.new` reached both: in core NATS every matching subscriber
# gets its own copy.
cat eu-orders.txt
