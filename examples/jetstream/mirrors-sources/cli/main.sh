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

# Mirrors and sources copy messages in the background, so a stream that
# copies from others catches up a moment after the publish. This helper
# waits, for up to 30 seconds, until a stream holds the expected number of
# messages.
wait_for_messages() {
  local stream=$1 expected=$2
  for _ in $(seq 1 150); do
    nats stream info "$stream" --json | grep -q "\"messages\": $expected," && return 0
    sleep 0.2
  done
  echo "the $stream stream never held $expected messages" >&2
  exit 1
}

# Each region writes its orders into a stream of its own, on subjects that
# start with the region's name.
nats stream add ORDERS_EU --defaults --subjects "eu.orders.>" --storage file > eu.txt
head -n 1 eu.txt
nats stream add ORDERS_US --defaults --subjects "us.orders.>" --storage file > us.txt
head -n 1 us.txt

# A mirror takes no subjects of its own; `--mirror` names the one stream
# it follows. Clients cannot publish into it, only read from it.
nats stream add ORDERS_EU_BACKUP --defaults --mirror ORDERS_EU > backup.txt
head -n 1 backup.txt

# The global stream is described in JSON, because each of its sources
# carries a subject transform: `eu.orders.>` becomes `orders.eu.>` and
# `us.orders.>` becomes `orders.us.>`, so in the merged stream the region
# moves to the second token of the subject.
cat > orders-all.json <<'JSON'
{
  "name": "ORDERS_ALL",
  "storage": "file",
  "sources": [
    {
      "name": "ORDERS_EU",
      "subject_transforms": [{"src": "eu.orders.>", "dest": "orders.eu.>"}]
    },
    {
      "name": "ORDERS_US",
      "subject_transforms": [{"src": "us.orders.>", "dest": "orders.us.>"}]
    }
  ]
}
JSON
nats stream add --config orders-all.json > all.txt
head -n 1 all.txt

# Orders arrive in both regions.
nats pub --jetstream --quiet eu.orders.new "order eu-1: 2 books"
nats pub --jetstream --quiet us.orders.new "order us-1: 1 lamp"
nats pub --jetstream --quiet eu.orders.new "order eu-2: 1 chair"
nats pub --jetstream --quiet eu.orders.cancelled "order eu-1 cancelled"
nats pub --jetstream --quiet us.orders.new "order us-2: 3 mugs"

wait_for_messages ORDERS_EU_BACKUP 3
wait_for_messages ORDERS_ALL 5

# The mirror's information names the stream it follows and how far behind
# it is. Its state matches `ORDERS_EU`: three messages, sequences 1 to 3.
nats stream info ORDERS_EU_BACKUP | sed -n '/^Replication:/,$p'

# The third message of the mirror is the third message of `ORDERS_EU`,
# with its original subject.
nats stream get ORDERS_EU_BACKUP 3

# The global stream holds all five orders, numbered 1 to 5 in the order
# they reached it.
nats stream state ORDERS_ALL | sed -n '/^State:/,$p'

# Its subjects are the transformed ones: the region is now the second
# token, so `orders.*.new` matches new orders from everywhere.
nats stream subjects ORDERS_ALL

# A consumer of the global stream sees every region's new orders through
# one filter. The order between regions depends on when each source
# delivered, so this listing is sorted.
nats consumer add ORDERS_ALL reader --defaults --pull --filter "orders.*.new" --ack none > reader.txt
nats consumer next ORDERS_ALL reader --count 4 --raw | sort

# The stream report sums it up. Its second table has a row for every
# mirror and source, with the transform applied and how far behind the
# copy is.
nats stream report
