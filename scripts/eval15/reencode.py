#!/usr/bin/env python3
"""Re-encoded copies for the "legacy encodings decoded" row (called by build_corpus.sh).

    reencode.py OUT

The packages of packages.txt ship no text file that is not UTF-8 (select_files.py
keeps any it finds; SUMMARY.txt lists them), so the legacy-encoding row would be
empty. This writes copies of real UTF-8 files that contain non-ASCII characters,
transcoded into a legacy encoding, to OUT/reencoded/<Label>/<encoding>__<file>, and
OUT/REENCODED.tsv (file, source file, encoding):
  * Japanese text (kana/kanji) that Shift_JIS can encode -> Shift_JIS (or EUC-JP for
    every other such file);
  * text that windows-1252 can encode -> windows-1252, alternating with ISO-8859-1
    when that also works; text that only ISO-8859-2 can encode -> ISO-8859-2;
  * otherwise (or for every fifth file) UTF-16LE or UTF-16BE with a byte-order mark.
Only JavaScript, TypeScript, JSX, TSX, CSS, JSON, Markdown and MDX: HTML and XML
declare their encoding in the text, so a transcoded copy would contradict itself.
At most PER_LABEL (default 25) files per label: Japanese files first (they are rare),
then by sha1 of the file name.
"""
import hashlib
import os
import re
import shutil
import sys

OUT = sys.argv[1]
PER_LABEL = int(os.environ.get("REENCODE_PER_LABEL", 25))
LABELS = ["JavaScript", "TypeScript", "JSX", "TSX", "CSS", "JSON", "Markdown", "MDX"]
JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
dest_root = os.path.join(OUT, "reencoded")
shutil.rmtree(dest_root, ignore_errors=True)
rows = ["file\tsource\tencoding"]


def encodable(text, enc):
    try:
        text.encode(enc)
        return True
    except UnicodeEncodeError:
        return False


for label in LABELS:
    src = os.path.join(OUT, "files", label)
    if not os.path.isdir(src):
        continue
    cands = []
    for f in os.listdir(src):
        raw = open(os.path.join(src, f), "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        text = text.lstrip("\ufeff")
        if text.isascii():
            continue
        ja = bool(JA.search(text)) and encodable(text, "shift_jis")
        cands.append((not ja, hashlib.sha1(f.encode()).hexdigest(), f, text))
    cands.sort()  # Japanese text Shift_JIS can encode first (rare), then by name hash
    os.makedirs(os.path.join(dest_root, label), exist_ok=True)
    n = 0
    for i, (_, _, f, text) in enumerate(cands):
        if n >= PER_LABEL:
            break
        if JA.search(text) and encodable(text, "shift_jis"):
            enc = ("Shift_JIS", "shift_jis") if i % 2 == 0 else ("EUC-JP", "euc_jp")
        elif i % 5 == 4:
            enc = ("UTF-16LE", "utf-16-le") if i % 2 == 0 else ("UTF-16BE", "utf-16-be")
        elif encodable(text, "cp1252"):
            enc = ("ISO-8859-1", "latin-1") if i % 2 and encodable(text, "latin-1") else ("windows-1252", "cp1252")
        elif encodable(text, "iso8859_2"):
            enc = ("ISO-8859-2", "iso8859_2")
        else:
            enc = ("UTF-16LE", "utf-16-le") if i % 2 == 0 else ("UTF-16BE", "utf-16-be")
        data = text.encode(enc[1])
        if enc[0].startswith("UTF-16"):
            data = (b"\xff\xfe" if enc[0].endswith("LE") else b"\xfe\xff") + data
        name = f"{enc[0]}__{f}"
        open(os.path.join(dest_root, label, name), "wb").write(data)
        rows.append(f"{label}/{name}\t{label}/{f}\t{enc[0]}")
        n += 1
with open(os.path.join(OUT, "REENCODED.tsv"), "w") as fh:
    fh.write("\n".join(rows) + "\n")
print(f"re-encoded copies: {len(rows) - 1} in {dest_root}", file=sys.stderr)
