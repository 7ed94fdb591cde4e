#!/usr/bin/env python3
"""Fails when a package of packages.txt (the second #16 audit set) is named anywhere else
in the repository.

    check_disjoint.py [packages.txt]

The rule is `scripts/langid/disjoint.py`'s; this corpus's own paths are
scripts/audit16b/, so a package of any tuning corpus, of the #15 held-out corpus or of
the first audit set (scripts/audit16) can not be in this list. Exit status 1 lists the
overlaps.
"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "langid"))
import disjoint  # noqa: E402

disjoint.check(sys.argv[1] if len(sys.argv) > 1 else HERE / "packages.txt",
               ("scripts/audit16b/",), "audit (second set)")
