"""Checks that a pinned package list names no package used anywhere else in the repository.

Shared by the held-out corpora (`scripts/eval15/check_disjoint.py`,
`scripts/audit16/check_disjoint.py`), which differ only in their list and in the paths
that belong to them. "Named" is deliberately broad: every token that looks like an npm
package name (`name`, `@scope/name`, with or without `@version`) in every file git
tracks, or that is in the work tree untracked but not ignored, is collected, except the
corpus's own paths. A listed package must not be among those tokens, so a package used
by any tuning corpus or merely mentioned in docs, tests or fixtures can not be listed.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
# npm names: lowercase letters, digits, - . _ ; optional @scope/. Case-sensitive on
# purpose (npm names are lowercase; a capitalised product name in prose is not the package).
TOKEN = re.compile(r"(?<![A-Za-z0-9_.@/-])(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*")


def listed(path):
    """Package names of a `name@version` list (comments after `#`, blank lines skipped)."""
    names = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        names.append(line.rsplit("@", 1)[0] if line.rfind("@") > 0 else line)
    return names


def repo_files(own):
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True, capture_output=True).stdout
    for p in out.split(b"\0"):
        p = p.decode()
        if p and not p.startswith(own):
            yield p


def check(list_path, own, what):
    """Exits 1 listing the overlaps (and duplicate names) of `list_path`; `own` are the
    path prefixes of the corpus itself; `what` names the list in messages."""
    names = listed(list_path)
    dup = {n for n in names if names.count(n) > 1}
    want = set(names)
    found = {}
    for rel in repo_files(tuple(own)):
        try:
            text = (ROOT / rel).read_bytes()[:4_000_000].decode("utf-8", "replace")
        except (IsADirectoryError, FileNotFoundError):
            continue
        for m in TOKEN.finditer(text):
            tok = m.group(0).rstrip("._-")
            if tok in want:
                found.setdefault(tok, set()).add(rel)
    bad = False
    if dup:
        print(f"duplicate names in the {what} list:", ", ".join(sorted(dup)))
        bad = True
    for name in sorted(found):
        print(f"NOT DISJOINT: {name} is named in {', '.join(sorted(found[name])[:5])}")
        bad = True
    if bad:
        sys.exit(1)
    print(f"disjoint: none of the {len(names)} {what} packages is named elsewhere in the repository")
