#!/usr/bin/env bash
# How long `nbe check`, and `nbe build` of the site, take over N recorded clients (default 100).
# Neither runs anything: check should stay well under a second, and so should the site (under one
# second per hundred client pages), whose status badges run the same checks. Every client is a copy of the recorded supercluster-arbiter example (its
# program, output.txt, output.cast and snapshot), the largest recording the project ships.
# Usage: bench/check.sh [N]   (NBE=path/to/nbe, default the release build)
set -euo pipefail
count=${1:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
nbe=${NBE:-$here/target/release/nbe}
source=topologies/supercluster-arbiter
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
mkdir -p "$repo/examples/bench"
printf 'categories: [bench]\n' >"$repo/examples/meta.yaml"
for i in $(seq 1 "$count"); do
	cp -r "$here/examples/$source" "$repo/examples/bench/e$i"
	mkdir -p "$repo/snapshots/bench/e$i"
	sed "s|examples/$source/|examples/bench/e$i/|" "$here/snapshots/$source/cli.snap" >"$repo/snapshots/bench/e$i/cli.snap"
done
echo "$count clients, each a copy of $source ($(wc -l <"$here/examples/$source/cli/output.txt") lines of output)"
time "$nbe" --root "$repo" check | tail -1
if [ -d "$here/node_modules" ]; then ln -s "$here/node_modules" "$repo/node_modules"; fi
time "$nbe" --root "$repo" build --output "$repo/site"
