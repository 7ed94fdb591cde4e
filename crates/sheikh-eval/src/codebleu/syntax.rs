//! CodeBLEU's syntactic match (`syntax_match.corpus_syntax_match`): the share of the
//! reference's subtrees whose S-expression also occurs among the candidate's.
//!
//! The package gets S-expressions from py-tree-sitter's `str(node)` (tree-sitter's
//! `ts_node_string`) with tree-sitter-javascript 0.21. We render the same format
//! ourselves, in one bottom-up pass without recursion, from the 0.25 grammar that
//! `sheikh-syntax` uses, and undo the two grammar changes that are frequent in real
//! code (found by comparing both versions on 335 npm files): since 0.23 the
//! `initializer` and `condition` of a `for (…; …; …)` loop are bare expressions, where
//! 0.21 wrapped them in an `expression_statement`; and 0.25 reads `await (x)…` as a call
//! of an identifier `await` ([`AwaitCalls`]). A remaining difference, rare in practice:
//! `export { x as default }` has no `alias` identifier in 0.25. Trees of code with
//! syntax errors can differ too: error recovery changed between the versions.

use std::collections::HashSet;

use tree_sitter::{Node, Tree};
use xxhash_rust::xxh3::xxh3_128;

use super::compat::AwaitCalls;

/// One node being rendered.
struct Frame<'t> {
    node: Node<'t>,
    field: Option<&'static str>,
    visible: bool,
    /// Wrappers to put around the finished node, innermost first.
    wrap: Vec<&'static str>,
    /// Rendered as `(parenthesized_expression …)` of this many arguments (an
    /// `await (…)` call, see [`AwaitCalls`]).
    paren: Option<usize>,
    children: Vec<(Node<'t>, Option<&'static str>)>,
    next: usize,
    buf: String,
}

/// The 0.21 grammar wrapped non-declaration `for` initializers and conditions in an
/// `expression_statement`.
fn needs_for_wrap(parent: &Node<'_>, field: Option<&str>, child: &Node<'_>) -> bool {
    if parent.kind() != "for_statement" {
        return false;
    }
    match field {
        Some("initializer") => !matches!(
            child.kind(),
            "lexical_declaration"
                | "variable_declaration"
                | "empty_statement"
                | "expression_statement"
        ),
        Some("condition") => !matches!(child.kind(), "empty_statement" | "expression_statement"),
        _ => false,
    }
}

fn frame<'t>(
    node: Node<'t>,
    field: Option<&'static str>,
    wrap: Vec<&'static str>,
    awaits: Option<&AwaitCalls>,
) -> Frame<'t> {
    let mut children = Vec::with_capacity(node.child_count());
    let paren = awaits
        .filter(|a| a.calls.contains(&node.id()))
        .and_then(|_| {
            let args = node.child_by_field_name("arguments")?;
            let mut cursor = args.walk();
            children.extend(args.named_children(&mut cursor).map(|c| (c, None)));
            Some(children.len())
        });
    if paren.is_none() {
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                children.push((cursor.node(), cursor.field_name()));
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }
    let visible = paren.is_some() || node.is_named() || node.is_missing();
    let buf = match paren {
        Some(n) if n >= 2 => "(sequence_expression".to_string(),
        Some(_) => String::new(),
        None if visible => format!("({}", node.kind()),
        None => String::new(),
    };
    Frame {
        node,
        field,
        visible,
        wrap,
        paren,
        children,
        next: 0,
        buf,
    }
}

fn append(buf: &mut String, field: Option<&str>, piece: &str) {
    buf.push(' ');
    if let Some(f) = field {
        buf.push_str(f);
        buf.push_str(": ");
    }
    buf.push_str(piece);
}

/// Renders the tree's S-expression and calls `subtree` with the S-expression of the
/// root and of every other node that has children (in post-order), as
/// `get_all_sub_trees` lists them. With `compat` (the tree's source), the shapes of the
/// 0.21 grammar are restored: the `for` header wrapper and `await (…)`.
pub(crate) fn render(tree: &Tree, compat: Option<&str>, mut subtree: impl FnMut(&str)) -> String {
    let awaits = compat.map(|source| AwaitCalls::find(tree, source));
    let awaits = awaits.as_ref();
    let wrappers = |parent: &Node<'_>, field: Option<&str>, child: &Node<'_>| {
        let mut w = Vec::new();
        if let Some(a) = awaits {
            if a.tops.contains(&child.id()) {
                w.push("await_expression");
            }
            if needs_for_wrap(parent, field, child) {
                w.push("expression_statement");
            }
        }
        w
    };
    let root = tree.root_node();
    let mut stack = vec![frame(root, None, Vec::new(), awaits)];
    loop {
        let top = stack
            .last_mut()
            .expect("stack is non-empty inside the loop");
        if top.next < top.children.len() {
            let (child, field) = top.children[top.next];
            top.next += 1;
            let wrap = wrappers(&top.node, field, &child);
            if child.child_count() == 0 {
                if child.is_named() || child.is_missing() {
                    let mut leaf = child.to_sexp();
                    for w in wrap {
                        leaf = format!("({w} {leaf})");
                        subtree(&leaf);
                    }
                    append(&mut top.buf, field, &leaf);
                }
            } else {
                stack.push(frame(child, field, wrap, awaits));
            }
            continue;
        }
        let done = stack.pop().expect("non-empty");
        let mut piece = done.buf;
        if let Some(n) = done.paren {
            let inner = if n >= 2 {
                piece.push(')');
                subtree(&piece);
                piece
            } else {
                piece.trim_start().to_string()
            };
            piece = format!("(parenthesized_expression {inner})");
            subtree(&piece);
        } else if done.visible {
            piece.push(')');
            subtree(&piece);
        } else {
            // An anonymous node with children (not produced by the JavaScript and
            // TypeScript grammars): `str(node)` would render it on its own.
            subtree(&done.node.to_sexp());
        }
        for w in done.wrap {
            piece = format!("({w} {piece})");
            subtree(&piece);
        }
        match stack.last_mut() {
            Some(parent) => {
                if done.visible {
                    append(&mut parent.buf, done.field, &piece);
                } else if !piece.is_empty() {
                    parent.buf.push_str(&piece);
                }
            }
            None => return piece,
        }
    }
}

/// Hashes of the subtree S-expressions (duplicates kept).
pub(crate) fn subtree_sexps(tree: &Tree, source: &str) -> Vec<u128> {
    let mut out = Vec::new();
    render(tree, Some(source), |s| out.push(xxh3_128(s.as_bytes())));
    out
}

/// `(matched, total)`: reference subtrees found (by membership, not consumed) among
/// the candidate's, and the number of reference subtrees.
pub(crate) fn syntax_counts(candidate: (&Tree, &str), reference: (&Tree, &str)) -> (u64, u64) {
    let cand: HashSet<u128> = subtree_sexps(candidate.0, candidate.1)
        .into_iter()
        .collect();
    let refs = subtree_sexps(reference.0, reference.1);
    let matched = refs.iter().filter(|h| cand.contains(h)).count() as u64;
    (matched, refs.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(code: &str) -> Tree {
        let mut p = tree_sitter::Parser::new();
        p.set_language(&tree_sitter_javascript::LANGUAGE.into())
            .unwrap();
        p.parse(code, None).unwrap()
    }

    #[test]
    fn rendering_matches_ts_node_string() {
        for code in [
            "const f = async (a, b) => { let x = a + b; if (x) { return `t${x}` } else return 'q'; };",
            "class A extends B { #p = 1; m() { this.#p++; } }\nfoo((",
            "let = ;\n}}} x y",
            "import { a as b } from 'c'; export default function () {}",
            "",
        ] {
            let t = parse(code);
            let mut n = 0;
            let s = render(&t, None, |_| n += 1);
            assert_eq!(s, t.root_node().to_sexp(), "{code}");
            assert!(n >= 1);
        }
    }

    #[test]
    fn await_of_a_parenthesis_is_rendered_as_in_the_021_grammar() {
        // Expected strings: str(root_node) from py-tree-sitter 0.22 + grammar 0.21.4.
        for (code, expected) in [
            (
                "async function h() { const d = await (await fetch(u)).json(); }",
                "(program (function_declaration name: (identifier) parameters: (formal_parameters) body: (statement_block (lexical_declaration (variable_declarator name: (identifier) value: (await_expression (call_expression function: (member_expression object: (parenthesized_expression (await_expression (call_expression function: (identifier) arguments: (arguments (identifier))))) property: (property_identifier)) arguments: (arguments))))))))",
            ),
            (
                "async function h() { const r = await (0, f.g)(x); await (a)(b); await foo(1); }",
                "(program (function_declaration name: (identifier) parameters: (formal_parameters) body: (statement_block (lexical_declaration (variable_declarator name: (identifier) value: (await_expression (call_expression function: (parenthesized_expression (sequence_expression (number) (member_expression object: (identifier) property: (property_identifier)))) arguments: (arguments (identifier)))))) (expression_statement (await_expression (call_expression function: (parenthesized_expression (identifier)) arguments: (arguments (identifier))))) (expression_statement (await_expression (call_expression function: (identifier) arguments: (arguments (number))))))))",
            ),
        ] {
            let t = parse(code);
            let mut subtrees = Vec::new();
            assert_eq!(render(&t, Some(code), |x| subtrees.push(x.to_string())), expected);
            assert!(subtrees.iter().all(|s| !s.contains("(call_expression function: (identifier) arguments: (arguments (number) (member")));
        }
    }

    #[test]
    fn for_header_is_wrapped_as_in_the_021_grammar() {
        let code = "for (i = 0; i < n; i++) {}\nfor (;;) {}";
        let t = parse(code);
        let mut subtrees = Vec::new();
        let s = render(&t, Some(code), |x| subtrees.push(x.to_string()));
        assert_eq!(
            s,
            "(program (for_statement initializer: (expression_statement (assignment_expression left: (identifier) right: (number))) condition: (expression_statement (binary_expression left: (identifier) right: (identifier))) increment: (update_expression argument: (identifier)) body: (statement_block)) (for_statement initializer: (empty_statement) condition: (empty_statement) body: (statement_block)))"
        );
        assert!(subtrees.contains(
            &"(expression_statement (binary_expression left: (identifier) right: (identifier)))"
                .to_string()
        ));
        // Post-order: the root comes last. Nodes with children (10): program, 2 × for,
        // 2 × statement_block, 2 × empty_statement, assignment, binary, update, plus
        // the 2 restored wrappers.
        assert_eq!(subtrees.last().unwrap(), &s);
        assert_eq!(subtrees.len(), 12);
    }
}
