#!/usr/bin/env bash
# The proof run (not in CI): the whole pipeline as Ray tasks on a local 2-CPU Ray
# cluster, over a corpus cut into SHARDS shards, checked against the single-process
# full_pipeline run on the same input: the same documents kept (ids and contents, in
# order) and the same tokens. Prints the wall times and per-step times.
#
#   scripts/distributed/proof_run.sh                   # 400 fixture copies + npm's own JS, 16 shards
#   COPIES=100 SHARDS=16 scripts/distributed/proof_run.sh
#
# Environment: COPIES (copies of fixtures/corpus from BIG_CORPUS, default 400),
# BIG_CORPUS (default /tmp/big-corpus, made by scripts/make_big_corpus.sh if missing),
# EXTRA_INPUT (a real source tree added to the corpus, default /usr/lib/node_modules
# when present; "" for none), SHARDS (default 16), VENV (default /tmp/rayvenv),
# PROOF_DIR (default /tmp/sheikh-proof; wiped), RAY_CPUS (default 2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
COPIES=${COPIES:-400}
SHARDS=${SHARDS:-16}
VENV=${VENV:-/tmp/rayvenv}
BIG_CORPUS=${BIG_CORPUS:-/tmp/big-corpus}
PROOF_DIR=${PROOF_DIR:-/tmp/sheikh-proof}
RAY_CPUS=${RAY_CPUS:-2}
if [ -z "${EXTRA_INPUT+x}" ]; then
  EXTRA_INPUT=""; [ -d /usr/lib/node_modules ] && EXTRA_INPUT=/usr/lib/node_modules
fi
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

echo "== 1. Ray from PyPI into $VENV"
[ -x "$VENV/bin/ray" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q ray; }
"$VENV/bin/python" -c 'import ray; print("ray", ray.__version__)'

echo "== 2. release build"
cargo build --release -q -p sheikh-cli --bin sheikh
cargo build --release -q --example full_pipeline
SHEIKH="$root/target/release/sheikh"

echo "== 3. corpus"
rm -rf "$PROOF_DIR"
mkdir -p "$PROOF_DIR/corpus"
[ -d "$BIG_CORPUS/copy-$(printf %05d $((COPIES - 1)))" ] || scripts/make_big_corpus.sh "$BIG_CORPUS" "$COPIES"
for i in $(seq -f "%05g" 0 $((COPIES - 1))); do
  cp -al "$BIG_CORPUS/copy-$i" "$PROOF_DIR/corpus/" 2>/dev/null || cp -a "$BIG_CORPUS/copy-$i" "$PROOF_DIR/corpus/"
done
if [ -n "$EXTRA_INPUT" ]; then
  cp -al "$EXTRA_INPUT" "$PROOF_DIR/corpus/extra" 2>/dev/null || cp -a "$EXTRA_INPUT" "$PROOF_DIR/corpus/extra"
fi
find "$PROOF_DIR/corpus" -type f -printf '%s\n' | awk -v what="$COPIES copies of fixtures/corpus${EXTRA_INPUT:+ + $EXTRA_INPUT}" \
  '{n++; b+=$1} END {printf "corpus: %d files, %.1f MB (%s)\n", n, b/1e6, what}'
cat > "$PROOF_DIR/tokenize.yaml" <<YAML
tokenizer: $root/fixtures/tokenizer/tokenizer.json
seq_len: 2048
YAML
common=(--config configs/pipeline.yaml --work "$PROOF_DIR/work" --input "$PROOF_DIR/corpus"
        --output "$PROOF_DIR/staged" --tokenize-config "$PROOF_DIR/tokenize.yaml")

echo "== 4. local Ray head with $RAY_CPUS CPUs"
export RAY_USAGE_STATS_ENABLED=0
"$VENV/bin/ray" stop --force > /dev/null 2>&1 || true
"$VENV/bin/ray" start --head --num-cpus "$RAY_CPUS" --include-dashboard=false --disable-usage-stats > "$PROOF_DIR/ray-start.log" 2>&1
trap '"$VENV/bin/ray" stop --force > /dev/null 2>&1 || true' EXIT

echo "== 5. staged run: every step as Ray tasks, $SHARDS shards"
t=$(now)
"$VENV/bin/python" scripts/distributed/ray_pipeline.py --address auto --sheikh "$SHEIKH" \
  --config configs/pipeline.yaml --work "$PROOF_DIR/work" --input "$PROOF_DIR/corpus" \
  --output "$PROOF_DIR/staged" --tokenize-config "$PROOF_DIR/tokenize.yaml" \
  --num-shards "$SHARDS" --timings-json "$PROOF_DIR/ray-timings.json" 2> "$PROOF_DIR/ray-driver.log"
staged_wall=$(since "$t")
echo "staged run wall time (driver, incl. Ray scheduling): ${staged_wall} s"
"$SHEIKH" "${common[@]}" status

echo "== 6. relaunch: every task is skipped"
t=$(now)
"$VENV/bin/python" scripts/distributed/ray_pipeline.py --address auto --sheikh "$SHEIKH" \
  --config configs/pipeline.yaml --work "$PROOF_DIR/work" --input "$PROOF_DIR/corpus" \
  --output "$PROOF_DIR/staged" --tokenize-config "$PROOF_DIR/tokenize.yaml" \
  --num-shards "$SHARDS" 2>> "$PROOF_DIR/ray-driver.log" | grep -E "tasks|total" | sed 's/^/  /'
echo "relaunch wall time: $(since "$t") s"

echo "== 7. single process: full_pipeline on the same input"
t=$(now)
target/release/examples/full_pipeline --config configs/pipeline.yaml --input "$PROOF_DIR/corpus" \
  --output "$PROOF_DIR/single" > "$PROOF_DIR/single.log" 2> "$PROOF_DIR/single.err"
single_wall=$(since "$t")
echo "single-process wall time: ${single_wall} s"
sed -n '1,12p' "$PROOF_DIR/single.log"

echo "== 8. compare: kept documents (ids + contents, in order) and tokens"
t=$(now)
"$SHEIKH" "${common[@]}" compare --reference "$PROOF_DIR/single" 2> "$PROOF_DIR/compare.err" | tee "$PROOF_DIR/compare.json"
echo "compare wall time (reads both outputs, tokenizes the single-process output in one pass): $(since "$t") s"
python3 - "$PROOF_DIR" <<'PY'
import json, sys
d = sys.argv[1]
c = json.load(open(f"{d}/compare.json"))
s = json.load(open(f"{d}/staged/stats.json"))
r = json.load(open(f"{d}/single/stats.json"))
print(f"kept documents: staged {c['staged_documents']}, single {c['reference_documents']}; "
      f"tokens: staged {c['staged_tokens']}, single {c['reference_tokens']}; "
      f"identical: {c['first_difference'] is None and c['tokens_identical']}")
print(f"read: staged {s['read']['input']['docs']} records, single {r['read']['input']['docs']}; "
      f"written: staged {s['written']['docs']}, single {r['written']['docs']}")
PY
