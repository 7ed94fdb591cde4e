#!/usr/bin/env python3
"""Side-by-side speed: sheikh-dedup near dedup vs datasketch, same corpus, same machine.

Usage: speed.py CORPUS_FILES_DIR DEDUP_EVAL_BINARY [REPEATS]   (in the datasketch venv)

Alternates REPEATS times (default 3): sheikh-dedup on one core (the 1-thread pool of
the dedup_eval example, pinned with taskset to core 0), sheikh-dedup on all cores, the
same with `verify: none` on one core (the work datasketch does: no candidate check),
and datasketch (MinHash num_perm=128 with update_batch + MinHashLSH threshold=0.8 inserts
+ queries + union-find, pinned to core 0). Each figure is the best of its runs, so
load from other processes on the machine counts as little as possible; the load
average is printed.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import run_datasketch  # noqa: E402


def load_texts(root):
    paths = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.rsplit(".", 1)[-1] in ("js", "mjs", "cjs", "ts", "jsx", "tsx"):
                paths.append(os.path.join(d, f))
    paths.sort(key=lambda p: os.path.relpath(p, root).encode())
    texts = []
    for p in paths:
        with open(p, encoding="utf-8", newline="") as f:
            texts.append(f.read())
    return texts


def run_sheikh(binary, root, pin, verify="exact"):
    env = dict(os.environ, SHEIKH_EVAL_NO_NET="1")
    cmd = ["taskset", "-c", "0"] if pin else []
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        p = subprocess.run(cmd + [binary, root, out.name, verify], env=env, capture_output=True, text=True, check=True)
    times = {int(m.group(1)): (float(m.group(2)), float(m.group(3)))
             for m in re.finditer(r"threads (\d+): signatures [\d.]+s \(([\d.]+) MB/s\), near dedup ([\d.]+)s", p.stderr)}
    return times


def main():
    root, binary = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    texts = load_texts(root)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"corpus: {len(texts)} files, {mb:.1f} MB; load average {os.getloadavg()}", flush=True)
    one, two, none1, sig1, ds = [], [], [], [], []
    for r in range(repeats):
        t = run_sheikh(binary, root, pin=True)
        one.append(t[1][1])
        sig1.append(t[1][0])
        t = run_sheikh(binary, root, pin=False)
        two.append(t[2][1])
        none1.append(run_sheikh(binary, root, pin=True, verify="none")[1][1])
        os.sched_setaffinity(0, {0})
        ds.append(run_datasketch(texts)[0])
        os.sched_setaffinity(0, set(range(os.cpu_count())))
        print(f"run {r + 1}: sheikh 1 thread {one[-1]:.3f} s, 2 threads {two[-1]:.3f} s, "
              f"1 thread verify none {none1[-1]:.3f} s, datasketch {ds[-1]:.2f} s; load average {os.getloadavg()}", flush=True)
    print()
    print("| | best time | vs datasketch |")
    print("|---|---:|---:|")
    print(f"| datasketch (1 core) | {min(ds):.2f} s | 1× |")
    print(f"| sheikh-dedup near dedup, 1 thread | {min(one):.3f} s | {min(ds) / min(one):.1f}× |")
    print(f"| sheikh-dedup near dedup, `verify: none`, 1 thread | {min(none1):.3f} s | {min(ds) / min(none1):.1f}× |")
    print(f"| sheikh-dedup near dedup, 2 threads | {min(two):.3f} s | {min(ds) / min(two):.1f}× |")
    print(f"\nsheikh MinHash signatures on 1 thread: {max(sig1):.1f} MB/s; "
          f"2-thread scaling {min(one) / min(two):.2f}×")


if __name__ == "__main__":
    main()
