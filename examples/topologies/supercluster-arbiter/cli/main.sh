#!/bin/bash

set -euo pipefail

# Everything in this example runs on one machine, so every server gets its
# own ports. The east servers use the ports ending in 2 to 4, the west
# servers those ending in 5 to 7, and the arbiter those ending in 8. Unless
# a command says otherwise, clients talk to `east-az1`.
export NATS_URL="nats://127.0.0.1:4222"

# All seven servers must agree on the accounts, so the accounts live in a
# file that every configuration includes. `$SYS` is the system account: the
# servers use it among themselves (the JetStream meta group talks over it)
# and the `nats server` commands need one of its users. `APP` holds the
# application's data, so JetStream is enabled for that account only.
cat > accounts.conf <<'CONF'
accounts {
  $SYS {
    users: [{user: sys, password: sys}]
  }
  APP {
    jetstream: enabled
    users: [{user: user, password: user}]
  }
}
system_account: "$SYS"
CONF

# Every server also shares one map of the supercluster: a gateway per
# cluster, listing the gateway addresses of all its members. A server skips
# the entry that carries its own cluster's name, so one file serves all.
cat > gateways.conf <<'CONF'
gateways: [
  {name: east, urls: [nats://127.0.0.1:7222, nats://127.0.0.1:7223, nats://127.0.0.1:7224]}
  {name: west, urls: [nats://127.0.0.1:7225, nats://127.0.0.1:7226, nats://127.0.0.1:7227]}
  {name: arbiter, urls: [nats://127.0.0.1:7228]}
]
CONF

# Inside a cluster the servers find each other through routes. Each list
# names every member, the server itself included; a server recognises its
# own address and does not connect to it.
cat > east-routes.conf <<'CONF'
routes: [nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223, nats-route://127.0.0.1:6224]
CONF
cat > west-routes.conf <<'CONF'
routes: [nats-route://127.0.0.1:6225, nats-route://127.0.0.1:6226, nats-route://127.0.0.1:6227]
CONF

# The arbiter is a lone server that forms a cluster of its own, named
# `arbiter`. It needs no `cluster` block because it has no peers to route
# to, and JetStream is switched off: it will never store a message.
cat > arbiter.conf <<'CONF'
server_name: arbiter
listen: 127.0.0.1:4228
http: 127.0.0.1:8228
jetstream: disabled
include accounts.conf

gateway {
  name: arbiter
  listen: 127.0.0.1:7228
  include gateways.conf
}
CONF

# The six JetStream servers differ only in name, cluster, zone tag and
# ports, so a small function writes their configurations.
#
# Two settings deserve attention. `store_dir` gives each server a directory
# of its own: servers sharing one would trample each other's RAFT state.
# `unique_tag: "az:"` tells placement that no two replicas of a stream may
# live on servers with the same `az:` tag, so an R3 stream always spans
# three zones. The memory and file limits are set so that the reports below
# look the same on every machine instead of reflecting the host's size.
write_jetstream_server() {
  local name=$1 cluster=$2 az=$3 n=$4
  cat > "$name.conf" <<CONF
server_name: $name
server_tags: ["az:$az"]
listen: 127.0.0.1:422$n
http: 127.0.0.1:822$n
include accounts.conf

jetstream {
  store_dir: "./data/$name"
  unique_tag: "az:"
  max_memory_store: 256MB
  max_file_store: 1GB
}

cluster {
  name: $cluster
  listen: 127.0.0.1:622$n
  include $cluster-routes.conf
}

gateway {
  name: $cluster
  listen: 127.0.0.1:722$n
  include gateways.conf
}
CONF
}

write_jetstream_server east-az1 east 1 2
write_jetstream_server east-az2 east 2 3
write_jetstream_server east-az3 east 3 4
write_jetstream_server west-az1 west 1 5
write_jetstream_server west-az2 west 2 6
write_jetstream_server west-az3 west 3 7

# This is what one of them looks like once written.
cat west-az1.conf

# Start the seven servers. Their logs go to files so that the output below
# shows only what the `nats` tool prints.
echo "Starting the servers..."
for name in arbiter east-az1 east-az2 east-az3 west-az1 west-az2 west-az3; do
  nats-server -c "$name.conf" > "$name.log" 2>&1 &
done

# Each server reports its health on `/healthz`. For a JetStream server the
# endpoint only answers 200 once the server has caught up with the meta
# group, so a healthy answer from all seven means the gateways and routes
# are up and a meta leader exists. Give up with a clear message after about
# 30 seconds.
wait_healthy() {
  local port=$1
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "server with monitoring port $port did not become healthy" >&2
  tail -n 20 ./*.log >&2
  exit 1
}

for port in 8222 8223 8224 8225 8226 8227 8228; do
  wait_healthy "$port"
done

# Placing a stream also needs the meta leader to know all six JetStream
# servers, including their clusters and tags. Only the leader can say
# whether every peer is keeping up, and `/jsz?leader-only=true` answers with
# data only on the leader (the others reply "not leader"). Wait until the
# leader counts six peers, none of them lagging behind or offline.
meta_group_ready() {
  local port jsz
  for port in 8222 8223 8224 8225 8226 8227; do
    if jsz=$(curl -fsS "http://127.0.0.1:$port/jsz?leader-only=true" 2> /dev/null); then
      grep -q '"cluster_size": 6' <<< "$jsz" \
        && ! grep -q '"current": false' <<< "$jsz" \
        && ! grep -q '"offline": true' <<< "$jsz"
      return
    fi
  done
  return 1
}

for attempt in $(seq 1 150); do
  meta_group_ready && break
  if [ "$attempt" -eq 150 ]; then
    echo "the JetStream meta group did not form" >&2
    exit 1
  fi
  sleep 0.2
done
echo "All servers are healthy and the meta group has a leader."

# With the system user, list the servers. Passing the expected count (7)
# lets the command return as soon as every server has answered instead of
# waiting for stragglers. The arbiter is the one without JetStream, with
# gateways but no routes, alone in its cluster.
nats --user sys --password sys server list 7

# The JetStream report is where the arbiter's real role shows. It answers
# the report, but its quorum columns are empty, and the RAFT table lists
# only the six JetStream servers: they alone vote for the meta leader, and
# a majority of six is four (the `Quorum Sz` column).
nats --user sys --password sys server report jetstream

# Details about one server in west: its cluster and `az:1` tag, the unique
# tag it honours, its own storage directory and the three clusters it can
# see through the gateways.
nats --user sys --password sys server info west-az1

# Now the application user, connected to `east-az1`, asks for a stream
# that lives in the other cluster. `--cluster west` does the placing: the
# request crosses the gateways to the meta leader, which picks three west
# servers with three different `az:` tags. Every setting is given on the
# command line and `--defaults` accepts the rest, so nothing is asked
# interactively. The full description of the new stream is shown further
# down, once its replicas have settled, so it is not printed here.
nats --user user --password user stream add ORDERS \
  --defaults \
  --subjects "orders.*" \
  --storage file \
  --replicas 3 \
  --cluster west \
  --retention limits \
  --discard old \
  --max-msgs=-1 \
  --max-bytes=-1 \
  --max-age=1y \
  --max-msg-size=-1 \
  --max-msgs-per-subject=-1 \
  --dupe-window 2m > /dev/null
echo "Created the ORDERS stream."

# Publishing from east works too. With `--jetstream` the publisher waits
# for the stream's acknowledgement: each message crosses a gateway, is
# stored by the replicas in west, and the acknowledgement naming its
# sequence number travels back the same way.
for n in 1 2 3; do
  nats --user user --password user pub --jetstream orders.new "order $n"
done

# A freshly created stream's followers report in shortly after the leader
# does. Wait until both followers are current, so the details below show a
# settled stream.
for attempt in $(seq 1 150); do
  if [ "$(nats --user user --password user stream info ORDERS --json | grep -c '"current": true')" -eq 2 ]; then
    break
  fi
  if [ "$attempt" -eq 150 ]; then
    echo "the ORDERS replicas did not catch up" >&2
    exit 1
  fi
  sleep 0.2
done

# The stream's details name its placement cluster, `west`, its leader and
# the two other replicas.
nats --user user --password user stream info ORDERS

# The stream report confirms the placement at a glance: three replicas,
# all on west servers, one in each availability zone.
nats --user user --password user stream report
