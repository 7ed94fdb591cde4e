#!/usr/bin/env bash
# Precision, recall and time of several LSH settings (verify: exact) on one corpus,
# for choosing the default bands × rows (docs/benchmarks/dedup-recall.md).
#
#   scripts/dedup/sweep.sh BINARY FILES_DIR OUT_DIR SEED SETTING...
#
# BINARY is a dedup_eval example binary; SETTING is BxR (bands × rows, e.g. 16x8),
# fnW (optimal_param with false_negative_weight W and false_positive_weight 1 − W,
# e.g. fn0.9) or default (the binary's default config). Each setting runs once per
# call on a 1-thread pool pinned to core 0 (best of SHEIKH_EVAL_REPEATS, default 1),
# with MinHash seed SEED; the first run also writes the permissive net for the truth.
# Then scripts/dedup/score.py scores them all against exact Jaccard (truth cached in
# OUT_DIR/truth.json) in the datasketch venv's (or any) python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$1 FILES=$2 OUT=$3 SEED=$4
shift 4
mkdir -p "$OUT"
runs=()
# The net (for the truth) only in the first run, and only while no truth is cached.
net=1
if [ -e "$OUT/truth.json" ]; then net=0; fi
for s in "$@"; do
  envs=(SHEIKH_EVAL_THREADS=1 "SHEIKH_EVAL_REPEATS=${SHEIKH_EVAL_REPEATS:-1}" SHEIKH_EVAL_SEED="$SEED")
  case $s in
    default) ;;
    fn*) envs+=(SHEIKH_EVAL_FN_WEIGHT="${s#fn}") ;;
    *x*) envs+=(SHEIKH_EVAL_BANDS="${s%x*}" SHEIKH_EVAL_ROWS="${s#*x}") ;;
    *) echo "unknown setting $s" >&2; exit 2 ;;
  esac
  if [ $net = 0 ]; then envs+=(SHEIKH_EVAL_NO_NET=1); fi
  out="$OUT/seed$SEED-$s.json"
  env "${envs[@]}" taskset -c 0 "$BIN" "$FILES" "$out" exact 2>&1 | grep -E "^LSH|threads" >&2
  runs+=("$out")
  net=0
done
PY=${PY:-python3}
"$PY" "$HERE/score.py" "$FILES" "$OUT/truth.json" "${runs[@]}"
