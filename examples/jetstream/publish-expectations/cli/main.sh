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

# The stream remembers the message ids it has seen for the length of its
# duplicate window, here five minutes.
nats stream add PAYMENTS --defaults --subjects "payments.>" --storage file --dupe-window 5m > stream.txt
head -n 1 stream.txt

# A payment is published with a `Nats-Msg-Id` header that identifies it.
nats pub --jetstream payments.received "ada pays 30 EUR" -H "Nats-Msg-Id:payment-1001"

# The publisher never saw the acknowledgement (a timeout, a reconnect), so
# it sends the same payment again with the same id. The stream
# acknowledges it with the sequence of the first copy and stores nothing.
nats pub --jetstream payments.received "ada pays 30 EUR" -H "Nats-Msg-Id:payment-1001"

# A different payment has a different id and is stored.
nats pub --jetstream payments.received "grace pays 12 EUR" -H "Nats-Msg-Id:payment-1002"

# Two messages, not three.
nats stream state PAYMENTS

# Ids are only one kind of expectation. With
# `Nats-Expected-Last-Subject-Sequence` a publisher says which message it
# believes is the latest on the subject, and the stream refuses the
# message if that is no longer true: optimistic concurrency for writers
# that must not overwrite each other. The latest `payments.received` is
# number 2, so an update based on number 1 is rejected.
nats pub --jetstream payments.received "ada pays 35 EUR" -H "Nats-Expected-Last-Subject-Sequence:1" ||
  echo "the outdated update was refused (exit status $?)"
nats pub --jetstream payments.received "ada pays 35 EUR" -H "Nats-Expected-Last-Subject-Sequence:2"
nats stream state PAYMENTS | grep -E 'Messages|Last Sequence'
