#!/usr/bin/env bash
# First use of the built-in defaults: `nbe run` of one client per kind in a repository with no
# clients/ folder (a copy of messaging/publish-subscribe), with an empty NBE_CACHE_DIR (cold: the
# defaults laid out in the cache, dependencies fetched or taken from the tools' own caches, the
# build), then again with that cache (warm). Results in docs/PERFORMANCE.md.
#
# usage: bench/defaults-first-use.sh [KIND...]   (NBE=path/to/nbe, default target/debug/nbe)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nbe=${NBE:-$root/target/debug/nbe}
export NBE_TOOLS_DIR=${NBE_TOOLS_DIR:-$root/.tools/bin}
export PATH="$NBE_TOOLS_DIR:$PATH"
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(go python rust node deno java c)
repo=$(mktemp -d /tmp/nbe-adopter-XXXXXX)
trap 'rm -rf "$repo"' EXIT
mkdir -p "$repo/examples/messaging"
cp -r "$root/examples/messaging/publish-subscribe" "$repo/examples/messaging/"
printf 'categories:\n  - messaging\n' >"$repo/examples/meta.yaml"
printf 'examples:\n  - publish-subscribe\n' >"$repo/examples/messaging/meta.yaml"
seconds() {
    local start end
    start=$(date +%s.%N)
    NBE_CACHE_DIR=$1 "$nbe" --root "$repo" run "messaging/publish-subscribe/$2" >/dev/null 2>"$repo/stderr" ||
        { cat "$repo/stderr" >&2; return 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
echo "| kind | cold | warm |"
echo "| --- | ---: | ---: |"
for kind in "${kinds[@]}"; do
    cache=$(mktemp -d /tmp/nbe-cold-XXXXXX)
    cold=$(seconds "$cache" "$kind")
    warm=$(seconds "$cache" "$kind")
    printf '| %s | %.2f s | %.2f s |\n' "$kind" "$cold" "$warm"
    rm -rf "$cache"
done
