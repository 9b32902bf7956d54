#!/bin/bash

set -euo pipefail

# `SYS` is the system account, where the server publishes its events;
# `APP` is an ordinary account with JetStream.
cat > server.conf <<'CONF'
server_name: events-demo
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

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

jetstream {
  store_dir: "./data"
  max_memory_store: 64MB
  max_file_store: 256MB
}
CONF
nats-server -c server.conf > server.log 2>&1 &
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

# Wait, for up to 30 seconds, until a file has at least the given number
# of lines matching a pattern.
wait_for_lines() {
  local file=$1 pattern=$2 expected=$3
  for _ in $(seq 1 150); do
    [ "$(grep -c "$pattern" "$file" || true)" -ge "$expected" ] && return 0
    sleep 0.2
  done
  echo "$file never had $expected lines matching $pattern" >&2
  exit 1
}

# Wait, for up to 30 seconds, until the server has a subscription that
# matches the given subject.
wait_for_subscription() {
  local listed
  for _ in $(seq 1 150); do
    listed=$(curl -fsS "http://127.0.0.1:8222/subsz?subs=1&test=$1")
    grep -q '"subject"' <<< "$listed" && return 0
    sleep 0.2
  done
  echo "nobody subscribed to $1" >&2
  exit 1
}

# `nats events`, run by a system user, listens to the server's events
# about clients: connections, disconnections and failed
# authentications. `--short` prints one line per event.
nats --user admin --password admin events --short > system-events.txt 2>&1 &
system_events=$!
wait_for_subscription '$SYS.SERVER.events-demo.CLIENT.AUTH.ERR'

# In an ordinary account, `--js-advisory` shows the account's JetStream
# advisories instead: every JetStream API call, and actions such as
# creating or deleting a stream. `--no-srv-advisory` leaves out the
# client events, which only the system account receives.
nats --user app --password app events --js-advisory --no-srv-advisory --short > js-events.txt 2>&1 &
js_events=$!
wait_for_subscription '$JS.EVENT.ADVISORY.STREAM.CREATED.X'

# Some activity: a stream created and deleted, and a client with a wrong
# password. Each `nats` command is a connection of its own.
nats --user app --password app stream add ORDERS --defaults --subjects "orders.>" > stream.txt
nats --user app --password app stream rm ORDERS --force
nats --user app --password guess pub orders.new "order 1" ||
  echo "the connection was refused (exit status $?)"

# Events arrive asynchronously. Wait until both listeners have seen
# everything, then stop them and show what they printed.
wait_for_lines system-events.txt '\[Connection\]' 3
wait_for_lines system-events.txt 'Client Closed' 2
wait_for_lines system-events.txt 'Authentication Failure' 2
wait_for_lines js-events.txt '\[JS API\]' 3
wait_for_lines js-events.txt '\[Stream Create\]' 1
wait_for_lines js-events.txt '\[Stream Delete\]' 1
# The system listener stops first, so that it does not report the
# JetStream listener's disconnection.
kill "$system_events"
wait "$system_events" || true
kill "$js_events"

# Events published on different subjects can arrive in any order, so
# they are counted here rather than listed as they came. The system
# events: three connections (the JetStream listener's and one per
# successful command), two disconnections, and the refused client, which
# never reached an account and is reported twice, once as a
# disconnection and once as an authentication error. Depending on timing,
# the listener may also report its own connection; events of the system
# account are left out.
grep -v 'in account SYS' system-events.txt |
  sed -n 's/^[0-9:]* \(\[.*\) cid: [0-9]*/\1/p' | sort | uniq -c

# The JetStream advisories of the `APP` account: an API audit event for
# every call, and an action advisory for the stream's creation and
# deletion.
sed -n 's/^[0-9:]* \(\[.*\)/\1/p' js-events.txt | sort | uniq -c
