#!/bin/bash

set -euo pipefail

# Four servers on one machine: `east-1` and `east-2` form the cluster
# `east`, `west-1` and `west-2` the cluster `west`. Each server's ports end
# in its own digit, 2 to 5.
export NATS_URL="nats://127.0.0.1:4222"

# Every server agrees on the accounts: `SYS` for the `nats server`
# commands, `APP` for the application. No JetStream anywhere: this
# supercluster only moves messages.
cat > accounts.conf <<'CONF'
accounts {
  SYS {
    users: [{user: admin, password: admin}]
  }
  APP {
    users: [{user: app, password: app}]
  }
}
system_account: SYS
CONF

# The gateway map names each cluster and the gateway addresses of its
# members. Every server includes the same map and skips its own cluster.
cat > gateways.conf <<'CONF'
gateways: [
  {name: east, urls: [nats://127.0.0.1:7222, nats://127.0.0.1:7223]}
  {name: west, urls: [nats://127.0.0.1:7224, nats://127.0.0.1:7225]}
]
CONF

# A server has a `cluster` block for the routes inside its cluster and a
# `gateway` block, named after the cluster, for the links between
# clusters.
write_server() {
  local name=$1 cluster=$2 n=$3 routes=$4
  cat > "$name.conf" <<CONF
server_name: $name
listen: 127.0.0.1:422$n
http: 127.0.0.1:822$n
include accounts.conf

cluster {
  name: $cluster
  listen: 127.0.0.1:622$n
  routes: [$routes]
}

gateway {
  name: $cluster
  listen: 127.0.0.1:722$n
  include gateways.conf
}
CONF
}
east_routes="nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223"
west_routes="nats-route://127.0.0.1:6224, nats-route://127.0.0.1:6225"
write_server east-1 east 2 "$east_routes"
write_server east-2 east 3 "$east_routes"
write_server west-1 west 4 "$west_routes"
write_server west-2 west 5 "$west_routes"
cat west-1.conf

for name in east-1 east-2 west-1 west-2; do
  nats-server -c "$name.conf" > "$name.log" 2>&1 &
done

# Wait, for up to 30 seconds per server, until a monitoring endpoint of
# the server with the given monitoring port answers with a given text.
wait_for() {
  local port=$1 path=$2 text=$3
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port$path" 2> /dev/null | grep -qF "$text" && return 0
    sleep 0.2
  done
  echo "the server with monitoring port $port never showed $text on $path" >&2
  exit 1
}

# Each server opens one outbound gateway connection to a member of the
# other cluster, chosen at random, so every server has one outbound
# connection and, between them, the servers accept four inbound ones in
# some distribution. Inside a cluster, routes come in a pool of three
# connections per peer plus one reserved for the system account, four in
# all on `/routez`. Wait, for up to 30 seconds, until the servers have
# all of these.
count_gateways() {
  { grep -o '"kind":"Gateway"' <<< "$1" || true; } | wc -l
}
for attempt in $(seq 1 150); do
  outbound=0 inbound=0 routed=0
  for port in 8222 8223 8224 8225; do
    json=$(curl -fsS "http://127.0.0.1:$port/gatewayz" 2> /dev/null | tr -d ' \n' || true)
    out=${json%%\"inbound_gateways\"*}
    in=${json#*\"inbound_gateways\"}
    [ "$out" != "$json" ] || continue
    outbound=$((outbound + $(count_gateways "$out")))
    inbound=$((inbound + $(count_gateways "$in")))
    if curl -fsS "http://127.0.0.1:$port/routez" | grep -q '"num_routes": 4,'; then
      routed=$((routed + 1))
    fi
  done
  [ "$outbound" -eq 4 ] && [ "$inbound" -eq 4 ] && [ "$routed" -eq 4 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the supercluster did not connect: $outbound outbound and $inbound inbound gateways, $routed servers with all routes" >&2
    exit 1
  fi
  sleep 0.2
done

# Subscriptions register asynchronously and travel along the routes. This
# helper waits, for up to 30 seconds, until the server with the given
# monitoring port knows a subscription on the given subject, either from
# one of its own clients (`/subsz`) or from its cluster peer (`/routez`).
# Both endpoints speak JSON, which writes `>` as `\u003e`, so the subject
# is spelled the same way before searching.
wait_for_subscription() {
  local port=$1 subject=${2//>/\\u003e}
  local known
  for _ in $(seq 1 150); do
    known=$(curl -fsS "http://127.0.0.1:$port/subsz?subs=1&limit=4096" "http://127.0.0.1:$port/routez?subs=1")
    grep -qF "\"$subject\"" <<< "$known" && return 0
    sleep 0.2
  done
  echo "the server with monitoring port $port knows no subscription on $2" >&2
  exit 1
}

# Shorthands for the system user and for the application user connected
# to a given server.
as_admin() { nats --user admin --password admin "$@"; }
as_app_on() {
  local port=$1
  shift
  nats --server "nats://127.0.0.1:$port" --user app --password app "$@"
}

# The system account sees all four servers. Each has four routes to its
# peer and one outbound gateway; the cluster overview counts two
# outgoing and two incoming gateway connections per cluster.
as_admin server list 4

# A subscriber on `west-2` and a publisher on `east-1`. The message leaves
# `east` through a gateway and reaches `west-2` through the west cluster.
as_app_on 4225 sub "orders.>" --count 2 > west-subscriber.txt 2>&1 &
subscriber=$!
wait_for_subscription 8224 "orders.>"
wait_for_subscription 8225 "orders.>"
as_app_on 4222 pub orders.created "order 1 created in east"
as_app_on 4223 pub orders.shipped "order 1 shipped from east"
wait "$subscriber"
cat west-subscriber.txt

# Requests cross clusters too. A service on `east-2` answers a request
# sent from `west-1`; the reply finds its way back to the requester's
# inbox through the gateway. `nats reply` ends with exit status 1 when it
# stops, which is expected.
as_app_on 4223 reply stock.check "12 in stock in east" --count 1 > east-service.txt 2>&1 &
service=$!
wait_for_subscription 8222 stock.check
wait_for_subscription 8223 stock.check
as_app_on 4224 request stock.check "widgets"
wait "$service" || [ $? -eq 1 ]
