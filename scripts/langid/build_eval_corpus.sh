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
source "$(dirname "$0")/corpus_lib.sh"
