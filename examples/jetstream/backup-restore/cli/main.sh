#!/bin/bash

set -euo pipefail

# A single JetStream server. Backups are written by the client, so they
# go to `./backup`, apart from the server's own `./data`.
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

# An audit log that keeps every event for now.
nats stream add AUDIT --defaults --subjects "audit.>" > add.txt
head -n 1 add.txt

# Twelve events, four for each of three users.
for n in $(seq 1 4); do
  for user in ann bob cy; do
    nats pub --jetstream "audit.$user" "login $n" > /dev/null
  done
done

# Later we decide two events per user are enough. `--max-msgs-per-subject`
# can be changed on a live stream; `--force` skips the confirmation
# prompt. The command prints the stream's new configuration.
nats stream edit AUDIT --max-msgs-per-subject 2 --force

# The stream dropped the oldest events right away: each subject now
# holds two messages.
nats stream subjects AUDIT

# Save the stream, configuration and data, to a directory.
nats backup stream AUDIT ./backup --no-progress

# Delete the stream, then bring it back from the backup.
nats stream rm AUDIT --force
nats backup restore stream ./backup --no-progress

# The restored stream has the same six events and the edited limit.
nats stream info AUDIT
