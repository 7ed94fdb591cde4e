//! Tree-sitter parsing for the concrete syntax trees of code-comment pairs and of
//! [`Grammar`] users (CodeBLEU): one parser per grammar per thread, and parse time
//! limits. Validation uses oxc for JavaScript and TypeScript (see `js`).

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::time::Instant;

use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

/// The tree-sitter grammars this crate links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grammar {
    /// `tree-sitter-javascript` (JavaScript and JSX).
    JavaScript,
    /// `tree-sitter-typescript`, `typescript` grammar.
    TypeScript,
    /// `tree-sitter-typescript`, `tsx` grammar.
    Tsx,
}

impl Grammar {
    const COUNT: usize = 3;

    fn index(self) -> usize {
        self as usize
    }

    /// The tree-sitter language of this grammar.
    pub fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
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
        RefCell::new([None, None, None])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_parses() {
        for g in [Grammar::JavaScript, Grammar::TypeScript, Grammar::Tsx] {
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
