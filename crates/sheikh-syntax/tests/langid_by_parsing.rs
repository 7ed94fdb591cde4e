//! Language identification by parsing (issue #15): the error classes of the
//! feature-only identifier, each as a small file written by the team, decided with the
//! oxc grammar; and `language.jsx_in_js` through the language stage.

use sheikh_core::{Document, Filter, JsxInJs, Language, LanguageConfig, LanguageFilter};

fn by_content(text: &str) -> Language {
    sheikh_syntax::language_identifier(16 * 1024)
        .identify_content(text)
        .language
}

#[test]
fn regex_dense_grammar_definitions_are_javascript() {
    // A syntax-highlighter grammar: regular expressions and lookup tables.
    let text = r#"module.exports = function (hljs) {
  var KEYWORDS = { keyword: 'if else for while', literal: 'true false null' };
  return {
    name: 'Toy',
    contains: [
      { className: 'string', begin: /"/, end: /"/, contains: [{ begin: /\\./ }] },
      { className: 'number', begin: /\b\d+(\.\d+)?([eE][+-]?\d+)?\b/ },
      { className: 'comment', begin: /\/\*/, end: /\*\//, relevance: 0 },
      { begin: /[{}();:]/, relevance: 0 },
      { className: 'meta', begin: /^\s*#\s*[a-z]+\b/, end: /$/ }
    ],
    keywords: KEYWORDS
  };
};
"#;
    assert_eq!(by_content(text), Language::JavaScript);
}

#[test]
fn compiled_and_jsdoc_javascript_is_javascript_not_typescript() {
    let text = r#""use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Adds two numbers.
 * @param {number} a - the first
 * @param {number} b - the second
 * @returns {number} the sum
 */
function add(a, b) { return a + b; }
exports.add = add;
"#;
    assert_eq!(by_content(text), Language::JavaScript);
}

#[test]
fn declaration_files_with_triple_slash_references_are_typescript() {
    let text = r#"/// <reference types="node" />
/// <reference path="./globals.d.ts" />
declare module "toy" {
    export interface Options { verbose?: boolean; }
    export function run(o: Options): Promise<void>;
}
declare global {
    interface Window { toy: unknown }
}
export {};
"#;
    assert_eq!(by_content(text), Language::TypeScript);
}

#[test]
fn prose_heavy_javascript_is_not_mdx() {
    let text = r#"// # Getting started
//
// This module explains, at length, how the widget is configured. Read the
// [guide](https://example.com/guide) first; then come back here.
//
// - step one: import it
// - step two: call `setup()`
import { setup } from './setup.js';
export default setup({ name: 'widget' });
"#;
    assert_eq!(by_content(text), Language::JavaScript);
}

#[test]
fn jsx_and_tsx_need_their_grammar() {
    assert_eq!(
        by_content(
            "import React from 'react';\nexport const A = () => <div className=\"a\">hi</div>;\n"
        ),
        Language::Jsx
    );
    assert_eq!(
        by_content(
            "import React from 'react';\nexport const A = (p: { n: number }) => <b>{p.n}</b>;\n"
        ),
        Language::Tsx
    );
}

#[test]
fn markup_stays_markup_and_json_stays_json() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\"><path d=\"M12 2L2 7l10 5 10-5-10-5z\"/></svg>\n";
    assert_eq!(by_content(svg), Language::Xml);
    assert_eq!(
        by_content("{\n  \"name\": \"toy\",\n  \"version\": \"1.0.0\"\n}\n"),
        Language::Json
    );
    assert_eq!(
        by_content("# Title\n\nSome *prose* with a [link](https://example.com).\n"),
        Language::Markdown
    );
}

fn language_stage(jsx_in_js: JsxInJs) -> LanguageFilter {
    LanguageFilter::new(LanguageConfig {
        jsx_in_js,
        ..Default::default()
    })
    .with_grammar(sheikh_syntax::grammar())
}

fn from_path(text: &str, path: &str) -> Document {
    let d = sheikh_core::LanguageIdentifier::default().identify(Some(path), text);
    let mut doc = Document::new(text, d.language).with_path(path);
    doc.metadata
        .insert("language_detection".into(), serde_json::json!(d));
    doc
}

#[test]
fn jsx_in_a_js_file_is_relabelled_and_validated_as_jsx() {
    let text = "import { render } from '@wordpress/element';\nconst App = () => <div className=\"app\">Hello</div>;\nrender(<App />, document.getElementById('root'));\n";
    let mut doc = from_path(text, "src/index.js");
    assert_eq!(doc.language, Language::JavaScript);
    // As JavaScript it is invalid (node rejects it).
    assert!(!sheikh_syntax::validate(text, Language::JavaScript).is_valid());
    assert!(language_stage(JsxInJs::Relabel).filter(&mut doc).is_none());
    assert_eq!(doc.language, Language::Jsx);
    assert_eq!(doc.metadata["language_relabel"]["extension"], ".js");
    assert!(sheikh_syntax::Validator::default()
        .validate_document(&doc)
        .is_valid());
    // keep: the label stays, and the file is invalid JavaScript.
    let mut doc = from_path(text, "src/index.js");
    assert!(language_stage(JsxInJs::Keep).filter(&mut doc).is_none());
    assert_eq!(doc.language, Language::JavaScript);
    // Plain JavaScript with comparisons is not touched.
    let mut doc = from_path("if (a < b && c > d) { run(); }\n", "src/a.js");
    assert!(language_stage(JsxInJs::Relabel).filter(&mut doc).is_none());
    assert_eq!(doc.language, Language::JavaScript);
    assert!(!doc.metadata.contains_key("language_relabel"));
}

#[test]
fn ts_that_needs_jsx_becomes_tsx() {
    let text = "export const A = (p: { n: number }) => <b>{p.n}</b>;\n";
    let mut doc = from_path(text, "src/a.ts");
    assert_eq!(doc.language, Language::TypeScript);
    assert!(language_stage(JsxInJs::Relabel).filter(&mut doc).is_none());
    assert_eq!(doc.language, Language::Tsx);
}

#[test]
fn docs_pages_with_a_few_components_are_mdx() {
    // One component whose props span several lines, in otherwise plain prose: the
    // opening tag never closes on its own line, so line features alone miss it.
    let tabs = r#"# Deploying the worker

Most projects deploy from their CI. Pick the provider you use and follow the
steps below; every provider needs the same two secrets.

<Tabs
  items={["GitHub Actions", "GitLab CI"]}
  defaultIndex={0}
>
Set `DEPLOY_TOKEN` in the repository settings, then push a tag.
</Tabs>

The worker starts in a few seconds. Check the logs if it does not.
"#;
    assert_eq!(by_content(tabs), Language::Mdx);
    // A component in running text and an MDX comment.
    let inline = "# Shortcuts\n\nPress <Kbd>Ctrl</Kbd> and <Kbd>K</Kbd> to open the palette.\n\n{/* keep in sync with the app */}\n\nMore shortcuts are listed in the settings page of the application.\n";
    assert_eq!(by_content(inline), Language::Mdx);
    // One expression is enough.
    let expr = "# Version\n\nThis page documents version {props.version} of the command line tool.\n\n## Install\n\nRun the installer and follow the prompts.\n";
    assert_eq!(by_content(expr), Language::Mdx);
}

#[test]
fn markdown_with_html_blocks_stays_markdown() {
    // Lowercase HTML that also parses as MDX JSX, and HTML that does not parse as MDX
    // at all (`<br>`, a comment): Markdown either way.
    let readme = r#"<div align="center">

# toolkit

A small toolkit for parsing command lines.

</div>

## Install

```sh
npm install toolkit
```

## Usage

Call `parse(argv)` and read the returned object.
"#;
    assert_eq!(by_content(readme), Language::Markdown);
    let html = "# Changelog\n\n<!-- release notes below -->\n\n## 2.0.0<br>\n\n- Dropped Node 12.\n- New `strict` option.\n\n## 1.4.0\n\n- Faster parsing of long inputs.\n";
    assert_eq!(by_content(html), Language::Markdown);
}

#[test]
fn docs_pages_of_imports_and_components_are_mdx_not_jsx() {
    // Mostly ESM and JSX with a little prose: the features read script, no script
    // grammar accepts it, the MDX parse does.
    let page = r#"import { Meta } from "@storybook/blocks";
import Logo from "./assets/logo.svg";

<Meta title="Configure your project" />

# Configure your project

<div className="sb-container">
  <img src={Logo} alt="" />
  <Card title="Add styling" href="https://example.org/styling" />
  <Card title="Load assets" href="https://example.org/assets" />
</div>
"#;
    assert_eq!(by_content(page), Language::Mdx);
    // A broken component file still reads as script (the MDX parse fails on it too).
    let broken = "import React from 'react';\n\nexport default function Card({ title }) {\n  return <div className=\"card\">{title}\n";
    assert_ne!(by_content(broken), Language::Mdx);
}

#[test]
fn fragments_that_open_with_a_tag_are_html_not_jsx() {
    // A widget template with an inline script and templating attributes: the features
    // read JSX, but a script never opens with a tag.
    let fragment = r#"<div class="view">
  <div data-type="mobile/Heading" data-props='label:"List"'>
    <span data-type="mobile/ToolBarButton" onclick="insert(this)"></span>
  </div>
  <script>
    function insert(el) { el.parentNode.appendChild(document.createElement('li')); }
  </script>
  <ul class="list"><li>One</li><li>Two</li></ul>
</div>
"#;
    assert_eq!(by_content(fragment), Language::Html);
    // A component file still is JSX.
    let jsx = "import React from 'react';\n\nexport default function List({ items }) {\n  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;\n}\n";
    assert_eq!(by_content(jsx), Language::Jsx);
}

#[test]
fn nesting_too_deep_for_the_mdx_parse_falls_back_to_the_features() {
    // 100,000 nested block quotes and components: past the parser's nesting limit, the
    // MDX check declines (it would recurse that deep) and the features decide.
    let deep = format!("# Title\n\n{}<Note>x</Note>\n", "> ".repeat(100_000));
    // The component is not at a line start, so the line features see plain Markdown.
    assert_eq!(by_content(&deep), Language::Markdown);
}
