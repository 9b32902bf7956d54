#!/bin/bash

set -euo pipefail

# A single JetStream server named `ttl-demo`, keeping its data in `./data`.
nats-server -n ttl-demo -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
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

# Expiry happens on the server's clock. Rather than sleeping for a fixed
# time, this helper asks for the key again and again, for up to 30
# seconds, until the bucket no longer has a value for it.
wait_until_expired() {
  local key=$1
  for _ in $(seq 1 150); do
    nats kv get sessions "$key" > /dev/null 2>&1 || return 0
    sleep 0.2
  done
  echo "the key $key never expired" >&2
  exit 1
}

# `--ttl 4s` gives every value in the bucket a maximum age of four
# seconds. `--marker-ttl 1s` turns on per-key TTLs and limit markers: a
# value that expires is replaced by a marker, which stays for one second.
nats kv add sessions --ttl 4s --marker-ttl 1s

# A watcher reports every change to the bucket, expiries included. It
# reads the bucket through a consumer, so once the stream behind the
# bucket counts one consumer, the watcher is listening.
nats kv watch sessions > watch.txt 2>&1 &
for attempt in $(seq 1 150); do
  nats stream info KV_sessions --json | grep -q '"consumer_count": 1' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the watcher did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Ada's session lives as long as the bucket allows. Grace's is created
# with a TTL of its own, one second, shorter than the bucket's. A per-key
# TTL is given when the key is created, which is why this uses
# `kv create` rather than `kv put`.
nats kv put sessions ada "session token 41"
nats kv create sessions grace "session token 42" --ttl 1s

# Right now both keys have a value.
nats kv ls sessions | sort

# Grace's value goes first. Ada's is still there.
wait_until_expired grace
echo "grace has expired"
nats kv ls sessions

# Then Ada's value reaches the bucket's maximum age and goes too.
wait_until_expired ada
echo "ada has expired"
nats kv ls sessions

# The watcher saw each key appear and then be removed: an expiry arrives
# as a `PURGE`, the limit marker the server wrote in the value's place.
# Wait until both markers have reached it, then show what it saw.
for attempt in $(seq 1 150); do
  [ "$(grep -c PURGE watch.txt || true)" -eq 2 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the watcher did not see both expiries" >&2
    exit 1
  fi
  sleep 0.2
done
cat watch.txt

# The markers expire after their own second. Then the stream behind the
# bucket is empty, though its last sequence, 4, counts the two values and
# the two markers it once held.
for attempt in $(seq 1 150); do
  nats stream info KV_sessions --json | grep -q '"messages": 0,' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the limit markers did not expire" >&2
    exit 1
  fi
  sleep 0.2
done
nats stream state KV_sessions
