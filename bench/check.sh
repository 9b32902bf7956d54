#!/usr/bin/env bash
# How long `nbe check` takes over N recorded clients (default 100). It runs nothing, so it should stay
# well under a second. Usage: bench/check.sh [N]   (NBE=path/to/nbe, NBE_TOOLS_DIR=dir with the tools)
#
# Measured 2026-11-25, debug build, placeholder normalizer, 2 shared cores: 101 clients in 0.02-0.04 s.
set -euo pipefail
count=${1:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
nbe=${NBE:-$here/target/debug/nbe}
tools=${NBE_TOOLS_DIR:-$here/.tools/bin}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
mkdir -p "$repo/examples/bench/e0/cli"
printf 'categories: [bench]\n' >"$repo/examples/meta.yaml"
printf 'echo "a line of output"\n' >"$repo/examples/bench/e0/cli/main.sh"
"$nbe" --root "$repo" --tools-dir "$tools" record >/dev/null
for i in $(seq 1 "$count"); do
	cp -r "$repo/examples/bench/e0" "$repo/examples/bench/e$i"
	mkdir -p "$repo/snapshots/bench/e$i"
	cp "$repo/snapshots/bench/e0/cli.snap" "$repo/snapshots/bench/e$i/cli.snap"
done
time "$nbe" --root "$repo" check | tail -1
