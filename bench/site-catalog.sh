#!/usr/bin/env bash
# Times the docs site of the shipped catalog with one or more nbe binaries, for docs/PERFORMANCE.md
# ("Site build: the shipped catalog"). Usage: bench/site-catalog.sh NBE [NBE...]
#
# For each binary, on a copy of this repository's examples, snapshots, clients and node_modules:
#   cold   `nbe build` with an empty cache directory (nothing memoized yet), once;
#   warm   `nbe build` again, RUNS times (median; RUNS defaults to 5);
#   edit   one prose line of one program changed, then `nbe build` (median of RUNS edits);
#   serve  `nbe serve` running; one prose line changed; the time until its page shows the edit
#          (median of RUNS edits, polled every 10 ms).
# CPU time (user + system) is printed beside the wall time of builds, since a busy machine
# stretches the wall time of everything.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 NBE [NBE...]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

repo=$work/repo
mkdir -p "$repo"
for dir in examples snapshots clients; do cp -r "$root/$dir" "$repo/$dir"; done
if [ -d "$root/node_modules/asciinema-player" ]; then
  mkdir -p "$repo/node_modules"
  cp -r "$root/node_modules/asciinema-player" "$repo/node_modules/"
fi
program=$repo/examples/messaging/drain/cli/main.sh
page=messaging/drain/cli/index.html

ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Wall ms and CPU ms of one `nbe build`.
build() {
  local nbe=$1 start end cpu
  start=$(ms)
  /usr/bin/time -o "$work/time" -f "%U %S" "$nbe" --root "$repo" build --output "$work/site" > /dev/null 2> "$work/err"
  end=$(ms)
  cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/time")
  grep -q "wrote" "$work/err" || { cat "$work/err" >&2; exit 1; }
  echo "$((end - start)) $cpu"
}

# Changes the first prose line of the program to say `text`.
edit() { sed -i "5s/.*/# A plain server, edit $1./" "$program"; }

for nbe in "$@"; do
  export NBE_CACHE_DIR=$work/cache
  rm -rf "$NBE_CACHE_DIR"
  cp "$root/examples/messaging/drain/cli/main.sh" "$program"
  read -r wall cpu < <(build "$nbe")
  echo "$nbe cold: ${wall} ms wall, ${cpu} ms cpu"
  for _ in $(seq 1 "$runs"); do build "$nbe"; done > "$work/warm"
  echo "$nbe warm: $(cut -d' ' -f1 "$work/warm" | median) ms wall, $(cut -d' ' -f2 "$work/warm" | median) ms cpu"
  for i in $(seq 1 "$runs"); do edit "build $i"; build "$nbe"; done > "$work/edit"
  echo "$nbe one edit: $(cut -d' ' -f1 "$work/edit" | median) ms wall, $(cut -d' ' -f2 "$work/edit" | median) ms cpu"

  "$nbe" --root "$repo" serve --addr 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
  server=$!
  for _ in $(seq 1 600); do grep -q http "$work/serve.out" && break; sleep 0.05; done
  base=$(grep -o 'http://[^ ]*/' "$work/serve.out" | head -1)
  for _ in $(seq 1 600); do curl -fsS "$base$page" > /dev/null 2>&1 && break; sleep 0.05; done
  for i in $(seq 1 "$runs"); do
    sleep 1
    start=$(ms)
    edit "serve $i"
    until curl -fsS "$base$page" 2> /dev/null | grep -q "edit serve $i"; do sleep 0.01; done
    echo $(($(ms) - start))
  done > "$work/serve"
  kill "$server"
  wait "$server" 2> /dev/null || true
  server=
  echo "$nbe serve edit: $(median < "$work/serve") ms (all: $(tr '\n' ' ' < "$work/serve"))"
done
