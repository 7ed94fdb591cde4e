#!/usr/bin/env bash
# Accuracy and speed of sheikh-dedup against exact Jaccard truth and Python datasketch,
# on a real corpus of near duplicates (two published versions of npm packages).
# Not run in CI: needs the npm and PyPI registries and takes a few minutes.
#
#   scripts/dedup/run_eval.sh [CORPUS_DIR]
#
# 1. fetches the corpus with `npm pack` (scripts/dedup/fetch_corpus.sh);
# 2. builds and runs `cargo run --release -p sheikh-dedup --example dedup_eval`;
# 3. installs datasketch from PyPI into /tmp/dsvenv and runs scripts/dedup/eval.py, which
#    times datasketch (MinHash num_perm=128 + MinHashLSH threshold=0.8 + union-find) on
#    one core, computes the exact Jaccard truth, and prints precision/recall and the
#    speed ratio;
# 4. runs scripts/dedup/speed.py: sheikh-dedup (1 thread pinned to core 0, and 2 threads)
#    and datasketch (pinned to core 0) alternately, 3 times, best of each.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CORPUS=${1:-/tmp/sheikh-dedup-corpus}
OUT=${OUT:-/tmp/sheikh-dedup-eval}
mkdir -p "$OUT"
"$HERE/fetch_corpus.sh" "$CORPUS"
(cd "$ROOT" && cargo build --release -p sheikh-dedup --example dedup_eval)
for verify in estimated exact none; do
  "$ROOT/target/release/examples/dedup_eval" "$CORPUS/files" "$OUT/sheikh-$verify.json" "$verify"
done
if [ ! -x /tmp/dsvenv/bin/python ]; then
  python3 -m venv /tmp/dsvenv
fi
/tmp/dsvenv/bin/pip install -q datasketch
# One core for datasketch, like the 1-thread sheikh figure.
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
  taskset -c 0 /tmp/dsvenv/bin/python "$HERE/eval.py" "$CORPUS/files" "$OUT"
# Speed side by side, best of 3 alternating runs (see speed.py).
/tmp/dsvenv/bin/python "$HERE/speed.py" "$CORPUS/files" "$ROOT/target/release/examples/dedup_eval" 3
