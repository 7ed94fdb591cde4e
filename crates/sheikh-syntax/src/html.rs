//! HTML validation: tree-sitter-html, plus the tag-balance checks its lenient grammar
//! does not make (unclosed non-void elements, closing tags that match nothing), plus
//! inline `<script>` (JavaScript) and `<style>` (CSS) validated with their grammars.

use tree_sitter::Node;

use crate::report::{IssueKind, Structure};
use crate::treesitter::{self, Grammar};
use crate::validate::{Ctx, Unchecked};

/// Elements that never have content or an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr", "command", "basefont", "bgsound", "frame", "image",
];

/// Elements whose end tag HTML lets an author omit (WHATWG "optional tags").
const OPTIONAL_END: &[&str] = &[
    "html", "head", "body", "li", "dt", "dd", "p", "rt", "rp", "rb", "rtc", "optgroup", "option",
    "colgroup", "caption", "thead", "tbody", "tfoot", "tr", "td", "th",
];

/// `type` values of `<script>` that hold JavaScript (JSX with Babel).
const JS_TYPES: &[&str] = &[
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "text/ecmascript",
    "application/ecmascript",
    "text/jsx",
    "text/babel",
];

/// An inline script or style to validate after the walk.
struct Embedded {
    grammar: Grammar,
    start: usize,
    end: usize,
}

pub(crate) fn check(ctx: &mut Ctx<'_>) -> Result<Structure, Unchecked> {
    let tree = treesitter::parse(Grammar::Html, ctx.text, ctx.deadline)?;
    let text = ctx.text;
    let index = &ctx.index;
    let mut embedded = Vec::new();
    let structure = treesitter::walk(
        &tree,
        text,
        0,
        &ctx.index,
        &mut ctx.sink,
        |node, depth, sink| match node.kind() {
            "element" | "script_element" | "style_element" => {
                let Some(start_tag) = node.child(0).filter(|c| c.kind() == "start_tag") else {
                    return;
                };
                let name = tag_name(start_tag, text).to_ascii_lowercase();
                let has_end = last_child(node).is_some_and(|c| c.kind() == "end_tag");
                if !has_end
                    && !VOID.contains(&name.as_str())
                    && !OPTIONAL_END.contains(&name.as_str())
                {
                    sink.push(
                        index,
                        IssueKind::UnclosedTag,
                        start_tag.start_byte(),
                        start_tag.end_byte(),
                        format!("element <{name}> is never closed"),
                    );
                }
                if node.kind() != "element" {
                    if let Some(raw) = child_of_kind(node, "raw_text") {
                        let grammar = if node.kind() == "style_element" {
                            Some(Grammar::Css)
                        } else {
                            let ty = attribute(start_tag, text, "type")
                                .unwrap_or_default()
                                .trim()
                                .to_ascii_lowercase();
                            JS_TYPES
                                .contains(&ty.as_str())
                                .then_some(Grammar::JavaScript)
                        };
                        if let Some(grammar) = grammar {
                            embedded.push(Embedded {
                                grammar,
                                start: raw.start_byte(),
                                end: raw.end_byte(),
                            });
                        }
                    }
                }
            }
            "erroneous_end_tag" => {
                let name = child_of_kind(node, "erroneous_end_tag_name")
                    .and_then(|n| text.get(n.byte_range()))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                // Depth 2 is a child of the document root (`Node::parent` costs O(depth)).
                let inside_element = depth > 2;
                let (kind, msg) = if inside_element {
                    (
                        IssueKind::MismatchedTag,
                        format!("closing tag </{name}> does not match the open element"),
                    )
                } else {
                    (
                        IssueKind::UnexpectedClosingTag,
                        format!("closing tag </{name}> has no open element"),
                    )
                };
                sink.push(index, kind, node.start_byte(), node.end_byte(), msg);
            }
            _ => {}
        },
    );
    let mut structure = structure;
    for e in embedded {
        let Some(code) = text.get(e.start..e.end) else {
            continue;
        };
        let sub = treesitter::parse(e.grammar, code, ctx.deadline)?;
        let st = treesitter::walk(&sub, code, e.start, &ctx.index, &mut ctx.sink, |_, _, _| {});
        structure.node_count += st.node_count;
        structure.error_bytes += st.error_bytes;
    }
    Ok(structure)
}

fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).find(|c| c.kind() == kind);
    found
}

fn last_child(node: Node<'_>) -> Option<Node<'_>> {
    node.child(node.child_count().checked_sub(1)? as u32)
}

fn tag_name<'a>(start_tag: Node<'_>, text: &'a str) -> &'a str {
    child_of_kind(start_tag, "tag_name")
        .and_then(|n| text.get(n.byte_range()))
        .unwrap_or("")
}

/// The unquoted value of attribute `name` on a start tag (`Some("")` when present
/// without a value).
fn attribute<'a>(start_tag: Node<'_>, text: &'a str, name: &str) -> Option<&'a str> {
    let mut cursor = start_tag.walk();
    for attr in start_tag.children(&mut cursor) {
        if attr.kind() != "attribute" {
            continue;
        }
        let attr_name =
            child_of_kind(attr, "attribute_name").and_then(|n| text.get(n.byte_range()));
        if !attr_name.is_some_and(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        let value = child_of_kind(attr, "quoted_attribute_value")
            .and_then(|q| child_of_kind(q, "attribute_value"))
            .or_else(|| child_of_kind(attr, "attribute_value"))
            .and_then(|v| text.get(v.byte_range()));
        return Some(value.unwrap_or(""));
    }
    None
}
