#!/usr/bin/env python3
"""Scores sheikh-dedup and datasketch against exact Jaccard truth; times datasketch.

Usage: eval.py CORPUS_FILES_DIR OUT_DIR   (run by run_eval.sh, in the datasketch venv)

Reads OUT_DIR/sheikh-{estimated,exact,none}.json written by the dedup_eval example
(same file order: sorted paths). Shingles are word 5-grams over tokens split on
[^A-Za-z0-9_] (a document with 1-4 tokens is one shingle of all of them), computed here
independently of the Rust code.

Truth: exact Jaccard >= 0.8 over the candidate set C = pairs of files with the same
path in the two versions of a package, plus every pair linked or removed by sheikh,
every datasketch candidate, and every pair colliding in an independent permissive LSH
net (32 bands x 4 rows, other seed: P(miss | J=0.8) = (1-0.8^4)^32 < 1e-7).

Metrics:
- pair precision: linked pairs (sheikh's verified edges; datasketch's candidates)
  whose exact Jaccard >= 0.8;
- pair recall: truth pairs whose two files end up in the same cluster;
- removal precision: removed files whose Jaccard with their cluster's kept file is >= 0.8.
"""
import json
import os
import re
import sys
import time
from collections import defaultdict

TOKEN = re.compile(r"[A-Za-z0-9_]+")
N = 5
THRESHOLD = 0.8


def shingles(text):
    toks = TOKEN.findall(text)
    if not toks:
        return []
    if len(toks) < N:
        return [" ".join(toks)]
    return [" ".join(toks[i:i + N]) for i in range(len(toks) - N + 1)]


class UF:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, x):
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


def same_path_pairs(names):
    """Index pairs of files with the same path in two versions of one package
    (`pkg@version/rel`): the candidate pairs every truth starts from."""
    by_key = defaultdict(list)
    for i, n in enumerate(names):
        pkg, _, rel = n.partition("/")
        by_key[(pkg.rsplit("@", 1)[0], rel)].append(i)
    cand = set()
    for ids in by_key.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                cand.add((ids[x], ids[y]))
    return cand


def run_datasketch(texts):
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    sigs = []
    for i, t in enumerate(texts):
        sh = shingles(t)
        if not sh:
            sigs.append(None)
            continue
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in set(sh)])
        sigs.append(m)
        lsh.insert(i, m)
    t_sig = time.perf_counter() - t0
    uf = UF(len(texts))
    cands = set()
    for i, m in enumerate(sigs):
        if m is None:
            continue
        for j in lsh.query(m):
            if j != i:
                a, b = min(i, j), max(i, j)
                cands.add((a, b))
                uf.union(a, b)
    clusters = defaultdict(list)
    for i in range(len(texts)):
        clusters[uf.find(i)].append(i)
    elapsed = time.perf_counter() - t0
    return elapsed, t_sig, cands, [c for c in clusters.values() if len(c) > 1], (lsh.b, lsh.r)


def main():
    files_dir, out_dir = sys.argv[1], sys.argv[2]
    runs = {}
    for v in ("estimated", "exact", "none"):
        with open(os.path.join(out_dir, f"sheikh-{v}.json")) as f:
            runs[v] = json.load(f)
    base = runs["estimated"]
    names = base["files"]
    texts = []
    for n in names:
        with open(os.path.join(files_dir, n), encoding="utf-8", newline="") as f:
            texts.append(f.read())
    total_bytes = sum(len(t.encode("utf-8")) for t in texts)
    assert total_bytes == base["bytes"], (total_bytes, base["bytes"])

    print(f"corpus: {len(texts)} files, {total_bytes / 1e6:.1f} MB", flush=True)
    ds_time, ds_sig_time, ds_cands, ds_clusters, ds_br = run_datasketch(texts)
    print(f"datasketch: {ds_time:.1f} s (signatures + insert {ds_sig_time:.1f} s), "
          f"b={ds_br[0]} r={ds_br[1]}, {len(ds_cands)} candidate pairs, {len(ds_clusters)} clusters", flush=True)

    sets = [set(hash(s) for s in shingles(t)) for t in texts]

    # Candidate set for the truth.
    cand = same_path_pairs(names)
    for r in runs.values():
        cand.update((a, b) for a, b in r["edges"])
        for members in r["clusters"]:
            keeper = members[0]  # keep policy "first": the smallest index is kept
            cand.update((keeper, m) for m in members[1:])
    cand.update(ds_cands)
    cand.update((a, b) for a, b in base["net_pairs"])
    cand = {(min(a, b), max(a, b)) for a, b in cand if a != b and sets[a] and sets[b]}

    t0 = time.perf_counter()
    jac = {}
    for a, b in cand:
        sa, sb = sets[a], sets[b]
        la, lb = len(sa), len(sb)
        if min(la, lb) < THRESHOLD * max(la, lb):
            jac[(a, b)] = 0.0  # cannot reach the threshold (only "< 0.8" is used)
            continue
        inter = len(sa & sb) if la < lb else len(sb & sa)
        jac[(a, b)] = inter / (la + lb - inter)
    truth = {p for p, j in jac.items() if j >= THRESHOLD}
    print(f"truth: {len(cand)} candidate pairs scored in {time.perf_counter() - t0:.1f} s, "
          f"{len(truth)} pairs with Jaccard >= {THRESHOLD}", flush=True)

    def score(edges, clusters):
        edges = {(min(a, b), max(a, b)) for a, b in edges}
        tp = sum(1 for p in edges if jac.get(p, 0.0) >= THRESHOLD)
        precision = tp / len(edges) if edges else 1.0
        comp = {}
        for ci, members in enumerate(clusters):
            for m in members:
                comp[m] = ci
        found = sum(1 for a, b in truth if a in comp and comp.get(a) == comp.get(b))
        recall = found / len(truth) if truth else 1.0
        removed = [(min(c), m) for c in clusters for m in c if m != min(c)]
        rem_ok = sum(1 for k, m in removed if jac.get((k, m), 0.0) >= THRESHOLD)
        return {
            "linked_pairs": len(edges),
            "pair_precision": precision,
            "pair_recall": recall,
            "removed": len(removed),
            "removal_precision": rem_ok / len(removed) if removed else 1.0,
        }

    results = {"files": len(texts), "bytes": total_bytes, "truth_pairs": len(truth),
               "candidate_pairs_scored": len(cand), "datasketch": {}, "sheikh": {}}
    ds = score(ds_cands, ds_clusters)
    ds.update({"seconds_one_core": ds_time, "signature_seconds": ds_sig_time, "bands": ds_br[0], "rows": ds_br[1]})
    results["datasketch"] = ds
    for v, r in runs.items():
        s = score(r["edges"], r["clusters"])
        t1 = next(t for t in r["timings"] if t["threads"] == 1)
        t2 = next(t for t in r["timings"] if t["threads"] == 2)
        s.update({
            "near_dedup_seconds_1_thread": t1["near_dedup_seconds"],
            "near_dedup_seconds_2_threads": t2["near_dedup_seconds"],
            "signature_mb_per_s_1_thread": t1["signature_mb_per_s"],
            "signature_mb_per_s_2_threads": t2["signature_mb_per_s"],
            "speedup_vs_datasketch_1_thread": ds_time / t1["near_dedup_seconds"],
            "index_bytes_per_document": r["index_bytes_per_document"],
            "bands": r["lsh"]["bands"], "rows": r["lsh"]["rows"],
            "verified_candidates": r["pairs"],
        })
        results["sheikh"][v] = s

    print()
    print("| method | linked pairs | pair precision | pair recall | removed | removal precision | near-dedup time (1 core) | vs datasketch |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| datasketch MinHashLSH (b={ds['bands']}, r={ds['rows']}) | {ds['linked_pairs']} | {ds['pair_precision']:.4f} | "
          f"{ds['pair_recall']:.4f} | {ds['removed']} | {ds['removal_precision']:.4f} | {ds_time:.2f} s | 1× |")
    for v, s in results["sheikh"].items():
        print(f"| sheikh-dedup, verify={v} | {s['linked_pairs']} | {s['pair_precision']:.4f} | {s['pair_recall']:.4f} | "
              f"{s['removed']} | {s['removal_precision']:.4f} | {s['near_dedup_seconds_1_thread']:.3f} s | "
              f"{s['speedup_vs_datasketch_1_thread']:.0f}× |")
    print()
    for v, s in results["sheikh"].items():
        print(f"sheikh verify={v}: 2 threads {s['near_dedup_seconds_2_threads']:.3f} s "
              f"(scaling {s['near_dedup_seconds_1_thread'] / s['near_dedup_seconds_2_threads']:.2f}×), "
              f"signatures {s['signature_mb_per_s_1_thread']:.1f} MB/s on 1 thread, "
              f"{s['signature_mb_per_s_2_threads']:.1f} MB/s on 2; index {s['index_bytes_per_document']:.0f} B/doc")
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
