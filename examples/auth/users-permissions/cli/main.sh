#!/bin/bash

set -euo pipefail

# `nats server passwd` turns a password into a bcrypt hash. The server
# stores only the hash and compares a client's password against it, so the
# configuration file no longer holds the sensor's secret. The other two
# users keep plain passwords to keep the file readable.
#
# bcrypt is slow on purpose, and `--cost` says how slow: each step up
# doubles the work of every check. The default, 11, suits a real server;
# this example uses 8 so that connecting stays quick on a busy test
# machine, where a client gives up on a handshake after two seconds.
sensor_hash=$(nats server passwd --pass "sensor-secret" --cost 8)

# Each user gets only the subjects it needs:
#
# - `sensor` may publish readings under `sensors.` and subscribe to
#   nothing;
# - `dashboard` may subscribe to readings and to the inboxes replies come
#   back on, and publish requests for the time;
# - `clock` may subscribe to `time.now` and publish nothing at all, except
#   that `allow_responses` lets it answer the requests it receives.
cat > server.conf <<CONF
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

authorization {
  users: [
    {
      user: sensor
      password: "$sensor_hash"
      permissions: {
        publish: {allow: ["sensors.>"]}
        subscribe: {deny: [">"]}
      }
    }
    {
      user: dashboard
      password: dashboard-secret
      permissions: {
        publish: {allow: ["time.now"]}
        subscribe: {allow: ["sensors.>", "_INBOX.>"]}
      }
    }
    {
      user: clock
      password: clock-secret
      permissions: {
        subscribe: {allow: ["time.now"]}
        allow_responses: true
      }
    }
  ]
}
CONF
cat server.conf
nats-server -c server.conf > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for the server to report healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# One shorthand per user.
as_sensor() { nats --user sensor --password sensor-secret "$@"; }
as_dashboard() { nats --user dashboard --password dashboard-secret "$@"; }
as_clock() { nats --user clock --password clock-secret "$@"; }

# Subscriptions register asynchronously. This helper waits, for up to 30
# seconds, until the `/subsz` monitoring endpoint finds a subscription
# matching the given subject.
wait_for_subscriber() {
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=$1" | grep -q '"subject"' && return 0
    sleep 0.2
  done
  echo "nobody subscribed to $1" >&2
  exit 1
}

# The dashboard listens for two readings, and the sensor sends them. Both
# sides stay within their permissions, and the sensor's hashed password
# is accepted like any other.
as_dashboard sub "sensors.>" --count 2 > dashboard.txt 2>&1 &
dashboard=$!
wait_for_subscriber sensors.kitchen.temperature
as_sensor pub sensors.kitchen.temperature "21.5"
as_sensor pub sensors.cellar.humidity "80"
wait "$dashboard"
cat dashboard.txt

# The clock answers one request. It has no publish permission, yet its
# reply goes through: `allow_responses` allows publishing to the reply
# subject of a request it has just received, and nothing else. `nats
# reply` ends with exit status 1 when it stops, which is expected.
as_clock reply time.now "twelve o'clock" --count 1 > clock.txt 2>&1 &
clock=$!
wait_for_subscriber time.now
as_dashboard request time.now ""
wait "$clock" || [ $? -eq 1 ]

# Now the refusals. The sensor tries to publish outside `sensors.`: the
# server drops the message and tells the client, and `nats pub` exits
# with an error.
as_sensor pub admin.reset "now" || echo "the publish was refused (exit status $?)"

# The dashboard tries to watch `admin.>`, which it may not subscribe to.
as_dashboard sub "admin.>" --count 1 || echo "the subscription was refused (exit status $?)"

# And a client with the wrong password is not let in at all.
nats --user sensor --password guess pub sensors.kitchen.temperature "99" ||
  echo "the connection was refused (exit status $?)"
