#!/bin/bash

set -euo pipefail

# An nkey is an Ed25519 key pair. `nats auth nkey gen user` writes the
# private seed, which starts with `SU`, to a file that stays with the
# client; `nats auth nkey show` prints the public key, which starts with
# `U` and is all the server needs to know.
nats auth nkey gen user --output sensor.nk
sensor=$(nats auth nkey show sensor.nk)
nats auth nkey gen user --output intruder.nk

# The server lists the user by its public key, with permissions as for
# any user. No secret is written into the configuration.
cat > server.conf <<CONF
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

authorization {
  users: [
    {
      nkey: $sensor
      permissions: {publish: ["sensors.>"], subscribe: ["_INBOX.>"]}
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

# To connect, the client signs a random challenge (the nonce the server
# sends when the connection opens) with its seed; the server checks the
# signature with the public key. The seed itself never crosses the
# network. `--nkey` names the seed file.
nats --nkey sensor.nk pub sensors.boiler "71 C"

# The server knows the connection by its public key. A connection that
# stays open, a subscriber on an inbox the sensor may use, shows it on
# `/connz?auth=1` as the authorized user: the same key as in the
# configuration.
nats --nkey sensor.nk sub _INBOX.sensor > subscriber.txt 2>&1 &
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/connz | grep -q '"num_connections": 1,' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the subscriber did not connect" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:8222/connz?auth=1" | grep '"authorized_user"'

# Another key pair, however valid, is not in the list and is refused.
nats --nkey intruder.nk pub sensors.boiler "20 C" || echo "the unknown key was refused (exit status $?)"
