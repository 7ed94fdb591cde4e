#!/usr/bin/env bash
# Our side of the issue-#15 evaluation, for one source tree.
#
#   scripts/eval15/run_ours.sh OUT TAG [TREE]
#     OUT   corpus built by build_corpus.sh (OUT/files, OUT/broken)
#     TAG   name of this run (before, after, ...): writes OUT/ours-TAG.jsonl and
#           OUT/pipeline-TAG/ (full_pipeline's output, report.json)
#     TREE  the sheikh checkout to build (default: this repository). Build into
#           CARGO_TARGET_DIR (default /tmp/eval15-TAG-target) so that other work in
#           the tree is not disturbed; CARGO_BUILD_JOBS defaults to 1.
#
# If TREE has no crates/sheikh-syntax/examples/eval15.rs (an older commit), this
# repository's copy is put there (untracked) before building; for trees without
# sheikh_syntax::language_identifier, the first version (commit b9105cd).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "${1:?usage: run_ours.sh OUT TAG [TREE]}" && pwd)
TAG=${2:?usage: run_ours.sh OUT TAG [TREE]}
TREE=$(cd "${3:-$HERE/../..}" && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/eval15-$TAG-target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
EX=$TREE/crates/sheikh-syntax/examples/eval15.rs
if [[ ! -f $EX ]]; then
  if grep -q "pub fn language_identifier" "$TREE/crates/sheikh-syntax/src/"*.rs 2>/dev/null; then
    cp "$HERE/../../crates/sheikh-syntax/examples/eval15.rs" "$EX"
  else
    # Older trees: the first version, with LanguageIdentifier::default().
    git -C "$HERE" show b9105cd:crates/sheikh-syntax/examples/eval15.rs > "$EX"
  fi
fi

echo "== building in $TREE ($(git -C "$TREE" rev-parse --short HEAD)) into $CARGO_TARGET_DIR" >&2
t0=$(date +%s)
# One cargo invocation for both: building them separately resolves features differently
# and recompiles half the dependencies.
(cd "$TREE" && cargo build --release -q -p sheikh-syntax -p sheikh --example eval15 --example full_pipeline)
t1=$(date +%s)
git -C "$TREE" rev-parse HEAD > "$OUT/commit-$TAG.txt"
git -C "$TREE" status --short --untracked-files=no | sed 's/^/dirty: /' >> "$OUT/commit-$TAG.txt"

echo "== eval15 (langid + syntax per file)" >&2
"$CARGO_TARGET_DIR/release/examples/eval15" "$OUT" > "$OUT/ours-$TAG.jsonl"
t2=$(date +%s)
echo "== full_pipeline on OUT/files" >&2
(cd "$TREE" && "$CARGO_TARGET_DIR/release/examples/full_pipeline" --input "$OUT/files" --output "$OUT/pipeline-$TAG" --overwrite) \
  > "$OUT/pipeline-$TAG.log" 2>&1 || { echo "full_pipeline failed: see $OUT/pipeline-$TAG.log" >&2; tail -5 "$OUT/pipeline-$TAG.log" >&2; }
t3=$(date +%s)
echo "build $((t1 - t0)) s, eval15 $((t2 - t1)) s, full_pipeline $((t3 - t2)) s" | tee "$OUT/timing-$TAG.txt" >&2
