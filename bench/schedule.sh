#!/usr/bin/env bash
# The shipped catalog against its bound: `nbe test -j 1` gives every client's duration (the total
# work), `nbe test -j JOBS` the wall time with nbe's longest-first scheduling. The bound is the
# longer of the longest client and the total work divided by the cores (most of an example's time
# is spent waiting on servers, so the second is a loose bound). Prints a Markdown row for
# docs/PERFORMANCE.md.
#
# usage: bench/schedule.sh [JOBS]    (default 8, nbe's default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nbe=${NBE:-$root/target/release/nbe}
jobs=${1:-8}
export NBE_TOOLS_DIR=${NBE_TOOLS_DIR:-$root/.tools/bin}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

timed() {
  local start end
  start=$(date +%s.%N)
  "$nbe" --root "$root" test --update no --format json "$@" > "$out/report.json"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
serial=$(timed -j 1)
cp "$out/report.json" "$out/serial.json"
parallel=$(timed -j "$jobs")
python3 - "$out/serial.json" "$serial" "$parallel" "$jobs" "$(nproc)" "$(cut -d ' ' -f 1 /proc/loadavg)" <<'PY'
import json, sys
path, serial, parallel, jobs, cores, load = sys.argv[1:]
results = json.load(open(path))["results"]
total = sum(r["seconds"] for r in results)
longest = max(results, key=lambda r: r["seconds"])
bound = max(longest["seconds"], total / int(cores))
print("| clients | `-j 1` wall | total work | longest client | bound | `-j %s` wall | load after |" % jobs)
print("| ---: | ---: | ---: | --- | ---: | ---: | ---: |")
print("| %d | %.1f s | %.1f s | %s, %.1f s | %.1f s | %.1f s | %s |" % (
    len(results), float(serial), total, longest["path"], longest["seconds"], bound, float(parallel), load))
PY
