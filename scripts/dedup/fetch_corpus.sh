#!/usr/bin/env bash
# Fetches the accuracy/speed corpus: two published versions each of several npm
# packages (real near duplicates across versions), unpacked with `npm pack`.
# Usage: scripts/dedup/fetch_corpus.sh [DEST [PACKAGE@VERSION...]]
#   DEST defaults to /tmp/sheikh-dedup-corpus; the packages default to the list below
#   (docs/benchmarks/dedup-recall.md also uses a second, held-out list).
# Writes DEST/files/<package>@<version>/<path> for every .js/.mjs/.cjs/.ts/.jsx/.tsx file.
set -euo pipefail
DEST=${1:-/tmp/sheikh-dedup-corpus}
PACKAGES=(
  lodash@4.17.20 lodash@4.17.21
  rxjs@7.8.0 rxjs@7.8.1
  moment@2.29.3 moment@2.29.4
  express@4.18.2 express@4.19.2
  axios@1.6.0 axios@1.6.8
  react-dom@18.2.0 react-dom@18.3.1
  vue@3.4.0 vue@3.4.21
  jquery@3.6.0 jquery@3.7.1
  chart.js@4.4.0 chart.js@4.4.1
  date-fns@2.29.3 date-fns@2.30.0
)
if [ $# -gt 1 ]; then PACKAGES=("${@:2}"); fi
mkdir -p "$DEST/tarballs" "$DEST/files"
cd "$DEST/tarballs"
for spec in "${PACKAGES[@]}"; do
  name=${spec%@*}; version=${spec##*@}
  out="$DEST/files/${name}@${version}"
  if [ -d "$out" ]; then continue; fi
  tgz=$(npm pack --silent "$spec" | tail -n 1)
  tmp=$(mktemp -d)
  tar -xzf "$tgz" -C "$tmp"
  mkdir -p "$out"
  (cd "$tmp/package" && find . -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.ts' -o -name '*.jsx' -o -name '*.tsx' \) -print0 \
     | xargs -0 -I{} cp --parents {} "$out/")
  rm -rf "$tmp"
done
find "$DEST/files" -type f | wc -l | xargs echo "files:"
du -sb "$DEST/files" | cut -f1 | xargs echo "bytes:"
