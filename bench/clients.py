#!/usr/bin/env python3
"""Client kinds: cold and warm `nbe run` of one client per kind, and the overhead over its program.

For each kind: `nbe run EXAMPLE/KIND` with an empty cache (cold: dependencies fetched or taken from
the tools' own caches, and the build), then again with the same cache (warm: nothing is rebuilt),
then the built program run directly against a nats-server this script starts itself (on a free
port), with the same products nbe made. The overhead is warm minus direct: sandbox, namespaces,
the server fixture and its readiness wait. Used by `make bench`; results in docs/PERFORMANCE.md.

usage: bench/clients.py [EXAMPLE] [KIND...]
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools", "bin")
NBE = os.environ.get("NBE", os.path.join(ROOT, "target", "release", "nbe"))
KINDS = ["go", "python", "rust", "node", "deno", "java", "c"]


def timed(command, **kwargs):
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {result.stderr.decode()[-2000:]}")
    return elapsed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def direct(kind, client_dir, cache):
    """The program alone, with nbe's products, against a server that is already running."""
    work = tempfile.mkdtemp(prefix="nbe-bench-")
    shutil.copytree(os.path.join(ROOT, "clients", kind), work, dirs_exist_ok=True)
    shutil.copytree(client_dir, work, dirs_exist_ok=True)
    built = (glob.glob(f"{cache}/products/{kind}/build/*") or [""])[0]
    prepared = (glob.glob(f"{cache}/products/{kind}/prepare/*") or [""])[0]
    command = {
        "go": [f"{built}/client"],
        "rust": [f"{built}/client"],
        "c": [f"{built}/client"],
        "python": [f"{prepared}/venv/bin/python", "main.py"],
        "node": ["node", "main.js"],
        "deno": ["deno", "run", "--quiet", "--cached-only", "--no-lock", "--allow-net", "--allow-env",
                 "--allow-read", "--config", "deno.json", "main.ts"],
        "java": ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "CLASSPATH", "Main"],
    }[kind]
    if kind == "java":
        with open(f"{prepared}/classpath") as classpath:
            command[4] = built + ":" + classpath.read().strip()
    if kind == "node":
        os.symlink(f"{prepared}/node_modules", os.path.join(work, "node_modules"))
    port = free_port()
    store = tempfile.mkdtemp(prefix="nbe-bench-js-")
    server = subprocess.Popen(
        [os.path.join(TOOLS, "nats-server"), "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", store],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    env = dict(os.environ, PATH=f"{TOOLS}:{os.environ['PATH']}", NATS_URL=f"nats://127.0.0.1:{port}",
               DENO_DIR=f"{cache}/deno", DENO_NO_UPDATE_CHECK="1")
    try:
        return timed(command, cwd=work, env=env)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(store, ignore_errors=True)


def main():
    example = sys.argv[1] if len(sys.argv) > 1 else "messaging/publish-subscribe"
    kinds = sys.argv[2:] or KINDS
    print(f"{'kind':<8} {'cold s':>8} {'warm s':>8} {'direct s':>9} {'overhead s':>11}")
    for kind in kinds:
        cache = tempfile.mkdtemp(prefix="nbe-bench-cache-")
        env = dict(os.environ, NBE_CACHE_DIR=cache, NBE_TOOLS_DIR=TOOLS)
        run = [NBE, "--root", ROOT, "run", f"{example}/{kind}"]
        cold = timed(run, env=env)
        warm = min(timed(run, env=env) for _ in range(3))
        alone = min(direct(kind, os.path.join(ROOT, "examples", example, kind), cache) for _ in range(3))
        print(f"{kind:<8} {cold:>8.2f} {warm:>8.2f} {alone:>9.2f} {warm - alone:>11.2f}", flush=True)
        # Go's module cache is read-only by design.
        subprocess.run(["chmod", "-R", "u+w", cache])
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
