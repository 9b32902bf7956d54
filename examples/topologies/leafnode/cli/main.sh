#!/bin/bash

set -euo pipefail

# The hub accepts leaf node connections on port 7422, next to its usual
# client port.
cat > hub.conf <<'CONF'
server_name: hub
listen: 127.0.0.1:4222
http: 127.0.0.1:8222
leafnodes {
  listen: 127.0.0.1:7422
}
CONF

# The leaf has its own client port and dials the hub. It needs no cluster
# or gateway settings: one `remotes` entry is the whole link.
cat > leaf.conf <<'CONF'
server_name: leaf
listen: 127.0.0.1:4223
http: 127.0.0.1:8223
leafnodes {
  remotes: [
    {url: "nats-leaf://127.0.0.1:7422"}
  ]
}
CONF

nats-server -c hub.conf > hub.log 2>&1 &
nats-server -c leaf.conf > leaf.log 2>&1 &

# A small helper polls a monitoring URL until its answer contains a given
# piece of text, for up to 30 seconds.
wait_for() {
  local url=$1 text=$2
  for _ in $(seq 1 150); do
    curl -fsS "$url" 2> /dev/null | grep -qF "$text" && return 0
    sleep 0.2
  done
  echo "$url never mentioned $text" >&2
  exit 1
}

# Both servers must be up, and the hub's `/leafz` endpoint must list the
# leaf's connection.
wait_for http://127.0.0.1:8222/healthz '"ok"'
wait_for http://127.0.0.1:8223/healthz '"ok"'
wait_for http://127.0.0.1:8222/leafz '"name": "leaf"'

# A context is a named set of connection settings for the `nats` tool.
# Normally contexts are saved in your own configuration directory; pointing
# `XDG_CONFIG_HOME` at the working directory keeps this example's contexts
# out of it.
export XDG_CONFIG_HOME=.config

# One context per server. `--select` makes `leaf` the default for commands
# that do not name a context.
nats context add hub --server nats://127.0.0.1:4222 --description "Central hub"
nats context add leaf --server nats://127.0.0.1:4223 --description "Edge site" --select

# The star marks the selected context.
nats context ls

# A client of the leaf subscribes to door and window sensors. Its output
# goes to a file and is shown once it has received both messages.
nats sub "sensors.*" --count 2 > leaf-subscriber.txt 2>&1 &
subscriber=$!

# The leaf tells the hub which subjects its clients are interested in. Once
# the subscription appears on the hub's side of the link (`/leafz?subs=1`),
# messages published on the hub will be forwarded.
wait_for "http://127.0.0.1:8222/leafz?subs=1" '"sensors.*"'

# Publish on the hub, by naming its context.
nats --context hub pub sensors.door "front door opened"
nats --context hub pub sensors.window "kitchen window closed"

# The leaf's subscriber got both messages.
wait "$subscriber"
cat leaf-subscriber.txt

# The link works the other way too. A service runs on the hub and answers
# one request; `nats reply` exits with status 1 when it stops, so that is
# the status expected from it.
nats --context hub reply "inventory.count" "42 widgets in stock" --count 1 > hub-service.txt 2>&1 &
service=$!

# Wait until the hub has passed the service's interest to the leaf, then
# send the request from the leaf, the selected context.
wait_for "http://127.0.0.1:8223/leafz?subs=1" '"inventory.count"'
nats request inventory.count "how many?"
wait "$service" || [ $? -eq 1 ]

# Details of the context the commands above used by default.
nats context info
