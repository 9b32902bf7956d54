#!/bin/bash

set -euo pipefail

# The callout service signs its answers with an account nkey, the
# *issuer*. The server is told the issuer's public key and trusts only
# responses signed by it. `nats auth nkey gen` writes the private seed to
# a file; `nats auth nkey show` derives the public key from it.
nats auth nkey gen account --output issuer.nk
issuer=$(nats auth nkey show issuer.nk)
echo "$issuer" > issuer.pub

# Three accounts: `AUTH` for the callout service, `APP` for the users it
# admits, and `SYS` as the system account. `auth_callout` names the
# issuer, the account the service runs in, and the users that skip the
# callout, here only the service's own user, which could not otherwise
# connect to answer. `timeout` gives each client ten seconds to be
# authorized, enough for a service written in shell.
cat > server.conf <<CONF
listen: 127.0.0.1:4222
http: 127.0.0.1:8222

accounts {
  AUTH {
    users: [{user: auth, password: auth-secret}]
  }
  APP {}
  SYS {}
}
system_account: SYS

authorization {
  timeout: 10
  auth_callout {
    issuer: $issuer
    account: AUTH
    auth_users: [auth]
  }
}
CONF
cat server.conf

# The service runs this script once per connecting client, with the
# request in `NATS_REQUEST_BODY`. It has to be quick: the client waits
# for the end of its connection handshake, callout included, for only two
# seconds, so the script starts as few programs as it can. The request is a JWT: three base64url
# parts, header, claims and signature, joined by dots. The claims are
# JSON and carry, among other things, the client's user name and password
# (`connect_opts`), a fresh nkey the server made for this connection
# (`user_nkey`) and the server's id.
cat > authorize.sh <<'SCRIPT'
#!/bin/bash
set -euo pipefail

from_base64url() {
  local text=${1//-/+}
  text=${text//_//}
  while (( ${#text} % 4 )); do text+="="; done
  base64 -d <<< "$text"
}
to_base64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

request=$(from_base64url "$(cut -d. -f2 <<< "$NATS_REQUEST_BODY")")
user_nkey=$(field user_nkey <<< "$request")
server_id=$(grep -o '"server_id":{[^}]*}' <<< "$request" | field id)
connect_opts=$(grep -o '"connect_opts":{[^}]*}' <<< "$request")
user=$(field user <<< "$connect_opts")
password=$(field pass <<< "$connect_opts")

# The user directory: a password and the permissions for each user.
case "$user:$password" in
  ada:ada-secret) permissions='"pub":{"allow":["orders.>"]},"sub":{"deny":[">"]}' ;;
  grace:grace-secret) permissions='"pub":{"deny":[">"]},"sub":{"allow":["orders.>"]}' ;;
  *) permissions="" ;;
esac

# A JWT is signed by the issuer key over its first two parts.
issuer=$(< issuer.pub)
sign() {
  local header claims
  header=$(printf '{"typ":"JWT","alg":"ed25519-nkey"}' | to_base64url)
  claims=$(printf '%s' "$1" | to_base64url)
  printf '%s.%s' "$header" "$claims" > unsigned.txt
  printf '%s.%s.%s' "$header" "$claims" "$(nats auth nkey sign unsigned.txt issuer.nk)"
}

# The response is addressed to the server (`aud`) about the connection's
# nkey (`sub`). Admitted users get a user JWT whose `aud` names the
# account to join; refused ones get an error instead.
now=$(date +%s)
if [ -n "$permissions" ]; then
  user_jwt=$(sign "{\"iat\":$now,\"iss\":\"$issuer\",\"sub\":\"$user_nkey\",\"name\":\"$user\",\"aud\":\"APP\",\"nats\":{$permissions,\"type\":\"user\",\"version\":2}}")
  result="\"jwt\":\"$user_jwt\""
  echo "$user: admitted to APP" >> decisions.log
else
  result='"error":"unknown user or wrong password"'
  echo "$user: refused" >> decisions.log
fi
sign "{\"iat\":$now,\"iss\":\"$issuer\",\"sub\":\"$user_nkey\",\"aud\":\"$server_id\",\"nats\":{$result,\"type\":\"authorization_response\",\"version\":2}}"
SCRIPT
chmod +x authorize.sh

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

# Subscriptions register asynchronously. This helper waits, for up to 30
# seconds, until the `/subsz` monitoring endpoint lists a subscription on
# the given subject.
wait_for_subscription() {
  local subject=${1//>/\\u003e} listed
  for _ in $(seq 1 150); do
    listed=$(curl -fsS "http://127.0.0.1:8222/subsz?subs=1&limit=4096")
    grep -qF "\"subject\": \"$subject\"" <<< "$listed" && return 0
    sleep 0.2
  done
  echo "nobody subscribed to $1" >&2
  exit 1
}

# The service listens where the server sends authorization requests,
# `$SYS.REQ.USER.AUTH` in the `AUTH` account, and replies with whatever
# the script prints.
nats --user auth --password auth-secret reply '$SYS.REQ.USER.AUTH' --command ./authorize.sh > callout.log 2>&1 &
wait_for_subscription '$SYS.REQ.USER.AUTH'

# Grace and Ada are in no configuration file, yet both get in. Grace may
# only read orders, Ada may only write them.
nats --user grace --password grace-secret sub "orders.>" --count 1 > grace.txt 2>&1 &
grace=$!
wait_for_subscription "orders.>"
nats --user ada --password ada-secret pub orders.created "order 7 created"
wait "$grace"
cat grace.txt

# The permissions in the user JWT are enforced like any others: Ada may
# not publish outside `orders.`.
nats --user ada --password ada-secret pub admin.reset "now" ||
  echo "the publish was refused (exit status $?)"

# A wrong password makes the service answer with an error, and the server
# refuses the connection.
nats --user ada --password guess pub orders.created "order 8 created" ||
  echo "the connection was refused (exit status $?)"

# The service decided on four connections, one per command above.
cat decisions.log
