//! # sheikh-syntax
//!
//! Syntax validation and code-comment pair extraction for the web languages of the
//! sheikh toolkit.
//!
//! - [`Validator`] / [`validate`]: one entry point over a text and a [`Language`](sheikh_core::Language) (or a
//!   [`Document`](sheikh_core::Document)), returning a typed [`SyntaxReport`]: a
//!   [`Verdict`], located [`SyntaxIssue`]s of an [`IssueKind`], and [`Structure`] facts
//!   (node count, maximum depth, bytes in error nodes). JavaScript/JSX, TypeScript and
//!   TSX use oxc (`oxc_parser`, plus `oxc_semantic`'s early errors for JavaScript; the
//!   source type comes from the path as in node and TypeScript: `.mjs`, `.cjs`, `.d.ts`…);
//!   [`parses_as`] is the fast yes/no check for telling them apart. CSS uses cssparser's
//!   CSS Syntax Level 3 tokenizer with postcss's rules of validity; HTML uses html5ever
//!   (the WHATWG algorithm, every parse error counted as in html5lib's strict mode) and
//!   validates inline scripts with oxc and styles as CSS; XML/SVG uses quick-xml; MDX and
//!   Markdown the `markdown` crate with JavaScript hooks (oxc); JSON serde_json. Parse
//!   time and size are bounded and reported as [`Verdict::Timeout`] /
//!   [`Verdict::TooLarge`] / [`Verdict::TooDeep`].
//! - [`pairs`]: CodeSearchNet-style code-comment pairs ([`CodePair`]) from JSDoc blocks
//!   and leading line comments, with a deterministic [`partition`] by repository.
//! - [`SyntaxFilter`] (a [`Filter`](sheikh_core::Filter)) annotates documents with
//!   `metadata["syntax"]` and optionally drops invalid ones; [`PairStage`] (a
//!   [`Stage`](sheikh_core::Stage)) writes the pairs as a second, sharded output.
//!
//! ```
//! use sheikh_core::{Document, Filter, Language};
//! use sheikh_syntax::{extract_pairs, PairsConfig, SyntaxConfig, SyntaxFilter, Verdict, validate};
//!
//! // Validate a text.
//! let report = validate("function f( {", Language::JavaScript);
//! assert_eq!(report.verdict, Verdict::Invalid);
//! println!("first error at line {}", report.issues[0].line);
//!
//! // Annotate a document.
//! let filter = SyntaxFilter::new(SyntaxConfig::default());
//! let mut doc = Document::new("<svg><g></svg>", Language::Xml);
//! assert!(filter.filter(&mut doc).is_none()); // annotate only by default
//! assert_eq!(doc.metadata["syntax"]["valid"], false);
//!
//! // Extract code-comment pairs.
//! let src = "/**\n * Adds two numbers together.\n * @param {number} a first\n */\nfunction add(a, b) {\n  const s = a + b;\n  return s;\n}\n";
//! let doc = Document::new(src, Language::JavaScript).with_repo_name("acme/math").with_path("src/add.js");
//! let pairs = extract_pairs(&doc, &PairsConfig::default());
//! assert_eq!(pairs[0].func_name, "add");
//! assert_eq!(pairs[0].docstring, "Adds two numbers together.");
//! assert_eq!(pairs[0].docstring_tags[0].tag, "param");
//! ```

#![warn(missing_docs)]

mod css;
mod error;
mod html;
mod js;
mod json;
mod langid;
mod mdx;
pub mod pairs;
pub mod partition;
mod report;
mod stage;
mod treesitter;
mod validate;
pub mod writer;
mod xml;

pub use error::SyntaxError;
pub use js::parses_as;
pub use langid::{grammar, language_identifier, OxcGrammar};
pub use pairs::{extract_pairs, CodePair, DocTag};
pub use partition::{partition_for_repo, Partition};
pub use report::{IssueKind, Structure, SyntaxIssue, SyntaxReport, Verdict};
pub use stage::{PairFormat, PairStage, PairStats, PairsConfig, SyntaxConfig, SyntaxFilter};
pub use treesitter::Grammar;
pub use validate::{validate, ValidateOptions, Validator};
