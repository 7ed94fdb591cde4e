#!/usr/bin/env python3
"""File selection of the issue-#15 held-out corpus (called by build_corpus.sh).

    select_files.py PACKAGES.list OUT

Same rules as scripts/langid/corpus_lib.sh, except that legacy-encoded and minified
files are kept:
  * label by extension (JavaScript .js .mjs .cjs; TypeScript .ts .mts .cts incl. .d.ts;
    JSX; TSX; HTML .html .htm; XML .xml .svg .xsd .xsl .xslt .rss .atom .plist ...;
    MDX; Markdown .md .markdown; CSS; JSON); node_modules/ is skipped;
  * 64 B .. 1 MiB; no NUL byte (git's binary test) unless UTF-16 with a byte-order mark;
  * text that is not UTF-8 is KEPT when charset-normalizer names an encoding (or it is
    UTF-16 with a BOM); the encoding goes to MANIFEST.tsv. Such files are exempt from
    the caps below (they are rare and the point of the "legacy encodings" row);
  * XML: the first non-blank character must be '<';
  * exact duplicates (sha1 of the bytes) are dropped within a label;
  * per label, candidates are taken in package order, then by sha1("<package>/<path>"),
    at most CAP_PKG (default 50; MDX: CAP_PKG_MDX, default 300) per package name; the accepted pool is sorted by that
    path hash and the first CAP_<Label> are kept (defaults in CAPS below).
Deterministic: same tarballs, same corpus.
Output: OUT/files/<Label>/<pkg@ver>__<path with / -> _>, OUT/MANIFEST.tsv (label,
package, path, bytes, sha1, file, encoding), OUT/SUMMARY.txt.
"""
import hashlib
import os
import shutil
import sys
from collections import defaultdict

CAPS = {"JavaScript": 1200, "TypeScript": 1000, "TSX": 800, "JSX": 500, "HTML": 600,
        "XML": 600, "MDX": 500, "Markdown": 400, "CSS": 500, "JSON": 400}
for k in CAPS:
    CAPS[k] = int(os.environ.get(f"CAP_{k}", CAPS[k]))
CAP_PKG = int(os.environ.get("CAP_PKG", 50))
# MDX is rare on npm: one docs package (bun-types) ships most of it, so its cap is higher.
CAP_PKG_LABEL = {"MDX": int(os.environ.get("CAP_PKG_MDX", 300))}
MIN_BYTES, MAX_BYTES = 64, 1024 * 1024
XML_EXT = {"xml", "svg", "xsd", "xsl", "xslt", "rss", "atom", "plist", "csproj", "vbproj", "fsproj",
           "vcxproj", "props", "targets", "nuspec", "resx", "xaml", "wsdl", "kml", "gpx", "rng",
           "policy", "xlf", "xliff"}


def label_of(rel):
    p = rel.lower()
    base = p.rsplit("/", 1)[-1]
    if "." not in base:
        return None
    ext = base.rsplit(".", 1)[1]
    return {"ts": "TypeScript", "mts": "TypeScript", "cts": "TypeScript", "tsx": "TSX", "jsx": "JSX",
            "js": "JavaScript", "mjs": "JavaScript", "cjs": "JavaScript", "html": "HTML", "htm": "HTML",
            "mdx": "MDX", "md": "Markdown", "markdown": "Markdown", "css": "CSS",
            "json": "JSON"}.get(ext) or ("XML" if ext in XML_EXT else None)


def decode(data):
    """-> (text, encoding or '') or None when the bytes are not usable text."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        enc = "UTF-16LE" if data.startswith(b"\xff\xfe") else "UTF-16BE"
        try:
            return data[2:].decode(enc.lower().replace("utf-16", "utf_16_")), enc
        except UnicodeDecodeError:
            return None
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if b"\0" in body[:8000]:
        return None
    try:
        return body.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    best = from_bytes(body).best()
    if best is None:
        return None
    return str(best), best.encoding


def main():
    packages = [l.strip() for l in open(sys.argv[1]) if l.strip()]
    out = sys.argv[2]
    src, files = os.path.join(out, "src"), os.path.join(out, "files")
    shutil.rmtree(files, ignore_errors=True)
    cands = defaultdict(list)  # label -> [(pkg_idx, pathhash, name, spec, safe, rel, abs)]
    for idx, spec in enumerate(packages):
        name = spec.rsplit("@", 1)[0]
        safe = spec.lstrip("@").replace("/", "-")
        root = os.path.join(src, safe)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "node_modules")
            for fn in sorted(filenames):
                absf = os.path.join(dirpath, fn)
                rel = os.path.relpath(absf, root)
                label = label_of(rel)
                if label is None or not os.path.isfile(absf) or os.path.islink(absf):
                    continue
                h = hashlib.sha1(f"{name}/{rel}".encode()).hexdigest()
                cands[label].append((idx, h, name, spec, safe, rel, absf))
    manifest = ["label\tpackage\tpath\tbytes\tsha1\tfile\tencoding"]
    summary = defaultdict(lambda: defaultdict(int))
    dropped = defaultdict(int)
    for label in CAPS:
        os.makedirs(os.path.join(files, label), exist_ok=True)
        seen, per_pkg, pool, legacy = set(), defaultdict(int), [], []
        for c in sorted(cands[label]):
            idx, h, name, spec, safe, rel, absf = c
            size = os.path.getsize(absf)
            if not MIN_BYTES <= size <= MAX_BYTES:
                dropped["size"] += 1
                continue
            data = open(absf, "rb").read()
            sha = hashlib.sha1(data).hexdigest()
            if sha in seen:
                dropped["duplicate"] += 1
                continue
            dec = decode(data)
            if dec is None:
                dropped["binary or undecodable"] += 1
                continue
            text, enc = dec
            if label == "XML" and not text.lstrip("\ufeff \t\r\n").startswith("<"):
                dropped["XML not starting with <"] += 1
                continue
            if enc:
                seen.add(sha)
                legacy.append((h, c, size, sha, enc))
                continue
            if per_pkg[name] >= CAP_PKG_LABEL.get(label, CAP_PKG):
                continue
            seen.add(sha)
            per_pkg[name] += 1
            pool.append((h, c, size, sha, enc))
        pool.sort()
        chosen = pool[:CAPS[label]] + sorted(legacy)
        used = set()
        for h, c, size, sha, enc in chosen:
            idx, _, name, spec, safe, rel, absf = c
            base = f"{safe}__{rel.replace('/', '_')}"
            ext = rel.rsplit(".", 1)[-1]
            if len(base) > 200:
                base = f"{base[:160]}~{sha[:12]}.{ext}"
            if base in used:
                base = f"{base.rsplit('.', 1)[0]}~{sha[:12]}.{ext}"
            used.add(base)
            shutil.copyfile(absf, os.path.join(files, label, base))
            manifest.append("\t".join([label, spec, rel, str(size), sha, base, enc]))
            summary[label][spec] += 1
    with open(os.path.join(out, "MANIFEST.tsv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    rows = manifest[1:]
    lines = [f"{'label':<11} {'files':>6} {'packages':>9} {'legacy-enc':>10}"]
    for label in CAPS:
        mine = [r.split("\t") for r in rows if r.split("\t")[0] == label]
        lines.append(f"{label:<11} {len(mine):>6} {len({m[1].rsplit('@', 1)[0] for m in mine}):>9} "
                     f"{sum(1 for m in mine if m[6]):>10}")
    lines.append(f"{'total':<11} {len(rows):>6}")
    lines.append("")
    lines.append("legacy-encoded files kept: " + (", ".join(
        f"{r.split(chr(9))[0]}/{r.split(chr(9))[5]} ({r.split(chr(9))[6]})" for r in rows if r.split("\t")[6]) or "none"))
    lines.append("candidates dropped: " + ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))
    lines.append("")
    lines.append("files per label and package:")
    for label in CAPS:
        for spec, n in sorted(summary[label].items()):
            lines.append(f"  {label:<11} {spec:<45} {n:4d}")
    with open(os.path.join(out, "SUMMARY.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[: len(CAPS) + 4]))


main()
