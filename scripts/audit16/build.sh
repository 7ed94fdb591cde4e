#!/usr/bin/env bash
# Builds the candidate corpus of the #16 audit set and the pipeline's decision on
# every file of it.
#
#   scripts/audit16/build.sh OUT            (e.g. OUT=/tmp/audit16)
#   env: JOBS=4 (parallel npm pack), CAP_PKG_LANG=250 (files per package and language),
#        PACKAGES_FILE and CHECK_DISJOINT (default: this directory's packages.txt and
#        check_disjoint.py; scripts/audit16b/ holds the second set), PIPELINE_CONFIG
#        (default: configs/pipeline.yaml of this workspace),
#        FULL_PIPELINE=path (default: target/release/examples/full_pipeline of this
#        workspace; the script waits for it, up to WAIT_SECONDS=3600, and never builds it)
#
# 1. check_disjoint.py: fails unless no package of packages.txt is named anywhere else
#    in the repository.
# 2. npm pack (cached in OUT/cache/, re-runs are offline) and unpack into OUT/src/ with
#    scripts/langid/npm_packages.sh.
# 3. select_files.py: candidate files by extension (JS/MJS/CJS, TS/MTS/CTS/D.TS, JSX,
#    TSX, HTML/HTM, XML/SVG, CSS, JSON, MD/MARKDOWN, MDX), 64 B - 1 MiB, no NUL byte,
#    at most CAP_PKG_LANG per package and language (deterministic), copied as a source
#    tree OUT/files/<package>/<path in the package>; OUT/candidates.tsv.
# 4. full_pipeline on OUT/files with OUT/config.yaml = configs/pipeline.yaml with
#    output.rejected_content: full and output.format: jsonl (so rejected/ and data/ are
#    plain JSONL), pairs and tokenize off (they come after every decision) -> OUT/pipeline/.
# 5. join.py: OUT/decisions.jsonl, one line per candidate file:
#    {path, sha256, language, bytes, decision: keep|drop, stage, reason, detail,
#     pipeline_language, redactions}; OUT/decisions.md (counts).
# Requires: bash, npm, tar, python3 (PyYAML), the release full_pipeline binary.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:?usage: build.sh OUT}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
JOBS=${JOBS:-4}
BIN=${FULL_PIPELINE:-$ROOT/target/release/examples/full_pipeline}
LIST=${PACKAGES_FILE:-$HERE/packages.txt}

python3 "${CHECK_DISJOINT:-$HERE/check_disjoint.py}" "$LIST"

mapfile -t PACKAGES < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$LIST")
CACHE=$OUT/cache SRC=$OUT/src WORK=$OUT/work
mkdir -p "$CACHE" "$SRC" "$WORK"
source "$ROOT/scripts/langid/npm_packages.sh"
fetch_and_unpack

echo "== selecting candidate files" >&2
printf '%s\n' "${PACKAGES[@]}" > "$WORK/packages.list"
python3 "$HERE/select_files.py" "$WORK/packages.list" "$OUT"

echo "== waiting for $BIN (built by someone else; this script never builds it)" >&2
waited=0
until [[ -x $BIN ]]; do
  if (( waited >= ${WAIT_SECONDS:-3600} )); then echo "ERROR: no $BIN after ${waited}s" >&2; exit 1; fi
  sleep 30; waited=$((waited + 30))
done

echo "== pipeline config $OUT/config.yaml" >&2
python3 - "${PIPELINE_CONFIG:-$ROOT/configs/pipeline.yaml}" "$OUT" <<'PY'
import sys, yaml
src, out = sys.argv[1], sys.argv[2]
cfg = yaml.safe_load(open(src))
cfg["input"]["path"] = f"{out}/files"
cfg["output"]["path"] = f"{out}/pipeline"
cfg["output"]["format"] = "jsonl"          # plain JSONL data files (the decisions do not depend on it)
cfg["output"]["rejected_content"] = "full"  # rejected/ verbatim, as the audit needs
cfg["pairs"]["enabled"] = False              # after every decision: not needed here
cfg["tokenize"]["enabled"] = False           # idem
yaml.safe_dump(cfg, open(f"{out}/config.yaml", "w"), sort_keys=False, allow_unicode=True)
PY

echo "== full_pipeline -> $OUT/pipeline" >&2
# Relative paths of the config (ondevice.model_config, ...) are the workspace's.
(cd "$ROOT" && "$BIN" --config "$OUT/config.yaml" --input "$OUT/files" --output "$OUT/pipeline" --overwrite) \
  > "$OUT/pipeline.log" 2> "$OUT/pipeline.err"
tail -n 12 "$OUT/pipeline.log" >&2

echo "== joining decisions" >&2
python3 "$HERE/join.py" "$OUT"
