//! The validation entry point: [`Validator`] over a text and a [`Language`], or over
//! [`Document`]s in parallel.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::{Document, Language};

use crate::report::{IssueKind, IssueSink, LineIndex, Structure, SyntaxReport, Verdict};
use crate::treesitter::{self, Grammar, ParseFailure};
use crate::{css, html, json, mdx, xml};

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
    pub fn validate(&self, text: &str, language: Language) -> SyntaxReport {
        let started = Instant::now();
        let mut report = self.validate_inner(text, language, started);
        report.elapsed_us = started.elapsed().as_micros().min(u64::MAX as u128) as u64;
        report
    }

    fn validate_inner(&self, text: &str, language: Language, started: Instant) -> SyntaxReport {
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
            Language::JavaScript | Language::Jsx => script(&mut ctx, Grammar::JavaScript),
            Language::TypeScript => script(&mut ctx, Grammar::TypeScript),
            Language::Tsx => script(&mut ctx, Grammar::Tsx),
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

    /// Validates a document's content as its language.
    pub fn validate_document(&self, doc: &Document) -> SyntaxReport {
        self.validate(&doc.content, doc.language)
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

/// A whole text in one tree-sitter grammar.
pub(crate) fn script(ctx: &mut Ctx<'_>, grammar: Grammar) -> Result<Structure, Unchecked> {
    let text = ctx.text;
    let mut tree = treesitter::parse(grammar, text, ctx.deadline)?;
    if tree.root_node().has_error() {
        if let Some(better) = workaround(grammar, text, ctx.deadline)? {
            tree = better;
        }
    }
    let index = &ctx.index;
    Ok(treesitter::walk(
        &tree,
        text,
        0,
        index,
        &mut ctx.sink,
        |node, _, sink| {
            if node.kind() == "jsx_element" {
                check_jsx_element(node, text, index, sink);
            }
        },
    ))
}

/// Re-parses a text that failed for a known grammar gap; returns a tree only when the
/// second parse has no error at all.
///
/// - tree-sitter-javascript 0.25 rejects JSX attributes named with reserved words
///   (`<Collapse in={open}>`, `<div class="x">`; upstream issue #387). The `tsx` grammar
///   of tree-sitter-typescript does not have that bug and accepts all of JavaScript
///   and JSX, so a JavaScript/JSX text with a `<` that fails is re-parsed with it.
/// - tree-sitter-typescript 0.23 rejects `import("m").T<A>` in type positions. Every
///   `import("…")` call is replaced by an identifier of the same byte length (valid
///   wherever the call is, so offsets and validity elsewhere are unchanged).
fn workaround(
    grammar: Grammar,
    text: &str,
    deadline: Option<Instant>,
) -> Result<Option<tree_sitter::Tree>, Unchecked> {
    let retry = match grammar {
        Grammar::JavaScript if text.contains('<') => Some((Grammar::Tsx, None)),
        Grammar::TypeScript | Grammar::Tsx if text.contains("import(") => {
            Some((grammar, Some(mask_import_types(text))))
        }
        _ => None,
    };
    let Some((g, masked)) = retry else {
        return Ok(None);
    };
    let tree = treesitter::parse(g, masked.as_deref().unwrap_or(text), deadline)?;
    Ok((!tree.root_node().has_error()).then_some(tree))
}

/// Replaces `import("…")` / `import('…')` by `_` identifiers of the same byte length.
fn mask_import_types(text: &str) -> String {
    static IMPORT_CALL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"\bimport\(\s*(?:"[^"\n]*"|'[^'\n]*')\s*\)"#).expect("valid regex")
    });
    IMPORT_CALL
        .replace_all(text, |c: &regex::Captures<'_>| "_".repeat(c[0].len()))
        .into_owned()
}

/// tree-sitter accepts `<li>…</div>`; JSX (Babel, TypeScript) does not.
fn check_jsx_element(
    node: tree_sitter::Node<'_>,
    text: &str,
    index: &LineIndex,
    sink: &mut IssueSink,
) {
    let (Some(open), Some(close)) = (
        node.child_by_field_name("open_tag"),
        node.child_by_field_name("close_tag"),
    ) else {
        return;
    };
    if close.is_missing() || close.has_error() || open.has_error() {
        return;
    }
    let name = |n: tree_sitter::Node<'_>| -> String {
        n.child_by_field_name("name")
            .and_then(|x| text.get(x.byte_range()))
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let (o, c) = (name(open), name(close));
    if o != c {
        sink.push(
            index,
            IssueKind::MismatchedTag,
            close.start_byte(),
            close.end_byte(),
            format!("expected corresponding JSX closing tag for <{o}>, found </{c}>"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_types_are_masked_with_the_same_length() {
        let t = r#"const f: import("./t").F<number> = import('x');"#;
        let m = mask_import_types(t);
        assert_eq!(m.len(), t.len());
        assert_eq!(m, "const f: _____________.F<number> = ___________;");
    }
}
