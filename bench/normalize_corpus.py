#!/usr/bin/env python3
"""Write the inputs `bench/normalize-identical.sh` normalizes, into the directory given.

Inputs: every fixture in tests/fixtures/normalize; every example's output.txt (normalized with
its example's rules); and inputs made from them with a fixed seed, the shapes a broken or unlucky
run produces: random bytes, shuffled lines, mutated bytes (CR, escapes, no-break spaces, box
drawing), and tables whose body rows are shuffled (some with an emptied first cell), which is
what the sorts work on. One line per input in JOBS: name, path, example (or nothing)."""
import glob
import os
import random
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
jobs = []


def add(name, data, example=""):
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(data)
    jobs.append((name, path, example))


texts = []
for fixture in sorted(glob.glob(f"{root}/tests/fixtures/normalize/*.txt")):
    data = open(fixture, "rb").read()
    texts.append(data)
    add("fx-" + os.path.basename(fixture), data)
for output in sorted(glob.glob(f"{root}/examples/*/*/*/output.txt")):
    category, example, client, _ = os.path.relpath(output, f"{root}/examples").split("/")
    data = open(output, "rb").read()
    texts.append(data)
    add(f"ex-{category}_{example}_{client}", data, f"{category}/{example}/{client}")

rng = random.Random(7)
lines = [line for text in texts for line in text.split(b"\n")]
for i in range(40):
    add(f"rand-{i}", bytes(rng.getrandbits(8) for _ in range(rng.randint(10, 5000))))
for i in range(60):
    shuffled = list(lines)
    rng.shuffle(shuffled)
    add(f"shuf-{i}", b"\n".join(shuffled[: rng.randint(50, 800)]))
alphabet = b"0123456789abcXYZ :.,/()[]*-_\"%|\xe2\x94\x82\r\x1b\xc2\xa0 \t"
for i in range(120):
    text = bytearray(rng.choice(texts))
    for _ in range(rng.randint(1, 40)):
        if not text:
            break
        k = rng.randrange(len(text))
        op = rng.random()
        if op < 0.4:
            text[k] = rng.choice(alphabet)
        elif op < 0.7:
            del text[k]
        else:
            text[k:k] = bytes([rng.choice(alphabet)])
    add(f"mut-{i}", bytes(text))


def shuffle_tables(data):
    rows = data.decode("utf-8", "replace").split("\n")
    i = 0
    while i < len(rows):
        if rows[i].lstrip().startswith(("│", "|")):
            j = i
            while j < len(rows) and rows[j].lstrip().startswith(("│", "|")):
                j += 1
            block = rows[i:j]
            rng.shuffle(block)
            if rng.random() < 0.3:
                k = rng.randrange(len(block))
                cells = block[k].split("│")
                if len(cells) > 2:
                    cells[1] = " " * len(cells[1])
                    block[k] = "│".join(cells)
            rows[i:j] = block
            i = j
        else:
            i += 1
    return "\n".join(rows).encode()


tabled = [text for text in texts if "│".encode() in text]
for i in range(150):
    add(f"tab-{i}", shuffle_tables(rng.choice(tabled)))

with open(os.path.join(out, "JOBS"), "w") as f:
    for name, path, example in jobs:
        f.write(f"{name}\t{path}\t{example}\n")
print(f"{len(jobs)} inputs")
