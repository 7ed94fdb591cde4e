#!/usr/bin/env python3
"""Joins sheikh-syntax verdicts with reference verdicts and prints agreement per language.

    compare.py OURS.jsonl REFERENCE.jsonl [DISAGREEMENTS.jsonl]

Both inputs are JSON lines with "path" and, respectively, "verdict" (valid/invalid/...)
and "valid" (bool). Prints a Markdown table: files, agreement, and the confusion matrix
(rows = reference, columns = sheikh-syntax), split by real vs broken copies. Files the
Rust side could not check (timeout, too_deep, not_utf8) count as disagreements.
"""
import json
import sys
from collections import defaultdict

ours = {}
with open(sys.argv[1]) as f:
    for line in f:
        d = json.loads(line)
        ours[d["path"]] = d
rows = []
with open(sys.argv[2]) as f:
    for line in f:
        r = json.loads(line)
        o = ours.get(r["path"])
        if o is None:
            continue
        rows.append((r, o))

stats = defaultdict(lambda: defaultdict(int))
dis = []
for r, o in rows:
    lang = r["language"]
    kind = r["path"].rsplit("/", 1)[-1].split("__", 1)[0]
    ref = "valid" if r["valid"] else "invalid"
    our = o.get("verdict", "missing")
    for key in (lang, f"{lang}/{'real' if kind == 'real' else 'broken'}"):
        s = stats[key]
        s["files"] += 1
        s[f"{ref}->{our}"] += 1
        s["agree"] += ref == our
    if ref != our:
        dis.append({"path": r["path"], "language": lang, "reference": ref, "ours": our,
                    "reference_message": r.get("message", ""),
                    "our_error": o.get("first_error")})

print("| Language | Files | Agreement | ref valid / ours valid | ref valid / ours invalid | ref invalid / ours valid | ref invalid / ours invalid | unchecked |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
total = agree = 0
for key in sorted(stats):
    s = stats[key]
    unchecked = s["files"] - sum(s[f"{a}->{b}"] for a in ("valid", "invalid") for b in ("valid", "invalid"))
    name = key if "/" not in key else "&nbsp;&nbsp;" + key.split("/")[1]
    print(f"| {name} | {s['files']} | {100 * s['agree'] / s['files']:.2f}% | {s['valid->valid']} | "
          f"{s['valid->invalid']} | {s['invalid->valid']} | {s['invalid->invalid']} | {unchecked} |")
    if "/" not in key:
        total += s["files"]
        agree += s["agree"]
print(f"| **All** | {total} | {100 * agree / max(total, 1):.2f}% | | | | | |")
if len(sys.argv) > 3:
    with open(sys.argv[3], "w") as f:
        for d in dis:
            f.write(json.dumps(d) + "\n")
