#!/usr/bin/env python3
"""The whole catalog warm, with two nbe builds alternated: wall time and CPU of `CI=true nbe test`.

Each build runs its own checkout (`nbe --root CHECKOUT test`), so a build from before a change
runs the examples, snapshots and clients/ of its time. Both are warm: one unmeasured run of each
first, on the default cache (their products have different keys where the steps differ, so each
has its own). Then ROUNDS rounds, each running BEFORE then AFTER. CPU is user + sys of nbe and
everything it waited for (its runs, servers and steps), from getrusage of this script's children.
Every run's results other than PASS (MISMATCH, FAIL, TIMEOUT, SKIP) are counted and the first few printed: a
build reporting them ran other programs than the other, and its time says less.

Prints a Markdown table (one row per round) and the medians, with the load average before and
after: other work on the machine shows in the times.

usage: bench/catalog.py BEFORE_NBE BEFORE_CHECKOUT AFTER_NBE AFTER_CHECKOUT [ROUNDS]
       (ROUNDS defaults to 3; NBE_TOOLS_DIR defaults to AFTER_CHECKOUT/.tools/bin)
"""

import os
import resource
import statistics
import subprocess
import sys
import time


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def catalog(nbe, checkout, tools):
    """One `CI=true nbe test` of the checkout's catalog: (wall s, CPU s, exit code, lines not PASS)."""
    env = dict(os.environ, CI="true", NBE_TOOLS_DIR=tools)
    cpu = children_cpu()
    started = time.perf_counter()
    result = subprocess.run([nbe, "--root", checkout, "test"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - started
    failures = [line.strip() for line in result.stdout.splitlines()
                if line.split()[:1] in (["MISMATCH"], ["FAIL"], ["TIMEOUT"], ["SKIP"])]
    return wall, children_cpu() - cpu, result.returncode, failures


def load():
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit("\n".join(__doc__.strip().splitlines()[-2:]))
    before = (os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
    after = (os.path.abspath(sys.argv[3]), os.path.abspath(sys.argv[4]))
    rounds = int(sys.argv[5]) if len(sys.argv) == 6 else 3
    tools = os.environ.get("NBE_TOOLS_DIR", os.path.join(after[1], ".tools", "bin"))
    builds = {"before": before, "after": after}
    print(f"load average before: {load()}  ({time.strftime('%H:%M:%S', time.gmtime())} UTC)")
    for name, (nbe, checkout) in builds.items():
        wall, _, code, failures = catalog(nbe, checkout, tools)
        print(f"warm-up {name}: {wall:.1f} s, exit {code}, {len(failures)} not passed: " + "; ".join(failures[:3]))
    times = {name: [] for name in builds}
    for _ in range(rounds):
        for name, (nbe, checkout) in builds.items():
            wall, cpu, code, failures = catalog(nbe, checkout, tools)
            times[name].append((wall, cpu))
            if failures:
                print(f"{name}: exit {code}, {len(failures)} not passed: " + "; ".join(failures[:3]))
    print(f"load average after: {load()}  ({time.strftime('%H:%M:%S', time.gmtime())} UTC)")
    print()
    print("| round | before: wall | after: wall | before: CPU (user + sys) | after: CPU |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for number, ((bw, bc), (aw, ac)) in enumerate(zip(times["before"], times["after"]), 1):
        print(f"| {number} | {bw:.1f} s | {aw:.1f} s | {bc:.1f} s | {ac:.1f} s |")
    print()
    median = {name: [statistics.median(column) for column in zip(*rows)] for name, rows in times.items()}
    (bw, bc), (aw, ac) = median["before"], median["after"]
    print(f"medians: wall {bw:.1f} s against {aw:.1f} s ({(aw / bw - 1) * 100:+.0f}%), "
          f"CPU {bc:.1f} s against {ac:.1f} s ({(ac / bc - 1) * 100:+.0f}%)")


if __name__ == "__main__":
    main()
