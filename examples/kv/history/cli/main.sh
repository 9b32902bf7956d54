#!/bin/bash

set -euo pipefail

# Key-value buckets need JetStream, so the server gets a storage directory
# of its own inside the working directory.
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

# Wait until JetStream reports healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# The `releases` bucket keeps the last five revisions of each key
# (`--history 5`; the most a bucket can keep is 64). The status `kv add`
# prints is left out: the end of the script shows the parts that matter.
nats kv add releases --history 5 > /dev/null
echo "Created bucket releases, keeping 5 revisions per key"

# One version of the API, then six versions of the web front end, one
# after the other. Every put is a new revision of the key.
nats kv put releases api.version 3.4 > /dev/null
for version in 1.0 1.1 1.2 2.0 2.1 2.2; do
  nats kv put releases web.version "$version" > /dev/null
done
echo "Put api.version once and web.version six times"

# Six revisions went in, five are kept: the first one, 1.0, made room.
nats kv history releases web.version

# Deleting the key adds a delete marker as its newest revision. The
# marker counts against the history limit like any other revision, so
# 1.1 goes too, but the older values stay readable.
nats kv del releases web.version --force
nats kv history releases web.version

# Purging the key removes every revision it has and leaves a single purge
# marker: the history is gone, which a delete alone never does.
nats kv purge releases web.version --force
nats kv history releases web.version

# The purge touched only its key: api.version keeps its history.
nats kv history releases api.version

# The bucket now holds two messages: the value of api.version and the
# purge marker of web.version.
nats kv status releases | grep -E "Bucket Name|History Kept|Values Stored"
