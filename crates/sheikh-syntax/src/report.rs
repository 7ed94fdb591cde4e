//! The typed result of a validation: [`SyntaxReport`], its [`Verdict`] and the
//! [`SyntaxIssue`]s found.

use serde::{Deserialize, Serialize};
use sheikh_core::Language;

/// What kind of problem a [`SyntaxIssue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// Text the grammar cannot place (a tree-sitter `ERROR` node, a markdown/MDX syntax error).
    UnexpectedToken,
    /// A token the parser had to invent to go on (a tree-sitter `MISSING` node: `;`, `}`, `)`).
    MissingNode,
    /// An element or tag opened and never closed (HTML non-void element, XML element,
    /// MDX JSX tag, unterminated comment, CDATA section or attribute value).
    UnclosedTag,
    /// A closing tag that does not match the innermost open element.
    MismatchedTag,
    /// A closing tag with no open element at all.
    UnexpectedClosingTag,
    /// An undefined entity or a malformed character reference.
    BadEntity,
    /// A malformed attribute (unquoted value, missing `=`, missing value).
    BadAttribute,
    /// The same attribute twice on one element.
    DuplicateAttribute,
    /// XML with no root element or with more than one, or text outside the root.
    BadRoot,
    /// An XML declaration anywhere but at the very start.
    MisplacedDeclaration,
    /// An element or attribute name that is not a legal XML name.
    InvalidName,
    /// An MDX `{expression}` or ESM block that is not valid JavaScript.
    InvalidExpression,
    /// Anything else the parser reports (bad markup declaration, bad encoding…).
    Other,
}

impl IssueKind {
    /// The snake_case name used in JSON (`"unexpected_token"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueKind::UnexpectedToken => "unexpected_token",
            IssueKind::MissingNode => "missing_node",
            IssueKind::UnclosedTag => "unclosed_tag",
            IssueKind::MismatchedTag => "mismatched_tag",
            IssueKind::UnexpectedClosingTag => "unexpected_closing_tag",
            IssueKind::BadEntity => "bad_entity",
            IssueKind::BadAttribute => "bad_attribute",
            IssueKind::DuplicateAttribute => "duplicate_attribute",
            IssueKind::BadRoot => "bad_root",
            IssueKind::MisplacedDeclaration => "misplaced_declaration",
            IssueKind::InvalidName => "invalid_name",
            IssueKind::InvalidExpression => "invalid_expression",
            IssueKind::Other => "other",
        }
    }
}

/// One syntax problem, located in the validated text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxIssue {
    /// What kind of problem.
    pub kind: IssueKind,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start, in bytes (like tree-sitter's points).
    pub column: usize,
    /// Byte offset of the start.
    pub start_byte: usize,
    /// Byte offset of the end (exclusive; equal to `start_byte` for a point).
    pub end_byte: usize,
    /// A short human-readable description.
    pub message: String,
}

/// The overall result of a validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Parsed without error.
    Valid,
    /// At least one [`SyntaxIssue`].
    Invalid,
    /// The parse took longer than the time limit; nothing is known.
    Timeout,
    /// Larger than the byte limit (or, for Markdown/MDX, with a block longer than the
    /// line limit); not parsed.
    TooLarge,
    /// Nested deeper than the depth limit of a recursive parser; not parsed.
    TooDeep,
    /// No validator for this language (`Other`); not parsed.
    Unsupported,
}

impl Verdict {
    /// The snake_case name used in JSON (`"valid"`, `"too_deep"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Timeout => "timeout",
            Verdict::TooLarge => "too_large",
            Verdict::TooDeep => "too_deep",
            Verdict::Unsupported => "unsupported",
        }
    }

    /// Whether the text was fully checked (valid or invalid).
    pub const fn is_checked(self) -> bool {
        matches!(self, Verdict::Valid | Verdict::Invalid)
    }
}

/// Structural facts gathered while parsing, for quality filters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// Nodes in the syntax tree (elements and other events for XML; mdast nodes for
    /// Markdown/MDX; values for JSON).
    pub node_count: u64,
    /// Maximum nesting depth (root = 1 for tree-sitter trees; element depth for XML).
    pub max_depth: u32,
    /// Bytes covered by error nodes (tree-sitter `ERROR`, merged so nested errors count once).
    pub error_bytes: u64,
}

/// The typed result of validating one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntaxReport {
    /// The language the text was validated as.
    pub language: Language,
    /// Valid, invalid, or why it was not checked.
    pub verdict: Verdict,
    /// Total number of issues found (may exceed `issues.len()`).
    pub error_count: u64,
    /// The first issues found, at most
    /// [`ValidateOptions::max_issues`](crate::ValidateOptions::max_issues), sorted by
    /// position (for HTML, the page's own issues are collected before those of its
    /// inline scripts and styles, so with more than the cap some later-found ones are
    /// not kept).
    pub issues: Vec<SyntaxIssue>,
    /// Tree statistics.
    pub structure: Structure,
    /// Length of the validated text in bytes.
    pub bytes: u64,
    /// Time spent, in microseconds (not deterministic; excluded from the compact summary).
    pub elapsed_us: u64,
}

impl SyntaxReport {
    /// An unchecked report (timeout, too large, too deep, unsupported).
    pub fn unchecked(language: Language, verdict: Verdict, bytes: usize) -> Self {
        SyntaxReport {
            language,
            verdict,
            error_count: 0,
            issues: Vec::new(),
            structure: Structure::default(),
            bytes: bytes as u64,
            elapsed_us: 0,
        }
    }

    /// Whether the verdict is [`Verdict::Valid`].
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }

    /// The first issue, if any.
    pub fn first_issue(&self) -> Option<&SyntaxIssue> {
        self.issues.first()
    }

    /// Share of the text's bytes inside error nodes, in `[0, 1]`.
    pub fn error_byte_share(&self) -> f64 {
        if self.bytes == 0 {
            0.0
        } else {
            (self.structure.error_bytes as f64 / self.bytes as f64).min(1.0)
        }
    }

    /// The compact, deterministic summary stored in `doc.metadata["syntax"]`:
    /// `{"valid", "verdict", "errors", "first_error"?, "nodes", "max_depth",
    /// "error_share"}` (`first_error` = `{"kind", "line", "column", "message"}`).
    pub fn summary(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("valid".into(), self.is_valid().into());
        m.insert("verdict".into(), self.verdict.as_str().into());
        m.insert("errors".into(), self.error_count.into());
        if let Some(first) = self.first_issue() {
            m.insert(
                "first_error".into(),
                serde_json::json!({
                    "kind": first.kind.as_str(),
                    "line": first.line,
                    "column": first.column,
                    "message": first.message,
                }),
            );
        }
        m.insert("nodes".into(), self.structure.node_count.into());
        m.insert("max_depth".into(), self.structure.max_depth.into());
        let share = (self.error_byte_share() * 1e6).round() / 1e6;
        m.insert("error_share".into(), share.into());
        serde_json::Value::Object(m)
    }
}

/// Maps byte offsets of one text to 1-based (line, byte column).
#[derive(Debug)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex { starts }
    }

    /// 1-based line and byte column of `offset`.
    pub(crate) fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (line, offset - self.starts[line - 1] + 1)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

/// Collects issues while validating: counts all, keeps the first `max` in order.
#[derive(Debug)]
pub(crate) struct IssueSink {
    max: usize,
    pub(crate) count: u64,
    pub(crate) issues: Vec<SyntaxIssue>,
}

impl IssueSink {
    pub(crate) fn new(max: usize) -> Self {
        IssueSink {
            max,
            count: 0,
            issues: Vec::new(),
        }
    }

    /// Records an issue; the location is computed only for kept issues.
    pub(crate) fn push(
        &mut self,
        index: &LineIndex,
        kind: IssueKind,
        start: usize,
        end: usize,
        message: impl Into<String>,
    ) {
        self.count += 1;
        if self.issues.len() < self.max {
            let (line, column) = index.locate(start);
            self.issues.push(SyntaxIssue {
                kind,
                line,
                column,
                start_byte: start,
                end_byte: end.max(start),
                message: message.into(),
            });
        }
    }

    /// Sorts kept issues by position (sub-validators may report out of order).
    pub(crate) fn sort(&mut self) {
        self.issues
            .sort_by_key(|i| (i.start_byte, i.end_byte, i.kind.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_locates_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nx");
        assert_eq!(idx.locate(0), (1, 1));
        assert_eq!(idx.locate(2), (1, 3));
        assert_eq!(idx.locate(3), (2, 1));
        assert_eq!(idx.locate(6), (3, 1));
        assert_eq!(idx.locate(7), (4, 1));
    }

    #[test]
    fn summary_is_compact_and_rounded() {
        let mut r = SyntaxReport::unchecked(Language::JavaScript, Verdict::Invalid, 3);
        r.structure.error_bytes = 1;
        r.error_count = 1;
        r.issues.push(SyntaxIssue {
            kind: IssueKind::MissingNode,
            line: 1,
            column: 2,
            start_byte: 1,
            end_byte: 1,
            message: "missing `}`".into(),
        });
        let s = r.summary();
        assert_eq!(s["valid"], false);
        assert_eq!(s["verdict"], "invalid");
        assert_eq!(s["first_error"]["kind"], "missing_node");
        assert_eq!(s["error_share"], 0.333333);
    }
}
