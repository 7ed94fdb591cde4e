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
