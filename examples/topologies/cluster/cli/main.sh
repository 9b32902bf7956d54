#!/bin/bash

set -euo pipefail

# The servers share their account definitions: `SYS` is the system account
# used by the `nats server` commands, `APP` is where the data lives.
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

# Each server differs only by its name and ports. The route list is the
# same everywhere and names all three members; a server skips its own
# entry. Every server stores its JetStream data in a directory of its own.
for n in 1 2 3; do
  cat > "n$n.conf" <<CONF
server_name: n$n
listen: 127.0.0.1:422$((n + 1))
http: 127.0.0.1:822$((n + 1))
include accounts.conf

jetstream {
  store_dir: "./data/n$n"
  max_memory_store: 64MB
  max_file_store: 256MB
}

cluster {
  name: demo
  listen: 127.0.0.1:622$((n + 1))
  routes: [
    nats-route://127.0.0.1:6222
    nats-route://127.0.0.1:6223
    nats-route://127.0.0.1:6224
  ]
}
CONF
done
cat n1.conf

# Start the three servers, each logging to its own file.
for n in 1 2 3; do
  nats-server -c "n$n.conf" > "n$n.log" 2>&1 &
done

# A JetStream server reports healthy on `/healthz` only once it has found
# the meta leader and caught up with it, so three healthy answers mean the
# cluster is ready for work. Wait up to 30 seconds for each.
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

# Healthy does not yet mean fully connected: route connections keep
# opening for a moment after the meta leader is found. Wait until every
# server counts all eight routes described below, so the listing shows
# the settled cluster.
for port in 8222 8223 8224; do
  for attempt in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/routez" 2> /dev/null | grep -q '"num_routes": 8' && break
    if [ "$attempt" -eq 150 ]; then
      echo "the server with monitoring port $port did not open all its routes" >&2
      exit 1
    fi
    sleep 0.2
  done
done

# Connect to the first server. The credentials are passed through the
# environment so the commands below stay short; the system user is given
# explicitly where it is needed.
export NATS_URL="nats://127.0.0.1:4222"
export NATS_USER=app NATS_PASSWORD=app

# As the system user, list the three servers. The Routes column counts
# connections rather than peers: each server opens a pool of three route
# connections to every other member, plus one reserved for the system
# account, so two peers make eight routes.
nats --user admin --password admin server list 3

# The JetStream report shows what each server stores and the state of the
# meta group. Which server leads it is decided by election, so the star
# can land on any of them.
nats --user admin --password admin server report jetstream

# Create a stream with three replicas: one copy on every server.
nats stream add EVENTS \
  --defaults \
  --subjects "events.>" \
  --storage file \
  --replicas 3 > stream.txt
head -n 1 stream.txt

# Publish a few events. A message is acknowledged only once a majority of
# the replicas (two out of three) have stored it.
for event in signup login logout; do
  nats pub --jetstream --quiet "events.$event" "user ada: $event"
done

# The followers of a new stream report in shortly after it is created.
# Wait until both are current, for up to 30 seconds, so that the details
# below show a settled stream.
for attempt in $(seq 1 150); do
  if [ "$(nats stream info EVENTS --json | grep -c '"current": true')" -eq 2 ]; then
    break
  fi
  if [ "$attempt" -eq 150 ]; then
    echo "the EVENTS replicas did not catch up" >&2
    exit 1
  fi
  sleep 0.2
done

# The stream's cluster section names its leader and its two followers.
nats stream info EVENTS

# The stream report condenses that into one row.
nats stream report
