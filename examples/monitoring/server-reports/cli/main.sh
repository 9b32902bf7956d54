#!/bin/bash

set -euo pipefail

# A server with two application accounts and a system account. `SHOP`
# may use JetStream; `SYS` is the system account, which receives the
# monitoring requests of `nats server report`.
cat > server.conf <<'CONF'
server_name: monitor-demo
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
  }
  WAREHOUSE {
    users: [{user: warehouse, password: warehouse}]
  }
  SYS {
    users: [{user: admin, password: admin}]
  }
}
system_account: SYS
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

# Three long-lived clients with names, so they are easy to spot in the
# reports: two in `SHOP`, one in `WAREHOUSE`.
nats sub --user shop --password shop --connection-name checkout "orders.>" > checkout.log 2>&1 &
nats sub --user shop --password shop --connection-name mailer "orders.paid" > mailer.log 2>&1 &
nats sub --user warehouse --password warehouse --connection-name picker "stock.>" > picker.log 2>&1 &

# Wait (up to 30 seconds) until the server counts all three connections.
for attempt in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:8222/connz" | grep -q '"num_connections": 3,' && break
  if [ "$attempt" -eq 150 ]; then
    echo "the clients did not connect" >&2
    exit 1
  fi
  sleep 0.2
done

# A stream in `SHOP` with a few orders, so its account has JetStream usage.
nats --user shop --password shop stream add ORDERS --defaults --subjects "orders.>" > stream.txt
head -n 1 stream.txt
for n in 1 2 3; do
  nats --user shop --password shop pub --jetstream orders.paid "order $n" > /dev/null
done

# From here on we act as the system account.
export NATS_USER=admin NATS_PASSWORD=admin

# Every client connection on every server, grouped by account, with the
# messages and bytes each has sent and received.
nats server report connections --account SHOP
nats server report connections --account WAREHOUSE

# A summary per account: how many connections and subscriptions each has.
nats server report accounts

# The raw answer behind such reports, for one account. The reply is JSON
# and shows each connection's name, subscriptions and counters.
nats server request connections --filter-account WAREHOUSE --subscriptions

# A `SHOP` user looks at their own account: its connections, its limits
# and how much of its JetStream allowance the stream uses.
nats account info --user shop --password shop
