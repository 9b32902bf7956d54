#!/bin/bash

set -euo pipefail

# A single JetStream server with its own data directory.
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

# Two streams: `SENSORS` records readings on file, `ALERTS` keeps a short
# in-memory history of alerts. Only the first line of each confirmation
# is shown.
nats stream add SENSORS --defaults --subjects "sensors.>" > sensors.txt
head -n 1 sensors.txt
nats stream add ALERTS --defaults --subjects "alerts.>" --storage memory --max-msgs 100 > alerts.txt
head -n 1 alerts.txt

# Ten readings from two rooms, and two alerts.
for n in $(seq 1 5); do
  nats pub --jetstream sensors.kitchen "{\"celsius\": 2$n}" > /dev/null
  nats pub --jetstream sensors.cellar "{\"celsius\": 1$n}" > /dev/null
done
nats pub --jetstream alerts.kitchen "too warm" > /dev/null
nats pub --jetstream alerts.cellar "door open" > /dev/null

# Three durable consumers read `SENSORS` in different ways: `dashboard`
# sees every reading, `kitchen` only the kitchen's, and `archiver` starts
# with the newest reading only.
nats consumer add SENSORS dashboard --defaults --pull --deliver all --ack explicit > /dev/null
nats consumer add SENSORS kitchen --defaults --pull --deliver all --ack explicit \
  --filter sensors.kitchen > /dev/null
nats consumer add SENSORS archiver --defaults --pull --deliver last --ack explicit > /dev/null

# The dashboard processes four readings and the kitchen consumer two; the
# readings are printed without the headers `consumer next` adds.
nats consumer next SENSORS dashboard --count 4 --raw
nats consumer next SENSORS kitchen --count 2 --raw

# Acknowledgements are recorded asynchronously: wait (up to 30 seconds)
# until both consumers show them, so the reports below are settled.
settled() {
  nats consumer info SENSORS "$1" --json | grep -q "\"num_ack_pending\": 0,"
}
for attempt in $(seq 1 150); do
  settled dashboard && settled kitchen && break
  if [ "$attempt" -eq 150 ]; then
    echo "the acknowledgements were not recorded" >&2
    exit 1
  fi
  sleep 0.2
done

# The stream report: one row per stream, with consumer counts, message
# counts and sizes.
nats stream report

# The consumer report for `SENSORS`: how many messages each consumer has
# waiting (`Unprocessed`) and how many it has delivered but not yet seen
# acknowledged.
nats consumer report SENSORS

# The newest reading can be looked at without a consumer, straight from
# the stream.
nats stream get SENSORS --last-for sensors.cellar

# For scripts, the same facts as JSON. The `delivered` and `ack_floor`
# sections count what the kitchen consumer has handed out and what was
# acknowledged.
nats consumer info SENSORS kitchen --json
