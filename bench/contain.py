#!/usr/bin/env python3
"""What containment costs a run: two nbe builds side by side, and each against doing it by hand.

Interleaved in one loop, so both builds see the same machine: for each round and each kind,
`nbe run EXAMPLE/KIND` with the build before (BEFORE) and after (AFTER), both warm (one untimed
run each first, on the default cache). Beside them, the direct equivalents: the CLI script run by
bash, and for Go what nbe does by hand (start `nats-server -js`, poll `/healthz` until it answers
200, run the built program with NATS_URL, stop the server). Prints the median of each, and for the two builds the median CPU
time (user + sys of nbe and everything it waited for), which other work on the machine disturbs
less than wall time.

BEFORE runs the checkout BEFORE_ROOT when it is set (the examples and clients/ of its time:
a checkout's clients/kinds.toml overrides the kinds nbe embeds), this one otherwise. MIDDLE, when
set, is a third build run in the same loop on this checkout (a branch's base, say), so that one
measurement shows both what a change saves and where it leaves the target.

usage: BEFORE=path/to/nbe AFTER=path/to/nbe [BEFORE_ROOT=checkout] [MIDDLE=path/to/nbe]
       bench/contain.py [ROUNDS] [EXAMPLE]
"""

import glob
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.environ.get("NBE_TOOLS_DIR", os.path.join(ROOT, ".tools", "bin"))
KINDS = ["cli", "go", "python", "rust", "node", "deno", "java", "c"]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, **kwargs):
    """Runs command: (wall s, CPU s of it and what it waited for)."""
    cpu = children_cpu()
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with {result.returncode}: {result.stderr.decode()[-400:]}")
    return elapsed, children_cpu() - cpu


def via_nbe(nbe, client, root=ROOT):
    env = dict(os.environ, NBE_TOOLS_DIR=TOOLS)
    return timed([nbe, "--root", root, "run", client], env=env)


def cli_by_bash(client_dir):
    work = tempfile.mkdtemp(prefix="nbe-bench-")
    shutil.copytree(client_dir, work, dirs_exist_ok=True)
    env = {"PATH": f"{TOOLS}:{os.environ['PATH']}", "HOME": work, "TMPDIR": work, "LC_ALL": "C.UTF-8"}
    started = time.perf_counter()
    proc = subprocess.Popen(["bash", "main.sh"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    proc.wait()
    # Ending what the script left running is part of what nbe does in its time.
    while subprocess.run(["pkill", "-KILL", "-s", str(proc.pid)], stderr=subprocess.DEVNULL).returncode == 0:
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    shutil.rmtree(work, ignore_errors=True)
    return elapsed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def go_by_hand(program):
    started = time.perf_counter()
    port, monitor = free_port(), free_port()
    store = tempfile.mkdtemp(prefix="nbe-bench-js-")
    server = subprocess.Popen([os.path.join(TOOLS, "nats-server"), "-a", "127.0.0.1", "-p", str(port),
                               "-m", str(monitor), "-js", "-sd", store],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{monitor}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    break
        except OSError:
            time.sleep(0.005)
    subprocess.run([program], env=dict(os.environ, NATS_URL=f"nats://127.0.0.1:{port}"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    server.terminate()
    server.wait()
    elapsed = time.perf_counter() - started
    shutil.rmtree(store, ignore_errors=True)
    return elapsed


def newest_go_program():
    cache = os.environ.get("NBE_CACHE_DIR") or os.path.join(os.environ["HOME"], ".cache", "nbe")
    programs = glob.glob(os.path.join(cache, "products", "go", "build", "*", "client"))
    return max(programs, key=os.path.getmtime)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    example = sys.argv[2] if len(sys.argv) > 2 else "messaging/publish-subscribe"
    before, after = os.environ["BEFORE"], os.environ["AFTER"]
    builds = [("before", before)]
    if os.environ.get("MIDDLE"):
        builds.append(("middle", os.environ["MIDDLE"]))
    builds.append(("after", after))
    roots = {nbe: ROOT for _, nbe in builds}
    roots[before] = os.environ.get("BEFORE_ROOT", ROOT)
    times = {}
    for _, nbe in builds:
        for kind in KINDS:
            via_nbe(nbe, f"{example}/{kind}", roots[nbe])
    # The program the last warm-up (AFTER's) built and ran.
    via_nbe(after, f"{example}/go")
    program = newest_go_program()
    for _ in range(rounds):
        for kind in KINDS:
            for name, nbe in builds:
                times.setdefault((kind, name), []).append(via_nbe(nbe, f"{example}/{kind}", roots[nbe]))
        times.setdefault(("cli", "bash"), []).append(cli_by_bash(os.path.join(ROOT, "examples", example, "cli")))
        times.setdefault(("go", "by hand"), []).append(go_by_hand(program))
    middle = len(builds) == 3
    print(f"{'kind':<8} {'before ms':>10} {'after ms':>10} {'after - before':>15} {'direct ms':>10}"
          f" {'before CPU ms':>14} {'after CPU ms':>13} {'CPU after - before':>19}"
          + (f" {'middle ms':>10} {'middle CPU ms':>14} {'CPU after - middle':>19}" if middle else ""))
    for kind in KINDS:
        b, bc = (statistics.median(column) * 1000 for column in zip(*times[(kind, "before")]))
        a, ac = (statistics.median(column) * 1000 for column in zip(*times[(kind, "after")]))
        direct = times.get((kind, "bash")) or times.get((kind, "by hand"))
        shown = f"{statistics.median(direct) * 1000:>10.0f}" if direct else f"{'':>10}"
        row = f"{kind:<8} {b:>10.0f} {a:>10.0f} {a - b:>+15.0f} {shown} {bc:>14.0f} {ac:>13.0f} {ac - bc:>+19.0f}"
        if middle:
            m, mc = (statistics.median(column) * 1000 for column in zip(*times[(kind, "middle")]))
            row += f" {m:>10.0f} {mc:>14.0f} {ac - mc:>+19.0f}"
        print(row)


if __name__ == "__main__":
    main()
