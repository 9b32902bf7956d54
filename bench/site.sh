#!/usr/bin/env bash
# Times `nbe build` on a generated repository, to check the site stays under one second per hundred
# client pages. Usage: bench/site.sh [EXAMPLES] [CLIENTS_PER_EXAMPLE]   (defaults: 120 and 3)
#
# Builds nbe in release mode, generates a throwaway repository with EXAMPLES examples spread over
# six categories, each with CLIENTS_PER_EXAMPLE clients (cli, go, python, ...) whose programs,
# outputs and recordings are of realistic size, then times the build with hyperfine when it is
# installed, else with a loop of ten runs. Results go to stdout; docs/PERFORMANCE.md records them.
set -euo pipefail

examples=${1:-120}
clients=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --locked --bin nbe >&2
nbe=$root/target/release/nbe

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/examples"
# The player's files are copied into every build, so they are part of what is timed.
if [ -d "$root/node_modules" ]; then ln -s "$root/node_modules" "$repo/node_modules"; fi

kinds=(cli go python javascript rust csharp java ruby elixir crystal c)
files=(main.sh main.go main.py main.js main.rs main.cs main.java main.rb main.exs main.cr main.c)
hash_comment=(1 0 1 0 0 0 0 1 1 1 0)

# A program of about 150 lines: prose comments, code, and for the shell a heredoc per step.
program() {
  local kind=$1 marker=$2 step
  if [ "$kind" = cli ]; then echo '#!/bin/bash'; echo 'set -euo pipefail'; echo; fi
  for step in $(seq 1 12); do
    echo "$marker Step $step: start server \`s$step\` and *check* that it answers, then"
    echo "$marker publish a few messages and read them back. See [the first example](category-1/example-1)."
    if [ "$kind" = cli ]; then
      echo "cat > s$step.conf <<'CONF'"
      echo "# a comment inside the heredoc stays code"
      echo "listen: 127.0.0.1:$((4222 + step))"
      echo "jetstream { store_dir: \"data/s$step\" }"
      echo "CONF"
      echo "nats-server -c s$step.conf > /dev/null 2>&1 &"
      echo "nats --server nats://127.0.0.1:$((4222 + step)) pub orders.$step \"order $step\" # publish"
    else
      echo "conn := connect(\"nats://127.0.0.1:$((4222 + step))\") $marker inline note"
      echo "for i := 0; i < $step; i++ {"
      echo "    conn.Publish(\"orders.$step\", []byte(\"order\"))"
      echo "}"
      echo "if err != nil { return err }"
    fi
    echo
  done
}

categories=6
category_list=""
for c in $(seq 1 $categories); do category_list+="category-$c, "; done
echo "categories: [${category_list%, }]" > "$repo/examples/meta.yaml"
for c in $(seq 1 $categories); do
  dir=$repo/examples/category-$c
  mkdir -p "$dir"
  list=""
  for e in $(seq "$c" "$categories" "$examples"); do list+="example-$e, "; done
  printf 'title: Category %s\ndescription: Examples of group %s, with `code` and a [link](category-1).\nexamples: [%s]\n' \
    "$c" "$c" "${list%, }" > "$dir/meta.yaml"
  for e in $(seq "$c" "$categories" "$examples"); do
    edir=$dir/example-$e
    mkdir -p "$edir"
    printf 'title: Example %s\ndescription: |\n  What example %s shows, in two sentences. It links to [another](category-1/example-1).\n' "$e" "$e" > "$edir/meta.yaml"
    for k in $(seq 0 $((clients - 1))); do
      cdir=$edir/${kinds[$k]}
      mkdir -p "$cdir"
      marker='//'
      if [ "${hash_comment[$k]}" = 1 ]; then marker='#'; fi
      program "${kinds[$k]}" "$marker" > "$cdir/${files[$k]}"
      seq 1 200 | sed 's/^/│ server-1 │ east │ 2.15.2 │ yes │ 1 │ 184 │ row /' > "$cdir/output.txt"
      {
        echo '{"version": 2, "width": 120, "height": 40, "timestamp": 1764028800}'
        seq 1 200 | awk '{printf "[%.2f, \"o\", \"line %d of the recording\\r\\n\"]\n", $1 / 20, $1}'
      } > "$cdir/output.cast"
    done
  done
done

pages=$((examples * clients))
echo "generated $examples examples x $clients clients = $pages client pages in $repo" >&2
"$nbe" --root "$repo" build --output "$work/site" >&2
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 2 --runs 10 "'$nbe' --root '$repo' build --output '$work/site'"
else
  start=$(date +%s%N)
  for _ in $(seq 1 10); do "$nbe" --root "$repo" build --output "$work/site" 2> /dev/null; done
  end=$(date +%s%N)
  echo "mean of 10 runs: $(( (end - start) / 10000000 )) ms for $pages client pages"
fi
