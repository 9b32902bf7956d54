#!/bin/bash

set -euo pipefail

# A single JetStream server keeping its data in `./data`.
nats-server -a 127.0.0.1 -p 4222 -m 8222 -js -sd ./data > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# Wait for JetStream to report healthy, for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# `--allow-schedules` lets the stream hold schedules: messages that tell
# the server to publish another message into the stream later.
nats stream add REMINDERS --defaults --subjects "reminders.>" --storage file --allow-schedules > stream.txt
head -n 1 stream.txt

# Two reminders are scheduled, each on a subject of its own. The message
# body is what will be published; `--schedule-after` says when, and
# `--schedule-dest` on which subject.
nats pub reminders.schedule.call-ada "call ada back" \
  --schedule-after 4s --schedule-dest reminders.due.call-ada
nats pub reminders.schedule.call-grace "call grace back" \
  --schedule-after 3s --schedule-dest reminders.due.call-grace

# Until they fire, the schedules are ordinary messages in the stream. The
# first one carries its instructions in headers.
nats stream get REMINDERS 1

# Grace calls first, so her reminder is cancelled by purging its schedule
# subject.
nats stream purge REMINDERS --subject reminders.schedule.call-grace --force > purge.txt

# Wait, for up to 30 seconds, until Ada's reminder has been published.
# Grace's would have been due a second earlier.
for attempt in $(seq 1 150); do
  nats stream get REMINDERS --last-for reminders.due.call-ada > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "the reminder for ada never fired" >&2
    exit 1
  fi
  sleep 0.2
done

# Only Ada's reminder was published. A one-time schedule is removed once
# it has fired, and the cancelled one never fired at all.
nats stream subjects REMINDERS

# The published reminder names the schedule that produced it.
nats stream get REMINDERS --last-for reminders.due.call-ada
