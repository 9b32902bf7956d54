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

# Wait, for up to 30 seconds, until a stream holds the expected number of
# messages.
wait_for_messages() {
  local stream=$1 expected=$2
  for _ in $(seq 1 150); do
    nats stream info "$stream" --json | grep -q "\"messages\": $expected," && return 0
    sleep 0.2
  done
  echo "the $stream stream never held $expected messages" >&2
  exit 1
}

# A stream of image tasks, and a pull consumer that gives each task at
# most three deliveries (`--max-deliver 3`).
nats stream add TASKS --defaults --subjects "tasks.>" --storage file > tasks.txt
head -n 1 tasks.txt
nats consumer add TASKS worker --defaults --pull --ack explicit --max-deliver 3 > worker.txt
head -n 1 worker.txt

# When a message runs out of deliveries, the server publishes an advisory
# on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
# A stream listening on those subjects keeps every advisory: a dead letter
# queue that records which messages were given up on.
nats stream add DEAD_LETTERS --defaults --storage file \
  --subjects '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.*' > dead-letters.txt
head -n 1 dead-letters.txt

# One task cannot succeed: the image is broken.
nats pub --jetstream --quiet tasks.resize "corrupt.jpg"

# The worker fails on it three times and says so each time with a negative
# acknowledgement (`--nak`), which asks for redelivery straight away
# instead of after the acknowledgement timeout. `tries` counts the
# deliveries.
for _ in 1 2 3; do
  nats consumer next TASKS worker --nak
done

# The worker asks for its next task, in the background. The server would
# deliver the broken image a fourth time, but it has had its three
# deliveries: the server skips it and publishes the advisory instead,
# which lands in the dead letter queue.
nats consumer next TASKS worker > next.txt 2>&1 &
next=$!
wait_for_messages DEAD_LETTERS 1

# The worker's request is still open, and the next task to arrive goes to
# it. It succeeds, and is acknowledged.
nats pub --jetstream --quiet tasks.resize "photo-2.jpg"
wait "$next"
cat next.txt

# The advisory names the stream, the consumer, the message's stream
# sequence and how many deliveries it had.
nats stream get DEAD_LETTERS 1

# The broken task is still in `TASKS` (a limits stream keeps it), so
# someone can look at it, fix it or publish it again. Its stream sequence
# from the advisory finds it.
nats stream get TASKS 1
