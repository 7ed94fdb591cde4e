#!/usr/bin/env python3
"""Joins every candidate file of the audit corpus with the pipeline's decision on it.

    join.py OUT

Reads OUT/candidates.tsv (select_files.py) and the pipeline output OUT/pipeline/:
kept documents in data/*.jsonl, dropped documents in rejected/*.jsonl (documents with
their provenance; the drop is the provenance event with action "dropped") and inputs
that never became documents in rejected/inputs.jsonl ({source, bytes, rejection}).
A document is matched to its file by (repo_name, path): the pipeline read OUT/files
as a source tree with repo_from_top_dir, so repo_name is the package directory.
Writes OUT/decisions.jsonl, one line per candidate:
  {path, sha256, language, bytes, decision: "keep"|"drop", stage, reason, detail,
   pipeline_language, redacted, score, generated_by}
`path` is <package>/<path in the package> (the path under OUT/files), `language` the
extension's language (the stratum), `pipeline_language` the pipeline's label,
`redacted` the quality stage's redaction note when it replaced anything, `score` the
quality score (metadata.quality.score; none for inputs that never became documents),
`generated_by` the program the quality stage named (metadata.generated_by). Files the
pipeline output does not mention get decision "missing" (there should be none).
Also writes OUT/decisions.md, the counts by language and decision/reason.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pipeline_out import documents  # noqa: E402
from collections import Counter, defaultdict

out = sys.argv[1].rstrip("/")
files_root = os.path.realpath(f"{out}/files")
pipe = f"{out}/pipeline"


def key(d):
    return f"{d.get('repo_name') or ''}/{d.get('path') or ''}"


def quality(d):
    m = d.get("metadata") or {}
    return dict(score=(m.get("quality") or {}).get("score"), generated_by=m.get("generated_by"))


def redaction_note(d):
    notes = [e.get("detail", "") for e in d.get("provenance", [])
             if e.get("stage") == "quality" and e.get("action") == "modified"]
    return "; ".join(n for n in notes if n) or None


found = {}
for d in documents(f"{pipe}/data/*.jsonl"):
    found[key(d)] = dict(decision="keep", stage=None, reason=None, detail=None,
                         pipeline_language=d.get("language"), redacted=redaction_note(d),
                         **quality(d))
for d in documents(f"{pipe}/rejected/*.jsonl"):
    drops = [e for e in d.get("provenance", []) if e.get("action") == "dropped"]
    e = drops[-1] if drops else {}
    found[key(d)] = dict(decision="drop", stage=e.get("stage"), reason=e.get("reason"),
                         detail=e.get("detail"), pipeline_language=d.get("language"),
                         redacted=redaction_note(d), **quality(d))
inputs = f"{pipe}/rejected/inputs.jsonl"
if os.path.exists(inputs):
    for line in open(inputs, encoding="utf-8"):
        if not line.strip():
            continue
        r = json.loads(line)
        src = os.path.realpath(r.get("source", ""))
        rel = os.path.relpath(src, files_root)
        rej = r.get("rejection") or {}
        found[rel] = dict(decision="drop", stage="reader", reason=rej.get("reason"),
                          detail=rej.get("detail"), pipeline_language=None, redacted=None,
                          score=None, generated_by=None)

rows, missing = [], 0
with open(f"{out}/candidates.tsv", encoding="utf-8") as f:
    next(f)
    for line in f:
        pkg, path, lang, size, sha = line.rstrip("\n").split("\t")
        p = f"{pkg}/{path}"
        dec = found.pop(p, None)
        if dec is None:
            missing += 1
            dec = dict(decision="missing", stage=None, reason=None, detail=None,
                       pipeline_language=None, redacted=None, score=None, generated_by=None)
        rows.append(dict(path=p, sha256=sha, language=lang, bytes=int(size), **dec))

with open(f"{out}/decisions.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")

cls = lambda r: "keep" if r["decision"] == "keep" else f"{r['decision']}:{r['reason']}"
table = defaultdict(Counter)
for r in rows:
    table[r["language"]][cls(r)] += 1
classes = sorted({c for t in table.values() for c in t}, key=lambda c: (c != "keep", c))
with open(f"{out}/decisions.md", "w") as f:
    f.write("| language | " + " | ".join(classes) + " | total |\n")
    f.write("|---" * (len(classes) + 2) + "|\n")
    for lang in sorted(table):
        t = table[lang]
        f.write(f"| {lang} | " + " | ".join(str(t[c]) for c in classes) + f" | {sum(t.values())} |\n")
    tot = Counter()
    for t in table.values():
        tot.update(t)
    f.write("| **all** | " + " | ".join(str(tot[c]) for c in classes) + f" | {sum(tot.values())} |\n")
print(open(f"{out}/decisions.md").read())
print(f"{len(rows)} candidates, {missing} missing from the pipeline output, "
      f"{len(found)} pipeline records matched no candidate", file=sys.stderr)
if found:
    print("unmatched pipeline records, e.g.:", list(found)[:5], file=sys.stderr)
