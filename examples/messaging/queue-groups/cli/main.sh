#!/bin/bash

set -euo pipefail

# Start a server and wait until it reports itself healthy, for up to 30
# seconds.
nats-server --addr 127.0.0.1 --port 4222 --http_port 8222 > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Two workers subscribe to `jobs.resize` in the queue group `resizers`.
# Which worker gets which message is up to the server, so neither can know
# in advance how many it will receive: they run until told to stop, each
# logging to its own file.
nats sub jobs.resize --queue resizers > worker-1.txt 2>&1 &
worker_1=$!
nats sub jobs.resize --queue resizers > worker-2.txt 2>&1 &
worker_2=$!

# The auditor subscribes to the same subject without a queue group, so it
# receives its own copy of every message and can stop after ten.
nats sub jobs.resize --count 10 > auditor.txt 2>&1 &
auditor=$!

# Wait until the server reports all three subscriptions. Its `/connz`
# monitoring endpoint lists every client connection with the number of
# subscriptions it holds; `awk` adds them up.
for attempt in $(seq 1 150); do
  subscriptions=$(curl -fsS http://127.0.0.1:8222/connz | awk '$1 == "\"subscriptions\":" {n += $2} END {print n + 0}') || true
  [ "${subscriptions:-0}" -ge 3 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the subscribers did not register" >&2
    exit 1
  fi
  sleep 0.2
done

# Publish ten jobs in one go. `{{ Count }}` in the body is replaced by the
# number of each message.
nats pub jobs.resize "image {{ Count }}" --count 10

# The auditor stops by itself after ten messages. The workers are stopped
# once their logs hold ten messages between them.
wait "$auditor"
for attempt in $(seq 1 150); do
  handled=$(cat worker-1.txt worker-2.txt | grep -c '^image ' || true)
  [ "$handled" -ge 10 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the workers handled only $handled jobs" >&2
    exit 1
  fi
  sleep 0.2
done
kill "$worker_1" "$worker_2"
wait "$worker_1" "$worker_2" 2> /dev/null || true

# Put together, the two workers' logs contain every job exactly once: the
# queue group never handed the same message to both of them. How the ten
# jobs were split between them changes from run to run.
echo "Jobs handled by the resizers queue group:"
cat worker-1.txt worker-2.txt | grep '^image ' | sort -n -k 2

# The auditor, outside the group, received all ten as well.
echo "Jobs seen by the auditor:"
grep -c '^image ' auditor.txt
