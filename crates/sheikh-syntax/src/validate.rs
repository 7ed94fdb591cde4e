//! The validation entry point: [`Validator`] over a text and a [`Language`], or over
//! [`Document`]s in parallel.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::{Document, Language};

use crate::report::{IssueKind, IssueSink, LineIndex, Structure, SyntaxReport, Verdict};
use crate::treesitter::ParseFailure;
use crate::{css, html, js, json, mdx, xml};

/// Limits of a validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidateOptions {
    /// Parse time limit per document in milliseconds, `0` for none (default 5000).
    pub timeout_ms: u64,
    /// Texts longer than this many bytes are not parsed: [`Verdict::TooLarge`]
    /// (default 16 MiB).
    pub max_bytes: usize,
    /// Issues kept in a report; all are counted (default 16).
    pub max_issues: usize,
    /// Nesting limit for the recursive parsers (Markdown/MDX, JSON) and for HTML
    /// elements (the WHATWG algorithm's scope checks are linear in the depth, so deep
    /// nesting is quadratic): deeper texts are [`Verdict::TooDeep`] (default 256).
    pub max_nesting: u32,
    /// Markdown/MDX with a block of more consecutive non-blank lines than this is not
    /// parsed: [`Verdict::TooLarge`] (the `markdown` parser is quadratic in a
    /// paragraph's or table's length: 10,000 table rows take about 3 s) (default 5000).
    pub max_block_lines: usize,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            timeout_ms: 5000,
            max_bytes: 16 << 20,
            max_issues: 16,
            max_nesting: 256,
            max_block_lines: 5000,
        }
    }
}

/// Why a validator could not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unchecked {
    /// Out of time.
    Timeout,
    /// Nested too deep for a recursive parser.
    TooDeep,
    /// Too large in a way the parser handles badly (Markdown block length).
    TooLarge,
}

impl From<ParseFailure> for Unchecked {
    fn from(f: ParseFailure) -> Self {
        match f {
            ParseFailure::Timeout => Unchecked::Timeout,
        }
    }
}

/// State shared by the language validators for one text.
pub(crate) struct Ctx<'a> {
    pub(crate) text: &'a str,
    pub(crate) index: LineIndex,
    pub(crate) sink: IssueSink,
    pub(crate) deadline: Option<Instant>,
    pub(crate) max_nesting: u32,
    pub(crate) max_block_lines: usize,
}

impl Ctx<'_> {
    /// Records an issue. Offsets from a sub-parser may point inside a character (a BOM
    /// it skipped, a byte column); they are moved back to the character's start so that
    /// every reported span can be sliced from the text.
    pub(crate) fn issue(&mut self, kind: IssueKind, start: usize, end: usize, msg: String) {
        let start = floor_char_boundary(self.text, start);
        let end = floor_char_boundary(self.text, end);
        self.sink.push(&self.index, kind, start, end, msg);
    }
}

/// The largest char boundary of `text` at or before `i` (clamped to the text's length).
fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Validates texts; cheap to create and to share between threads (parsers live in
/// thread-locals).
///
/// ```
/// use sheikh_syntax::{Validator, Verdict};
/// use sheikh_core::Language;
/// let v = Validator::default();
/// assert_eq!(v.validate("let x = 1;", Language::JavaScript).verdict, Verdict::Valid);
/// assert_eq!(v.validate("let x = ;", Language::JavaScript).verdict, Verdict::Invalid);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Validator {
    options: ValidateOptions,
}

impl Validator {
    /// A validator with these limits.
    pub fn new(options: ValidateOptions) -> Self {
        Validator { options }
    }

    /// The limits.
    pub fn options(&self) -> &ValidateOptions {
        &self.options
    }

    /// Validates one text as `language`. Never panics on input; always returns a report.
    ///
    /// JavaScript and JSX without a path follow node's rule for a `.js` file it cannot
    /// classify: valid as an ES module or as a CommonJS script;
    /// [`validate_document`](Self::validate_document) uses the document's path
    /// (`.mjs`, `.cjs`, `.d.ts`…).
    pub fn validate(&self, text: &str, language: Language) -> SyntaxReport {
        self.validate_at(text, language, None)
    }

    fn validate_at(&self, text: &str, language: Language, path: Option<&str>) -> SyntaxReport {
        let started = Instant::now();
        let mut report = self.validate_inner(text, language, path, started);
        report.elapsed_us = started.elapsed().as_micros().min(u64::MAX as u128) as u64;
        report
    }

    fn validate_inner(
        &self,
        text: &str,
        language: Language,
        path: Option<&str>,
        started: Instant,
    ) -> SyntaxReport {
        if text.len() > self.options.max_bytes {
            return SyntaxReport::unchecked(language, Verdict::TooLarge, text.len());
        }
        let deadline = (self.options.timeout_ms > 0)
            .then(|| started + Duration::from_millis(self.options.timeout_ms));
        let mut ctx = Ctx {
            text,
            index: LineIndex::new(text),
            sink: IssueSink::new(self.options.max_issues),
            deadline,
            max_nesting: self.options.max_nesting,
            max_block_lines: self.options.max_block_lines,
        };
        let result: Result<Structure, Unchecked> = match language {
            Language::JavaScript | Language::Jsx | Language::TypeScript | Language::Tsx => {
                js::check(&mut ctx, language, path)
            }
            Language::Css => css::check(&mut ctx),
            Language::Html => html::check(&mut ctx),
            Language::Xml => Ok(xml::check(&mut ctx)),
            Language::Mdx => mdx::check(&mut ctx, true),
            Language::Markdown => mdx::check(&mut ctx, false),
            Language::Json => json::check(&mut ctx),
            Language::Other => {
                return SyntaxReport::unchecked(language, Verdict::Unsupported, text.len())
            }
        };
        match result {
            Ok(structure) => {
                let mut sink = ctx.sink;
                sink.sort();
                SyntaxReport {
                    language,
                    verdict: if sink.count == 0 {
                        Verdict::Valid
                    } else {
                        Verdict::Invalid
                    },
                    error_count: sink.count,
                    issues: sink.issues,
                    structure,
                    bytes: text.len() as u64,
                    elapsed_us: 0,
                }
            }
            Err(Unchecked::Timeout) => {
                SyntaxReport::unchecked(language, Verdict::Timeout, text.len())
            }
            Err(Unchecked::TooDeep) => {
                SyntaxReport::unchecked(language, Verdict::TooDeep, text.len())
            }
            Err(Unchecked::TooLarge) => {
                SyntaxReport::unchecked(language, Verdict::TooLarge, text.len())
            }
        }
    }

    /// Validates a document's content as its language. For JavaScript, JSX, TypeScript
    /// and TSX the document's path chooses the source type: `.mjs`/`.mts` are ES
    /// modules, `.cjs`/`.cts` CommonJS (top-level `return` allowed, no `import`),
    /// `.d.ts`/`.d.mts`/`.d.cts` TypeScript declaration files, anything else as in
    /// [`validate`](Self::validate).
    pub fn validate_document(&self, doc: &Document) -> SyntaxReport {
        self.validate_at(&doc.content, doc.language, doc.path.as_deref())
    }

    /// Validates documents in parallel on the current rayon pool; reports are in the
    /// input order.
    pub fn validate_batch(&self, docs: &[Document]) -> Vec<SyntaxReport> {
        docs.par_iter().map(|d| self.validate_document(d)).collect()
    }
}

/// Validates `text` as `language` with the default limits.
///
/// ```
/// use sheikh_syntax::{validate, IssueKind};
/// use sheikh_core::Language;
/// let r = validate("<a><b></a>", Language::Xml);
/// assert!(!r.is_valid());
/// assert_eq!(r.issues[0].kind, IssueKind::MismatchedTag);
/// ```
pub fn validate(text: &str, language: Language) -> SyntaxReport {
    Validator::default().validate(text, language)
}
