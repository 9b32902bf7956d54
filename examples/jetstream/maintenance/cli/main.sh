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

# A stream of application logs: four lines from the web tier, three from
# the database and one that should never have been logged.
nats stream add LOGS --defaults --subjects "logs.>" --storage file > stream.txt
head -n 1 stream.txt
for n in 1 2 3 4; do
  nats pub --jetstream --quiet logs.web "web request $n"
done
for n in 1 2 3; do
  nats pub --jetstream --quiet logs.db "db query $n"
done
nats pub --jetstream --quiet logs.web "login with password hunter2"
nats stream subjects LOGS

# The log line with a password is message 8. `rmm` removes that single
# message; the sequence numbers of the others do not change, and the
# stream counts one deleted message.
nats stream rmm LOGS 8 --force
nats stream state LOGS | grep -E 'Messages|Deleted'

# A purge can be narrowed to a subject and told to keep the newest
# messages: here everything from the web tier except the last two lines.
nats stream purge LOGS --subject logs.web --keep 2 --force > purge.txt
# The oldest message left is now web request 3, at sequence 3.
nats stream subjects LOGS
nats stream state LOGS | grep -E 'Messages|First Sequence'
nats stream get LOGS 3

# Sealing makes the stream read-only for good: no new messages, no more
# deletes or purges, and the seal cannot be lifted. Good for an archive
# whose content must not change.
nats stream seal LOGS --force > seal.txt
grep -E 'Sealed' seal.txt
nats pub --jetstream logs.web "web request 5" || echo "the sealed stream refused the message (exit status $?)"
