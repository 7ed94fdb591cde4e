#!/usr/bin/env bash
# Builds the held-out evaluation corpus of issue #15 from REAL npm packages that no
# tuning corpus of this repository uses.
#
#   scripts/eval15/build_corpus.sh [OUT]        (default OUT=/tmp/eval15)
#   env: JOBS=4 (parallel npm pack), CAP_PKG=40, CAP_<Label>=N (see select_files.py)
#
# 1. check_disjoint.py: fails unless no package of packages.txt is named anywhere
#    else in the repository (tuning corpora, docs, tests, fixtures).
# 2. `npm pack`s every name@version of packages.txt into OUT/cache/ (a tarball that is
#    there is not downloaded again, so re-runs work offline) and unpacks into OUT/src/.
# 3. select_files.py: labels files by extension, keeps legacy-encoded text (recording the
#    encoding), dedups by content per label, caps per package and per label in a
#    deterministic order, copies into OUT/files/<Label>/<pkg>__<flattened path>,
#    writes OUT/MANIFEST.tsv and OUT/SUMMARY.txt.
# 4. Broken copies of the JavaScript and TypeScript files with the mutations of
#    scripts/syntax/make_corpus.mjs (one bracket deleted, truncated at 30-90 %):
#    OUT/broken/<Label>/<mutation>__<file>. Their labels also come from the reference
#    parsers (label.mjs): a mutation can leave a file valid.
# 5. reencode.py: copies of real files with non-ASCII text transcoded to Shift_JIS,
#    EUC-JP, windows-1252, ISO-8859-1/-2, UTF-16LE/BE (the packages ship no legacy-
#    encoded file of their own): OUT/reencoded/<Label>/<encoding>__<file>.
# Requires: bash, npm, tar, python3 (charset-normalizer, see requirements.txt), node.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-/tmp/eval15}
JOBS=${JOBS:-4}
export PYTHONPATH=${EVAL15_PY:-/tmp/eval15-py}${PYTHONPATH:+:$PYTHONPATH}

LIST=${PACKAGES_FILE:-$HERE/packages.txt}
python3 "$HERE/check_disjoint.py" "$LIST"

mapfile -t PACKAGES < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$LIST")
CACHE=$OUT/cache SRC=$OUT/src WORK=$OUT/work
mkdir -p "$CACHE" "$SRC" "$WORK"

source "$ROOT/scripts/langid/npm_packages.sh"
fetch_and_unpack

echo "== selecting files" >&2
printf '%s\n' "${PACKAGES[@]}" > "$WORK/packages.list"
python3 "$HERE/select_files.py" "$WORK/packages.list" "$OUT"

echo "== re-encoded copies (legacy encodings)" >&2
python3 "$HERE/reencode.py" "$OUT"

echo "== broken copies (scripts/syntax/make_corpus.mjs mutations)" >&2
rm -rf "$WORK/broken-src" "$WORK/broken-all" "$OUT/broken"
for l in JavaScript TypeScript; do
  mkdir -p "$WORK/broken-src/$l" "$OUT/broken/$l"
  # UTF-8 files only: make_corpus.mjs reads text as UTF-8.
  awk -F'\t' -v l="$l" 'NR > 1 && $1 == l && $7 == "" { print $6 }' "$OUT/MANIFEST.tsv" |
    while IFS= read -r f; do ln "$OUT/files/$l/$f" "$WORK/broken-src/$l/$f"; done
done
node "$ROOT/scripts/syntax/make_corpus.mjs" "$WORK/broken-src" "$WORK/broken-all"
for l in JavaScript TypeScript; do
  find "$WORK/broken-all/$l" -type f ! -name 'real__*' -exec mv -t "$OUT/broken/$l/" {} +
done
rm -rf "$WORK/broken-src" "$WORK/broken-all"
for l in JavaScript TypeScript; do
  printf 'broken %-10s %5d\n' "$l" "$(find "$OUT/broken/$l" -type f | wc -l)" | tee -a "$OUT/SUMMARY.txt"
done
echo "corpus: $OUT/files ($(find "$OUT/files" -type f | wc -l) files), $OUT/broken ($(find "$OUT/broken" -type f | wc -l) files)" >&2
