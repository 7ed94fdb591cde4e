#!/usr/bin/env python3
"""Time per document of two dedup_eval binaries (before/after a change) and datasketch,
alternating in one session.

Usage: before_after.py CORPUS_FILES_DIR OLD_BINARY NEW_BINARY [REPEATS]   (in the datasketch venv)

Each repeat (default 5) runs, in this order: the old binary, the new binary (both with
their default config, `verify: exact`, the 1-thread figure of the example, pinned with
taskset to core 0, SHEIKH_EVAL_NO_NET=1), the same two with `verify: none`, and
datasketch (MinHash num_perm=128 + MinHashLSH threshold=0.8 + union-find, pinned to
core 0). Each figure is the best of its runs; the load average is printed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import run_datasketch  # noqa: E402
from speed import load_texts, run_sheikh  # noqa: E402


def main():
    root, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    texts = load_texts(root)
    n = len(texts)
    print(f"corpus: {n} files, {sum(len(t.encode()) for t in texts) / 1e6:.1f} MB; "
          f"load average {os.getloadavg()}", flush=True)
    keys = [("old", "exact"), ("new", "exact"), ("old", "none"), ("new", "none")]
    best = {k: [] for k in keys}
    ds = []
    for r in range(repeats):
        for which, verify in keys:
            t = run_sheikh(old if which == "old" else new, root, pin=True, verify=verify)
            best[(which, verify)].append(t[1][1])
        os.sched_setaffinity(0, {0})
        ds.append(run_datasketch(texts)[0])
        os.sched_setaffinity(0, set(range(os.cpu_count())))
        print(f"run {r + 1}: " + ", ".join(f"{w} {v} {best[(w, v)][-1]:.3f} s" for w, v in keys)
              + f", datasketch {ds[-1]:.2f} s; load average {os.getloadavg()}", flush=True)
    d = min(ds)
    print()
    print("| | best of %d (1 core) | per document | vs datasketch |" % repeats)
    print("|---|---:|---:|---:|")
    print(f"| datasketch 2.0.0 | {d:.2f} s | {d / n * 1e6:.0f} µs | 1× |")
    for w, v in keys:
        t = min(best[(w, v)])
        print(f"| sheikh-dedup {w}, `verify: {v}` | {t:.3f} s | {t / n * 1e6:.1f} µs | {d / t:.1f}× |")
    for v in ("exact", "none"):
        o, nw = min(best[("old", v)]), min(best[("new", v)])
        print(f"\n`verify: {v}`: new / old = {nw / o:.3f} ({(nw - o) / n * 1e6:+.1f} µs per document)")


if __name__ == "__main__":
    main()
