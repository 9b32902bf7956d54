#!/bin/bash

set -euo pipefail

# A plain NATS server: services need nothing beyond core request/reply.
nats-server -a 127.0.0.1 -p 4222 -m 8222 > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Discovery commands cannot know how many instances exist. `ls`, `info`
# and `stats` stop 300ms after the last answer; `ping` listens until its
# timeout passes. Two seconds is plenty on a single local server, even on
# a busy machine; the default is five.
export NATS_TIMEOUT=2s

# Wait until the server is healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# A first instance of the demo service `greeter`, which answers on one
# endpoint, `echo`. Every instance gets its own random id.
nats service serve greeter > instance1.log 2>&1 &

# Wait (up to 30 seconds) until `want` instances report their statistics.
# Asking for statistics returns as soon as the answers stop coming, where
# a ping would wait out the whole timeout on every try.
await_instances() {
  local want=$1
  for attempt in $(seq 1 150); do
    [ "$(nats service stats greeter --json 2>/dev/null | grep -c '"id":')" -ge "$want" ] && return 0
    sleep 0.2
  done
  echo "the service instances did not start" >&2
  exit 1
}
await_instances 1

# Three requests to the `echo` endpoint; `--raw` prints only the replies.
nats service request greeter echo "hello" --count 3 --raw

# The service's description: its version, metadata and endpoints, and
# per endpoint how many requests it handled and how long they took.
nats service info greeter

# A second instance joins. It shares the endpoint's queue group with the
# first, so requests are spread across both from now on.
nats service serve greeter > instance2.log 2>&1 &
await_instances 2

# Every service on the network, one row per service.
nats service ls

# Statistics for each instance: the first handled the three requests,
# the second none yet.
nats service stats greeter

# A ping reaches every instance, and each answers with its id. Both
# instances are known to be up, so one second of listening is enough.
nats service ping greeter --timeout 1s
