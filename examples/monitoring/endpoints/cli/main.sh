#!/bin/bash

set -euo pipefail

# `http: 127.0.0.1:8222` opens the monitoring port. The JetStream limits
# are set so that nothing in the reports depends on the machine's size.
cat > server.conf <<'CONF'
server_name: monitor-demo
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

jetstream {
  store_dir: "./data"
  max_memory_store: 64MB
  max_file_store: 256MB
}
CONF
nats-server -c server.conf > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# `/healthz` answers with status 200 and `{"status":"ok"}` once the server
# is ready, and with an error status before. `curl -f` turns an error
# status into a failure, so this loop waits, for up to 30 seconds, for the
# first healthy answer.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS http://127.0.0.1:8222/healthz
echo

# Some traffic to look at: a stream with three orders, and three
# subscribers, each with a connection name. `billing` joins the queue
# group `workers`.
nats stream add ORDERS --defaults --subjects "orders.>" --storage file > stream.txt
for n in 1 2 3; do
  nats pub --jetstream --quiet orders.created "order $n"
done
#
# `/connz` lists the open client connections. Each subscriber is started
# only once the one before it is counted there, so the connections are
# numbered in a known order. The wait gives up after 30 seconds.
subscribe() {
  local expected=$1
  shift
  nats sub "$@" > "$expected.txt" 2>&1 &
  for _ in $(seq 1 150); do
    curl -fsS http://127.0.0.1:8222/connz | grep -q "\"num_connections\": $expected," && return 0
    sleep 0.2
  done
  echo "subscriber $expected did not connect" >&2
  exit 1
}
subscribe 1 --connection-name audit "orders.>"
subscribe 2 --connection-name billing --queue workers orders.created
subscribe 3 --connection-name shipping orders.shipped

# `/varz` describes the server: its name and version, its limits, and
# counters such as the open connections and every connection made since
# it started (the `nats` commands above made four).
curl -fsS http://127.0.0.1:8222/varz |
  grep -E '^  "(server_name|version|max_payload|max_connections|connections|total_connections)":'

# `/connz?subs=1` adds each connection's subscriptions, and `sort=cid`
# lists the connections in the order they were made. With `grep`, keep
# the connection names and the subscribed subjects. JSON writes `>` as
# `\u003e`.
curl -fsS "http://127.0.0.1:8222/connz?subs=1&sort=cid" |
  grep -E '^      "name":|^        "'

# `/subsz` is the server's subscription table. With `test=` it answers
# which subscriptions would receive a message on that subject. There are
# three: the wildcard of `audit`, the queue subscription of `billing`, and
# one that no client made: the `ORDERS` stream listens on `orders.>` too,
# which is how it captures messages. `shipping` is not among them. The
# table's order is internal, so the lines are counted rather than listed.
curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=orders.created" > subsz.json
grep -E '^  "total"' subsz.json
grep -E '^      "(subject|qgroup)":' subsz.json | sort | uniq -c

# `/jsz` summarises JetStream: streams, consumers, messages and bytes in
# store. `streams=true` adds a line per stream, under its account.
curl -fsS "http://127.0.0.1:8222/jsz?streams=true" |
  grep -E '^  "(streams|consumers|messages|bytes)":|^          "name":|^            "messages":'

# The health endpoint takes options too: `js-enabled-only=true` checks
# only that JetStream is enabled, and `js-server-only=true` that this
# server's JetStream is healthy, without checking every stream.
curl -fsS "http://127.0.0.1:8222/healthz?js-server-only=true"
echo
