#!/bin/bash

set -euo pipefail

# `SHOP` owns a stream `ORDERS` with a durable pull consumer
# `fulfilment`, and exports three services, each only to `WAREHOUSE`:
#
# - `$JS.API.CONSUMER.INFO.ORDERS.fulfilment`, to look the consumer up;
# - `$JS.API.CONSUMER.MSG.NEXT.ORDERS.fulfilment`, to pull messages;
# - `$JS.ACK.ORDERS.fulfilment.>`, the reply subjects that acknowledge
#   them.
#
# `WAREHOUSE` has no JetStream of its own. It imports the two API
# services under the prefix `shop.js` instead of `$JS.API`, so they cannot
# be confused with its own API, and the acknowledgement subjects as they
# are.
cat > server.conf <<'CONF'
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

jetstream {
  store_dir: "./data"
  max_memory_store: 64MB
  max_file_store: 256MB
}

accounts {
  SHOP {
    jetstream: enabled
    users: [{user: shop, password: shop}]
    exports: [
      {service: "$JS.API.CONSUMER.INFO.ORDERS.fulfilment", accounts: [WAREHOUSE]}
      {service: "$JS.API.CONSUMER.MSG.NEXT.ORDERS.fulfilment", accounts: [WAREHOUSE]}
      {service: "$JS.ACK.ORDERS.fulfilment.>", accounts: [WAREHOUSE]}
    ]
  }
  WAREHOUSE {
    users: [{user: warehouse, password: warehouse}]
    imports: [
      {
        service: {account: SHOP, subject: "$JS.API.CONSUMER.INFO.ORDERS.fulfilment"}
        to: "shop.js.CONSUMER.INFO.ORDERS.fulfilment"
      }
      {
        service: {account: SHOP, subject: "$JS.API.CONSUMER.MSG.NEXT.ORDERS.fulfilment"}
        to: "shop.js.CONSUMER.MSG.NEXT.ORDERS.fulfilment"
      }
      {service: {account: SHOP, subject: "$JS.ACK.ORDERS.fulfilment.>"}}
    ]
  }
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

# One shorthand per account's user. The warehouse's shorthand adds
# `--js-api-prefix shop.js`, which makes the `nats` tool send its
# JetStream requests to the imported subjects.
as_shop() { nats --user shop --password shop "$@"; }
as_warehouse() { nats --user warehouse --password warehouse --js-api-prefix shop.js "$@"; }

# Acknowledgements are applied a moment after they are sent. This helper
# waits, for up to 30 seconds, until the consumer's acknowledgement floor
# reaches the given stream sequence.
wait_for_ack_floor() {
  local sequence=$1
  for _ in $(seq 1 150); do
    as_shop consumer info ORDERS fulfilment --json | tr -d ' \n' |
      grep -q "\"ack_floor\":{\"consumer_seq\":[0-9]*,\"stream_seq\":$sequence" && return 0
    sleep 0.2
  done
  echo "the fulfilment consumer never acknowledged up to $sequence" >&2
  exit 1
}

# The shop creates its stream and the consumer it shares, and takes three
# orders.
as_shop stream add ORDERS --defaults --subjects "orders.>" --storage file > stream.txt
head -n 1 stream.txt
as_shop consumer add ORDERS fulfilment --defaults --pull --ack explicit > consumer.txt
head -n 1 consumer.txt
for n in 1 2 3; do
  as_shop pub --jetstream --quiet orders.new "order $n"
done

# The warehouse pulls two orders through its imports and acknowledges
# them. To the `nats` tool this looks like any pull consumer.
as_warehouse consumer next ORDERS fulfilment --count 2
wait_for_ack_floor 2

# The shop sees the warehouse's progress in its own consumer: two orders
# acknowledged, one still waiting.
as_shop consumer info ORDERS fulfilment | sed -n '/^State:/,$p'

# Nothing else of the shop's JetStream is visible to the warehouse. Asking
# for the list of streams sends a request under `shop.js.STREAM.`, which
# no import covers, so nobody answers.
as_warehouse stream ls || echo "the warehouse cannot list the shop's streams (exit status $?)"

# The warehouse finishes the last order.
as_warehouse consumer next ORDERS fulfilment --count 1
wait_for_ack_floor 3
as_shop consumer info ORDERS fulfilment | grep -E 'Acknowledgment Floor|Unprocessed Messages'
