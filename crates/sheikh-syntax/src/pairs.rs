//! Code-comment pairs in the CodeSearchNet schema from JavaScript, TypeScript, JSX and
//! TSX.
//!
//! A pair is a function with the documentation comment right above it: a JSDoc block
//! (`/** … */`) or a run of `//` line comments, ending on the line before the function
//! (or on its line). Functions are function declarations (exported or not), arrow
//! functions and function expressions bound to a variable, a class field or an
//! assignment target (`exports.f = function …`), class methods, and object methods
//! (`m() {}` and `m: function () {}`). CodeSearchNet's filters apply: at least
//! [`PairsConfig::min_docstring_tokens`] summary tokens, at least
//! [`PairsConfig::min_lines`] lines of code, no constructors, no functions with `test`
//! in their name (and, by default, nothing from test files). JSDoc tags go to
//! [`CodePair::docstring_tags`] and are stripped from [`CodePair::docstring`].

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use regex::Regex;
use serde::{Deserialize, Serialize};
use sheikh_core::{Document, Language};
use tree_sitter::Node;

use crate::partition::partition_for_repo;
use crate::stage::PairsConfig;
use crate::treesitter::{self, Grammar};

/// One JSDoc block tag (`@param {number} a first operand`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocTag {
    /// The tag without `@` (`"param"`, `"returns"`, `"throws"`, `"example"`).
    pub tag: String,
    /// The `{type}` expression without braces, if any.
    #[serde(rename = "type")]
    pub type_expr: Option<String>,
    /// The parameter or property name for `@param`/`@arg`/`@argument`/`@prop`/`@property`.
    pub name: Option<String>,
    /// The rest of the tag's text (continuation lines joined with `\n`).
    pub description: String,
}

/// A code-comment pair: the CodeSearchNet fields plus `docstring_tags`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodePair {
    /// Repository name (`owner/name`), empty when unknown.
    pub repo: String,
    /// Path of the file in the repository, empty when unknown.
    pub path: String,
    /// `name`, `Class.method`, `object.method` or the assignment target.
    pub func_name: String,
    /// The source from the comment's start to the function's end, as in the file.
    pub original_string: String,
    /// `"javascript"`, `"typescript"`, `"jsx"` or `"tsx"`.
    pub language: String,
    /// The function's source without the comment (for bound functions, the whole
    /// declaration or assignment statement, so the name is included).
    pub code: String,
    /// The code's tokens: tree-sitter leaves, comments left out, string, template and
    /// regex literals as one token each.
    pub code_tokens: Vec<String>,
    /// The comment's description, tags stripped.
    pub docstring: String,
    /// Tokens of the description's first paragraph, with CodeSearchNet's tokenizer.
    pub docstring_tokens: Vec<String>,
    /// The JSDoc block tags, in order.
    pub docstring_tags: Vec<DocTag>,
    /// `train`, `valid` or `test`, by repository ([`partition_for_repo`]).
    pub partition: String,
}

/// Names of the CodeSearchNet columns in output order (then `docstring_tags`).
pub const COLUMNS: [&str; 11] = [
    "repo",
    "path",
    "func_name",
    "original_string",
    "language",
    "code",
    "code_tokens",
    "docstring",
    "docstring_tokens",
    "partition",
    "docstring_tags",
];

static TEST_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|/)(__tests__|__mocks__|tests?|specs?|e2e)/|\.(test|spec|e2e)\.[cm]?[jt]sx?$")
        .expect("valid regex")
});

/// CodeSearchNet's `DOCSTRING_REGEX_TOKENIZER`.
static DOC_TOKENIZER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"[^\s,'"`.():\[\]=*;>{}+-/\\]+|\\+|\.+|\(\)|\{\}|\[\]|\(+|\)+|:+|\[+|\]+|\{+|\}+|=+|\*+|;+|>+|\+|-|/"#,
    )
    .expect("valid regex")
});

/// Tokenizes a docstring like CodeSearchNet.
///
/// ```
/// assert_eq!(
///     sheikh_syntax::pairs::tokenize_docstring("Returns the sum (a+b)."),
///     ["Returns", "the", "sum", "(", "a", "+", "b", ")", "."]
/// );
/// ```
pub fn tokenize_docstring(text: &str) -> Vec<String> {
    DOC_TOKENIZER
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect()
}

fn grammar_of(language: Language) -> Option<(Grammar, &'static str)> {
    match language {
        Language::JavaScript => Some((Grammar::JavaScript, "javascript")),
        Language::Jsx => Some((Grammar::JavaScript, "jsx")),
        Language::TypeScript => Some((Grammar::TypeScript, "typescript")),
        Language::Tsx => Some((Grammar::Tsx, "tsx")),
        _ => None,
    }
}

/// Extracts the pairs of one document, in source order. Documents of other languages,
/// test files (unless disabled), oversized documents and parse timeouts give none.
pub fn extract_pairs(doc: &Document, config: &PairsConfig) -> Vec<CodePair> {
    let Some((grammar, lang_name)) = grammar_of(doc.language) else {
        return Vec::new();
    };
    let path = doc.path.as_deref().unwrap_or("");
    if config.skip_test_files && TEST_PATH.is_match(path) {
        return Vec::new();
    }
    if doc.content.len() > config.max_bytes {
        return Vec::new();
    }
    let deadline =
        (config.timeout_ms > 0).then(|| Instant::now() + Duration::from_millis(config.timeout_ms));
    let Ok(tree) = treesitter::parse(grammar, &doc.content, deadline) else {
        return Vec::new();
    };
    let repo = doc.repo_name.as_deref().unwrap_or("");
    let partition = partition_for_repo(repo).as_str();
    let text = doc.content.as_str();
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    // The path from the root to the current node, with the run of comment siblings
    // right before each node: parents and preceding comments in O(1), where
    // `Node::parent`/`prev_sibling` would cost O(depth) each.
    let mut levels: Vec<Level<'_>> = vec![Level {
        node: cursor.node(),
        comments: Vec::new(),
    }];
    loop {
        if let Some(c) = candidate(&levels, text) {
            if let Some(pair) = build(c, &levels, text, config) {
                out.push(CodePair {
                    repo: repo.to_string(),
                    path: path.to_string(),
                    language: lang_name.to_string(),
                    partition: partition.to_string(),
                    ..pair
                });
            }
        }
        if cursor.goto_first_child() {
            levels.push(Level {
                node: cursor.node(),
                comments: Vec::new(),
            });
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                if let Some(level) = levels.last_mut() {
                    let left = level.node;
                    if left.kind() == "comment" {
                        level.comments.push(left);
                    } else {
                        level.comments.clear();
                    }
                    level.node = cursor.node();
                }
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
            levels.pop();
        }
    }
}

/// One step of the path from the root to the current node.
struct Level<'t> {
    node: Node<'t>,
    /// The comment siblings directly before `node`, in order (the last is adjacent).
    comments: Vec<Node<'t>>,
}

/// A function found in the tree.
struct Candidate<'t> {
    name: String,
    /// The node whose source is `code`.
    code: Node<'t>,
    /// Level index of the node the comment must directly precede (the function's
    /// statement, or the `export_statement` around it).
    anchor: usize,
    /// The function itself (for the line count and the error check).
    function: Node<'t>,
    is_constructor: bool,
}

fn is_function_value(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

fn field_text<'a>(node: Node<'_>, field: &str, text: &'a str) -> Option<&'a str> {
    node.child_by_field_name(field)
        .and_then(|n| text.get(n.byte_range()))
}

/// The level of `levels[at]`, or of the `export` statement wrapping it.
fn exported(levels: &[Level<'_>], at: usize) -> usize {
    match at.checked_sub(1).map(|p| levels[p].node.kind()) {
        Some("export_statement") => at - 1,
        _ => at,
    }
}

/// The name of the class or object literal that holds the member at level `at`.
fn owner_name<'a>(levels: &[Level<'_>], at: usize, text: &'a str) -> Option<&'a str> {
    let container = levels.get(at.checked_sub(1)?)?.node;
    let holder = levels.get(at.checked_sub(2)?)?.node;
    match container.kind() {
        "class_body" => field_text(holder, "name", text),
        "object" => match holder.kind() {
            "variable_declarator" => field_text(holder, "name", text),
            "assignment_expression" => field_text(holder, "left", text),
            "pair" => field_text(holder, "key", text),
            _ => None,
        },
        _ => None,
    }
}

fn qualified(owner: Option<&str>, name: &str) -> String {
    match owner {
        Some(o) if !o.is_empty() => format!("{o}.{name}"),
        _ => name.to_string(),
    }
}

fn candidate<'t>(levels: &[Level<'t>], text: &str) -> Option<Candidate<'t>> {
    let at = levels.len() - 1;
    let node = levels[at].node;
    let parent = at.checked_sub(1).map(|p| levels[p].node);
    match node.kind() {
        "function_declaration" | "generator_function_declaration" => {
            let name = field_text(node, "name", text)?;
            Some(Candidate {
                name: name.to_string(),
                code: node,
                anchor: exported(levels, at),
                function: node,
                is_constructor: false,
            })
        }
        "variable_declarator" => {
            let value = node.child_by_field_name("value")?;
            if !is_function_value(value) {
                return None;
            }
            let name = field_text(node, "name", text)?;
            let decl = parent?;
            if !matches!(decl.kind(), "lexical_declaration" | "variable_declaration") {
                return None;
            }
            Some(Candidate {
                name: name.to_string(),
                code: decl,
                anchor: exported(levels, at - 1),
                function: value,
                is_constructor: false,
            })
        }
        "method_definition" => {
            node.child_by_field_name("body")?;
            let name = field_text(node, "name", text)?;
            Some(Candidate {
                name: qualified(owner_name(levels, at, text), name),
                code: node,
                anchor: at,
                function: node,
                is_constructor: name == "constructor",
            })
        }
        "pair" => {
            let value = node.child_by_field_name("value")?;
            if !is_function_value(value) {
                return None;
            }
            let key = field_text(node, "key", text)?;
            let key = key.trim_matches(|c| c == '"' || c == '\'');
            Some(Candidate {
                name: qualified(owner_name(levels, at, text), key),
                code: node,
                anchor: at,
                function: value,
                is_constructor: false,
            })
        }
        "field_definition" | "public_field_definition" => {
            let value = node.child_by_field_name("value")?;
            if !is_function_value(value) {
                return None;
            }
            let name =
                field_text(node, "property", text).or_else(|| field_text(node, "name", text))?;
            Some(Candidate {
                name: qualified(owner_name(levels, at, text), name),
                code: node,
                anchor: at,
                function: value,
                is_constructor: false,
            })
        }
        "assignment_expression" => {
            let value = node.child_by_field_name("right")?;
            if !is_function_value(value) {
                return None;
            }
            let stmt = parent.filter(|p| p.kind() == "expression_statement")?;
            let name = field_text(node, "left", text)?;
            if name.contains(['\n', '(', '[']) {
                return None;
            }
            Some(Candidate {
                name: name.to_string(),
                code: stmt,
                anchor: at - 1,
                function: value,
                is_constructor: false,
            })
        }
        _ => None,
    }
}

/// The comment directly above `anchor` (given the run of comment siblings before it):
/// its start byte and cleaned lines.
fn doc_comment(
    anchor: Node<'_>,
    comments: &[Node<'_>],
    text: &str,
    line_comments: bool,
) -> Option<(usize, Vec<String>)> {
    let prev = *comments.last()?;
    if prev.end_position().row + 1 < anchor.start_position().row {
        return None;
    }
    let body = text.get(prev.byte_range())?;
    if let Some(inner) = body.strip_prefix("/**") {
        let inner = inner.strip_suffix("*/")?;
        if inner.starts_with('*') || inner.starts_with('/') {
            return None; // `/***` banners and `/**/`.
        }
        let lines = inner
            .lines()
            .map(|l| {
                let t = l.trim_start();
                let t = t
                    .strip_prefix('*')
                    .map_or(t, |r| r.strip_prefix(' ').unwrap_or(r));
                t.trim_end().to_string()
            })
            .collect();
        return Some((prev.start_byte(), lines));
    }
    if !line_comments || !body.starts_with("//") {
        return None;
    }
    // A run of `//` comments on consecutive lines.
    let mut first = comments.len() - 1;
    while first > 0 {
        let p = comments[first - 1];
        let body = text.get(p.byte_range()).unwrap_or("");
        if !body.starts_with("//")
            || p.end_position().row + 1 != comments[first].start_position().row
        {
            break;
        }
        first -= 1;
    }
    let run = &comments[first..];
    // A trailing comment of the previous statement (`x(); // note`) is not ours.
    let start = run[0].start_byte();
    if !text[..start]
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .trim()
        .is_empty()
    {
        return None;
    }
    let lines = run
        .iter()
        .filter_map(|c| text.get(c.byte_range()))
        .map(|b| {
            let t = b.trim_start_matches('/');
            t.strip_prefix(' ').unwrap_or(t).trim_end().to_string()
        })
        .filter(|l| !is_directive(l))
        .collect();
    Some((start, lines))
}

/// Tool directives that are not documentation.
fn is_directive(line: &str) -> bool {
    let l = line.trim_start();
    [
        "eslint",
        "@ts-",
        "prettier-ignore",
        "istanbul ",
        "#region",
        "#endregion",
        "jshint",
        "global ",
        "@flow",
        "tslint:",
    ]
    .iter()
    .any(|p| l.starts_with(p))
}

/// Splits cleaned comment lines into the description and the block tags.
pub fn parse_jsdoc(lines: &[String]) -> (String, Vec<DocTag>) {
    let mut desc: Vec<&str> = Vec::new();
    let mut tags: Vec<DocTag> = Vec::new();
    let mut in_code_fence = false;
    for line in lines {
        let t = line.trim();
        if t.starts_with("```") {
            in_code_fence = !in_code_fence;
        }
        if !in_code_fence
            && t.starts_with('@')
            && t.len() > 1
            && t.as_bytes()[1].is_ascii_alphabetic()
        {
            tags.push(parse_tag(t));
        } else if let Some(last) = tags.last_mut() {
            if !last.description.is_empty() || !t.is_empty() {
                if !last.description.is_empty() {
                    last.description.push('\n');
                }
                // Indentation matters in examples only.
                if last.tag == "example" {
                    last.description.push_str(line.trim_end());
                } else {
                    last.description.push_str(t);
                }
            }
        } else {
            desc.push(line.trim_end());
        }
    }
    for tag in &mut tags {
        tag.description = tag.description.trim().to_string();
    }
    // Trim blank lines around the description and collapse runs of blank lines.
    let mut out: Vec<&str> = Vec::new();
    for l in desc {
        if l.trim().is_empty() && out.last().is_none_or(|p: &&str| p.trim().is_empty()) {
            continue;
        }
        out.push(l);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    (out.join("\n"), tags)
}

fn parse_tag(line: &str) -> DocTag {
    let rest = &line[1..];
    let tag_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let tag = rest[..tag_end].to_string();
    let mut rest = rest[tag_end..].trim_start();
    let mut type_expr = None;
    if rest.starts_with('{') {
        // Balanced braces: `{Object.<string, {a: number}>}`.
        let mut depth = 0usize;
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        type_expr = Some(rest[1..i].trim().to_string());
                        rest = rest[i + 1..].trim_start();
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    let mut name = None;
    if matches!(
        tag.as_str(),
        "param" | "arg" | "argument" | "prop" | "property" | "typedef" | "callback" | "template"
    ) {
        let end = if rest.starts_with('[') {
            rest.find(']').map_or(rest.len(), |i| i + 1)
        } else {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        if end > 0 {
            name = Some(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    }
    let description = rest.strip_prefix("- ").unwrap_or(rest).to_string();
    DocTag {
        tag,
        type_expr,
        name,
        description,
    }
}

/// Leaf tokens of `node`, comments skipped, literals whole.
fn code_tokens(node: Node<'_>, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    loop {
        let n = cursor.node();
        let whole = matches!(
            n.kind(),
            "string" | "template_string" | "regex" | "string_fragment" | "jsx_text"
        );
        let descend = !whole && n.kind() != "comment" && cursor.goto_first_child();
        if descend {
            continue;
        }
        if n.kind() != "comment" && (whole || n.child_count() == 0) {
            if let Some(t) = text.get(n.byte_range()) {
                let t = if n.kind() == "jsx_text" { t.trim() } else { t };
                if !t.is_empty() {
                    out.push(t.to_string());
                }
            }
        }
        loop {
            if cursor.node() == node {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

fn build(
    c: Candidate<'_>,
    levels: &[Level<'_>],
    text: &str,
    config: &PairsConfig,
) -> Option<CodePair> {
    if c.is_constructor || c.name.to_ascii_lowercase().contains("test") {
        return None;
    }
    let lines = c.function.end_position().row - c.function.start_position().row + 1;
    if lines < config.min_lines || c.code.has_error() {
        return None;
    }
    let code = text.get(c.code.byte_range())?;
    if code.len() > config.max_code_bytes {
        return None;
    }
    let anchor = &levels[c.anchor];
    let (comment_start, comment_lines) =
        doc_comment(anchor.node, &anchor.comments, text, config.line_comments)?;
    let (docstring, tags) = parse_jsdoc(&comment_lines);
    let summary = docstring.split("\n\n").next().unwrap_or("");
    let docstring_tokens = tokenize_docstring(summary);
    if docstring_tokens.len() < config.min_docstring_tokens {
        return None;
    }
    let original = text.get(comment_start..c.code.end_byte().max(anchor.node.end_byte()))?;
    Some(CodePair {
        repo: String::new(),
        path: String::new(),
        func_name: c.name,
        original_string: original.to_string(),
        language: String::new(),
        code: code.to_string(),
        code_tokens: code_tokens(c.code, text),
        docstring,
        docstring_tokens,
        docstring_tags: tags,
        partition: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsdoc_tags_are_split_from_the_description() {
        let lines: Vec<String> = [
            "Formats a price.",
            "",
            "Second paragraph.",
            "@param {number} amount - the amount",
            "  in cents",
            "@param {string} [currency=EUR] code",
            "@returns {string} the text",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (desc, tags) = parse_jsdoc(&lines);
        assert_eq!(desc, "Formats a price.\n\nSecond paragraph.");
        assert_eq!(tags.len(), 3);
        assert_eq!(tags[0].name.as_deref(), Some("amount"));
        assert_eq!(tags[0].type_expr.as_deref(), Some("number"));
        assert_eq!(tags[0].description, "the amount\nin cents");
        assert_eq!(tags[1].name.as_deref(), Some("[currency=EUR]"));
        assert_eq!(tags[2].tag, "returns");
        assert_eq!(tags[2].name, None);
        assert_eq!(tags[2].description, "the text");
    }

    #[test]
    fn nested_braces_in_types() {
        let t = parse_tag("@param {Object.<string, {a: number}>} map the map");
        assert_eq!(t.type_expr.as_deref(), Some("Object.<string, {a: number}>"));
        assert_eq!(t.name.as_deref(), Some("map"));
        assert_eq!(t.description, "the map");
    }

    #[test]
    fn tokenizer_matches_codesearchnet() {
        assert_eq!(
            tokenize_docstring("Get the user's id: `foo.bar()`"),
            ["Get", "the", "user", "s", "id", ":", "foo", ".", "bar", "()"]
        );
    }

    #[test]
    fn test_paths() {
        for p in [
            "src/__tests__/a.js",
            "test/x.js",
            "a/b.spec.ts",
            "c.test.tsx",
        ] {
            assert!(TEST_PATH.is_match(p), "{p}");
        }
        for p in ["src/testing-utils.js", "src/latest.js", "contest/x.js"] {
            assert!(!TEST_PATH.is_match(p), "{p}");
        }
    }
}
