#!/bin/bash

set -euo pipefail

# Three JetStream servers, `n1` to `n3`, in the cluster `ha`. Each keeps
# its data in a directory of its own, which matters here: a server that
# is stopped and started again recovers its replicas from that directory.
for n in 1 2 3; do
  cat > "n$n.conf" <<CONF
server_name: n$n
listen: 127.0.0.1:422$((n + 1))
http: 127.0.0.1:822$((n + 1))

jetstream {
  store_dir: "./data/n$n"
  max_memory_store: 64MB
  max_file_store: 256MB
}

cluster {
  name: ha
  listen: 127.0.0.1:622$((n + 1))
  routes: [
    nats-route://127.0.0.1:6222
    nats-route://127.0.0.1:6223
    nats-route://127.0.0.1:6224
  ]
}
CONF
done

# Each server is started from a subshell, so that it is not a job of this
# script (bash would announce the one killed below), and its process id
# is kept in a file.
start() {
  (nats-server -c "$1.conf" >> "$1.log" 2>&1 & echo $! > "$1.pid")
}
for name in n1 n2 n3; do
  start "$name"
done

# Wait, for up to 30 seconds each, until a condition holds.
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
healthy() { curl -fsS "http://127.0.0.1:$1/healthz" > /dev/null 2>&1; }
for port in 8222 8223 8224; do
  wait_until "the server with monitoring port $port" healthy "$port"
done

# Clients know all three servers, so they can fail over too.
export NATS_URL="nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224"

# The stream's leader and how many followers are current, from
# `stream info --json`.
leader() {
  nats stream info ORDERS --json | tr -d ' \n' | sed -n 's/.*"cluster":{"name":"ha","raft_group":"[^"]*","leader":"\([^"]*\)".*/\1/p'
}
current_followers() {
  nats stream info ORDERS --json | grep -c '"current": true' || true
}
all_current() { [ "$(current_followers)" -eq 2 ]; }

# An R3 stream keeps a copy on every server. One copy leads, and a
# message is stored once a majority, two of three, has it.
nats stream add ORDERS --defaults --subjects "orders.>" --replicas 3 > stream.txt
head -n 1 stream.txt

# The stream's leader listens on its subjects, and the other servers
# learn of that interest over their routes a moment later: until then a
# publish through them finds no responders. Nothing was stored then, so
# trying again is safe; any other error is not retried, since a publish
# that timed out may have been stored after all.
publish() {
  local out
  until out=$(nats pub --jetstream --quiet orders.new "$1" 2>&1); do
    case $out in
      *"no responders"*) sleep 0.1 ;;
      *)
        echo "$out" >&2
        return 1
        ;;
    esac
  done
}
for n in 1 2 3; do
  publish "order $n"
done
wait_until "all replicas" all_current

# Stop the server that leads the stream, without warning.
old_leader=$(leader)
stopped() { ! kill -0 "$(cat "$old_leader.pid")" 2> /dev/null; }
kill -KILL "$(cat "$old_leader.pid")"
wait_until "the leader to stop" stopped
echo "the stream's leader was stopped"

# The two remaining copies are still a majority. They elect a new leader
# among themselves, and the stream accepts messages again.
new_leader_elected() {
  local now
  now=$(leader 2> /dev/null || true)
  [ -n "$now" ] && [ "$now" != "$old_leader" ]
}
wait_until "a new leader" new_leader_elected
echo "a new leader was elected"
for n in 4 5; do
  publish "order $n"
done
nats stream state ORDERS | grep -E 'Messages|Last Sequence'

# The stopped server starts again from its data directory, catches up
# with the two messages it missed, and becomes a current follower.
start "$old_leader"
wait_until "the restarted replica" all_current
nats stream info ORDERS | sed -n '/^Cluster Information:/,$p'
