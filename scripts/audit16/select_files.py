#!/usr/bin/env python3
"""Candidate files of the #16 audit set, by extension, from the unpacked packages.

    select_files.py PACKAGES_LIST OUT

Reads OUT/src/<safe spec>/ for every name@version of PACKAGES_LIST and copies the
candidate files into OUT/files/<safe spec>/<path inside the package> (a source tree:
each top-level directory is one package, the pipeline's repository). A candidate has
one of the extensions below, 64 B to 1 MiB, no NUL byte in its first 8000 bytes, no
hidden path component (the pipeline's walker skips those); at
most CAP_PKG_LANG (env, default 250) per package and language, chosen in a fixed
pseudo-random order (sha256 of "audit16:" + package + path), so the run is
deterministic. Files are not deduplicated here: duplicates are the pipeline's business.
Writes OUT/candidates.tsv (package, path, language, bytes, sha256) and prints counts.
"""
import hashlib
import os
import pathlib
import shutil
import sys
from collections import Counter

LANG = [  # longest suffix first
    (".d.ts", "TypeScript"), (".d.mts", "TypeScript"), (".d.cts", "TypeScript"),
    (".js", "JavaScript"), (".mjs", "JavaScript"), (".cjs", "JavaScript"),
    (".ts", "TypeScript"), (".mts", "TypeScript"), (".cts", "TypeScript"),
    (".jsx", "JSX"), (".tsx", "TSX"),
    (".html", "HTML"), (".htm", "HTML"),
    (".xml", "XML"), (".svg", "XML"),
    (".css", "CSS"), (".json", "JSON"),
    (".md", "Markdown"), (".markdown", "Markdown"), (".mdx", "MDX"),
]
MIN_BYTES, MAX_BYTES = 64, 1 << 20
CAP = int(os.environ.get("CAP_PKG_LANG", "250"))


def language(name):
    low = name.lower()
    for suf, lang in LANG:
        if low.endswith(suf):
            return lang
    return None


def safe_spec(spec):
    s = spec[1:] if spec.startswith("@") else spec
    return s.replace("/", "-")


def main():
    plist, out = sys.argv[1], pathlib.Path(sys.argv[2])
    specs = [l.strip() for l in open(plist) if l.strip()]
    files = out / "files"
    if files.exists():
        shutil.rmtree(files)
    rows, per = [], Counter()
    for spec in specs:
        pkg = safe_spec(spec)
        src = out / "src" / pkg
        cands = {}
        for dirpath, dirnames, filenames in os.walk(src):
            # Hidden files and directories are skipped: the pipeline's walker skips them too.
            dirnames[:] = sorted(d for d in dirnames if d != "node_modules" and not d.startswith("."))
            for fn in filenames:
                if fn.startswith("."):
                    continue
                lang = language(fn)
                if not lang:
                    continue
                p = pathlib.Path(dirpath) / fn
                if p.is_symlink() or not p.is_file():
                    continue
                size = p.stat().st_size
                if not MIN_BYTES <= size <= MAX_BYTES:
                    continue
                with open(p, "rb") as f:
                    if b"\0" in f.read(8000):
                        continue
                rel = p.relative_to(src).as_posix()
                key = hashlib.sha256(f"audit16:{pkg}/{rel}".encode()).hexdigest()
                cands.setdefault(lang, []).append((key, rel, size))
        for lang, lst in sorted(cands.items()):
            for _, rel, size in sorted(lst)[:CAP]:
                data = (src / rel).read_bytes()
                dst = files / pkg / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(data)
                rows.append((pkg, rel, lang, size, hashlib.sha256(data).hexdigest()))
                per[lang] += 1
    with open(out / "candidates.tsv", "w") as f:
        f.write("package\tpath\tlanguage\tbytes\tsha256\n")
        for r in sorted(rows):
            f.write("\t".join(map(str, r)) + "\n")
    for lang, n in sorted(per.items()):
        print(f"{lang:12s} {n:6d}")
    print(f"{'total':12s} {sum(per.values()):6d} files from {len(specs)} packages")


main()
