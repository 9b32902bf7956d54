#!/bin/bash

set -euo pipefail

# A mapping rewrites the subject of every message published on a source
# pattern, before any subscriber sees it. `nats server mappings` tries a
# mapping without a server: here the partition function sends each
# customer's orders to one of three partitions, chosen by a hash of the
# first wildcard token, and `wildcard(1)` keeps the customer's name.
for customer in ada grace linus; do
  nats server mappings "orders.*" "orders.{{partition(3,1)}}.{{wildcard(1)}}" "orders.$customer" | sed -n 1p
done

# In the server's configuration, mappings belong to an account (here the
# default one, at the top level). The second mapping renames a subject
# that old clients still publish on.
cat > server.conf <<'CONF'
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

mappings: {
  "orders.*": "orders.{{partition(3,1)}}.{{wildcard(1)}}"
  "legacy.alerts": "alerts.legacy"
}
CONF
nats-server -c server.conf > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for the server to report healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Wait, for up to 30 seconds, until the server has a subscription that
# matches the given subject.
wait_for_subscription() {
  local listed
  for _ in $(seq 1 150); do
    listed=$(curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=$1")
    grep -q '"subject"' <<< "$listed" && return 0
    sleep 0.2
  done
  echo "nobody subscribed to $1" >&2
  exit 1
}

# One worker per partition. Partitioning by customer means that all the
# orders of one customer reach the same worker, in the order they were
# published, while the load is spread over the three. Each worker expects
# as many orders as its partition will receive.
nats sub "orders.0.*" --count 2 > partition-0.txt 2>&1 &
p0=$!
nats sub "orders.1.*" --count 3 > partition-1.txt 2>&1 &
p1=$!
nats sub "orders.2.*" --count 1 > partition-2.txt 2>&1 &
p2=$!
nats sub alerts.legacy --count 1 > alerts.txt 2>&1 &
alerts=$!
for subject in orders.0.x orders.1.x orders.2.x alerts.legacy; do
  wait_for_subscription "$subject"
done

# Publishers use the plain subjects and know nothing of the partitions.
for customer in ada linus grace alan barbara ken; do
  nats pub --quiet "orders.$customer" "order from $customer"
done
nats pub --quiet legacy.alerts "disk almost full"
wait "$p0" "$p1" "$p2" "$alerts"

# Each worker saw the mapped subjects of its own customers.
for partition in 0 1 2; do
  echo "--- partition $partition"
  grep -o 'Received on "[^"]*"' "partition-$partition.txt"
done

# The old subject arrived under its new name.
echo "--- alerts"
grep -A1 'Received on' alerts.txt
