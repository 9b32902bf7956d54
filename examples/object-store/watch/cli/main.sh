#!/bin/bash

set -euo pipefail

# A single JetStream server named `assets-demo`, keeping its data in
# `./data`.
nats-server -n assets-demo -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
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

# An object store bucket is a stream named after it, `OBJ_assets`.
nats object add assets --description "Website assets" > bucket.txt

# The watcher reads the bucket's metadata records through a consumer of
# that stream, so once the stream counts one consumer, it is listening.
nats object watch assets > watch.txt 2>&1 &
for attempt in $(seq 1 150); do
  nats stream info OBJ_assets --json | grep -q '"consumer_count": 1' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the watcher did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Store a logo with a description and a header. Both belong to this
# version of the object, and so does its digest.
printf '<svg><circle r="4"/></svg>\n' > logo.svg
nats object put assets logo.svg --no-progress \
  --description "Company logo" \
  --header "Content-Type:image/svg+xml"

# Storing under the same name replaces the object with a complete new
# version: new content, a new digest, and only the metadata given this
# time, so the description and the header are gone. `--force` confirms
# the overwrite.
printf '<svg><rect width="8" height="8"/></svg>\n' > logo.svg
nats object put assets logo.svg --no-progress --force

# A larger file is cut into chunks; `--chunk-size` makes them small here
# so that a short file needs several.
seq 1 1000 > report.csv
nats object put assets report.csv --no-progress --chunk-size 1024

# Deleting an object removes its chunks and leaves a record that marks it
# deleted.
nats object del assets report.csv --force

# Sealing makes the bucket read-only for good.
nats object seal assets --force > seal.txt
head -n 1 seal.txt

# The watcher saw three stores and a deletion. Wait until all four have
# reached it, then show them.
for attempt in $(seq 1 150); do
  [ "$(wc -l < watch.txt)" -ge 4 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the watcher did not see every change" >&2
    exit 1
  fi
  sleep 0.2
done
cat watch.txt

# Only the second version of the logo is left, and the bucket reports
# itself sealed.
nats object ls assets
nats object info assets
