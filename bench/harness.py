#!/usr/bin/env python3
"""Harness overhead: `nbe run EXAMPLE` against `bash main.sh` run directly with the same binaries.

Both run the same copy of the example, with the project's tools first on PATH, one at a time.
The direct run's leftover background servers are killed after its clock stops (that is work nbe
does inside its measured time). Prints the medians and the overhead; used by `make bench`.

usage: bench/harness.py [EXAMPLE] [ITERATIONS]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools", "bin")
NBE = os.environ.get("NBE", os.path.join(ROOT, "target", "release", "nbe"))


def direct(client_dir):
    work = tempfile.mkdtemp(prefix="nbe-bench-")
    shutil.copytree(client_dir, work, dirs_exist_ok=True)
    env = {"PATH": f"{TOOLS}:{os.environ['PATH']}", "HOME": work, "TMPDIR": work, "LC_ALL": "C.UTF-8"}
    # A new session, so the servers it leaves behind can be found and stopped afterwards.
    started = time.perf_counter()
    proc = subprocess.Popen(["bash", "main.sh"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    proc.wait()
    elapsed = time.perf_counter() - started
    # The script's session id is its pid; the servers it left behind are still in that session.
    while subprocess.run(["pkill", "-KILL", "-s", str(proc.pid)], stderr=subprocess.DEVNULL).returncode == 0:
        time.sleep(0.01)
    shutil.rmtree(work, ignore_errors=True)
    if proc.returncode != 0:
        sys.exit(f"direct run failed with {proc.returncode}")
    return elapsed


def via_nbe(example, isolation):
    started = time.perf_counter()
    proc = subprocess.run([NBE, "--isolation", isolation, "run", example], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"nbe run failed with {proc.returncode}")
    return elapsed


def main():
    example = sys.argv[1] if len(sys.argv) > 1 else "messaging/publish-subscribe"
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    client_dir = os.path.join(ROOT, "examples", example, "cli")
    runs = {"direct": [], "nbe (namespace)": [], "nbe (none)": []}
    for _ in range(iterations):  # interleaved, so drift hits all three alike
        runs["direct"].append(direct(client_dir))
        runs["nbe (namespace)"].append(via_nbe(example, "namespace"))
        runs["nbe (none)"].append(via_nbe(example, "none"))
    base = statistics.median(runs["direct"])
    print(f"example: {example}, {iterations} runs each, medians:")
    for name, times in runs.items():
        median = statistics.median(times)
        print(f"  {name:<16} {median * 1000:8.1f} ms   overhead {1000 * (median - base):+7.1f} ms")


if __name__ == "__main__":
    main()
