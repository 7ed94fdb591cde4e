#!/usr/bin/env python3
"""Compares sheikh-quality's CodeBLEU with the reference PyPI `codebleu` package.

Runs `codebleu.calc_codebleu` on every prediction/reference pair of a JSONL file (and
on the whole file, corpus-level) and the Rust example
`cargo run -p sheikh-quality --example eval_generations -- FILE --per-pair ... --json ...`
on the same file, then prints the largest absolute difference per component and
PASS/FAIL against the tolerance (0.01 by default). Not part of CI.

Setup (the versions `codebleu` 0.7.0 requires):

    python3 -m venv /tmp/evalvenv
    /tmp/evalvenv/bin/pip install codebleu==0.7.0 'tree-sitter>=0.22,<0.23' 'tree-sitter-javascript~=0.21.0'

Usage (from the workspace root):

    /tmp/evalvenv/bin/python scripts/eval/compare_codebleu.py fixtures/eval/codebleu_pairs.jsonl \
        [--tolerance 0.01] [--write-reference fixtures/eval/codebleu_reference_scores.json]

`--write-reference` stores the package's scores so that the Rust test
`tests/eval_codebleu_reference.rs` can check them without Python.
"""
import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile

_seed = "0"
for _i, _a in enumerate(sys.argv):
    if _a == "--hash-seed" and _i + 1 < len(sys.argv):
        _seed = sys.argv[_i + 1]
if os.environ.get("PYTHONHASHSEED") != _seed:
    # The package builds list(set(names)) in its data-flow graphs, so its scores depend
    # on the string-hash seed; sheikh-quality reproduces the order of PYTHONHASHSEED=0.
    os.environ["PYTHONHASHSEED"] = _seed
    os.execv(sys.executable, [sys.executable] + sys.argv)

from importlib.metadata import version  # noqa: E402

from codebleu import calc_codebleu  # noqa: E402

COMPONENTS = [
    ("codebleu", "codebleu"),
    ("ngram_match_score", "ngram_match"),
    ("weighted_ngram_match_score", "weighted_ngram_match"),
    ("syntax_match_score", "syntax_match"),
    ("dataflow_match_score", "dataflow_match"),
]


def python_scores(records):
    per_pair = []
    for r in records:
        s = calc_codebleu([r["reference"]], [r["prediction"]], lang="javascript")
        per_pair.append({"task_id": r["task_id"], **{k: float(s[k]) for k, _ in COMPONENTS}})
    corpus = calc_codebleu([r["reference"] for r in records], [r["prediction"] for r in records], lang="javascript")
    return per_pair, {k: float(corpus[k]) for k, _ in COMPONENTS}


def rust_scores(path, root, rust_bin=None):
    with tempfile.TemporaryDirectory() as tmp:
        per_pair_path = os.path.join(tmp, "pairs.jsonl")
        report_path = os.path.join(tmp, "report.json")
        if rust_bin:
            cmd = [rust_bin]
        else:
            cmd = ["cargo", "run", "-q", "--release", "-p", "sheikh-quality", "--example", "eval_generations", "--"]
        cmd += [path, "--per-pair", per_pair_path, "--json", report_path]
        subprocess.run(cmd, cwd=root, check=True, stdout=subprocess.DEVNULL)
        with open(per_pair_path) as f:
            per_pair = [json.loads(line) for line in f if line.strip()]
        with open(report_path) as f:
            report = json.load(f)
    pairs = [{"task_id": p["task_id"], **{k: p["score"][rk] for k, rk in COMPONENTS}} for p in per_pair]
    corpus = {k: report["codebleu"]["JavaScript"][rk] for k, rk in COMPONENTS}
    return pairs, corpus


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pairs")
    ap.add_argument("--tolerance", type=float, default=0.01)
    ap.add_argument("--write-reference")
    ap.add_argument("--show", type=int, default=5, help="largest per-pair CodeBLEU differences to list")
    ap.add_argument("--hash-seed", default="0", help="PYTHONHASHSEED for the package (default 0)")
    ap.add_argument("--rust-bin", help="a built eval_generations example instead of `cargo run`")
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # the package warns for every pair without data flow

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.abspath(args.pairs)
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    records = [r for r in records if r.get("language", "").lower() in ("javascript", "js") and "reference" in r]

    py_pairs, py_corpus = python_scores(records)
    rs_pairs, rs_corpus = rust_scores(path, root, args.rust_bin)
    assert [p["task_id"] for p in py_pairs] == [p["task_id"] for p in rs_pairs], "pair order differs"

    print(f"codebleu {version('codebleu')}, tree-sitter {version('tree-sitter')}, "
          f"tree-sitter-javascript {version('tree-sitter-javascript')}, PYTHONHASHSEED={os.environ['PYTHONHASHSEED']}; "
          f"{len(records)} JavaScript pairs; tolerance {args.tolerance}")
    print(f"{'component':<28} {'max |diff| per pair':>20} {'corpus python':>14} {'corpus rust':>12} {'|diff|':>9}")
    ok = True
    for k, _ in COMPONENTS:
        per_pair_max = max(abs(a[k] - b[k]) for a, b in zip(py_pairs, rs_pairs))
        corpus_diff = abs(py_corpus[k] - rs_corpus[k])
        ok &= per_pair_max <= args.tolerance and corpus_diff <= args.tolerance
        print(f"{k:<28} {per_pair_max:>20.6f} {py_corpus[k]:>14.6f} {rs_corpus[k]:>12.6f} {corpus_diff:>9.6f}")
    within = sum(abs(a["codebleu"] - b["codebleu"]) <= args.tolerance for a, b in zip(py_pairs, rs_pairs))
    exact = sum(all(abs(a[k] - b[k]) < 1e-9 for k, _ in COMPONENTS) for a, b in zip(py_pairs, rs_pairs))
    print(f"pairs with |CodeBLEU diff| <= {args.tolerance}: {within}/{len(records)}; "
          f"identical on all components (1e-9): {exact}/{len(records)}")
    # Split by whether tree-sitter finds a syntax error on either side: error recovery
    # differs between tree-sitter 0.22/grammar 0.21 (the package) and 0.26/0.25 (ours).
    from tree_sitter import Parser
    from codebleu.parser import remove_comments_and_docstrings
    from codebleu.utils import get_tree_sitter_language
    parser = Parser()
    parser.language = get_tree_sitter_language("javascript")

    def has_error(code):
        clean = remove_comments_and_docstrings(code.strip(), "javascript")
        return parser.parse(clean.encode()).root_node.has_error

    clean = [not has_error(r["reference"]) and not has_error(r["prediction"]) for r in records]
    for label, want in (("both sides parse", True), ("a side has syntax errors", False)):
        sel = [(a, b) for (a, b), c in zip(zip(py_pairs, rs_pairs), clean) if c == want]
        if sel:
            same = sum(all(abs(a[k] - b[k]) < 1e-9 for k, _ in COMPONENTS) for a, b in sel)
            mx = max(abs(a["codebleu"] - b["codebleu"]) for a, b in sel)
            print(f"  {label}: {len(sel)} pairs, identical {same}, max |CodeBLEU diff| {mx:.6f}")
    worst = sorted(zip(py_pairs, rs_pairs), key=lambda ab: -abs(ab[0]["codebleu"] - ab[1]["codebleu"]))
    for a, b in worst[: args.show]:
        d = {k: round(b[k] - a[k], 6) for k, _ in COMPONENTS if abs(b[k] - a[k]) > 1e-9}
        if d:
            print(f"  {a['task_id']}: rust - python = {d}")
    print("PASS" if ok else "FAIL")

    if args.write_reference:
        out = {
            "generator": "scripts/eval/compare_codebleu.py",
            "codebleu_version": version("codebleu"),
            "tree_sitter_version": version("tree-sitter"),
            "tree_sitter_javascript_version": version("tree-sitter-javascript"),
            "pythonhashseed": os.environ["PYTHONHASHSEED"],
            "pairs_file": os.path.relpath(path, root),
            "per_pair": py_pairs,
            "corpus": py_corpus,
        }
        with open(args.write_reference, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
