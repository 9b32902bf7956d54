#!/bin/bash

set -euo pipefail

# A plain server. The monitoring port lets the script check on it, and on
# the subscriptions of its clients.
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

# The script waits until the server's `/connz` endpoint reports exactly
# the expected number of subscriptions across all connections: to know
# that subscribers are in place, and later that one has gone.
wait_for_subscriptions() {
  local expected=$1 total
  for _ in $(seq 1 150); do
    total=$(curl -fsS http://127.0.0.1:8222/connz | awk '$1 == "\"subscriptions\":" {n += $2} END {print n + 0}') || true
    [ "${total:-0}" -eq "$expected" ] && return 0
    sleep 0.2
  done
  echo "expected $expected subscriptions, the server did not report them" >&2
  exit 1
}

# Two instances of the same service, in one queue group: the server gives
# each request to one member of the group. Each answers with its own name
# and logs to its own file.
nats reply jobs "done by blue" --queue workers > blue.txt 2>&1 &
blue=$!
nats reply jobs "done by green" --queue workers > green.txt 2>&1 &
green=$!
wait_for_subscriptions 2

# Time to take `blue` down, say for an upgrade. On an interrupt (what
# Ctrl-C sends) `nats reply` drains its connection instead of just
# closing it: it unsubscribes, so the server stops giving it requests,
# finishes the ones it already has, and exits. Its exit status is 1
# after a drain, so that status is the expected one.
kill -INT "$blue"
wait "$blue" || [ $? -eq 1 ]

# Once the server no longer lists the subscription of `blue`, the group
# has one member left.
wait_for_subscriptions 1

# Every request now goes to `green`; none is sent to the instance that is
# shutting down, so none goes unanswered.
for job in 1 2 3; do
  nats request jobs "job $job" --raw
done

# The log of `blue` ends with the drain.
cat blue.txt
