#!/usr/bin/env python3
"""Drops by reason and language, and the quality share of kept documents, from one
pipeline output directory (issue #16, item 4).

    drops_by_language.py PIPELINE_OUT [> table.md]

Reads PIPELINE_OUT/data/*.jsonl (kept documents; `output.format: jsonl`) and
PIPELINE_OUT/rejected/*.jsonl (dropped documents, the drop being the provenance event
with action "dropped"; rejected/inputs.jsonl, inputs that never became documents, are
counted under language "(reader)"). Prints a markdown table: per language, documents
kept, kept at or above the quality threshold (metadata.quality.above_threshold), and
the drops per reason of the quality stage, then the other stages' drops.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pipeline_out import documents  # noqa: E402
from collections import Counter, defaultdict

out = sys.argv[1].rstrip("/")


kept, good = Counter(), Counter()
drops = defaultdict(Counter)
below = Counter()
for d in documents(f"{out}/data/*.jsonl"):
    lang = d.get("language") or "?"
    kept[lang] += 1
    q = (d.get("metadata") or {}).get("quality") or {}
    if q.get("above_threshold"):
        good[lang] += 1
    for why in q.get("below_threshold") or []:
        below[why] += 1
for d in documents(f"{out}/rejected/*.jsonl"):
    lang = d.get("language") or "?"
    ev = [e for e in d.get("provenance", []) if e.get("action") == "dropped"]
    e = ev[-1] if ev else {}
    drops[lang][f"{e.get('stage')}:{e.get('reason')}"] += 1
inputs = f"{out}/rejected/inputs.jsonl"
if os.path.exists(inputs):
    for line in open(inputs, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            drops["(reader)"][f"reader:{(r.get('rejection') or {}).get('reason')}"] += 1

langs = sorted(set(kept) | set(drops))
reasons = sorted({r for c in drops.values() for r in c}, key=lambda r: (not r.startswith("quality:"), r))
print("| language | kept | kept ≥ threshold | " + " | ".join(f"`{r}`" for r in reasons) + " |")
print("|---" * (len(reasons) + 3) + "|")
tot_k = tot_g = 0
tot_d = Counter()
for lang in langs:
    k, g = kept[lang], good[lang]
    tot_k += k
    tot_g += g
    tot_d.update(drops[lang])
    share = f"{100 * g / k:.1f} %" if k else "—"
    print(f"| {lang} | {k} | {share} | " + " | ".join(str(drops[lang][r]) for r in reasons) + " |")
share = f"{100 * tot_g / tot_k:.1f} %" if tot_k else "—"
print(f"| **all** | {tot_k} | {share} | " + " | ".join(str(tot_d[r]) for r in reasons) + " |")
if below:
    print("\nKept documents under the threshold, by stated reason: "
          + ", ".join(f"{why} {n}" for why, n in below.most_common()))
