#!/bin/bash

set -euo pipefail

# The configuration is written by a function, so that the example can
# write it again with changes. `pid_file` makes the server record its
# process id, which the reload signal below needs. The `APP` account
# starts with one user, `alice`, and a maximum message size of 1 MB.
write_config() {
  local users=$1 max_payload=$2
  cat > server.conf <<CONF
server_name: reload-demo
listen: 127.0.0.1:4222
http: 127.0.0.1:8222
pid_file: "./server.pid"
max_payload: $max_payload

accounts {
  SYS {
    users: [{user: admin, password: admin}]
  }
  APP {
    users: [$users]
  }
}
system_account: SYS
CONF
}
write_config "{user: alice, password: alice}" 1MB
cat server.conf

nats-server -c server.conf > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for the server to report healthy and to have written its pid file,
# for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && [ -s server.pid ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# A reload happens in the background of the running server. The time of
# the last configuration load is on `/varz`, so this helper notes it
# before a reload and then waits, for up to 30 seconds, until it changes.
config_load_time() {
  curl -fsS http://127.0.0.1:8222/varz | grep '"config_load_time"'
}
wait_for_reload() {
  local before=$1
  for _ in $(seq 1 150); do
    [ "$(config_load_time)" != "$before" ] && return 0
    sleep 0.2
  done
  echo "the server did not reload its configuration" >&2
  exit 1
}

# Alice connects; bob is not a user yet and is turned away.
nats --user alice --password alice account info | grep -E '^ +(User|Account|Maximum Payload):'
nats --user bob --password bob account info || echo "bob was refused (exit status $?)"

# A long-running client, a subscriber of alice's, stays connected through
# everything that follows.
nats --user alice --password alice sub "greetings.>" > subscriber.txt 2>&1 &
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/connz | grep -q '"num_connections": 1,' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the subscriber did not connect" >&2
    exit 1
  fi
  sleep 0.2
done

# Add bob to the file and send the server the `reload` signal. The
# `--signal reload=<pid>` form of `nats-server` delivers it to the process
# named in the pid file; on Linux a plain `kill -HUP` does the same.
write_config "{user: alice, password: alice}, {user: bob, password: bob}" 1MB
before=$(config_load_time)
nats-server --signal reload="$(cat server.pid)"
wait_for_reload "$before"

# Bob can connect now, without any restart.
nats --user bob --password bob account info | grep -E '^ +(User|Account):'

# A reload can also be requested over NATS, by a user of the system
# account, naming the server by its id. This time the maximum message
# size shrinks to 64 KB. The server answers once the reload is done, with
# its information; its limits already show the new maximum.
write_config "{user: alice, password: alice}, {user: bob, password: bob}" 64KB
server_id=$(curl -fsS http://127.0.0.1:8222/varz | sed -n 's/^ *"server_id": "\(.*\)",$/\1/p')
before=$(config_load_time)
nats --user admin --password admin server config reload "$server_id" --force > reload.txt
head -n 1 reload.txt
sed -n '/^Limits:/,/Write Deadline/p' reload.txt
wait_for_reload "$before"

# New connections learn the new limit.
nats --user alice --password alice account info | grep -E '^ +(User|Maximum Payload):'

# The subscriber connected before both reloads is still there: a reload
# never drops clients whose permissions it does not change. Bob greets
# it to prove it.
nats --user bob --password bob pub greetings.alice "hello from bob, added at runtime"
for attempt in $(seq 1 150); do
  grep -q "hello from bob" subscriber.txt && break
  if [ "$attempt" -eq 150 ]; then
    echo "the subscriber did not receive the greeting" >&2
    exit 1
  fi
  sleep 0.2
done
grep -A1 Received subscriber.txt
