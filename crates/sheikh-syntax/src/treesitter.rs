//! Tree-sitter parsing: one parser per grammar per thread, parse time limits, and an
//! iterative walk that turns `ERROR`/`MISSING` nodes into [`SyntaxIssue`](crate::SyntaxIssue)s.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::time::Instant;

use tree_sitter::{Node, ParseOptions, ParseState, Parser, Tree};

use crate::report::{IssueKind, IssueSink, LineIndex, Structure};

/// The tree-sitter grammars this crate links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grammar {
    /// `tree-sitter-javascript` (JavaScript and JSX).
    JavaScript,
    /// `tree-sitter-typescript`, `typescript` grammar.
    TypeScript,
    /// `tree-sitter-typescript`, `tsx` grammar.
    Tsx,
    /// `tree-sitter-html`.
    Html,
}

impl Grammar {
    const COUNT: usize = 4;

    fn index(self) -> usize {
        self as usize
    }

    /// The tree-sitter language of this grammar.
    pub fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Grammar::Html => tree_sitter_html::LANGUAGE.into(),
        }
    }
}

/// Why a tree-sitter parse produced no tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseFailure {
    /// The deadline passed.
    Timeout,
}

thread_local! {
    static PARSERS: RefCell<[Option<Parser>; Grammar::COUNT]> = const {
        RefCell::new([None, None, None, None])
    };
}

/// Parses `text` with the calling thread's parser for `grammar`, giving up at `deadline`.
///
/// The parser is taken out of the thread-local slot for the duration of the parse, so a
/// nested parse (an MDX hook, an inline `<script>`) on the same thread is safe.
pub(crate) fn parse(
    grammar: Grammar,
    text: &str,
    deadline: Option<Instant>,
) -> Result<Tree, ParseFailure> {
    let mut parser = PARSERS
        .with(|p| p.borrow_mut()[grammar.index()].take())
        .unwrap_or_else(|| new_parser(grammar));
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _| -> &[u8] { bytes.get(offset..).unwrap_or(&[]) };
    let result = match deadline {
        Some(deadline) => {
            // Checking the clock on every callback is cheap next to the parse work
            // between callbacks.
            let mut progress = |_: &ParseState| {
                if Instant::now() >= deadline {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            };
            let options = ParseOptions::new().progress_callback(&mut progress);
            parser.parse_with_options(&mut read, None, Some(options))
        }
        None => parser.parse_with_options(&mut read, None, None),
    };
    let out = match result {
        Some(tree) => Ok(tree),
        None => {
            parser.reset();
            Err(ParseFailure::Timeout)
        }
    };
    PARSERS.with(|p| p.borrow_mut()[grammar.index()] = Some(parser));
    out
}

fn new_parser(grammar: Grammar) -> Parser {
    let mut parser = Parser::new();
    // The linked grammars are built for ABI versions this tree-sitter supports; a
    // mismatch is a build configuration bug caught by every test.
    parser
        .set_language(&grammar.language())
        .expect("grammar ABI supported by the linked tree-sitter");
    parser
}

/// A short, printable excerpt of `text[start..end]` for messages.
pub(crate) fn snippet(text: &str, start: usize, end: usize) -> String {
    let end = end.min(text.len()).min(start.saturating_add(24));
    let mut e = end;
    while e > start && !text.is_char_boundary(e) {
        e -= 1;
    }
    let s = text.get(start..e).unwrap_or("");
    s.escape_debug().to_string()
}

/// Walks `tree` iteratively, reporting `ERROR` and `MISSING` nodes to `sink` (offsets
/// shifted by `shift`, located with `index` over the whole document) and returning
/// the tree statistics. `visit` sees every node with its depth (root = 1), for
/// language-specific checks.
pub(crate) fn walk<'t>(
    tree: &'t Tree,
    text: &str,
    shift: usize,
    index: &LineIndex,
    sink: &mut IssueSink,
    mut visit: impl FnMut(Node<'t>, u32, &mut IssueSink),
) -> Structure {
    let mut cursor = tree.walk();
    let mut st = Structure::default();
    let mut depth: u32 = 1;
    // Depth of the outermost ERROR node we are inside, so nested errors count once.
    let mut in_error: Option<u32> = None;
    loop {
        let node = cursor.node();
        st.node_count += 1;
        st.max_depth = st.max_depth.max(depth);
        if node.is_error() && in_error.is_none() {
            in_error = Some(depth);
            let (s, e) = (node.start_byte(), node.end_byte());
            st.error_bytes += (e - s) as u64;
            let msg = if s == e {
                "unexpected token".to_string()
            } else {
                format!("unexpected `{}`", snippet(text, s, e))
            };
            sink.push(index, IssueKind::UnexpectedToken, s + shift, e + shift, msg);
        } else if node.is_missing() {
            let s = node.start_byte() + shift;
            sink.push(
                index,
                IssueKind::MissingNode,
                s,
                s,
                format!("missing `{}`", node.kind()),
            );
        }
        visit(node, depth, sink);
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if in_error == Some(depth) {
                in_error = None;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return st;
            }
            depth -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_parses() {
        for g in [
            Grammar::JavaScript,
            Grammar::TypeScript,
            Grammar::Tsx,
            Grammar::Html,
        ] {
            let tree = parse(g, "x", None).unwrap();
            assert!(tree.root_node().child_count() > 0);
        }
    }

    #[test]
    fn expired_deadline_times_out_and_parser_recovers() {
        let text = "let a = [".repeat(20_000);
        let past = Instant::now();
        assert_eq!(
            parse(Grammar::JavaScript, &text, Some(past)).err(),
            Some(ParseFailure::Timeout)
        );
        let tree = parse(Grammar::JavaScript, "let a = 1;", None).unwrap();
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn snippet_respects_char_boundaries() {
        let t = "ééééééééééééééééééééééééé";
        let s = snippet(t, 0, t.len());
        assert!(s.chars().count() <= 12);
    }
}
