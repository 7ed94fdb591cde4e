#!/usr/bin/env python3
"""Fails when a package of packages.txt is named anywhere else in the repository.

    check_disjoint.py [packages.txt]

The rule is `scripts/langid/disjoint.py`'s; this corpus's own paths are scripts/eval15/
and docs/benchmarks/heldout-15.md, so a package used by any tuning corpus
(scripts/langid, scripts/syntax, scripts/dedup, docs, tests, fixtures) or merely
mentioned can not be in the held-out list. Exit status 1 lists the overlaps.
"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "langid"))
import disjoint  # noqa: E402

disjoint.check(sys.argv[1] if len(sys.argv) > 1 else HERE / "packages.txt",
               ("scripts/eval15/", "docs/benchmarks/heldout-15.md"), "held-out")
