#!/usr/bin/env bash
# Builds a labelled evaluation corpus of REAL source files for the language
# identifier. The label of every file is certain from its extension.
#
# Usage: scripts/langid/build_eval_corpus.sh [OUT]     (default /tmp/langid-eval)
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

OUT=${1:-/tmp/langid-eval}
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
  # --- JavaScript
  lodash@4.18.1
  express@5.3.0
  axios@1.21.1
  moment@2.31.0
  chalk@5.6.2
  commander@14.0.3
  yargs@18.2.0                       # + locales/*.json
  webpack@5.112.2                    # lib/*.js, schemas/*.json
  eslint@10.15.0                     # lib/*.js
  mocha@12.0.3
  rxjs@7.8.2                         # dist/cjs js + src/*.ts
  # --- TypeScript (.ts sources and .d.ts)
  typescript@5.9.3                   # lib/lib.*.d.ts
  zod@4.6.7                          # src/**/*.ts
  @angular/core@21.2.26
  date-fns@4.4.0
  type-fest@5.10.0
  ts-essentials@10.2.1
  typedoc@0.28.20
  react-bootstrap@2.10.10            # .d.ts + many package.json
  react-day-picker@10.0.2
  @headlessui/react@2.2.10
  # --- TSX
  @docusaurus/theme-classic@3.10.2   # src/theme/**/*.tsx, css modules
  @docusaurus/theme-common@3.10.2
  @docusaurus/theme-live-codeblock@3.10.2
  @docusaurus/plugin-debug@3.10.2
  @patternfly/react-core@6.6.1       # src/**/*.tsx, examples/*.md
  @patternfly/react-table@6.6.1
  @blueprintjs/core@6.20.0           # src/**/*.tsx, *.mdx docs
  @blueprintjs/table@6.2.6
  @blueprintjs/datetime@6.2.6
  @blueprintjs/select@6.3.6
  @blueprintjs/labs@6.4.6
  @blueprintjs/icons@6.14.1
  @tanstack/react-router@1.170.46
  @react-spectrum/s2@1.7.1
  create-t3-app@7.40.0               # template/**/*.tsx
  create-fumadocs-app@16.2.2         # templates: .tsx + content/*.mdx
  @lekoarts/gatsby-theme-minimal-blog@6.2.6
  @lekoarts/gatsby-theme-cara@5.1.7  # .tsx + sections/*.mdx
  @narative/gatsby-theme-novela@0.18.7
  # --- JSX (Solid libraries publish JSX-preserving dist/*.jsx; Storybook,
  #     Vite, Preact, Redwood and SolidStart templates are hand-written .jsx)
  @ark-ui/solid@5.39.2
  lucide-solid@1.48.0
  @kobalte/core@0.13.14
  solid-bootstrap@1.0.21
  @suid/material@0.19.0
  @tanstack/solid-router@1.170.36
  @solidjs/start@1.3.2
  @solidjs/router@1.0.0
  solid-toast@0.5.0
  solid-markdown@2.1.1
  corvu@0.7.2
  @storybook/cli@6.5.16              # generators/*/template-csf/**.jsx/.tsx/.mdx
  @storybook/cli@7.6.20
  @storybook/react@10.6.7            # template/cli/{js,ts}
  @storybook/react@7.6.24
  @storybook/preact@10.6.6
  @storybook/preact@7.6.24
  @storybook/nextjs@10.6.5
  create-storybook@10.6.2
  create-vite@9.3.0                  # template-*/ (.jsx, .tsx, .html, .css, .svg)
  create-preact@0.5.3
  create-redwood-app@8.9.0
  # --- MDX
  create-docusaurus@3.10.2           # templates/**/*.mdx, .md, .css
  create-docusaurus@3.0.0
  create-docusaurus@2.4.3
  @docusaurus/init@2.0.0-beta.6
  create-nextra-app@0.2.0
  create-vocs@1.0.0
  mdx-deck@4.1.1
  @rocketseat/gatsby-theme-docs@4.0.1
  create-fumadocs-app@16.0.43         # older templates, partly different .mdx
  @commercetools-docs/gatsby-theme-docs@24.11.1
  gatsby-theme-apollo-docs@6.0.0
  # --- HTML
  dojo@1.17.3                        # tests/**/*.html
  dijit@1.17.3
  dojox@1.17.3
  ckeditor4@4.25.2                   # samples/**/*.html, skins css
  mathjax@2.7.9
  dgrid@1.3.3
  reveal.js@6.0.2
  reveal.js@4.6.1
  swagger-ui-dist@5.35.0
  html5-boilerplate@9.0.1
  impress.js@1.1.0
  codemirror@5.65.21                 # + theme/*.css
  jasmine-core@7.0.2
  istanbul-reports@3.2.0
  jsdoc@4.0.5
  highlight.js@11.12.0               # + styles/*.css
  # --- XML / SVG
  bootstrap-icons@1.13.2
  feather-icons@4.29.2
  @fortawesome/fontawesome-free@7.3.1
  simple-icons@16.37.0
  heroicons@2.2.0
  @xmldom/xmldom@0.9.12
  fast-xml-parser@5.12.1
  xml2js@0.6.2
  # --- CSS
  bootstrap@5.3.9
  normalize.css@8.0.1
  animate.css@4.1.1
  bulma@1.0.4
  font-awesome@4.7.0
  github-markdown-css@5.9.0
  tailwindcss@4.3.5
  jquery-ui@1.14.2
  yui@3.18.1
  @primer/react@38.40.0
)

# Text XML from this machine, labelled XML with package "system".
SYSTEM_XML_DIRS=(
  /usr/share/mime /usr/share/xml /usr/share/fontconfig /etc/fonts
  /usr/share/dbus-1 /usr/share/polkit-1 /usr/share/glib-2.0/schemas
  /usr/share/metainfo /usr/share/icons/Adwaita/scalable
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
