#!/usr/bin/env bash
# check_reference.sh: generates sheikh-synth samples with a fixed seed and checks every
# one with the reference tools (node/V8 and acorn for JavaScript, TypeScript's parser for
# TS/TSX, acorn-jsx for JSX, xmllint for XML/SVG, @mdx-js/mdx for MDX; see
# check_reference.mjs for the exact rules). Prints samples / accepted / rejected per
# language and the first failures; exits non-zero when any sample is rejected.
#
#   scripts/synth/check_reference.sh [N] [SEED] [OUT]
#     N     samples per language (default 2000)
#     SEED  generator seed (default 42)
#     OUT   work directory (default target/synth-reference): samples.jsonl, files/,
#           results.jsonl, summary.json, report.txt
#   env:  MODE         raw (default): the grammar's own output, samples 0..N-1, first
#                      attempt, before sheikh-syntax validation, retries and dedup
#                      (synth_bench --raw); synth: the synthesizer's validated,
#                      deduplicated documents (what the pipeline mixes in)
#         SYNTH_TOOLS  npm prefix for package.json's pinned tools (default
#                      /tmp/synth-ref-tools; installed there when missing)
#         SHOW         failures shown per language (default 5)
#         THREADS      generator threads (default 0 = one per core)
#
# Needs cargo, node >= 20 with npm, and xmllint (Debian: apt-get install libxml2-utils).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-2000}"
SEED="${2:-42}"
OUT="${3:-$ROOT/target/synth-reference}"
TOOLS="${SYNTH_TOOLS:-/tmp/synth-ref-tools}"
SHOW="${SHOW:-5}"
THREADS="${THREADS:-0}"
MODE="${MODE:-raw}"
case "$MODE" in raw) RAW=(--raw) ;; synth) RAW=() ;; *) echo "MODE is raw or synth" >&2; exit 2 ;; esac

command -v node >/dev/null || { echo "node is required" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "xmllint is required (apt-get install libxml2-utils)" >&2; exit 2; }

# The pinned reference tools, installed once into $TOOLS.
if ! cmp -s "$HERE/package.json" "$TOOLS/package.json" || [ ! -d "$TOOLS/node_modules" ]; then
  mkdir -p "$TOOLS"
  cp "$HERE/package.json" "$TOOLS/package.json"
  (cd "$TOOLS" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

mkdir -p "$OUT"
echo "generating $N samples per language ($MODE), seed $SEED, into $OUT/samples.jsonl" >&2
(cd "$ROOT" && cargo run --quiet --release -p sheikh-synth --example synth_bench -- \
  --js "$N" --ts "$N" --jsx "$N" --tsx "$N" --xml "$N" --mdx "$N" \
  --seed "$SEED" --threads "$THREADS" --out "$OUT/samples.jsonl" "${RAW[@]}") > "$OUT/synth_bench.txt"
grep -m1 '^total:' "$OUT/synth_bench.txt" >&2 || true
echo "mode: $MODE, seed $SEED, $N per language" > "$OUT/report.txt"

set +e
SYNTH_TOOLS="$TOOLS" node "$HERE/check_reference.mjs" "$OUT/samples.jsonl" "$OUT" --show "$SHOW" | tee -a "$OUT/report.txt"
status=${PIPESTATUS[0]}
set -e
echo "generator: $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet -- crates/sheikh-synth || echo ' + uncommitted changes in crates/sheikh-synth')" | tee -a "$OUT/report.txt"
exit "$status"
