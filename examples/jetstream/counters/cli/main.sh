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

# Two regions count page visits, each in a stream of its own.
# `--allow-counter` makes every subject of the stream a counter: a message
# carries an increment in its `Nats-Incr` header, and the server stores
# it together with the new total.
nats stream add VISITS_EU --defaults --subjects "eu.visits.>" --storage file --allow-counter > eu.txt
head -n 1 eu.txt
nats stream add VISITS_US --defaults --subjects "us.visits.>" --storage file --allow-counter > us.txt
head -n 1 us.txt

# `nats counter increment` sends an increment and prints the total the
# server answered with. Increments may be negative, and
# `nats counter decrement` subtracts.
nats counter increment eu.visits.home 3
nats counter increment eu.visits.pricing 1
nats counter increment us.visits.home 4
nats counter increment eu.visits.home 1
nats counter decrement us.visits.home 1

# The current value is the total stored with the latest message. `view`
# also shows the increment that produced it.
nats counter get eu.visits.home
nats counter view eu.visits.home

# A counter subject only takes increments: a plain message is refused.
nats pub --jetstream eu.visits.home "one more" || echo "the plain message was refused (exit status $?)"

# A stream with sources sums counters from other streams. This global
# stream sources both regions and maps `eu.visits.>` and `us.visits.>` to
# `visits.>`, so that both regions' `home` counters land on
# `visits.home`. It is described in JSON for the transforms.
cat > visits.json <<'JSON'
{
  "name": "VISITS",
  "storage": "file",
  "allow_msg_counter": true,
  "allow_direct": true,
  "sources": [
    {"name": "VISITS_EU", "subject_transforms": [{"src": "eu.visits.>", "dest": "visits.>"}]},
    {"name": "VISITS_US", "subject_transforms": [{"src": "us.visits.>", "dest": "visits.>"}]}
  ]
}
JSON
nats stream add --config visits.json > visits.txt
head -n 1 visits.txt

# Sources copy in the background. Wait, for up to 30 seconds, until the
# global `home` counter reaches the sum of both regions: 4 + 3 = 7.
for attempt in $(seq 1 150); do
  [ "$(nats counter get visits.home --stream VISITS 2> /dev/null || true)" = 7 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the global counter did not catch up" >&2
    exit 1
  fi
  sleep 0.2
done
nats counter get visits.home --stream VISITS

# Its metadata records how much each source contributed. The sources come
# in no fixed order, so they are sorted here.
nats counter view visits.home --stream VISITS | grep '^  VISITS_' | sort

# The global stream holds both counters.
nats counter list --stream VISITS | sort
