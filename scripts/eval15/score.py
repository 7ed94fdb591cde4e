#!/usr/bin/env python3
"""Scores our side against the reference labels of the issue-#15 held-out corpus.

    score.py OUT TAG [TAG ...]        e.g. score.py /tmp/eval15 before after

Reads OUT/labels.jsonl (label.mjs), OUT/ours-TAG.jsonl (run_ours.sh: the eval15
example) and OUT/pipeline-TAG/report.json (full_pipeline). Prints and writes
OUT/score.md: the issue's table (one column per TAG, 95 % Wilson intervals), per-language
tables, and the disagreements of the LAST tag grouped by class (with file names: the
corpus is held out, do not hand these to anyone tuning the code).
"""
import json
import math
import os
import re
import sys
from collections import Counter, defaultdict

OUT, TAGS = sys.argv[1], sys.argv[2:]
labels = [json.loads(l) for l in open(os.path.join(OUT, "labels.jsonl"))]
LANGS = ["JavaScript", "TypeScript", "JSX", "TSX", "HTML", "XML", "CSS", "MDX", "Markdown", "JSON"]


def wilson(k, n, z=1.96):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def fmt(k, n, ci=True):
    if n == 0:
        return "n/a"
    lo, hi = wilson(k, n)
    s = f"{100 * k / n:.2f}% ({k}/{n})"
    return s + (f" [{100 * lo:.1f}–{100 * hi:.1f}]" if ci else "")


def load_ours(tag):
    p = os.path.join(OUT, f"ours-{tag}.jsonl")
    return {d["path"]: d for d in map(json.loads, open(p))} if os.path.exists(p) else None


def report_accuracy(tag):
    p = os.path.join(OUT, f"pipeline-{tag}", "report.json")
    if not os.path.exists(p):
        return None
    rep = json.load(open(p))
    rows = rep.get("targets") or []
    for r in rows:
        if r.get("metric") == "Language Accuracy":
            return r
    return None


def norm(msg):
    """Error message -> class key: no positions, quoted names, numbers."""
    if msg is None:
        return ""
    if isinstance(msg, dict):
        msg = f"{msg.get('kind', '')}: {msg.get('message', '')}"
    m = str(msg)
    m = re.sub(r"^\d+:\d+ ", "", m)
    m = re.sub(r"\(\d+:\d+\)", "", m)
    m = re.sub(r"(line|column|byte|offset|at) \d+", r"\1 N", m)
    m = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", m)
    m = re.sub(r"\d+", "N", m)
    return m.strip()[:90]


def evaluate(tag):
    ours = load_ours(tag)
    if ours is None:
        return None
    res = {"tag": tag}
    files = [l for l in labels if l["set"] == "files"]
    reenc = [l for l in labels if l["set"] == "reencoded"]
    broken = [l for l in labels if l["set"] == "broken"]
    # language with the file name, over real files and re-encoded copies; a
    # legacy-encoded file counts only when it was decoded
    named = [(l, ours.get(l["path"], {})) for l in files + reenc]
    res["with_path"] = (sum(o.get("with_path") == l["label"] and o.get("verdict") != "not_decoded" for l, o in named), len(named))
    legacy = [(l, o) for l, o in named if l.get("encoding")]
    res["legacy_syntax"] = (sum((o.get("verdict") == ("valid" if l["ref"]["valid"] else "invalid")) for l, o in legacy), len(legacy))
    wp = [(l, ours.get(l["path"], {})) for l in files]
    res["legacy"] = (sum(o.get("with_path") == l["label"] and o.get("verdict") != "not_decoded" for l, o in legacy), len(legacy))
    res["strict"] = (sum(o.get("content") == l["label"] for l, o in wp), len(wp))
    res["lenient"] = (sum(o.get("content") in (l["label"], l.get("effective")) for l, o in wp), len(wp))
    per = {}
    for lang in LANGS:
        sub = [(l, o) for l, o in wp if l["label"] == lang]
        per[lang] = {
            "n": len(sub),
            "with_path": sum(o.get("with_path") == lang and o.get("verdict") != "not_decoded" for l, o in sub),
            "strict": sum(o.get("content") == lang for l, o in sub),
            "lenient": sum(o.get("content") in (lang, l.get("effective")) for l, o in sub),
        }
    res["per_lang"] = per

    def agreement(rows):
        out = defaultdict(lambda: Counter())
        for l in rows:
            o = ours.get(l["path"], {})
            ref = "valid" if l["ref"]["valid"] else "invalid"
            our = o.get("verdict", "missing")
            c = out[l["label"]]
            c["n"] += 1
            c["agree"] += ref == our
            c[f"{ref}->{our if our in ('valid', 'invalid') else 'unchecked'}"] += 1
        return out

    res["syn_real"] = agreement(files)
    res["syn_broken"] = agreement(broken)
    res["report"] = report_accuracy(tag)

    # disagreements by class
    dis = defaultdict(list)
    for l, o in named:
        if l["set"] == "reencoded":
            if o.get("with_path") != l["label"] or o.get("verdict") == "not_decoded":
                dis[("langid with name, re-encoded", l["label"], f"-> {o.get('with_path')} {o.get('verdict') if o.get('verdict') == 'not_decoded' else ''}", l["encoding"])].append(l["path"])
            continue
        if o.get("content") not in (l["label"], l.get("effective")):
            key = ("langid content-only", l["label"], f"truth {l['label']}" + (f" (effective {l['effective']})" if l.get("effective") != l["label"] else "") + f" -> ours {o.get('content')}", "")
            dis[key].append(l["path"])
        if o.get("with_path") != l["label"] or o.get("verdict") == "not_decoded":
            key = ("langid with name", l["label"], f"-> {o.get('with_path')} / {o.get('verdict') if o.get('verdict') == 'not_decoded' else ''}", l.get("encoding", ""))
            dis[key].append(l["path"])
    for l in files + reenc + broken:
        o = ours.get(l["path"], {})
        ref = "valid" if l["ref"]["valid"] else "invalid"
        our = o.get("verdict", "missing")
        if ref != our:
            side = "reference" if ref == "invalid" else "ours"
            msg = norm(l["ref"]["message"]) if ref == "invalid" else norm(o.get("first_error"))
            key = (f"syntax {l['set']}", l["label"], f"ref {ref} / ours {our}", f"{side}: {msg}")
            dis[key].append(l["path"])
    res["dis"] = dis
    return res


results = [r for r in (evaluate(t) for t in TAGS) if r]
if not results:
    sys.exit("no ours-TAG.jsonl found")
lines = []
P = lines.append
files = [l for l in labels if l["set"] == "files"]
n_re = sum(1 for l in labels if l["set"] == "reencoded")
P(f"# Issue #15 held-out evaluation: {OUT}\n")
P(f"{len(files)} real files ({sum(1 for l in files if l.get('encoding'))} legacy-encoded), {n_re} re-encoded copies, "
  f"{sum(1 for l in labels if l['set'] == 'broken')} broken copies. "
  "Percentages with 95 % Wilson intervals in brackets.\n")
head = "| check | target | " + " | ".join(r["tag"] for r in results) + " |"
P(head)
P("|---|---:|" + "---:|" * len(results))


def row(name, target, f):
    P(f"| {name} | {target} | " + " | ".join(f(r) for r in results) + " |")


row("language with the file name (legacy encodings decoded)", "100%", lambda r: fmt(*r["with_path"]))
row("&nbsp;&nbsp;of which legacy-encoded (re-encoded copies)", "100%", lambda r: fmt(*r["legacy"]))
row("&nbsp;&nbsp;syntax agreement on the legacy-encoded copies", "(no target)", lambda r: fmt(*r["legacy_syntax"]))
row("language from content alone, strict (extension label)", "≥ 98.5%", lambda r: fmt(*r["strict"]))
row("language from content alone, TS that is valid JS may be called JS (label or effective label)", "≥ 99.5%", lambda r: fmt(*r["lenient"]))
for lang, tgt in [("JavaScript", "≥ 99.9%"), ("TypeScript", "≥ 99.9%"), ("TSX", "≥ 99.9%"), ("JSX", "(no target)"),
                  ("CSS", "≥ 99%"), ("HTML", "≥ 98%"), ("XML", "(no target)"), ("MDX", "(no target)"),
                  ("Markdown", "(no target)"), ("JSON", "(no target)")]:
    row(f"syntax agreement, real files: {lang}", tgt, lambda r, lang=lang: fmt(r["syn_real"][lang]["agree"], r["syn_real"][lang]["n"]))
for lang, tgt in [("JavaScript", "≥ 98%"), ("TypeScript", "≥ 99.5%")]:
    row(f"syntax agreement, broken copies: {lang}", tgt, lambda r, lang=lang: fmt(r["syn_broken"][lang]["agree"], r["syn_broken"][lang]["n"]))


def rep(r):
    t = r["report"]
    if not t:
        return "no report.json"
    m = t.get("measured")
    return f"{100 * m:.2f}% ({t.get('status')}; report's goal {t.get('goal')})" if m is not None else str(t.get("status"))


row("report's own Language Accuracy (full_pipeline on OUT/files)", "≥ 98% (pass)", rep)
P("")
for r in results:
    P(f"## {r['tag']}: per language\n")
    P("| language (extension label) | files | with name | content strict | content label-or-effective | syntax real: agree | ref valid→ours invalid | ref invalid→ours valid | unchecked | broken: files | broken agree |")
    P("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lang in LANGS:
        p = r["per_lang"][lang]
        s = r["syn_real"][lang]
        b = r["syn_broken"].get(lang, Counter())
        n = p["n"] or 1
        unchecked = s["valid->unchecked"] + s["invalid->unchecked"]
        P(f"| {lang} | {p['n']} | {100 * p['with_path'] / n:.2f}% | {100 * p['strict'] / n:.2f}% | {100 * p['lenient'] / n:.2f}% | "
          f"{100 * s['agree'] / max(s['n'], 1):.2f}% | {s['valid->invalid']} | {s['invalid->valid']} | {unchecked} | "
          f"{b['n'] or ''} | {'%.2f%%' % (100 * b['agree'] / b['n']) if b['n'] else ''} |")
    P("")
last = results[-1]
P(f"## Disagreements of '{last['tag']}', by class (file names: held out, do not share as tuning material)\n")
for key, paths in sorted(last["dis"].items(), key=lambda kv: (kv[0][0], kv[0][1], -len(kv[1]))):
    kind, lang, what, detail = key
    ex = ", ".join(p.split("/", 2)[2] for p in paths[:3])
    P(f"- **{kind}** {lang}: {what} {('— ' + detail) if detail else ''}: **{len(paths)}** (e.g. {ex})")
text = "\n".join(lines) + "\n"
open(os.path.join(OUT, "score.md"), "w").write(text)
print(text)
