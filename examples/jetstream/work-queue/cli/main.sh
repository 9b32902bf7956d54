#!/bin/bash

set -euo pipefail

# One JetStream server, with its data in `./data`.
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

# Besides polling HTTP, the `nats` tool can wait for a server itself:
# `nats server check jetstream` fails until JetStream answers. Retry it for
# up to 30 seconds, quietly.
for attempt in $(seq 1 150); do
  nats server check jetstream > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# The server applies acknowledgements asynchronously, a moment after the
# client sends them. Before looking at the stream, this helper waits until
# it holds the expected number of messages, for up to 30 seconds.
wait_for_messages() {
  local expected=$1
  for _ in $(seq 1 150); do
    nats stream info JOBS --json | grep -q "\"messages\": $expected," && return 0
    sleep 0.2
  done
  echo "the JOBS stream never held $expected messages" >&2
  exit 1
}

# `--retention work` turns the stream into a work queue. Everything else
# is left at its defaults.
nats stream add JOBS --defaults --subjects "jobs.>" --retention work --storage file > stream.txt
head -n 1 stream.txt

# Two pull consumers, each owning one kind of job. Their filters,
# `jobs.email` and `jobs.image`, do not overlap; a second consumer on
# `jobs.email` would be refused.
nats consumer add JOBS mailer --defaults --pull --filter jobs.email --ack explicit > mailer.txt
head -n 1 mailer.txt
nats consumer add JOBS thumbnailer --defaults --pull --filter jobs.image --ack explicit > thumbnailer.txt
head -n 1 thumbnailer.txt

# Queue up five jobs: two emails and three images. `--quiet` keeps the
# publisher silent.
nats pub --jetstream --quiet jobs.email "welcome mail for ada"
nats pub --jetstream --quiet jobs.email "invoice for grace"
nats pub --jetstream --quiet jobs.image "thumbnail of photo-1.jpg"
nats pub --jetstream --quiet jobs.image "thumbnail of photo-2.jpg"
nats pub --jetstream --quiet jobs.image "thumbnail of photo-3.jpg"

# All five are waiting in the stream.
nats stream state JOBS

# The mailer takes both email jobs and acknowledges them.
nats consumer next JOBS mailer --count 2

# Acknowledged jobs are removed: three messages remain, all images, and
# the first sequence has moved past the finished emails.
wait_for_messages 3
nats stream subjects JOBS
nats stream state JOBS

# The thumbnailer works through the images.
nats consumer next JOBS thumbnailer --count 3

# Every job has been done, so the stream is empty again. Its sequence
# numbers keep counting: the next job will be stored as number 6.
wait_for_messages 0
nats stream state JOBS
