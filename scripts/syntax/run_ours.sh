#!/usr/bin/env bash
# Runs the sheikh-syntax side over an agreement corpus (one directory per language).
#   scripts/syntax/run_ours.sh CORPUS > ours.jsonl
set -euo pipefail
CORPUS=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cargo build --release -q -p sheikh-syntax --example validate_dir --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/examples/validate_dir"
for dir in "$CORPUS"/*/; do
  lang=$(basename "$dir")
  "$BIN" "$dir" --lang "$lang"
done
