#!/bin/bash

set -euo pipefail

# A plain server is enough: wildcards are part of core NATS. The monitoring
# port matters here, since the script asks the server which subscriptions
# a subject would reach.
nats-server --addr 127.0.0.1 --port 4222 --http_port 8222 > server.log 2>&1 &

# Every `nats` command below connects to this address.
export NATS_URL="nats://127.0.0.1:4222"

# Wait until the server answers its health endpoint, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# Wait until the server's `/connz` endpoint reports the expected number of
# subscriptions across all connections.
wait_for_subscriptions() {
  local expected=$1 total
  for _ in $(seq 1 150); do
    total=$(curl -fsS http://127.0.0.1:8222/connz | awk '$1 == "\"subscriptions\":" {n += $2} END {print n + 0}') || true
    [ "${total:-0}" -ge "$expected" ] && return 0
    sleep 0.2
  done
  echo "expected $expected subscriptions, the server did not report them" >&2
  exit 1
}

# Four subscribers, one per pattern:
#
# - `sensors.*.temperature`: `*` stands for exactly one token, so this is
#   any three-token subject with `sensors` first and `temperature` last.
# - `sensors.>`: `>` stands for one or more tokens and may only come last,
#   so this is everything below `sensors`, however deep, but not `sensors`
#   itself.
# - `*.*`: any subject of exactly two tokens.
# - `>`: a full wildcard at the root matches every subject.
#
# Each stops after the number of messages it should get and writes only
# the subjects it received (`--subjects-only`) to its own file.
nats sub "sensors.*.temperature" --count 1 --subjects-only > one-token.txt 2>&1 &
one_token=$!
nats sub "sensors.>" --count 3 --subjects-only > below-sensors.txt 2>&1 &
below_sensors=$!
nats sub "*.*" --count 1 --subjects-only > two-tokens.txt 2>&1 &
two_tokens=$!
nats sub ">" --count 6 --subjects-only > everything.txt 2>&1 &
everything=$!
wait_for_subscriptions 4

# Six subjects, each testing one edge of the rules: a token too many for
# `*`, the bare prefix that `>` does not cover, two tokens, and a capital
# letter (subjects are case-sensitive).
subjects="sensors.kitchen.temperature sensors.kitchen.humidity sensors.garden.shed.temperature sensors alerts.kitchen Sensors.kitchen.temperature"

# Before publishing anything, ask the server. Its `/subsz` endpoint with
# `test=<subject>` lists the subscriptions that a message on that subject
# would reach, so it answers "who matches?" without sending a message.
# `sed` picks the pattern out of each entry (the JSON escapes `>` as
# `\u003e`) and `sort` puts them in a fixed order.
for subject in $subjects; do
  matches=$(curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=$subject" \
    | sed -n 's/^ *"subject": "\(.*\)",$/\1/p' | sed 's/\\u003e/>/g' | LC_ALL=C sort | paste -sd ' ' -)
  echo "$subject reaches: ${matches:-nobody}"
done

# Now publish one message to each subject.
for subject in $subjects; do
  nats pub "$subject" "reading"
done

# Every subscriber got exactly its count and exited. Their files list the
# subjects in the order they were published; the ones a pattern does not
# match never appear in its file.
wait "$one_token" "$below_sensors" "$two_tokens" "$everything"
cat one-token.txt below-sensors.txt two-tokens.txt everything.txt
