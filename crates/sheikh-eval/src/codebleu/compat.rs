//! `await (…)` as tree-sitter-javascript 0.21 parsed it.
//!
//! Since 0.23 the grammar reads `await (x)…` as a call of an identifier named `await`:
//! `await (await fetch(u)).json()` becomes
//! `call(member(call(identifier "await", arguments(await fetch(u))), json), ())`, where
//! 0.21 (the version the `codebleu` package uses) gives
//! `await_expression(call(member(parenthesized(await fetch(u)), json), ()))`. This module
//! finds those calls so that the syntax match can render the 0.21 shape and the data
//! flow can treat `await` as the keyword it is.

use std::collections::HashSet;

use tree_sitter::{Node, Tree};

/// The `await (…)` calls of a tree, by node id.
#[derive(Debug, Default)]
pub(crate) struct AwaitCalls {
    /// `call_expression(function: identifier "await", arguments: (…))` nodes: rendered
    /// as `parenthesized_expression` of their argument(s).
    pub(crate) calls: HashSet<usize>,
    /// The outermost member/call/subscript chain built on such a call: wrapped in an
    /// `await_expression`.
    pub(crate) tops: HashSet<usize>,
    /// The `await` identifiers themselves (keywords in 0.21).
    pub(crate) callees: HashSet<usize>,
}

fn is_await_call(node: &Node<'_>, source: &[u8]) -> Option<usize> {
    if node.kind() != "call_expression" {
        return None;
    }
    let callee = node.child_by_field_name("function")?;
    let args = node.child_by_field_name("arguments")?;
    if callee.kind() != "identifier"
        || source.get(callee.byte_range()) != Some(b"await".as_slice())
        || args.kind() != "arguments"
    {
        return None;
    }
    let mut cursor = args.walk();
    let named: Vec<Node<'_>> = args.named_children(&mut cursor).collect();
    if named.is_empty()
        || named
            .iter()
            .any(|n| n.kind() == "spread_element" || n.is_extra())
    {
        return None;
    }
    Some(callee.id())
}

/// The node whose leftmost operand `node` is, through member, call and subscript
/// expressions.
fn chain_top<'t>(node: Node<'t>) -> Node<'t> {
    let mut cur = node;
    while let Some(parent) = cur.parent() {
        let base = match parent.kind() {
            "member_expression" | "subscript_expression" => parent.child_by_field_name("object"),
            "call_expression" => parent.child_by_field_name("function"),
            _ => None,
        };
        if base.map(|b| b.id()) != Some(cur.id()) {
            break;
        }
        cur = parent;
    }
    cur
}

impl AwaitCalls {
    /// Finds the `await (…)` calls of `tree` (parsed from `source`).
    pub(crate) fn find(tree: &Tree, source: &str) -> Self {
        let mut out = AwaitCalls::default();
        if !source.contains("await") {
            return out;
        }
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            if let Some(callee) = is_await_call(&node, source.as_bytes()) {
                out.calls.insert(node.id());
                out.callees.insert(callee);
                out.tops.insert(chain_top(node).id());
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return out;
                }
            }
        }
    }
}
