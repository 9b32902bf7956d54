#!/bin/bash

set -euo pipefail

# The whole arrangement is in the server's configuration.
#
# `ORDERS` exports the subject `orders.completed` as a *stream*: messages
# published on it may flow to importers. `BILLING` imports that stream,
# and exports a *service* on `billing.invoice`, which `ORDERS` imports
# under the local name `invoice.create`. Anything not listed stays inside
# its account.
cat > server.conf <<'CONF'
server_name: accounts-demo
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

accounts {
  ORDERS {
    users: [{user: orders, password: orders}]
    exports: [
      {stream: "orders.completed"}
    ]
    imports: [
      {service: {account: BILLING, subject: "billing.invoice"}, to: "invoice.create"}
    ]
  }
  BILLING {
    users: [{user: billing, password: billing}]
    exports: [
      {service: "billing.invoice"}
    ]
    imports: [
      {stream: {account: ORDERS, subject: "orders.completed"}}
    ]
  }
}
CONF
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

# Two shorthands, one per account's user, to keep the commands readable.
as_orders() { nats --user orders --password orders "$@"; }
as_billing() { nats --user billing --password billing "$@"; }

# Subscriptions register asynchronously. This helper waits until some
# client holds a subscription on the given subject, as listed by the
# `/connz?subs=1` monitoring endpoint. That endpoint speaks JSON, which
# writes `>` as `\u003e`, so the subject is spelled the same way before
# searching.
wait_for_subscription() {
  local subject=${1//>/\\u003e}
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:8222/connz?subs=1" | grep -qF "\"$subject\"" && return 0
    sleep 0.2
  done
  echo "nobody subscribed to $1" >&2
  exit 1
}

# Each user sees the account it belongs to.
as_orders account info
as_billing account info

# First, isolation. A billing client listens on `audit.log` and stops after
# one message. An orders client publishes on the same subject first, then
# a billing client does. Only the second message arrives: the first one
# stayed in the `ORDERS` account.
as_billing sub audit.log --count 1 > billing-audit.txt 2>&1 &
audit=$!
wait_for_subscription audit.log
as_orders pub audit.log "orders: nightly cleanup done"
as_billing pub audit.log "billing: ledger closed"
wait "$audit"
cat billing-audit.txt

# Now the exported stream. Billing listens on everything under `orders.`,
# but the import only brings in `orders.completed`; the `orders.created`
# message published before it is not delivered.
as_billing sub "orders.>" --count 1 > billing-orders.txt 2>&1 &
orders=$!
wait_for_subscription "orders.>"
as_orders pub orders.created "order 7 created"
as_orders pub orders.completed "order 7 completed, total 30 EUR"
wait "$orders"
cat billing-orders.txt

# Finally the service. Billing answers on `billing.invoice`; the orders
# client calls `invoice.create`, the name its import gives the service.
# `nats reply` ends with exit status 1 when it stops, which is expected.
as_billing reply billing.invoice "invoice INV-1 created for {{ .Request }}" --count 1 > billing-service.txt 2>&1 &
service=$!
wait_for_subscription billing.invoice
as_orders request invoice.create "order 7"
wait "$service" || [ $? -eq 1 ]
