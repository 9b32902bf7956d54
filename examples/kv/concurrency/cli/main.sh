#!/bin/bash

set -euo pipefail

# A single JetStream server named `kv-demo`, keeping its data in `./data`.
nats-server -n kv-demo -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
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

# A bucket of stock levels that keeps five revisions per key.
nats kv add inventory --history 5 > bucket.txt

# `kv create` writes a key only if it does not exist yet. The first
# create succeeds; a second one, from someone who thought they were
# first, is refused.
nats kv create inventory widgets 10
nats kv create inventory widgets 12 || echo "widgets already exists (exit status $?)"

# Two clerks read the stock level. Both see 10, at revision 1.
nats kv get inventory widgets

# The first clerk sells one widget and writes 9, on the condition that the
# key is still at revision 1. It is, so the update succeeds and the key
# moves to revision 2.
nats kv update inventory widgets 9 1

# The second clerk sold two widgets and, working from the same read,
# writes 8 on the same condition. The key has moved on, so the update is
# refused instead of silently losing the first clerk's sale.
nats kv update inventory widgets 8 1 || echo "the update based on revision 1 was refused (exit status $?)"

# The second clerk reads again, finds 9 at revision 2, and retries.
nats kv get inventory widgets --raw
echo
nats kv update inventory widgets 7 2

# After a delete, `kv create` works again: the key's latest operation is a
# delete, so it counts as absent.
nats kv del inventory widgets --force
nats kv create inventory widgets 50

# The history shows every successful write, and none of the refused ones.
nats kv history inventory widgets
