#!/usr/bin/env bash
# Builds a labelled evaluation corpus of REAL source files for the language
# identifier. The label of every file is certain from its extension.
#
# Usage: scripts/langid/build_heldout_corpus.sh [OUT]  (default /tmp/langid-heldout)
#
# Same as build_eval_corpus.sh, but with a HELD-OUT package list: none of the
# packages (names) of build_eval_corpus.sh and other system XML directories.
#
# Output:
#   OUT/cache/*.tgz                         npm tarballs (reused on re-runs)
#   OUT/src/<pkg>@<ver>/...                 unpacked tarballs
#   OUT/files/<Label>/<pkg>@<ver>__<flattened path>
#   OUT/MANIFEST.tsv                        label, package@version, path, bytes, sha1
#   OUT/SUMMARY.txt                         per-language and per-package counts
#
# Selection rules (see scripts/langid/README.md):
#   * size 64 B .. 1 MiB, valid UTF-8, no NUL bytes, no exact duplicate (sha1 of
#     content, per label);
#   * JavaScript/CSS: skip *.min.* and files whose longest line > 1000 bytes;
#   * XML: first non-blank character must be '<' (rejects binary plists etc.);
#   * per label, candidates are ordered by package (order of PACKAGES below),
#     then by sha1("<package name>/<path>"); at most CAP_PKG files per package
#     name (all versions together) are accepted; finally the accepted pool is
#     sorted by that same path hash and the first CAP_LANG files are kept.
# Requires: bash, npm, tar, coreutils, iconv, GNU grep (-P), awk, perl (Digest::SHA).
set -euo pipefail
export LC_ALL=C

OUT=${1:-/tmp/langid-heldout}
CAP_LANG=${CAP_LANG:-300}
CAP_PKG=${CAP_PKG:-60}
MIN_BYTES=64
MAX_BYTES=$((1024 * 1024))
MAX_LINE=1000
JOBS=${JOBS:-8}

LABELS=(JavaScript TypeScript JSX TSX HTML XML MDX Markdown CSS JSON)

# Exact package list (name@version). Every package contributes every label it
# ships (its README/docs -> Markdown, package.json -> JSON, ...). The comment
# says what the package was chosen for (verified with `tar tzf`).
PACKAGES=(
  # HELD-OUT list: shares no package name with build_eval_corpus.sh.
  # --- JavaScript
  ramda@0.32.0                       # src/*.js, es/*.js
  async@3.2.6
  bluebird@3.7.2
  uuid@14.0.3
  dayjs@1.11.23                      # + locale/*.js, esm/*.d.ts
  immer@11.2.10
  redux@5.0.1
  vue@3.5.45                         # dist/*.js (non-min)
  three@0.187.0                      # src/**/*.js
  d3-array@3.2.5
  d3-scale@4.0.3
  d3-shape@3.2.1
  d3-selection@3.0.1
  underscore@1.13.8                  # modules/*.js
  handlebars@4.7.10
  marked@18.2.1
  core-js@3.51.0                     # modules/*.js
  koa@3.3.0
  jquery@4.0.0                       # src/**/*.js, dist/*.js
  qunit@3.0.0
  google-closure-library@20230802.0.0  # closure/goog/**/*.js, css
  svgo@4.1.0
  # --- TypeScript (.ts sources and .d.ts)
  @types/node@26.6.6
  @types/react@19.3.0
  io-ts@2.2.22
  fp-ts@2.16.11                      # + many package.json
  class-validator@0.15.1
  inversify@8.2.3
  @nestjs/common@12.5.1
  effect@4.1.0                       # src/**/*.ts
  @sinclair/typebox@0.34.52
  mobx@7.1.3
  @reduxjs/toolkit@2.14.0            # src/**/*.ts
  typeorm@1.1.1
  @tiptap/core@3.34.0                # src/**/*.ts
  @kiwicom/orbit-components@22.0.0   # .d.ts + es/*/README.md per component
  # --- TSX
  @radix-ui/themes@3.3.0             # src/components/*.tsx, css
  vocs@2.12.0                        # src/**/*.tsx
  @rspress/core@2.0.22               # theme .tsx, css
  zudoku@0.76.0                      # src/**/*.tsx + docs/**/*.mdx
  gatsby-theme-portfolio-minimal@4.6.5
  @theme-ui/components@0.17.4        # src/*.tsx
  @builder.io/qwik@1.20.1
  create-qwik@1.20.1                 # starters/**/*.tsx, css
  create-next-app@16.4.3             # templates/**: .tsx, .js, .css, .svg
  @tiptap/react@3.34.0
  @tanstack/react-query@5.108.0
  @tanstack/react-form@1.33.5
  @trpc/react-query@11.19.0
  react-native-paper@5.15.3          # src/**/*.tsx
  @blitzjs/generator@3.0.2           # templates/**/*.tsx
  @ladle/react@5.1.1                 # lib/app/src/*.tsx
  @navikt/ds-react@8.16.2            # src/**/*.tsx
  @workday/canvas-kit-react@16.1.1   # */lib/*.tsx
  gatsby-theme-code-notes@2.3.0
  create-umi@4.6.57
  create-react-library@3.1.1
  @eventcatalog/core@3.48.4          # .tsx, .md, .mdx
  @mintlify/cli@4.0.1591
  # --- JSX (hand-written React JSX; Solid/Mitosis JSX-preserving dist)
  @salesforce/design-system-react@0.10.65  # components/**/*.jsx
  @builder.io/sdk-solid@0.4.5        # Mitosis output, *.jsx
  @builder.io/sdk-solid@1.1.2
  @mdxp/core@0.2.5                   # src/**/*.jsx + doc/*.mdx
  @mdxp/components@0.2.1
  create-rsbuild@2.2.9               # template-*/ (.jsx, .tsx, .css)
  create-rspack@2.2.3
  create-mf-app@1.0.17
  create-electron-vite@0.7.1
  create-cloudflare@2.67.4
  @tanstack/solid-form@1.33.5
  @modular-forms/solid@0.25.1
  solid-slider@1.3.21
  solid-dismiss@1.8.2
  solid-chartjs@1.3.11
  solid-apexcharts@0.6.0
  solid-highlight@0.1.26
  solid-qr-code@0.1.11
  @thisbeyond/solid-select@0.16.0
  @thisbeyond/solid-dnd@0.7.5
  solid-motionone@1.0.4
  solid-sonner@0.3.2
  # --- MDX
  @tabler/icons@3.52.0               # docs/*.mdx + icons/**/*.svg
  gatsby-theme-chronoblog@0.26.4     # src/*.mdx
  gatsby-theme-document@1.0.10
  smooth-doc@9.0.0
  # --- HTML
  foundation-sites@6.9.0             # test/visual/**/*.html, docs/pages/*.md
  uikit@3.25.29                      # tests/*.html, images/*.svg
  spectre.css@0.5.9                  # docs/*.html
  jsoneditor@10.4.3                  # examples/*.html
  fomantic-ui@2.9.4
  summernote@0.9.1
  jstree@3.3.17
  karma@6.4.4                        # static/*.html
  video.js@8.24.1                    # dist/examples/*.html, dist/lang/*.json
  spectacle@8.5.0
  # --- XML / SVG
  ionicons@8.1.0
  @mdi/svg@7.4.47
  remixicon@4.9.1
  @primer/octicons@19.42.0
  @ant-design/icons-svg@4.6.0
  # --- CSS
  milligram@1.4.1
  purecss@3.1.0
  water.css@2.1.1
  tachyons@4.12.0                    # src/*.css
  @fontsource/inter@5.3.0
  @mantine/core@9.8.1                # styles/*.css
  @primer/css@22.3.2                 # dist/*.css (non-min), docs .md
  tinymce@8.9.2                      # skins/**/*.css
  ace-builds@1.45.2                  # css/*.css
)

# Text XML from this machine, labelled XML with package "system".
SYSTEM_XML_DIRS=(
  /usr/share/X11/xkb/rules /usr/share/gdb /usr/share/sgml/X11/dbs
  /usr/share/maven-repo /etc/xml /etc/maven
)

CACHE=$OUT/cache
SRC=$OUT/src
FILES=$OUT/files
WORK=$OUT/work
mkdir -p "$CACHE" "$SRC"
rm -rf "$FILES" "$WORK"
mkdir -p "$FILES" "$WORK"
for l in "${LABELS[@]}"; do mkdir -p "$FILES/$l"; done

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

echo "== fetching ${#PACKAGES[@]} packages into $CACHE" >&2
printf '%s\n' "${PACKAGES[@]}" | xargs -P "$JOBS" -I{} bash -c 'fetch "$1"' _ {}

echo "== unpacking into $SRC" >&2
for spec in "${PACKAGES[@]}"; do
  dir=$SRC/$(safe_spec "$spec")
  [[ -f $dir/.unpacked ]] && continue
  rm -rf "$dir"; mkdir -p "$dir"
  tar -xzf "$CACHE/$(tgz_name "$spec")" -C "$dir" --strip-components=1 --no-same-owner --no-same-permissions
  chmod -R u+rwX "$dir"
  touch "$dir/.unpacked"
done

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
