#!/bin/bash

set -euo pipefail

# Two servers with the same accounts: a `hub` in the data centre and an
# `edge` server at a remote site, which connects to the hub as a leaf
# node. Each runs JetStream in a *domain* of its own, `hub` and `edge`, so
# that each keeps its own streams and API, and a client can still reach
# the other domain's JetStream across the link.
cat > accounts.conf <<'CONF'
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
CONF

cat > hub.conf <<'CONF'
server_name: hub
listen: 127.0.0.1:4222
http: 127.0.0.1:8222
include accounts.conf

jetstream {
  domain: hub
  store_dir: "./data/hub"
  max_memory_store: 64MB
  max_file_store: 256MB
}

leafnodes {
  listen: 127.0.0.1:7422
}
CONF

# The edge's `remotes` entry dials the hub and binds the edge's `APP`
# account to the hub's, with the credentials of the hub's `app` user.
cat > edge.conf <<'CONF'
server_name: edge
listen: 127.0.0.1:4223
http: 127.0.0.1:8223
include accounts.conf

jetstream {
  domain: edge
  store_dir: "./data/edge"
  max_memory_store: 64MB
  max_file_store: 256MB
}

leafnodes {
  remotes: [{url: "nats-leaf://app:app@127.0.0.1:7422", account: APP}]
}
CONF
cat edge.conf

# Wait, for up to 30 seconds, until a monitoring endpoint of the server
# with the given monitoring port answers with a given text.
wait_for() {
  local port=$1 path=$2 text=$3
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port$path" 2> /dev/null | grep -qF "$text" && return 0
    sleep 0.2
  done
  echo "the server with monitoring port $port never showed $text on $path" >&2
  exit 1
}

nats-server -c hub.conf > hub.log 2>&1 &
nats-server -c edge.conf > edge.log 2>&1 &
edge=$!

# Both servers healthy, and the hub counting one leaf node connection
# (`/leafz`).
wait_for 8222 /healthz ok
wait_for 8223 /healthz ok
wait_for 8222 /leafz '"leafnodes": 1,'

# Shorthands for the `app` user on each server.
at_hub() { nats --server nats://127.0.0.1:4222 --user app --password app "$@"; }
at_edge() { nats --server nats://127.0.0.1:4223 --user app --password app "$@"; }

# Wait, for up to 30 seconds, until the hub's `SENSORS_ALL` stream holds
# the expected number of messages.
wait_for_hub_messages() {
  for _ in $(seq 1 150); do
    at_hub stream info SENSORS_ALL --json 2> /dev/null | grep -q "\"messages\": $1," && return 0
    sleep 0.2
  done
  echo "SENSORS_ALL never held $1 messages" >&2
  exit 1
}

# Readings are stored at the edge, in the edge's domain.
at_edge stream add SENSORS --defaults --subjects "sensors.>" --storage file > sensors.txt
head -n 1 sensors.txt

# A client of the hub can manage the edge's JetStream by naming its
# domain: `--js-domain edge` sends the API requests to `$JS.edge.API`,
# which the leaf node link carries to the edge.
at_hub --js-domain edge stream ls --names

# The hub collects the readings in a stream that sources `SENSORS` from
# the edge domain. The source names the edge's API prefix in `external`.
cat > sensors-all.json <<'JSON'
{
  "name": "SENSORS_ALL",
  "storage": "file",
  "sources": [
    {"name": "SENSORS", "external": {"api": "$JS.edge.API"}}
  ]
}
JSON
at_hub stream add --config sensors-all.json > sensors-all.txt
head -n 1 sensors-all.txt

# The first reading reaches the hub.
at_edge pub --jetstream --quiet sensors.boiler "71 C"
wait_for_hub_messages 1

# Now the link goes down. To cut it on purpose, the edge is given a copy
# of its configuration without the remote and told to reload it. The
# edge carries on: it stores two more readings locally, with nobody
# upstream.
cp edge.conf edge-online.conf
sed 's/^  remotes: .*$/  remotes: []/' edge-online.conf > edge.conf
nats-server --signal reload="$edge"
wait_for 8222 /leafz '"leafnodes": 0,'
at_edge pub --jetstream --quiet sensors.boiler "74 C"
at_edge pub --jetstream --quiet sensors.pump "on"
at_edge stream state SENSORS | grep -E 'Messages|Last Sequence'

# The link comes back with the original configuration, and the source
# resumes where it stopped: the hub catches up with the readings it
# missed.
cp edge-online.conf edge.conf
nats-server --signal reload="$edge"
wait_for 8222 /leafz '"leafnodes": 1,'
wait_for_hub_messages 3
at_hub stream subjects SENSORS_ALL
at_hub stream report
