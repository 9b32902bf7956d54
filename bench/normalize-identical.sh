#!/usr/bin/env bash
# Checks that two nbe binaries normalize alike: every input of bench/normalize_corpus.py, plain and
# with --explain (stdout, stderr and exit status), must give the same bytes. Run it before and
# after any change to src/normalize/ that should not change what it does (a speed-up).
# Usage: bench/normalize-identical.sh BEFORE AFTER   (two nbe binaries, e.g. built at two commits)
set -euo pipefail
before=$(realpath "$1")
after=$(realpath "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/bench/normalize_corpus.py" "$work/in"
run() {
	local bin=$1 dst=$2
	mkdir -p "$dst"
	while IFS=$'\t' read -r name path example; do
		local args=()
		[ -n "$example" ] && args=(--example "$example")
		"$bin" normalize "${args[@]}" "$path" >"$dst/$name.out" 2>"$dst/$name.err" && rc=0 || rc=$?
		echo "exit $rc" >>"$dst/$name.err"
		"$bin" normalize --explain "${args[@]}" "$path" >"$dst/$name.xout" 2>"$dst/$name.xerr" || true
	done <"$work/in/JOBS"
}
cd "$here"
run "$before" "$work/before"
run "$after" "$work/after"
if diff -rq "$work/before" "$work/after"; then
	echo "identical: $(wc -l <"$work/in/JOBS") inputs, plain and --explain"
else
	echo "the two binaries normalize differently (above)" >&2
	exit 1
fi
