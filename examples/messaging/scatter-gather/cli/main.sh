#!/bin/bash

set -euo pipefail

# A single server, without JetStream.
nats-server -a 127.0.0.1 -p 4222 -m 8222 > server.log 2>&1 &
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

# A request to a subject nobody listens on fails at once: the server
# answers with a *no responders* status instead of letting the requester
# wait for its timeout.
nats request price.book "isbn 978-0"

# Three shops answer price requests. `nats reply` joins a queue group by
# default, so that only one of several identical services answers; each
# shop names a queue group of its own instead, so each of them answers
# every request.
nats reply price.book "shop-a: 12.90" --queue shop-a > shop-a.txt 2>&1 &
nats reply price.book "shop-b: 11.50" --queue shop-b > shop-b.txt 2>&1 &
nats reply price.book "shop-c: 13.20" --queue shop-c > shop-c.txt 2>&1 &
for attempt in $(seq 1 150); do
  responders=$(curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=price.book" | grep -c '"qgroup"' || true)
  [ "$responders" -eq 3 ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "the shops did not subscribe" >&2
    exit 1
  fi
  sleep 0.2
done

# One request, many replies: `--replies 3` collects three answers to the
# same request, the scatter and gather pattern. `--reply-timeout` is how
# long to wait for each further answer; the generous five seconds only
# matter if a shop is missing, since the command stops at the third. The
# answers arrive in whatever order the shops reply, so they are sorted by
# price (and the blank lines between them dropped).
nats request price.book "isbn 978-0" --replies 3 --reply-timeout 5s --raw > answers.txt
grep -v '^$' answers.txt | sort -t: -k2 -n

# The cheapest answer is the first line after sorting.
grep -v '^$' answers.txt | sort -t: -k2 -n | sed -n 1p
