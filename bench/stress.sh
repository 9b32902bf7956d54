#!/usr/bin/env bash
# Flakes under load: the whole shipped catalog under `nbe test --stress --repeat N`, several times.
#
# Each pass runs every shipped client REPEAT times while nbe keeps every core busy at nice 19 and
# starts the clients in a shuffled order (a new seed per pass, printed so a failing pass can be
# replayed with `nbe test --stress --seed SEED`). Nothing is written (`--update no`). The figures
# come out as Markdown for docs/PERFORMANCE.md: the machine, then a row per pass, then what failed.
# Exits 1 when any client failed or was flaky in any pass.
#
# usage: bench/stress.sh [PASSES] [REPEAT]    (defaults: 2 passes, --repeat 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nbe=${NBE:-$root/target/release/nbe}
passes=${1:-2}
repeat=${2:-5}
export NBE_TOOLS_DIR=${NBE_TOOLS_DIR:-$root/.tools/bin}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
echo "Machine: $(nproc) cores ($cpu), $memory, $os; load average before: $(cut -d ' ' -f 1-3 /proc/loadavg);"
echo "$("$nbe" --version) ($nbe), $("$NBE_TOOLS_DIR/nats-server" --version), nats $("$NBE_TOOLS_DIR/nats" --version); $(date -u +%Y-%m-%d)."
echo
echo "| pass | seed | clients x runs | passed | failed | of them flaky | skipped | wall |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
failed=0
for pass in $(seq 1 "$passes"); do
  start=$(date +%s.%N)
  status=0
  "$nbe" --root "$root" test --stress --repeat "$repeat" --update no --format json \
    > "$out/$pass.json" 2> "$out/$pass.err" || status=$?
  end=$(date +%s.%N)
  seed=$(grep -o -- '--seed [0-9]*' "$out/$pass.err" | head -n 1 | cut -d ' ' -f 2)
  if ! python3 - "$out/$pass.json" "$pass" "$seed" "$repeat" "$(echo "$end - $start" | bc)" > "$out/$pass.row" 2> "$out/$pass.failures" <<'PY'
import json, sys
path, number, seed, repeat, wall = sys.argv[1:]
report = json.load(open(path))
results = report["results"]
flaky = sum(1 for r in results if r["outcome"] == "flaky")
print(f"| {number} | {seed} | {len(results)} x {repeat} | {report['passed']} | {report['failed']} | {flaky} "
      f"| {report['skipped']} | {float(wall):.1f} s |")
for r in results:
    if r["outcome"] not in ("passed", "skipped"):
        changed = [line for line in r["detail"].splitlines()
                   if line[:1] in ("+", "-") and not line.startswith(("+++", "---"))]
        shown = "; ".join(f"`{line.strip()}`" for line in changed[:4])
        print(f"pass {number}: {r['outcome']} {r['path']}: {r['message']}" + (f" ({shown})" if shown else ""),
              file=sys.stderr)
PY
  then
    echo "| $pass | $seed | nbe exited $status without a report | | | | | |"
    sed 's/^/    /' "$out/$pass.err" >&2
    failed=1
    continue
  fi
  cat "$out/$pass.row"
  [ "$status" -eq 0 ] || failed=1
  cat "$out/$pass.failures" >> "$out/failures"
done
if [ -s "$out/failures" ]; then
  echo
  echo "What failed:"
  echo
  sed 's/^/- /' "$out/failures"
fi
exit "$failed"
