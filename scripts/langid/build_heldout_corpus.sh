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
source "$(dirname "$0")/corpus_lib.sh"
