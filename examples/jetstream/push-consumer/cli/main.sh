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

# Until a subscriber's acknowledgements arrive, the consumer counts its
# messages as pending. This helper waits, for up to 30 seconds, until the
# consumer has seen acknowledgements up to the given stream sequence.
wait_for_ack_floor() {
  local sequence=$1
  for _ in $(seq 1 150); do
    nats consumer info EVENTS audit --json | tr -d ' \n' | grep -q "\"ack_floor\":{\"consumer_seq\":[0-9]*,\"stream_seq\":$sequence" && return 0
    sleep 0.2
  done
  echo "the audit consumer never acknowledged up to $sequence" >&2
  exit 1
}

# A stream of account events, with four already waiting.
nats stream add EVENTS --defaults --subjects "events.>" --storage file > stream.txt
head -n 1 stream.txt
for event in signup login password-change logout; do
  nats pub --jetstream --quiet "events.$event" "user ada: $event"
done

# `--target` turns the consumer into a push consumer: the server publishes
# its messages to the subject `deliver.audit`. `--deliver-group auditors`
# restricts that subject to subscribers of the queue group `auditors`.
# Explicit acknowledgement is kept, so every message has to be confirmed
# by whichever member received it.
nats consumer add EVENTS audit --defaults \
  --target deliver.audit \
  --deliver-group auditors \
  --deliver all \
  --ack explicit > /dev/null

# Nobody listens on `deliver.audit` yet, so nothing has been sent: the
# consumer's information lists the delivery settings and four pending
# messages, with no active interest.
nats consumer info EVENTS audit

# A subscriber joins the group on the delivery subject. Delivery starts at
# once: the backlog arrives in stream order, and `--ack` acknowledges each
# message using the reply subject JetStream attached to it. That subject
# encodes the stream, the consumer, the delivery count, both sequences, a
# timestamp and how many messages are still pending. The subscriber runs
# until the consumer has all four acknowledgements.
nats sub deliver.audit --queue auditors --ack > first.txt 2>&1 &
first=$!
wait_for_ack_floor 4
kill "$first"
wait "$first" || true
cat first.txt

# The server notices the departed subscriber a moment later. This helper
# waits, for up to 30 seconds, until the server lists the given number of
# queue subscriptions among those matching `deliver.audit` (the `/subsz`
# endpoint's `test` parameter does the matching).
wait_for_members() {
  local expected=$1 members
  for _ in $(seq 1 150); do
    members=$(curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=deliver.audit" | grep -c '"qgroup": "auditors"' || true)
    [ "$members" -eq "$expected" ] && return 0
    sleep 0.2
  done
  echo "the group never had $expected members" >&2
  exit 1
}
wait_for_members 0

# Now two members of the group listen at the same time, each writing what
# it receives to its own file. Once both are subscribed, six more events
# are published.
nats sub deliver.audit --queue auditors --ack > member-1.txt 2>&1 &
member1=$!
nats sub deliver.audit --queue auditors --ack > member-2.txt 2>&1 &
member2=$!
wait_for_members 2
for n in 1 2 3 4 5 6; do
  nats pub --jetstream --quiet events.login "user $n: login"
done
wait_for_ack_floor 10

# The consumer's state confirms it: ten messages delivered, none
# outstanding, nothing waiting, and a group with members listening.
nats consumer info EVENTS audit | sed -n '/^State:/,$p'
kill "$member1" "$member2"

# Which member got which message is the server's choice, but between them
# they received and acknowledged each of the six exactly once.
received=$(cat member-1.txt member-2.txt | grep -c '^\[#[0-9]*\] Received on' || true)
echo "messages received by the group: $received"
cat member-1.txt member-2.txt | grep -o 'user [0-9]: login' | sort

