#!/usr/bin/env bash
# What finding and verifying the tools adds to every command: `nbe run` of a one-line CLI script in
# a repository with only examples/, NBE_TOOLS_DIR unset and no tools on PATH, with the tools in
# nbe's cache, in the repository's .tools/bin, and named by --tools-dir (the floor), each nbe given
# run interleaved with the others. Results in docs/PERFORMANCE.md ("First use of the tools").
#
# usage: bench/tools-check.sh NBE...   (RUNS=10; TOOLS=dir with the real tools, default .tools/bin)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$root/.tools/bin}
[ $# -gt 0 ] || { echo "usage: $0 NBE..." >&2; exit 2; }
work=$(mktemp -d /tmp/nbe-tools-check-XXXXXX)
trap 'rm -rf "$work"' EXIT
clean_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for repo in cache project; do
  mkdir -p "$work/$repo/examples/bench/echo/cli"
  printf '#!/usr/bin/env bash\necho hi\n' >"$work/$repo/examples/bench/echo/cli/main.sh"
done
mkdir -p "$work/project/.tools/bin"
cp "$tools/nats-server" "$tools/nats" "$work/project/.tools/bin/"
# The cache holds copies of the real pinned tools, stamped by the first nbe given.
export NBE_CACHE_DIR=$work/nbe-cache
server=$(sed -n 's/^NATS_SERVER_VERSION=//p' "$root/tools.versions")
cli=$(sed -n 's/^NATSCLI_VERSION=//p' "$root/tools.versions")
mkdir -p "$NBE_CACHE_DIR/tools/nats-server/$server" "$NBE_CACHE_DIR/tools/nats/$cli"
cp "$tools/nats-server" "$NBE_CACHE_DIR/tools/nats-server/$server/"
cp "$tools/nats" "$NBE_CACHE_DIR/tools/nats/$cli/"
(cd "$work/cache" && env -u NBE_TOOLS_DIR PATH=$clean_path "$1" install-tools >/dev/null 2>&1)
TIMEFORMAT='%3R %3U %3S'
run() { # nbe repo [flags]
  local nbe=$1 repo=$2
  shift 2
  (cd "$work/$repo" && env -u NBE_TOOLS_DIR PATH=$clean_path "$nbe" "$@" run bench/echo/cli >/dev/null)
}
# Warm-up twice, a second apart: a binary written less than a second ago is not trusted by identity.
for round in 1 2; do
  sleep 1.5
  for nbe in "$@"; do for repo in cache project; do run "$nbe" "$repo"; done; done
done
echo "nbe case wall_s user_s sys_s"
for _ in $(seq 1 "${RUNS:-10}"); do
  for nbe in "$@"; do
    for repo in cache project; do
      echo "$nbe $repo $( { time run "$nbe" "$repo"; } 2>&1 )"
    done
    echo "$nbe tools-dir $( { time run "$nbe" cache --tools-dir "$tools"; } 2>&1 )"
  done
done
