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

# Acknowledgements reach the stream a moment after the client sends them,
# so before each look at the stream this helper waits, for up to 30
# seconds, until it holds the expected number of messages.
wait_for_messages() {
  local expected=$1
  for _ in $(seq 1 150); do
    nats stream info ORDERS --json | grep -q "\"messages\": $expected," && return 0
    sleep 0.2
  done
  echo "the ORDERS stream never held $expected messages" >&2
  exit 1
}

# `--retention interest` is the only change from a default stream.
nats stream add ORDERS --defaults --subjects "orders.>" --retention interest --storage file > stream.txt
head -n 1 stream.txt

# A message published while the stream has no consumer at all is accepted,
# and the acknowledgement names its sequence, but nobody could ever want
# it: the stream does not keep it.
nats pub --jetstream orders.paid "order 1 paid, before anyone listened"
nats stream state ORDERS

# Two consumers share the stream. `billing` reads every order event,
# `shipping` only paid orders. Unlike a work queue, an interest stream
# allows filters that overlap.
nats consumer add ORDERS billing --defaults --pull --filter "orders.>" --ack explicit > billing.txt
head -n 1 billing.txt
nats consumer add ORDERS shipping --defaults --pull --filter orders.paid --ack explicit > shipping.txt
head -n 1 shipping.txt

# Three new events: two payments, which both consumers want, and one
# cancellation, which only billing wants.
nats pub --jetstream --quiet orders.paid "order 2 paid"
nats pub --jetstream --quiet orders.paid "order 3 paid"
nats pub --jetstream --quiet orders.cancelled "order 4 cancelled"
nats stream state ORDERS

# Billing reads and acknowledges all three. The cancellation had no other
# reader and goes; the two payments stay, because shipping has not seen
# them yet.
nats consumer next ORDERS billing --count 3
wait_for_messages 2
nats stream subjects ORDERS

# Shipping handles the first payment. Both consumers are now done with it,
# so only one message remains.
nats consumer next ORDERS shipping --count 1
wait_for_messages 1
nats stream state ORDERS

# Deleting a consumer withdraws its interest. The payment shipping never
# acknowledged has no reader left and the stream is empty, while its
# sequence numbers keep counting from where they were.
nats consumer rm ORDERS shipping --force
wait_for_messages 0
nats stream state ORDERS
