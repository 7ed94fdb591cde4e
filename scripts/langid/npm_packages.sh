# npm package fetching and unpacking, shared by scripts/langid/corpus_lib.sh and
# scripts/eval15/build_corpus.sh. Sourced after CACHE, SRC, WORK, JOBS and the
# PACKAGES array (name@version) are set; `fetch_and_unpack` packs every package into
# CACHE once (re-runs work offline) and unpacks each into SRC/<safe_spec>.

# name@version -> file name `npm pack` writes (@scope/name -> scope-name).
tgz_name() {
  local spec=$1 name ver
  name=${spec%@*}; ver=${spec##*@}
  name=${name#@}; name=${name//\//-}
  printf '%s-%s.tgz' "$name" "$ver"
}
# name@version -> directory name used under OUT/src and in output file names.
safe_spec() { local s=${1#@}; printf '%s' "${s//\//-}"; }

fetch() {
  local spec=$1 tgz
  tgz=$(tgz_name "$spec")
  if [[ -s $CACHE/$tgz ]]; then return 0; fi
  if ! npm pack "$spec" --silent --pack-destination "$CACHE" >/dev/null 2>"$WORK/npm-$(safe_spec "$spec").log"; then
    echo "ERROR: npm pack $spec failed (see $WORK/npm-$(safe_spec "$spec").log)" >&2
    return 1
  fi
  [[ -s $CACHE/$tgz ]] || { echo "ERROR: expected $CACHE/$tgz after npm pack $spec" >&2; return 1; }
}
export -f fetch tgz_name safe_spec
export CACHE WORK

fetch_and_unpack() {
  echo "== fetching ${#PACKAGES[@]} packages into $CACHE" >&2
  printf '%s\n' "${PACKAGES[@]}" | xargs -P "$JOBS" -I{} bash -c 'fetch "$1"' _ {}
  echo "== unpacking into $SRC" >&2
  local spec dir
  for spec in "${PACKAGES[@]}"; do
    dir=$SRC/$(safe_spec "$spec")
    [[ -f $dir/.unpacked ]] && continue
    rm -rf "$dir"; mkdir -p "$dir"
    tar -xzf "$CACHE/$(tgz_name "$spec")" -C "$dir" --strip-components=1 --no-same-owner --no-same-permissions
    chmod -R u+rwX "$dir"
    touch "$dir/.unpacked"
  done
}
