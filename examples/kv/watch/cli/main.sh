#!/bin/bash

set -euo pipefail

# One JetStream server, with its store in `./data`.
nats-server -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for the JetStream health check to pass, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Two buckets: `flags` remembers the last three values of each key,
# `sessions` only the latest. The confirmations are not needed here.
nats kv add flags --history 3 --description "Feature switches" > /dev/null
nats kv add sessions --ttl 1h > /dev/null

# Two flags exist before anyone watches.
nats kv put flags dark-mode on > /dev/null
nats kv put flags beta-search off > /dev/null

# Start a watcher in the background, writing to a file. It first prints
# the current value of each key, then every change.
nats kv watch flags > watch.txt 2>&1 &
watcher=$!

# Wait (up to 30 seconds) until the watcher has printed both existing
# keys, so it certainly sees the changes made next.
for attempt in $(seq 1 150); do
  [ "$(grep -c ' flags > ' watch.txt || true)" -ge 2 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the watcher did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Three changes: beta search is switched on, dark mode is removed, and a
# new flag appears.
nats kv put flags beta-search on > /dev/null
nats kv del flags dark-mode --force
nats kv put flags new-checkout on > /dev/null

# Wait for the watcher to print all five events, then stop it.
for attempt in $(seq 1 150); do
  [ "$(grep -c ' flags > ' watch.txt || true)" -ge 5 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the watcher missed changes" >&2
    exit 1
  fi
  sleep 0.2
done
kill "$watcher"
wait "$watcher" || true

# What the watcher saw. Each line names the operation (`PUT` or `DEL`),
# the bucket, the key, the revision and the value.
cat watch.txt

# A key's history keeps up to three values, including the delete marker.
nats kv history flags dark-mode

# `kv ls --verbose` lists every bucket with its description, size and
# settings in one table.
nats kv ls --verbose
