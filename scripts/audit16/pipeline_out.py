"""Reads a full_pipeline output directory (`output.format: jsonl`): the documents of
data/*.jsonl or rejected/*.jsonl, one JSON object per line, in file order. Shared by
join.py and drops_by_language.py."""
import glob
import json
import os


def documents(pattern):
    """Yields the records of the JSONL files matching `pattern`, in sorted file order,
    leaving out rejected/inputs.jsonl (inputs that never became documents)."""
    for fn in sorted(glob.glob(pattern)):
        if os.path.basename(fn) == "inputs.jsonl":
            continue
        with open(fn, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
