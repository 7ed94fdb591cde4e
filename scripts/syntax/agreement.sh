#!/usr/bin/env bash
# Agreement of sheikh-syntax with the reference parsers (not run in CI).
#
#   scripts/syntax/agreement.sh [WORK]            (default WORK=/tmp/sheikh-syntax-agreement)
#
# 1. Installs the reference parsers into WORK/ref (npm, pinned: acorn 8.19.0, acorn-jsx 5.3.2, typescript 6.0.3 — 7.x has no JS API —,
#    @mdx-js/mdx 3.1.1, remark-frontmatter 5.0.0) and xmllint (Debian: libxml2-utils) if missing.
# 2. Takes the real corpus from SRC (default /tmp/langid-eval/files, built by
#    scripts/langid/build_eval_corpus.sh; built here if absent) and writes WORK/corpus:
#    every real file plus broken copies (deleted bracket, truncated, removed closing tag).
# 3. Runs the reference side (reference.mjs) and our side (validate_dir example) and
#    prints agreement and the confusion matrix per language (compare.py).
#    Disagreements are listed in WORK/disagreements.jsonl.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/syntax"
WORK=${1:-/tmp/sheikh-syntax-agreement}
SRC=${SRC:-/tmp/langid-eval/files}
mkdir -p "$WORK/ref"

if ! command -v xmllint >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y libxml2-utils || { apt-get update && apt-get install -y libxml2-utils; }
  else sudo apt-get install -y libxml2-utils; fi
fi
if [ ! -d "$WORK/ref/node_modules/@mdx-js/mdx" ]; then
  (cd "$WORK/ref" && [ -f package.json ] || (cd "$WORK/ref" && npm init -y >/dev/null))
  (cd "$WORK/ref" && npm install --no-audit --no-fund acorn@8.19.0 acorn-jsx@5.3.2 typescript@6.0.3 @mdx-js/mdx@3.1.1 remark-frontmatter@5.0.0 >/dev/null)
fi
if [ ! -d "$SRC" ]; then
  "$ROOT/scripts/langid/build_eval_corpus.sh" "$(dirname "$SRC")"
fi

rm -rf "$WORK/corpus"
node "$HERE/make_corpus.mjs" "$SRC" "$WORK/corpus"
(cd "$WORK/ref" && node "$HERE/reference.mjs" "$WORK/corpus") > "$WORK/reference.jsonl"
"$HERE/run_ours.sh" "$WORK/corpus" > "$WORK/ours.jsonl"
ver() { node -p "JSON.parse(require('fs').readFileSync('$WORK/ref/node_modules/$1/package.json')).version"; }
echo "node $(node --version), acorn $(ver acorn), acorn-jsx $(ver acorn-jsx), typescript $(ver typescript), @mdx-js/mdx $(ver @mdx-js/mdx), remark-frontmatter $(ver remark-frontmatter), $(xmllint --version 2>&1 | head -1)"
python3 "$HERE/compare.py" "$WORK/ours.jsonl" "$WORK/reference.jsonl" "$WORK/disagreements.jsonl"
echo "disagreements: $WORK/disagreements.jsonl"
