#!/bin/bash

set -euo pipefail

# The `TEAM` account gets a share of the server, not all of it:
#
# - `jetstream` limits its storage to 1 MB on disk, none in memory, at
#   most three streams and four consumers per stream;
# - `limits` caps its connections, its subscriptions and the size of a
#   single message, 64 KB instead of the server's 1 MB.
cat > server.conf <<'CONF'
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

jetstream {
  store_dir: "./data"
  max_memory_store: 64MB
  max_file_store: 256MB
}

accounts {
  TEAM {
    users: [{user: team, password: team}]
    jetstream: {max_file: 1MB, max_memory: 0, max_streams: 3, max_consumers: 4}
    limits: {max_connections: 10, max_subscriptions: 100, max_payload: 64KB}
  }
}
CONF
nats-server -c server.conf > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"
export NATS_USER=team NATS_PASSWORD=team

# Wait for JetStream to report healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# A user of the account sees its limits.
nats account info | sed -n '/^Account Limits:/,$p'

# A stream that sets `--max-bytes` reserves that much of the account's
# storage when it is created. The first takes 600 KB of the 1 MB.
nats stream add EVENTS --defaults --subjects "events.>" --max-bytes 600KB > events.txt
head -n 1 events.txt

# Another 600 KB would not fit in what is left, so the stream is refused
# at once, long before any message could fill the disk.
nats stream add AUDIT --defaults --subjects "audit.>" --max-bytes 600KB ||
  echo "AUDIT was refused (exit status $?)"

# Smaller streams fit, up to the limit of three streams.
nats stream add AUDIT --defaults --subjects "audit.>" --max-bytes 300KB > audit.txt
head -n 1 audit.txt
nats stream add METRICS --defaults --subjects "metrics.>" --max-bytes 50KB > metrics.txt
head -n 1 metrics.txt
nats stream add LOGS --defaults --subjects "logs.>" --max-bytes 50KB ||
  echo "LOGS was refused (exit status $?)"

# The account's usage now shows the reservations: 950 KiB of the 1 MiB
# reserved, by three streams out of three. (The tools count a KB as 1024
# bytes.) Nothing is stored yet, so the usage itself is still 0 B.
nats account info | grep -E '^ +(Storage|Streams):'

# The payload limit applies to every message of the account, stored or
# not: 100 KB is too large.
head -c 100000 /dev/zero | tr '\0' 'x' > large.txt
nats pub events.upload --force-stdin < large.txt || echo "the message was refused (exit status $?)"
