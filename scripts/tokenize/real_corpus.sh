#!/usr/bin/env bash
# A corpus of real JavaScript / TypeScript for the tokenizer speed and identity runs
# (scripts/tokenize/speed.py, docs/benchmarks/tokenize-fast.md): the published files of
# pinned npm packages, unpacked under OUT/src/<package-version>/.
#   scripts/tokenize/real_corpus.sh [OUT_DIR]      (default /tmp/tokcorpus; ~150 MB of JS/TS)
# Re-runs reuse the tarballs in OUT/cache.
set -euo pipefail
OUT=${1:-/tmp/tokcorpus}
CACHE=$OUT/cache SRC=$OUT/src WORK=$OUT/work JOBS=${JOBS:-4}
mkdir -p "$CACHE" "$SRC" "$WORK"
PACKAGES=(
  typescript@5.8.3 @babel/parser@7.28.5 @babel/core@7.28.5 @babel/traverse@7.28.5
  @babel/types@7.28.5 three@0.180.0 rxjs@7.8.2 lodash-es@4.17.21 @angular/core@20.3.0
  vue@3.5.22 react-dom@19.2.0 webpack@5.102.1 eslint@9.38.0 prettier@3.6.2
  terser@5.44.0 acorn@8.15.0 date-fns@4.1.0 d3@7.9.0 moment@2.30.1 jquery@3.7.1
  chart.js@4.5.1
)
# shellcheck source=../langid/npm_packages.sh
source "$(cd "$(dirname "$0")/.." && pwd)/langid/npm_packages.sh"
fetch_and_unpack
find "$SRC" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' \
  -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.tsx' \) -print0 |
  du -cb --files0-from=- | tail -1 | awk '{printf "JS/TS: %.1f MB\n", $1/1e6}'
