#!/usr/bin/env bash
# Builds a large source tree by replicating fixtures/corpus, for the streaming and
# memory measurements in docs/BENCHMARKS.md.
#   scripts/make_big_corpus.sh OUT_DIR COPIES      (10000 copies ≈ 1.07 GB, 610k files)
set -euo pipefail
out=${1:?usage: make_big_corpus.sh OUT_DIR COPIES}
copies=${2:-10000}
src="$(cd "$(dirname "$0")/.." && pwd)/fixtures/corpus"
mkdir -p "$out"
tarball=$(mktemp)
tar -C "$src" -cf "$tarball" .
for i in $(seq -f "%05g" 0 $((copies - 1))); do
  d="$out/copy-$i"
  [ -d "$d" ] && continue
  mkdir -p "$d.tmp" && tar -C "$d.tmp" -xf "$tarball" && mv "$d.tmp" "$d"
done
rm -f "$tarball"
du -sb "$out" | awk '{printf "%s: %.2f GB\n", $2, $1/1e9}'
find "$out" -type f | wc -l | awk '{print $1 " files"}'
