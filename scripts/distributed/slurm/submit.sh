#!/usr/bin/env bash
# Submits the sheikh pipeline to Slurm: one job array per step, each step starting when
# every task of the previous one succeeded (--dependency=afterok), as datatrove does.
#
#   scripts/distributed/slurm/submit.sh --work /shared/work --num-shards 512 \
#       [--sheikh target/release/sheikh] [--config configs/pipeline.yaml] \
#       [--max-parallel 64] [--partition cpu] [--dry-run] \
#       [-- --input /shared/the-stack-js --format parquet --output /shared/out]
#
# The plan (listing the input, cutting it into shards) runs here, on the submitting
# node; its task counts size the arrays. Everything after `--` is passed to every
# sheikh command (input, output, tokenize config…). After a failure, fix the cause and
# run the same command again: completed tasks are skipped (WORK/_done/ markers), killed
# or failed ones are redone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sheikh=target/release/sheikh config=configs/pipeline.yaml work="" shards="" max_parallel=""
partition="" dry_run=0 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sheikh) sheikh=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --num-shards) shards=$2; shift 2 ;;
    --max-parallel) max_parallel=$2; shift 2 ;;
    --partition) partition=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
: "${work:?--work is required}" "${shards:?--num-shards is required}"
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
export SHEIKH SHEIKH_CONFIG SHEIKH_WORK SHEIKH_EXTRA
SHEIKH=$(abs "$sheikh") SHEIKH_CONFIG=$(abs "$config") SHEIKH_WORK=$(abs "$work")
SHEIKH_EXTRA="${extra[*]:-}"
common=(--config "$SHEIKH_CONFIG" --work "$SHEIKH_WORK" "${extra[@]}")

"$SHEIKH" "${common[@]}" plan --num-shards "$shards"
mkdir -p "$SHEIKH_WORK/slurm-logs"
dep=""
while IFS=$'\t' read -r step tasks; do
  [ "$tasks" -gt 0 ] || continue
  # Tasks run in this directory, so relative paths in the config mean what they mean
  # here (and the config fingerprint matches the plan's).
  args=(--parsable --chdir "$PWD" --output "$SHEIKH_WORK/slurm-logs/%x-%A_%a.log" --array "0-$((tasks - 1))${max_parallel:+%$max_parallel}")
  [ -n "$partition" ] && args+=(--partition "$partition")
  [ -n "$dep" ] && args+=(--dependency "afterok:$dep")
  if [ "$dry_run" = 1 ]; then
    echo sbatch "${args[@]}" "$here/$step.sbatch"
    dep="<$step>"
  else
    dep=$(sbatch "${args[@]}" "$here/$step.sbatch")
    dep=${dep%%;*}
    echo "$step: job $dep ($tasks tasks)"
  fi
done < <("$SHEIKH" "${common[@]}" tasks)
echo "follow with: $SHEIKH ${common[*]} status"
