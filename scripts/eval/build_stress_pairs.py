#!/usr/bin/env python3
"""Builds a stress set of CodeBLEU pairs from real JavaScript files (for example npm's
own sources), to compare sheikh-quality with the `codebleu` package beyond the curated
fixture. Every other file (of those under 12 kB, sorted, every third) is a reference
(its first 60 lines); the prediction is the next file, the same lines rotated by half,
or the lines with 20% dropped (seed 7), in turn. Many of these do not parse.

    python3 scripts/eval/build_stress_pairs.py /usr/lib/node_modules > /tmp/stress.jsonl
    /tmp/evalvenv/bin/python scripts/eval/compare_codebleu.py /tmp/stress.jsonl
"""
import json
import os
import random
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/node_modules"
files = []
for d, _, names in os.walk(root):
    for n in names:
        p = os.path.join(d, n)
        if n.endswith(".js") and os.path.getsize(p) < 12 * 1024:
            files.append(p)
files = sorted(files)[2::3][:800]
random.seed(7)
n = 0
for i in range(0, len(files) - 1, 2):
    a = open(files[i], encoding="utf-8", errors="replace").read().split("\n")[:60]
    b = open(files[i + 1], encoding="utf-8", errors="replace").read().split("\n")[:60]
    kind = i % 3
    if kind == 0:
        pred = "\n".join(b)
    elif kind == 1:
        k = len(a) // 2
        pred = "\n".join(a[k:] + a[:k])
    else:
        pred = "\n".join(line for line in a if random.random() > 0.2)
    rec = {"task_id": "s%03d" % n, "language": "javascript", "prediction": pred, "reference": "\n".join(a)}
    sys.stdout.write(json.dumps(rec) + "\n")
    n += 1
print("%d pairs" % n, file=sys.stderr)
