#!/bin/bash

set -euo pipefail

# A single JetStream server named `checks-demo`, keeping its data in
# `./data`.
nats-server -n checks-demo -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# `nats server check jetstream` is itself a check: it fails until
# JetStream answers. Retry it quietly, for up to 30 seconds.
for attempt in $(seq 1 150); do
  nats server check jetstream > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Something to check: a stream with three orders, a consumer that has
# taken one of them without acknowledging it yet, and a bucket.
nats stream add ORDERS --defaults --subjects "orders.>" --storage file > stream.txt
nats consumer add ORDERS shipper --defaults --pull --ack explicit > consumer.txt
for n in 1 2 3; do
  nats pub --jetstream --quiet orders.new "order $n"
done
nats consumer next ORDERS shipper --no-ack > taken.txt
nats kv add settings > bucket.txt

# The `nats server check` commands are made for monitoring systems such as
# Nagios or Icinga: each prints one line, a status and a message followed
# by performance data after `|`, and exits with 0 for OK, 1 for WARNING
# and 2 for CRITICAL. A helper runs a check and names its exit status.
check() {
  local status=0
  nats server check "$@" || status=$?
  echo "exit status $status"
}

# Can a client connect, and how long do a connection, a round trip and a
# request take? Each time has a warning and a critical threshold; they are
# raised to 2 and 4 seconds here, so that a busy test machine does not
# turn the verdict into a warning.
check connection --connect-warn 2s --connect-critical 4s \
  --rtt-warn 2s --rtt-critical 4s --req-warn 2s --req-critical 4s

# The account's JetStream usage, and whether every replicated stream is
# healthy.
check jetstream

# Thresholds turn facts into verdicts. Fewer than five orders in the
# stream is a warning here, fewer than one would be critical.
check stream --stream ORDERS --msgs-warn 5 --msgs-critical 1

# For the consumer, one unacknowledged message is already critical, and
# the shipper has one outstanding. Its two unprocessed messages are below
# their threshold of five.
check consumer --stream ORDERS --consumer shipper --outstanding-ack-critical 1 --unprocessed-critical 5

# A bucket check can require a key to be set. The `mode` setting is
# missing at first, and the check recovers once it is written.
check kv --bucket settings --key mode
nats kv put settings mode production > /dev/null
check kv --bucket settings --key mode
