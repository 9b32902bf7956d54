#!/bin/bash

set -euo pipefail

# The object store lives in JetStream, so the server needs a storage
# directory. A fixed server name makes the reports name the server the
# same way on every run.
cat > server.conf <<'CONF'
server_name: objects-demo
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

# Generate two files with fixed contents: a short note and a list of the
# numbers from 1 to 100,000, a little under 600 KiB.
echo "Quarterly numbers attached." > README.txt
seq 1 100000 > numbers.txt

# Create a bucket. Like a key-value bucket it is backed by a stream, here
# named `OBJ_reports`.
nats object add reports --description "Generated reports"

# Upload both files. `--no-progress` turns off the progress bar, which only
# makes sense on a terminal; the command then prints the stored object's
# details.
nats object put reports README.txt --no-progress
nats object put reports numbers.txt --no-progress

# The object's information: its size, how many chunks it was cut into
# (128 KiB each by default) and its digest.
nats object info reports numbers.txt

# The bucket's contents, one row per object.
nats object ls reports

# Download the large file under another name and compare it byte for byte
# with the original. The command's own message names the absolute path of
# the copy, which differs on every run, so it is not shown.
nats object get reports numbers.txt --output numbers-copy.txt --no-progress > /dev/null
cmp numbers.txt numbers-copy.txt
echo "The downloaded copy is identical."

# Without an object name, `info` describes the bucket itself.
nats object info reports
