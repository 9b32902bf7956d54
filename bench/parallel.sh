#!/usr/bin/env bash
# Parallel speed-up and nbe's peak memory.
#
# Builds a suite of server-starting examples (every shipped example, COPIES times, under distinct
# names) in a temp repository, then times `nbe test` on it at several -j values. While the
# parallel runs go, it samples nbe's own peak resident memory (VmHWM) from /proc, which counts nbe
# alone, not the servers the examples start.
#
# usage: bench/parallel.sh [COPIES] [JOBS...]    (defaults: 2 copies; -j 1 2 4 6 8)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nbe=${NBE:-$root/target/release/nbe}
copies=${1:-2}
shift || true
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(1 2 4 6 8)

suite=$(mktemp -d)
trap 'rm -rf "$suite"' EXIT
mkdir -p "$suite/examples"
categories=""
for copy in $(seq 1 "$copies"); do
  for dir in "$root"/examples/*/; do
    category=$(basename "$dir")
    cp -r "$dir" "$suite/examples/$category-$copy"
    categories="$categories  - $category-$copy"$'\n'
  done
done
printf 'categories:\n%s' "$categories" > "$suite/examples/meta.yaml"
export NBE_TOOLS_DIR="$root/.tools/bin"
clients=$("$nbe" --root "$suite" list --json | python3 -c 'import json,sys; print(sum(len(e["clients"]) for c in json.load(sys.stdin)["categories"] for e in c["examples"]))')
# Record once so the timed runs compare against snapshots, as a real `nbe test` does.
"$nbe" --root "$suite" record -j 4 > /dev/null

echo "suite: $clients clients ($copies copies of every shipped example), $(nproc) cores"
for j in "${jobs[@]}"; do
  start=$(date +%s.%N)
  "$nbe" --root "$suite" test -j "$j" > "$suite/out-$j.txt" 2>&1 &
  pid=$!
  peak=0
  while kill -0 "$pid" 2> /dev/null; do
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
    sleep 0.05
  done
  status=0
  wait "$pid" || status=$?
  end=$(date +%s.%N)
  printf -- '-j %-2s %6.2f s   peak RSS of nbe %5.1f MiB   %s\n' "$j" "$(echo "$end - $start" | bc)" \
    "$(echo "scale=1; $peak / 1024" | bc)" "$(tail -n 1 "$suite/out-$j.txt") (exit $status)"
  # A benchmark of failing runs measures the wrong thing: show what failed.
  [ "$status" -eq 0 ] || grep -v '^    PASS' "$suite/out-$j.txt" | head -n 60
done
