#!/bin/bash

set -euo pipefail

# Three servers: `n1` and `n2` form the cluster `core`, and `edge` is a
# leaf node of `n2`.
cat > n1.conf <<'CONF'
server_name: n1
listen: 127.0.0.1:4222
http: 127.0.0.1:8222
cluster {
  name: core
  listen: 127.0.0.1:6222
  routes: [nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223]
}
CONF
cat > n2.conf <<'CONF'
server_name: n2
listen: 127.0.0.1:4223
http: 127.0.0.1:8223
cluster {
  name: core
  listen: 127.0.0.1:6223
  routes: [nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223]
}
leafnodes {
  listen: 127.0.0.1:7422
}
CONF
cat > edge.conf <<'CONF'
server_name: edge
listen: 127.0.0.1:4224
http: 127.0.0.1:8224
leafnodes {
  remotes: [{url: "nats-leaf://127.0.0.1:7422"}]
}
CONF
for name in n1 n2 edge; do
  nats-server -c "$name.conf" > "$name.log" 2>&1 &
done

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
for port in 8222 8223 8224; do
  wait_for "$port" /healthz ok
done
wait_for 8223 /leafz '"leafnodes": 1,'

# Three named subscribers, one per server.
nats --server nats://127.0.0.1:4222 --connection-name audit sub "orders.>" > audit.txt 2>&1 &
nats --server nats://127.0.0.1:4223 --connection-name billing sub "orders.*" > billing.txt 2>&1 &
nats --server nats://127.0.0.1:4224 --connection-name shop sub "orders.new" > shop.txt 2>&1 &
# Interest travels: `n1` learns about `billing` from its route to `n2`,
# and about `shop` too, since `n2` passes on what its leaf node wants.
# Wait until `n1` lists both subscriptions on its routes and `n2` lists
# the shop's on its leaf node connection.
wait_for 8222 "/routez?subs=1" '"orders.*"'
wait_for 8222 "/routez?subs=1" '"orders.new"'
wait_for 8223 "/leafz?subs=1" '"orders.new"'

# `nats trace` publishes a message with a tracing header. Every server it
# passes through reports what it did with it: which local clients got a
# copy, and which routes, gateways and leaf nodes it went out on. Without `--deliver` the subscribers do not receive
# the traced message; only the path is reported.
#
# The tree below reads from the top: `n1` gave the message to `audit` and
# forwarded it to `n2`, which gave it to `billing` and forwarded it over
# the leaf node connection to `edge`, which gave it to `shop`. The egress
# counts at the end total the copies by kind; they come in no fixed order,
# so they are sorted here.
nats --server nats://127.0.0.1:4222 trace orders.new "order 1" > trace.txt
sed -n '1,/^Egress Count:/p' trace.txt
echo
sed -n '/^Egress Count:/,$p' trace.txt | grep -E '^ +[A-Za-z]+: [0-9]+$' | sort
