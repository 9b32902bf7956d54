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

# The `PAYMENTS` stream remembers the message IDs it has seen for one
# minute: that is its duplicate window (`--dupe-window`, two minutes
# unless set). The window bounds how much the server must remember, so it
# should cover the longest time a publisher may take to retry.
nats stream add PAYMENTS \
  --defaults \
  --subjects "payments.>" \
  --storage file \
  --dupe-window 1m

# Each charge carries its invoice number as its `Nats-Msg-Id` header. The
# first attempt of each is stored; the retries come back with the sequence
# of the stored message and `Duplicate: true`, and the stream keeps
# nothing new.
for attempt in 1 2; do
  nats pub --jetstream -H "Nats-Msg-Id:invoice-1001" payments.charge "charge 40.00 EUR for invoice 1001"
  nats pub --jetstream -H "Nats-Msg-Id:invoice-1002" payments.charge "charge 15.50 EUR for invoice 1002"
done

# Without an ID the server has nothing to compare: the same charge sent
# twice is stored twice, and the customer would pay twice.
for attempt in 1 2; do
  nats pub --jetstream payments.charge "charge 9.99 EUR for invoice 1003"
done

# Six publishes, four messages: two charges with IDs, and the charge
# without one twice.
nats stream info PAYMENTS

# The ID stays with the stored message as a header.
nats stream get PAYMENTS 1
