#!/usr/bin/env python3
"""html5lib reference for label.mjs: reads "path<TAB>encoding" lines on stdin (encoding
empty for UTF-8, else a WHATWG label) and prints one JSON line per file, in order:
{"valid", "tool", "message"}. Strict mode: the first parse error (html5lib's error code
and its data) makes the file invalid."""
import json
import sys

import html5lib
from html5lib.constants import E

TOOL = f"html5lib {html5lib.__version__} strict"
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line:
        continue
    path, enc = line.split("\t")
    data = open(path, "rb").read()
    try:
        text = data.decode(enc or "utf-8")
    except (LookupError, UnicodeDecodeError):
        text = data.decode("utf-8", "replace")
    text = text.lstrip("\ufeff")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(text)
        out = {"valid": True, "tool": TOOL, "message": None}
    except html5lib.html5parser.ParseError as e:
        msg = str(e)
        if parser.errors:
            (line_no, col), code, data_vars = parser.errors[-1]
            try:
                msg = f"{line_no}:{col} {code}: " + (E.get(code, code) % data_vars)
            except (TypeError, KeyError, ValueError):
                msg = f"{line_no}:{col} {code}"
        out = {"valid": False, "tool": TOOL, "message": msg}
    except Exception as e:  # noqa: BLE001 - a crash of the reference is recorded, not fatal
        out = {"valid": False, "tool": TOOL, "message": f"html5lib crashed: {type(e).__name__}: {e}"}
    print(json.dumps(out), flush=True)
