#!/usr/bin/env python3
"""Fails when a package of packages.txt (the #16 audit set) is named anywhere else in the repository.

    check_disjoint.py [packages.txt]

The rule is `scripts/langid/disjoint.py`'s; this corpus's own paths are
scripts/audit16/, so a package used by any tuning corpus, by the #15 held-out corpus
(scripts/eval15) or merely mentioned in docs, tests or fixtures can not be in the audit
list. Exit status 1 lists the overlaps.
"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "langid"))
import disjoint  # noqa: E402

disjoint.check(sys.argv[1] if len(sys.argv) > 1 else HERE / "packages.txt",
               ("scripts/audit16/",), "audit")
