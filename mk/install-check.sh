#!/usr/bin/env bash
# make install-check: `cargo install --path .` into an empty prefix gives an nbe that works in a
# checkout holding nothing of this repository's: no .tools, no node_modules, NBE_TOOLS_DIR unset,
# the tools not on PATH, and a cache of its own. That nbe runs an examples repository and builds its
# site with the terminal player; then it runs the compatibility fixture (tests/fixtures/compat: a
# catalog in another collection's layout, no clients/, no tools.versions) as it stands, and builds
# its site.
#
#   INSTALL_CHECK_REPO      an examples repository to copy and run (default: one made here from
#                           INSTALL_CHECK_EXAMPLES, the CLI clients of this catalog's examples)
#   INSTALL_CHECK_EXAMPLES  category/example paths whose cli client and snapshot are copied
#   INSTALL_CHECK_CACHE     nbe's cache for the check: kept between local runs under target/, so
#                           only the first installs the tools; a fresh clone (CI) starts it empty
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
work=$project/target/install-check
cache=${INSTALL_CHECK_CACHE:-$work/cache}
examples=${INSTALL_CHECK_EXAMPLES:-messaging/publish-subscribe messaging/request-reply kv/basics}

step() { printf 'install-check: %s\n' "$*"; }
elapsed() { echo "$(( $(date +%s%N) / 1000000 - $1 )) ms"; }

# An empty prefix every time. --debug shares `make build`'s target dir and profile, so the install
# compiles next to nothing: what it proves (nbe needs no file of this checkout) does not depend on
# the profile, and a release build would cost minutes on every fresh clone.
rm -rf "$work/root"
started=$(( $(date +%s%N) / 1000000 ))
CARGO_TARGET_DIR=$project/target cargo install --quiet --locked --debug --path . --root "$work/root"
step "cargo install --debug --path . into an empty prefix: $(elapsed "$started")"
nbe=$work/root/bin/nbe

repo=$(mktemp -d /tmp/nbe-install-check.XXXXXX)
compat=$(mktemp -d /tmp/nbe-install-check-compat.XXXXXX)
trap 'rm -rf "$repo" "$compat"' EXIT
if [ -n "${INSTALL_CHECK_REPO:-}" ]; then
  cp -R "$INSTALL_CHECK_REPO/." "$repo/"
else
  declare -A listed=()
  for path in $examples; do
    category=${path%%/*}
    mkdir -p "$repo/examples/$path" "$repo/snapshots/$path"
    cp "$project/examples/$path/meta.yaml" "$repo/examples/$path/"
    cp -R "$project/examples/$path/cli" "$repo/examples/$path/"
    cp "$project/snapshots/$path/cli.snap" "$repo/snapshots/$path/"
    listed[$category]+=" ${path#*/}"
  done
  for category in "${!listed[@]}"; do
    printf 'title: %s\ndescription: The examples the install check copies.\nexamples: [%s]\n' \
      "$category" "$(echo ${listed[$category]} | tr ' ' ',')" > "$repo/examples/$category/meta.yaml"
  done
  printf 'categories: [%s]\n' "$(echo "${!listed[@]}" | tr ' ' ',')" > "$repo/examples/meta.yaml"
fi

# Nothing of this checkout's reaches the installed nbe: no tools dir, no tools on PATH. The
# toolchains a user installs themselves (uv, deno: `make toolchains` puts them beside the tools
# here) stay reachable, alone, through a directory of links.
toolchains=$work/toolchains
rm -rf "$toolchains" && mkdir -p "$toolchains"
for tool in uv deno; do
  [ -x "$project/.tools/bin/$tool" ] && ln -s "$(readlink -f "$project/.tools/bin/$tool")" "$toolchains/$tool"
done
path=$toolchains:$(tr ':' '\n' <<< "$PATH" | while read -r dir; do
  [ -n "$dir" ] && [ ! -e "$dir/nats-server" ] && [ ! -e "$dir/nats" ] && echo "$dir"
done | paste -sd:)
run_in() { local dir=$1; shift; (cd "$dir" && env -u NBE_TOOLS_DIR -u NBE_ROOT NBE_CACHE_DIR="$cache" PATH="$path" "$nbe" "$@"); }
run() { run_in "$repo" "$@"; }

started=$(( $(date +%s%N) / 1000000 ))
run install-tools
step "the pinned tools in $cache: $(elapsed "$started")"
started=$(( $(date +%s%N) / 1000000 ))
run test --update no
step "nbe test: $(elapsed "$started")"
run build --output "$repo/site"
test -s "$repo/site/assets/asciinema-player.min.js"
test -s "$repo/site/assets/asciinema-player.css"
grep -rqF 'assets/asciinema-player.min.js' "$repo/site" --include=index.html
step "nbe build wrote the site with the terminal player"

# The compatibility fixture, as it stands: every client of a kind that runs here is recorded and
# then passes, the one needing nsc is skipped with its reason, and its site builds.
cp -R "$project/tests/fixtures/compat/." "$compat/"
started=$(( $(date +%s%N) / 1000000 ))
run_in "$compat" record --all
run_in "$compat" test --update no
step "the compatibility fixture recorded and tested: $(elapsed "$started")"
run_in "$compat" build --output "$compat/site"
test -s "$compat/site/assets/asciinema-player.min.js"
step "the compatibility fixture's site built"
step "passed"
