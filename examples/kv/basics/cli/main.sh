#!/bin/bash

set -euo pipefail

# Key-value buckets need JetStream, so the server gets a storage directory
# of its own inside the working directory.
cat > server.conf <<'CONF'
server_name: kv-demo
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

# Wait until JetStream reports healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Create the `profiles` bucket. `--history 5` keeps the last five values
# of each key instead of only the latest one. The command prints the new
# bucket's status.
nats kv add profiles --history 5 --description "User profile settings"

# `put` stores a value and prints it back. Writing a key that already
# exists adds a new revision.
nats kv put profiles ada.theme light
nats kv put profiles ada.language en
nats kv put profiles grace.theme dark
nats kv put profiles ada.theme dark

# `get` shows the latest value of a key together with its revision, which
# is the sequence number of the message that holds it in the stream.
nats kv get profiles ada.theme

# `--raw` prints only the value, which is handy in scripts. It adds no
# line break of its own, so `echo` ends the line.
nats kv get profiles ada.language --raw
echo

# Deleting a key does not erase its past: the delete is recorded as one
# more revision.
nats kv del profiles grace.theme --force

# The history of a key lists every revision still kept, oldest first.
nats kv history profiles ada.theme
nats kv history profiles grace.theme

# Listing the bucket shows the keys that currently hold a value; the
# deleted one is gone.
nats kv ls profiles

# The status of the bucket: its history setting, how many values it holds
# (every kept revision counts, the delete marker too) and the stream behind
# it, `KV_profiles`.
nats kv status profiles

# Without a bucket name, `ls` lists the buckets themselves.
nats kv ls
