#!/bin/bash

set -euo pipefail

# The server runs JetStream and keeps its data in `./data`, inside the
# example's working directory.
cat > server.conf <<'CONF'
listen: 127.0.0.1:4222
http: 127.0.0.1:8222
jetstream {
  store_dir: "./data"
  max_memory_store: 64MB
  max_file_store: 256MB
}
CONF
nats-server -c server.conf > server.log 2>&1 &
export NATS_URL="nats://127.0.0.1:4222"

# `/healthz?js-enabled-only=true` answers 200 once JetStream is up. Poll it
# for up to 30 seconds.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/healthz?js-enabled-only=true" > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    echo "JetStream did not start" >&2
    exit 1
  fi
  sleep 0.2
done

# A stream for image tasks, kept in memory since the example is
# short-lived.
nats stream add TASKS --defaults --subjects "tasks.>" --storage memory > /dev/null
echo "Created stream TASKS"

# The `worker` pull consumer wants every message acknowledged. One that is
# not acknowledged within the ack wait (`--wait 1s`, thirty seconds unless
# set) is delivered again, and so is one the worker rejects with a nak, at
# once. `--max-deliver 3` caps the deliveries of a message at three.
nats consumer add TASKS worker \
  --defaults \
  --pull \
  --deliver all \
  --ack explicit \
  --replay instant \
  --wait 1s \
  --max-deliver 3 > /dev/null
nats consumer info TASKS worker | grep -E "Ack Wait|Maximum Deliveries"

# When a message has used up its deliveries, the server publishes an
# advisory on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`.
# Nothing else records the failure, so that advisory is the signal to set
# the message aside as a dead letter. A subscriber in the background keeps
# the first one in `advisory.json`; the server's `/connz?subs=1` endpoint
# shows when its subscription is in place.
advisories='$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.TASKS.worker'
nats sub "$advisories" --count 1 --raw > advisory.json 2> advisory.log &
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/connz?subs=1" | grep -qF "\"$advisories\"" && break
  if [ "$attempt" -eq 150 ]; then
    echo "the advisory subscription did not show up" >&2
    exit 1
  fi
  sleep 0.2
done

# Two tasks; the second one names a file the worker cannot read.
nats pub --jetstream tasks.resize "resize photo-1.jpg"
nats pub --jetstream tasks.resize "resize broken.jpg"

# The worker takes one message at a time; the header of each shows how
# many times it was delivered (`tries`). The good task is acknowledged.
nats consumer next TASKS worker

# The broken task fails every time. The first failure is a nak, which
# makes the message come back at once.
nats consumer next TASKS worker --nak

# The second time the worker does not answer at all, as if it had
# crashed: the message comes back only when the ack wait has run out.
nats consumer next TASKS worker --no-ack

# The third failure is a nak again, on the last delivery allowed.
nats consumer next TASKS worker --nak

# A pull consumer looks at a message it would deliver again when a client
# asks for messages. When the worker asks once more, the server finds the
# message at its limit: instead of delivering it, it publishes the
# advisory, and the worker's request ends without a message after its
# one-second timeout. `consumer next` then fails, saying either that no
# message was received or, when the server's `408 Request Timeout` answer
# came first, that this answer cannot be acknowledged. Either is the
# expected outcome here; anything else is an error.
if answer=$(nats consumer next TASKS worker --timeout 1s 2>&1); then
  echo "the message was delivered a fourth time: $answer" >&2
  exit 1
fi
if ! grep -qE "no message received|Status: 408" <<< "$answer"; then
  echo "$answer" >&2
  exit 1
fi
echo "No task left for the worker"

# Wait (for up to 30 seconds) until the advisory is in. It is JSON; the
# fields that matter are the stream sequence of the message and the
# number of deliveries.
for attempt in $(seq 1 150); do
  [ -s advisory.json ] && break
  if [ "$attempt" -eq 150 ]; then
    echo "no max-deliveries advisory arrived" >&2
    exit 1
  fi
  sleep 0.2
done
sequence=$(grep -o '"stream_seq":[0-9]*' advisory.json | cut -d: -f2)
deliveries=$(grep -o '"deliveries":[0-9]*' advisory.json | cut -d: -f2)
echo "Advisory: consumer worker gave up on sequence $sequence of stream TASKS after $deliveries deliveries"

# The stream sequence from the advisory reads the dead letter back from the
# stream: the stream still holds it, since a limits stream keeps messages
# whatever their consumers do.
nats stream get TASKS "$sequence"

# The consumer has nothing left: no message awaits acknowledgement and
# none waits to be delivered.
nats consumer info TASKS worker | grep -E "Outstanding Acks|Unprocessed Messages"
