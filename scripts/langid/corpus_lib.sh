# Shared logic of build_eval_corpus.sh and build_heldout_corpus.sh: sourced after
# they set OUT, CAP_LANG, CAP_PKG, MIN_BYTES, MAX_BYTES, MAX_LINE, JOBS, LABELS,
# PACKAGES and SYSTEM_XML_DIRS.

CACHE=$OUT/cache
SRC=$OUT/src
FILES=$OUT/files
WORK=$OUT/work
mkdir -p "$CACHE" "$SRC"
rm -rf "$FILES" "$WORK"
mkdir -p "$FILES" "$WORK"
for l in "${LABELS[@]}"; do mkdir -p "$FILES/$l"; done

source "$(dirname "${BASH_SOURCE[0]}")/npm_packages.sh"
fetch_and_unpack

# ---------------------------------------------------------------- candidates
# Map a path (stdin, one per line: "<idx>\t<name>\t<spec>\t<abs>\t<rel>") to a
# label by extension; drops everything else and *.min.* files.
classify() {
  awk -F'\t' -v OFS='\t' '
    {
      p = tolower($5); n = split(p, parts, "/"); base = parts[n]
      if (base ~ /\.min\.[a-z]+$/ || base ~ /-min\.(js|css)$/) next
      if (p ~ /(^|\/)node_modules\//) next
      label = ""
      if      (base ~ /\.(ts|mts|cts)$/)                label = "TypeScript"
      else if (base ~ /\.tsx$/)                         label = "TSX"
      else if (base ~ /\.jsx$/)                         label = "JSX"
      else if (base ~ /\.(js|mjs|cjs)$/)                label = "JavaScript"
      else if (base ~ /\.(html|htm)$/)                  label = "HTML"
      else if (base ~ /\.mdx$/)                         label = "MDX"
      else if (base ~ /\.(md|markdown)$/)               label = "Markdown"
      else if (base ~ /\.css$/)                         label = "CSS"
      else if (base ~ /\.json$/)                        label = "JSON"
      else if (base ~ /\.(xml|svg|xsd|xsl|xslt|rss|atom|plist|csproj|vbproj|fsproj|vcxproj|props|targets|nuspec|resx|xaml|wsdl|kml|gpx|rng|policy|xlf|xliff)$/) label = "XML"
      if (label != "") print label, $1, $2, $3, $4, $5
    }'
}

echo "== listing candidates" >&2
{
  idx=0
  for spec in "${PACKAGES[@]}"; do
    idx=$((idx + 1))
    dir=$SRC/$(safe_spec "$spec")
    name=${spec%@*}
    (cd "$dir" && find . -type f ! -name .unpacked -printf '%P\n') | sort |
      awk -v OFS='\t' -v i="$(printf '%04d' "$idx")" -v n="$name" -v s="$spec" -v d="$dir" \
        '{ print i, n, s, d "/" $0, $0 }'
  done
  for d in "${SYSTEM_XML_DIRS[@]}"; do
    [[ -d $d ]] || continue
    find "$d" -type f -printf '%p\n' | sort |
      awk -v OFS='\t' '{ print "9999", "system", "system", $0, $0 }'
  done
} | classify \
  | perl -MDigest::SHA=sha1_hex -F'\t' -lane '
      # label idx name spec abs rel -> label idx pathhash name spec abs rel
      my $rel = $F[5]; $rel =~ s{^/}{};
      print join("\t", $F[0], $F[1], sha1_hex("$F[2]/$rel"), @F[2..5]);' \
  | sort -t$'\t' -k1,1 -k2,2 -k3,3 > "$WORK/candidates.tsv"

# system .conf files were not matched by classify(); add them explicitly.
for d in "${SYSTEM_XML_DIRS[@]}"; do
  [[ -d $d ]] || continue
  find "$d" -type f -name '*.conf' -printf '%p\n' | sort | while IFS= read -r f; do
    [[ $(head -c 200 -- "$f" | tr -d '\0') == *'<?xml'* ]] || continue
    printf 'XML\t9999\t%s\tsystem\tsystem\t%s\t%s\n' \
      "$(printf 'system/%s' "${f#/}" | sha1sum | cut -c1-40)" "$f" "$f"
  done
done >> "$WORK/candidates.tsv"
sort -t$'\t' -k1,1 -k2,2 -k3,3 -o "$WORK/candidates.tsv" "$WORK/candidates.tsv"
echo "   $(wc -l < "$WORK/candidates.tsv") candidate files" >&2

# ---------------------------------------------------------------- filtering
# check_file LABEL PATH -> prints "bytes sha1" when the file is acceptable.
check_file() {
  local label=$1 f=$2 bytes first
  bytes=$(stat -c %s -- "$f")
  (( bytes >= MIN_BYTES && bytes <= MAX_BYTES )) || return 1
  iconv -f UTF-8 -t UTF-8 -- "$f" >/dev/null 2>&1 || return 1
  if grep -qaP '\x00' -- "$f"; then return 1; fi
  case $label in
    JavaScript|CSS)
      awk -v max="$MAX_LINE" 'length($0) > max { bad = 1; exit } END { exit bad ? 1 : 0 }' "$f" || return 1 ;;
    XML)
      first=$(head -c 1024 -- "$f" | sed '1s/^\xEF\xBB\xBF//' | tr -d ' \t\r\n')
      [[ ${first:0:1} == '<' ]] || return 1 ;;
  esac
  printf '%s %s\n' "$bytes" "$(sha1sum < "$f" | cut -c1-40)"
}

# select_label LABEL: writes WORK/accepted.LABEL.tsv
#   pathhash label spec rel abs bytes sha1
select_label() {
  local label=$1 res bytes sha
  local -A seen=() per_pkg=()
  local _l idx key name spec abs rel
  while IFS=$'\t' read -r _l idx key name spec abs rel; do
    [[ ${per_pkg[$name]:-0} -ge $CAP_PKG ]] && continue
    res=$(check_file "$label" "$abs") || continue
    bytes=${res% *}; sha=${res#* }
    [[ -n ${seen[$sha]:-} ]] && continue
    seen[$sha]=1
    per_pkg[$name]=$(( ${per_pkg[$name]:-0} + 1 ))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$label" "$spec" "$rel" "$abs" "$bytes" "$sha"
  done < <(awk -F'\t' -v l="$label" '$1 == l' "$WORK/candidates.tsv") > "$WORK/accepted.$label.tsv"
}

echo "== filtering (caps: $CAP_PKG per package, $CAP_LANG per label)" >&2
pids=()
for l in "${LABELS[@]}"; do select_label "$l" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done

# ---------------------------------------------------------------- output
MANIFEST=$OUT/MANIFEST.tsv
printf 'label\tpackage\tpath\tbytes\tsha1\n' > "$MANIFEST"
for l in "${LABELS[@]}"; do
  sort -t$'\t' -k1,1 "$WORK/accepted.$l.tsv" > "$WORK/sorted.$l.tsv"
  head -n "$CAP_LANG" "$WORK/sorted.$l.tsv" |
  while IFS=$'\t' read -r key label spec rel abs bytes sha; do
    if [[ $spec == system ]]; then pkg=system; rel=${rel#/}; else pkg=$(safe_spec "$spec"); fi
    base="${pkg}__${rel//\//_}"
    # keep names short and unique (flattening could, in theory, collide)
    if (( ${#base} > 200 )); then base="${base:0:160}~${sha:0:12}.${rel##*.}"; fi
    dest="$FILES/$label/$base"
    if [[ -e $dest ]]; then dest="${dest%.*}~${sha:0:12}.${rel##*.}"; fi
    cp -- "$abs" "$dest"
    [[ $spec == system ]] && rel=/$rel
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$spec" "$rel" "$bytes" "$sha" >> "$MANIFEST"
  done
done

{
  printf '%-11s %6s %9s\n' label files packages
  for l in "${LABELS[@]}"; do
    printf '%-11s %6s %9s\n' "$l" \
      "$(awk -F'\t' -v l="$l" '$1 == l' "$MANIFEST" | wc -l)" \
      "$(awk -F'\t' -v l="$l" '$1 == l { print $2 }' "$MANIFEST" | sed 's/@[^@]*$//' | sort -u | wc -l)"
  done
  printf '%-11s %6s\n' total "$(tail -n +2 "$MANIFEST" | wc -l)"
  echo
  echo "files per label and package:"
  tail -n +2 "$MANIFEST" | cut -f1,2 | sort | uniq -c |
    awk '{ printf "  %-11s %-45s %4d\n", $2, $3, $1 }'
} > "$OUT/SUMMARY.txt"
sed -n '1,/^total/p' "$OUT/SUMMARY.txt"
echo "manifest: $MANIFEST   summary: $OUT/SUMMARY.txt   files: $FILES" >&2
