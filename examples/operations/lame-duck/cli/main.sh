#!/bin/bash

set -euo pipefail

# Two servers, `a` and `b`, form a cluster. After entering lame-duck mode
# a server waits for `lame_duck_grace_period` (10 seconds by default, one
# here), then closes its client connections spread over the rest of
# `lame_duck_duration` (two minutes by default, at least 30 seconds), so
# that many clients do not all reconnect elsewhere at the same moment. It
# never pauses more than a second between two closes, so a server with a
# single client finishes at once.
for name in a b; do
  case $name in
    a) n=2 ;;
    b) n=3 ;;
  esac
  cat > "$name.conf" <<CONF
server_name: $name
listen: 127.0.0.1:422$n
http: 127.0.0.1:822$n
lame_duck_grace_period: 1s
lame_duck_duration: 30s

cluster {
  name: pair
  listen: 127.0.0.1:622$n
  routes: [nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223]
}
CONF
done
cat a.conf

nats-server -c a.conf > a.log 2>&1 &
server_a=$!
nats-server -c b.conf > b.log 2>&1 &

# Wait, for up to 30 seconds, until a monitoring endpoint of the server
# with the given monitoring port shows a given text.
wait_for() {
  local port=$1 path=$2 text=$3
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port$path" 2> /dev/null | grep -qF "$text" && return 0
    sleep 0.2
  done
  echo "the server with monitoring port $port never showed $text on $path" >&2
  exit 1
}

# Both servers are healthy and routed to each other: each counts four
# route connections (a pool of three plus one for the system account).
for port in 8222 8223; do
  wait_for "$port" /healthz ok
  wait_for "$port" /routez '"num_routes": 4,'
done

# Which server a named client is connected to, read from `/connz`.
server_of() {
  local client=$1
  for port in 8222 8223; do
    if curl -fsS "http://127.0.0.1:$port/connz" 2> /dev/null | grep -qF "\"name\": \"$client\""; then
      [ "$port" = 8222 ] && echo a || echo b
    fi
  done
}

# A subscriber named `watcher` connects to server `a` only. It learns the
# other members of the cluster from the server, which is what lets it move
# later.
nats --server nats://127.0.0.1:4222 --connection-name watcher sub "alerts.>" > watcher.txt 2>&1 &
wait_for 8222 /connz '"name": "watcher"'
echo "watcher is connected to server $(server_of watcher)"

# `--signal ldm=<pid>` puts server `a` into lame-duck mode: it stops
# accepting clients, tells the connected ones it is going away, and after
# the grace period closes their connections. The watcher reconnects to
# `b`, the only other server it knows.
nats-server --signal ldm="$server_a"
wait_for 8223 /connz '"name": "watcher"'
echo "watcher is connected to server $(server_of watcher)"

# Once every client has left, server `a` shuts down by itself. Its log
# tells the story.
wait "$server_a"
grep -o 'Entering lame duck mode.*\|Closing existing clients\|Initiating Shutdown.*\|Server Exiting.*' a.log

# The watcher is still subscribed: a message published to `b` reaches
# it. Its output also shows the moment server `a` closed its connection.
nats --server nats://127.0.0.1:4223 pub alerts.maintenance "server a was retired"
for attempt in $(seq 1 150); do
  grep -q "server a was retired" watcher.txt && break
  if [ "$attempt" -eq 150 ]; then
    echo "the watcher did not receive the alert" >&2
    exit 1
  fi
  sleep 0.2
done
cat watcher.txt
