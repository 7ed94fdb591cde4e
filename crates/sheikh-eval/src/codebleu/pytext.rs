//! Python string semantics the reference implementation relies on: `str.isspace`,
//! `str.strip()`, `str.split()`, slicing a line by tree-sitter's byte columns, and
//! `remove_comments_and_docstrings` for the C-like languages.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Python's `str.isspace()`: Unicode `White_Space` plus the four ASCII information
/// separators U+001C..U+001F, which Rust's `char::is_whitespace` does not include.
pub(crate) fn py_is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `s.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(py_is_space)
}

/// Python's `s.split()` (runs of whitespace separate, no empty tokens).
pub(crate) fn py_split(s: &str) -> Vec<&str> {
    s.split(py_is_space).filter(|t| !t.is_empty()).collect()
}

/// The comment pattern of `codebleu.parser.utils.remove_comments_and_docstrings`
/// (`re.DOTALL | re.MULTILINE`): line comments, block comments, and single- and
/// double-quoted strings (matched so that comment markers inside them are kept).
static COMMENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?ms)//.*?$|/\*.*?\*/|'(?:\\.|[^\\'])*'|"(?:\\.|[^\\"])*""#)
        .expect("static regex")
});

/// `remove_comments_and_docstrings(source, "javascript")`: every comment becomes one
/// space, then lines that are blank (Python `strip()`) are removed. Template literals
/// and regular-expression literals are not recognised, exactly as in the reference.
pub(crate) fn remove_comments(source: &str) -> String {
    let replaced = COMMENT_RE.replace_all(source, |caps: &Captures<'_>| {
        let m = &caps[0];
        if m.starts_with('/') {
            " ".to_string()
        } else {
            m.to_string()
        }
    });
    let mut out = String::with_capacity(replaced.len());
    let mut first = true;
    for line in replaced.split('\n') {
        if !py_strip(line).is_empty() {
            if !first {
                out.push('\n');
            }
            out.push_str(line);
            first = false;
        }
    }
    out
}

/// The source split into lines the way `code.split("\n")` does, each line kept so
/// that it can be sliced by *character* index: the reference slices Python strings
/// with tree-sitter's *byte* columns, which differ from character indices only on
/// non-ASCII lines; we reproduce that slicing exactly.
pub(crate) struct PyLines<'a> {
    lines: Vec<&'a str>,
    /// Character vectors for non-ASCII lines (`None` for ASCII, sliced by bytes).
    chars: Vec<Option<Vec<char>>>,
}

impl<'a> PyLines<'a> {
    pub(crate) fn new(code: &'a str) -> Self {
        let lines: Vec<&str> = code.split('\n').collect();
        let chars = lines
            .iter()
            .map(|l| (!l.is_ascii()).then(|| l.chars().collect()))
            .collect();
        PyLines { lines, chars }
    }

    /// Python `line[start:end]` with `end = None` for `usize::MAX`; `None` when the
    /// line does not exist (Python would raise `IndexError`).
    fn slice(&self, row: usize, start: usize, end: usize, out: &mut String) -> Option<()> {
        let line = self.lines.get(row)?;
        match &self.chars[row] {
            None => {
                let len = line.len();
                let (s, e) = (start.min(len), end.min(len));
                if s < e {
                    out.push_str(&line[s..e]);
                }
            }
            Some(chars) => {
                let len = chars.len();
                let (s, e) = (start.min(len), end.min(len));
                if s < e {
                    out.extend(&chars[s..e]);
                }
            }
        }
        Some(())
    }

    /// `index_to_code_token(((r0, c0), (r1, c1)), lines)`: the text of a token, with
    /// the lines of a multi-line token concatenated without their newlines.
    pub(crate) fn token(&self, start: (usize, usize), end: (usize, usize)) -> Option<String> {
        let mut s = String::new();
        if start.0 == end.0 {
            self.slice(start.0, start.1, end.1, &mut s)?;
        } else {
            self.slice(start.0, start.1, usize::MAX, &mut s)?;
            for row in start.0 + 1..end.0 {
                self.slice(row, 0, usize::MAX, &mut s)?;
            }
            self.slice(end.0, 0, end.1, &mut s)?;
        }
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_whitespace() {
        assert_eq!(
            py_split("  a\tb\u{1c}c\n\u{a0}d  "),
            vec!["a", "b", "c", "d"]
        );
        assert_eq!(py_strip("\u{1f} x \u{3000}"), "x");
        assert!(py_split(" \n\t ").is_empty());
    }

    #[test]
    fn comments_become_a_space_and_blank_lines_go() {
        let src = "// head\nconst a = 1; // tail\n/* block\n spans */ let b = '// not a comment';\n\n  \nlet c = \"/* nor this */\";";
        assert_eq!(
            remove_comments(src),
            "const a = 1;  \n  let b = '// not a comment';\nlet c = \"/* nor this */\";"
        );
    }

    #[test]
    fn unterminated_quote_is_not_a_string() {
        // The apostrophe has no closing quote, so the comment after it is removed.
        assert_eq!(remove_comments("x = \"it's\" // c"), "x = \"it's\"  ");
        assert_eq!(remove_comments("it's // c"), "it's  ");
    }

    #[test]
    fn slicing_by_byte_columns_like_python() {
        let lines = PyLines::new("let é = 'x';\nab");
        // "é" is two bytes: tree-sitter's columns are bytes, Python slices chars.
        assert_eq!(lines.token((0, 4), (0, 6)).unwrap(), "é ");
        assert_eq!(lines.token((0, 10), (1, 1)).unwrap(), "';a");
        assert!(lines.token((5, 0), (5, 1)).is_none());
    }
}
