#!/usr/bin/env python3
"""Scores one or more dedup_eval runs against exact Jaccard truth, without datasketch.

Usage:
  score.py FILES_DIR TRUTH_CACHE.json RUN.json [RUN.json ...] [--missed MISSED.json]

For parameter sweeps (scripts/dedup/sweep.sh): the truth is the one eval.py computes
(exact Jaccard >= 0.8 of word 5-gram sets, shingled here independently of the Rust code,
over same-path pairs across versions, every pair linked by a run and every pair of the
permissive net that dedup_eval writes when SHEIKH_EVAL_NO_NET is unset), computed once
and cached in TRUTH_CACHE.json (delete it when the corpus changes). Every RUN.json must
list the same files.

Per run it prints pair precision (linked pairs with exact Jaccard >= 0.8), pair recall
(truth pairs in one cluster), removal precision, the 1-thread near-dedup time and the
time per document, and breaks the missed truth pairs down by Jaccard. --missed writes
the missed pairs of the last run as a JSON list of [a, b], the input of dedup_eval's
SHEIKH_EVAL_PAIRS; when a run carries "pair_diagnostics" (from such an input), they are
compared with the truth: Rust vs Python Jaccard, and how many missed pairs shared an
LSH band (a missed pair that shares a band would be a verification defect; one that
shares none was lost to LSH chance).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import THRESHOLD, same_path_pairs, shingles  # noqa: E402

BINS = [0.8, 0.82, 0.84, 0.86, 0.88, 0.9, 0.95, 1.0, 1.01]


def jaccard(sa, sb):
    inter = len(sa & sb) if len(sa) < len(sb) else len(sb & sa)
    return inter / (len(sa) + len(sb) - inter)


def main():
    args = sys.argv[1:]
    missed_out = None
    if "--missed" in args:
        i = args.index("--missed")
        missed_out = args[i + 1]
        del args[i:i + 2]
    files_dir, cache_path, run_paths = args[0], args[1], args[2:]
    runs = []
    for p in run_paths:
        with open(p) as f:
            runs.append((p, json.load(f)))
    names = runs[0][1]["files"]
    for p, r in runs:
        assert r["files"] == names, f"{p} lists other files"
    texts = []
    for n in names:
        with open(os.path.join(files_dir, n), encoding="utf-8", newline="") as f:
            texts.append(f.read())
    sets = [set(hash(s) for s in shingles(t)) for t in texts]

    truth = None
    if os.path.exists(cache_path):
        with open(cache_path) as f:
            c = json.load(f)
        if c["files"] == len(names) and c["bytes"] == runs[0][1]["bytes"]:
            truth = {(a, b): j for a, b, j in c["truth"]}
    if truth is None:
        net = next((r["net_pairs"] for _, r in runs if r.get("net_pairs")), None)
        assert net, "no run carries net pairs: run dedup_eval once without SHEIKH_EVAL_NO_NET"
        cand = same_path_pairs(names)
        cand.update((a, b) for a, b in net)
        truth = {}
        for a, b in cand:
            a, b = min(a, b), max(a, b)
            if a == b or not sets[a] or not sets[b]:
                continue
            la, lb = len(sets[a]), len(sets[b])
            if min(la, lb) < THRESHOLD * max(la, lb):
                continue
            j = jaccard(sets[a], sets[b])
            if j >= THRESHOLD:
                truth[(a, b)] = j
        with open(cache_path, "w") as f:
            json.dump({"files": len(names), "bytes": runs[0][1]["bytes"],
                       "truth": [[a, b, j] for (a, b), j in sorted(truth.items())]}, f)
    print(f"corpus: {len(names)} files, {runs[0][1]['bytes'] / 1e6:.1f} MB; {len(truth)} truth pairs "
          f"(exact Jaccard >= {THRESHOLD})")

    def jac_of(a, b):
        a, b = min(a, b), max(a, b)
        if (a, b) in truth:
            return truth[(a, b)]
        if not sets[a] or not sets[b]:
            return 0.0
        return jaccard(sets[a], sets[b])

    print("| run | bands × rows | seed | P(candidate \\| J=0.8) | linked pairs | pair precision | pair recall "
          "| removal precision | candidate checks | near dedup, 1 thread | per document |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    missed = []
    for p, r in runs:
        edges = {(min(a, b), max(a, b)) for a, b in r["edges"]}
        extra = [e for e in edges if e not in truth]
        # A linked pair outside the truth is a false positive unless its Jaccard was
        # not in the truth's candidate set (then it would have been added: recheck).
        fp = sum(1 for a, b in extra if jac_of(a, b) < THRESHOLD)
        tp_extra = len(extra) - fp
        precision = 1 - fp / len(edges) if edges else 1.0
        comp = {}
        for ci, members in enumerate(r["clusters"]):
            for m in members:
                comp[m] = ci
        missed = [(a, b) for (a, b) in truth if not (a in comp and comp.get(a) == comp.get(b))]
        recall = 1 - len(missed) / len(truth) if truth else 1.0
        removed = [(min(c), m) for c in r["clusters"] for m in c if m != min(c)]
        rem_ok = sum(1 for k, m in removed if jac_of(k, m) >= THRESHOLD)
        t1 = next((t for t in r["timings"] if t["threads"] == 1), None)
        secs = t1["near_dedup_seconds"] if t1 else float("nan")
        lsh = r["lsh"]
        prob = lsh.get("probability_at_threshold")
        if prob is None:
            prob = 1 - (1 - THRESHOLD ** lsh["rows"]) ** lsh["bands"]
        print(f"| {os.path.basename(p)} | {lsh['bands']} × {lsh['rows']} | {lsh.get('seed', 42)} | {prob:.4f} | "
              f"{len(edges)} | {precision:.4f} | {recall:.4f} | "
              f"{rem_ok / len(removed) if removed else 1.0:.4f} | {r['pairs']['candidates']} | {secs:.3f} s | "
              f"{secs / len(names) * 1e6:.1f} µs |")
        if tp_extra:
            print(f"  (note: {tp_extra} linked pairs with Jaccard >= 0.8 were outside the truth's candidates)")
        hist = [0] * (len(BINS) - 1)
        for pr in missed:
            j = truth[pr]
            for k in range(len(BINS) - 1):
                if BINS[k] <= j < BINS[k + 1]:
                    hist[k] += 1
        print("  missed by Jaccard: " + ", ".join(
            f"[{BINS[k]:.2f}, {min(BINS[k + 1], 1.0):.2f}{']' if BINS[k + 1] > 1 else ')'}: {hist[k]}"
            for k in range(len(hist)) if hist[k]))
        diag = r.get("pair_diagnostics") or []
        if diag:
            mism = [d for d in diag if abs(d["jaccard"] - jac_of(*d["pair"])) > 1e-9]
            shared = [d for d in diag if d["shared_bands"] > 0]
            missed_set = set(missed)
            shared_missed = [d for d in shared if tuple(sorted(d["pair"])) in missed_set]
            print(f"  diagnostics of {len(diag)} pairs: Rust Jaccard differs from the truth's for {len(mism)}; "
                  f"{len(shared)} share an LSH band ({len(shared_missed)} of them still missed); "
                  f"mean equal signature values {sum(d['equal_signature_values'] for d in diag) / len(diag):.1f} "
                  f"of {r['config']['num_perm']}")
            for d in mism[:10]:
                print(f"    differs: {d} truth {jac_of(*d['pair']):.6f} {names[d['pair'][0]]} {names[d['pair'][1]]}")
            for d in shared_missed[:10]:
                print(f"    shares a band but missed: {d} {names[d['pair'][0]]} {names[d['pair'][1]]}")
    if missed_out:
        with open(missed_out, "w") as f:
            json.dump(sorted(missed), f)


if __name__ == "__main__":
    main()
