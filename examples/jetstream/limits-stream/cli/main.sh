#!/bin/bash

set -euo pipefail

# The server runs JetStream and keeps its data in `./data`, inside the
# example's working directory. The memory and file limits keep the
# reported figures identical from one machine to the next.
cat > server.conf <<'CONF'
listen: 127.0.0.1:4222
http: 127.0.0.1:8222
jetstream {
  store_dir: "./data"
  max_memory_store: 64MB
  max_file_store: 256MB
}
CONF
nats-server -c server.conf > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# `/healthz?js-enabled-only=true` answers 200 once JetStream is up. Poll it
# for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# The `SENSORS` stream captures every subject under `sensors.`. With
# `--max-msgs-per-subject 3` it keeps at most three messages for each
# subject, so each sensor's latest readings survive however chatty the
# other sensors are. The remaining limits are spelled out, and
# `--defaults` accepts the rest without asking.
nats stream add SENSORS \
  --defaults \
  --description "Latest readings of every sensor" \
  --subjects "sensors.>" \
  --storage file \
  --retention limits \
  --discard old \
  --max-msgs-per-subject 3 \
  --max-msgs=-1 \
  --max-bytes=-1 \
  --max-age=-1 \
  --dupe-window 2m

# Publish five temperature readings from the kitchen and two from the
# cellar. With `--jetstream` the publisher waits for the stream to
# acknowledge each message and prints where it was stored.
for reading in 19.5 19.8 20.1 20.4 20.6; do
  nats pub --jetstream sensors.kitchen "$reading"
done
for reading in 12.0 12.1; do
  nats pub --jetstream sensors.cellar "$reading"
done

# Seven messages went in but the stream holds five: the two oldest kitchen
# readings were dropped to respect the per-subject limit, which is also
# why the first sequence is 3 rather than 1.
nats stream info SENSORS

# Counting per subject shows the limit at work: three kitchen readings,
# two from the cellar.
nats stream subjects SENSORS

# The most recent message on a subject can be fetched directly, without
# creating a consumer.
nats stream get SENSORS --last-for sensors.kitchen

# A stream list gives a one-line summary of every stream in the account.
nats stream ls
