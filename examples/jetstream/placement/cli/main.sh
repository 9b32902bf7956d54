#!/bin/bash

set -euo pipefail

# Three JetStream servers form the cluster `store`. Each carries tags that
# describe it: its kind of disk and its rack. Two have fast disks, one a
# large slow one.
write_server() {
  local name=$1 n=$2 disk=$3 rack=$4
  cat > "$name.conf" <<CONF
server_name: $name
server_tags: ["disk:$disk", "rack:$rack"]
listen: 127.0.0.1:422$n
http: 127.0.0.1:822$n

accounts {
  SYS {
    users: [{user: admin, password: admin}]
  }
  APP {
    jetstream: enabled
    users: [{user: app, password: app}]
  }
}
system_account: SYS

jetstream {
  store_dir: "./data/$name"
  max_memory_store: 64MB
  max_file_store: 256MB
}

cluster {
  name: store
  listen: 127.0.0.1:622$n
  routes: [
    nats-route://127.0.0.1:6222
    nats-route://127.0.0.1:6223
    nats-route://127.0.0.1:6224
  ]
}
CONF
}
write_server n1 2 ssd a
write_server n2 3 ssd b
write_server n3 4 hdd c
head -n 2 n1.conf n2.conf n3.conf

for name in n1 n2 n3; do
  nats-server -c "$name.conf" > "$name.log" 2>&1 &
done

# A JetStream server answers `/healthz` with success only once it has
# found the meta leader and caught up with it. Wait for all three, for up
# to 30 seconds each.
for port in 8222 8223 8224; do
  for attempt in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    if [ "$attempt" -eq 150 ]; then
      echo "the server with monitoring port $port is not healthy" >&2
      exit 1
    fi
    sleep 0.2
  done
done

export NATS_URL="nats://127.0.0.1:4222"
export NATS_USER=app NATS_PASSWORD=app

# Placement needs the meta leader to know every server's tags. It knows
# them once it lists all three peers as current and online. This helper
# waits for such a condition, for up to 30 seconds.
wait_until() {
  local what=$1
  shift
  for _ in $(seq 1 150); do
    "$@" && return 0
    sleep 0.2
  done
  echo "timed out waiting for $what" >&2
  exit 1
}
meta_group_current() {
  local port jsz
  for port in 8222 8223 8224; do
    # Only the leader answers `/jsz?leader-only=true` with data.
    if jsz=$(curl -fsS "http://127.0.0.1:$port/jsz?leader-only=true" 2> /dev/null); then
      grep -q '"cluster_size": 3' <<< "$jsz" &&
        ! grep -q '"current": false' <<< "$jsz" &&
        ! grep -q '"offline": true' <<< "$jsz"
      return
    fi
  done
  return 1
}
replicas_current() {
  [ "$(nats stream info "$1" --json | grep -c '"current": true')" -eq "$2" ]
}
wait_until "the meta group" meta_group_current

# `--tag disk:ssd` places the orders on servers with fast disks. Two
# replicas, two such servers: the stream lands on `n1` and `n2`.
nats stream add ORDERS --defaults --subjects "orders.>" --replicas 2 --tag disk:ssd > orders.txt
head -n 1 orders.txt

# The archive goes to the slow disk, which only `n3` has.
nats stream add ARCHIVE --defaults --subjects "archive.>" --replicas 1 --tag disk:hdd > archive.txt
head -n 1 archive.txt

# No placement can give three replicas on fast disks: the request is
# refused rather than spread over the wrong servers.
nats stream add AUDIT --defaults --subjects "audit.>" --replicas 3 --tag disk:ssd ||
  echo "AUDIT could not be placed (exit status $?)"

# Three closed orders go to the archive, and the report shows where each
# stream lives. The replicas of `ORDERS` report in shortly after it is
# created, so the report waits until its follower is current.
for n in 1 2 3; do
  nats pub --jetstream --quiet archive.orders "order $n, closed"
done
wait_until "the ORDERS replicas" replicas_current ORDERS 1
nats stream report

# Placement can change later. Editing the archive's tags to `rack:a`
# moves it to `n1`: the server copies the data to the new place before
# it removes the old copy. Wait until the archive reports `n1`, alone,
# then find the three orders there.
nats stream edit ARCHIVE --tag rack:a --force > edit.txt
archive_on_n1() {
  nats stream info ARCHIVE --json | tr -d ' \n' | grep -q '"cluster":{"name":"store","leader":"n1"}'
}
wait_until "the archive to move" archive_on_n1
nats stream report
