#!/usr/bin/env python3
"""Fails when a package of packages.txt (the #16 audit set) is named anywhere else in the repository.

    check_disjoint.py [packages.txt]

"Named" is deliberately broad: every token that looks like an npm package name
(`name`, `@scope/name`, with or without `@version`) in every file git tracks, or that
is in the work tree untracked but not ignored, is collected, except the files of
scripts/audit16/ itself. An audit package must not be among those tokens, so a
package used by any tuning corpus (scripts/langid, scripts/syntax, scripts/dedup),
by the #15 held-out corpus (scripts/eval15), or merely mentioned in docs, tests or
fixtures can not be in the audit list. Copied from scripts/eval15/check_disjoint.py
with only the excluded paths changed. Exit status 1 lists the overlaps.
"""
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OWN = ("scripts/audit16/",)
# npm names: lowercase letters, digits, - . _ ; optional @scope/. Case-sensitive on
# purpose (npm names are lowercase; a capitalised product name in prose is not the package).
TOKEN = re.compile(r"(?<![A-Za-z0-9_.@/-])(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*")


def held_out(path):
    names = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name = line.rsplit("@", 1)[0] if line.rfind("@") > 0 else line
        names.append(name)
    return names


def repo_files():
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True, capture_output=True).stdout
    for p in out.split(b"\0"):
        p = p.decode()
        if p and not p.startswith(OWN):
            yield p


def main():
    names = held_out(sys.argv[1] if len(sys.argv) > 1 else HERE / "packages.txt")
    dup = {n for n in names if names.count(n) > 1}
    want = set(names)
    found = {}
    for rel in repo_files():
        f = ROOT / rel
        try:
            text = f.read_bytes()[:4_000_000].decode("utf-8", "replace")
        except (IsADirectoryError, FileNotFoundError):
            continue
        for m in TOKEN.finditer(text):
            tok = m.group(0).rstrip("._-")
            if tok in want:
                found.setdefault(tok, set()).add(rel)
    bad = False
    if dup:
        print("duplicate names in the audit list:", ", ".join(sorted(dup)))
        bad = True
    for name in sorted(found):
        print(f"NOT DISJOINT: {name} is named in {', '.join(sorted(found[name])[:5])}")
        bad = True
    if bad:
        sys.exit(1)
    print(f"disjoint: none of the {len(names)} audit packages is named elsewhere in the repository")


main()
