#!/bin/bash

set -euo pipefail

# Headers need nothing special on the server: any nats-server since 2.2
# passes them along. The monitoring port lets the script check on it.
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

# A subscriber for new orders that stops after one message. `nats sub`
# prints a message's headers above its body.
nats sub orders.new --count 1 > subscriber.txt 2>&1 &
subscriber=$!
wait_for_subscriptions 1

# `-H` (long form `--header`) adds one header in `Key:Value` form and can be
# repeated. Giving `Tag` twice does not overwrite the first value: the
# key now holds two values, `priority` and `gift`, in that order. (Each
# message here uses a single key because `nats` prints different keys in
# no fixed order; the values of one key always keep theirs.)
nats pub orders.new "2 books" -H Tag:priority -H Tag:gift
wait "$subscriber"

# The subscriber saw both values of `Tag`.
cat subscriber.txt

# Replies are messages too, so they can carry headers. `nats reply` with
# `-H` attaches this one to every answer it sends. It answers one request and
# exits; its log goes to a file to be shown at the end.
nats reply orders.status "on its way" -H Status:shipped --count 1 > service.txt 2>&1 &
service=$!
wait_for_subscriptions 1

# The request carries a header naming the order, and `nats request` prints
# the headers of the reply above its body.
nats request orders.status "where is it?" -H Order-Id:1001

# Having answered, the service drains and stops. `nats reply` ends with exit
# status 1 even after a clean drain, so that status is the expected one.
# Its log shows the request with the header it carried.
wait "$service" || [ $? -eq 1 ]
cat service.txt
