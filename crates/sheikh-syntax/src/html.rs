//! HTML validation with html5ever: the WHATWG parsing algorithm (the one html5lib
//! implements), with every parse error it reports counted, as html5lib's strict mode
//! does; plus inline `<script>` (JavaScript) validated with oxc (see `js`) and
//! `<style>` (CSS) checked as postcss parses it (see `css`).
//!
//! - A text whose first markup (after whitespace and comments) is a doctype, or that
//!   has an `<html>`, `<head>` or `<body>` start tag, is parsed as a document (so a
//!   missing doctype is an error there, as in html5lib). Any other text is a fragment:
//!   partials and templates are parsed as html5lib's `parseFragment` does (context
//!   element `<div>`), where no doctype is expected.
//! - The input is fed in chunks that end after every `>` and `\n`, so each parse error
//!   is located at the tag (or line) being read when html5ever reported it; unclosed
//!   elements are located at their start tag.
//! - Linear time: the WHATWG algorithm walks the stack of open elements for its scope
//!   checks, which makes deep nesting quadratic (in html5ever and html5lib alike). The
//!   parse stops with [`Verdict::TooDeep`](crate::Verdict::TooDeep) once elements nest
//!   deeper than `max_nesting`, and with a timeout at the deadline (checked per chunk).

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::time::Instant;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::TokenizerOpts;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilderOpts, TreeSink};
use html5ever::{local_name, ns, parse_document, parse_fragment, Attribute, ParseOpts, QualName};

use crate::css;
use crate::js::{self, Dialect};
use crate::report::{IssueKind, IssueSink, LineIndex, Structure};
use crate::validate::{Ctx, Unchecked};

/// Inline code validated after the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inline {
    /// A `<script>` in this JavaScript dialect.
    Script(Dialect),
    /// A `<style>` (CSS).
    Style,
}

/// How a `<script>` with this (trimmed, lowercased) `type` is validated: a classic
/// script for the JavaScript MIME types (no `import`, no top-level `return`), an ES
/// module for `module`, a classic script with JSX for Babel's `text/jsx` and
/// `text/babel`; `None` for data blocks (JSON, templates…), which are not JavaScript.
fn script_dialect(ty: &str) -> Option<Dialect> {
    match ty {
        ""
        | "text/javascript"
        | "application/javascript"
        | "text/ecmascript"
        | "application/ecmascript" => Some(Dialect::classic_script(false)),
        "module" => Some(Dialect::module(false)),
        "text/jsx" | "text/babel" => Some(Dialect::classic_script(true)),
        _ => None,
    }
}

/// Elements whose end tag the parser closes silently ("generate implied end tags"),
/// and that may stay open at the end of the body: never reported as unclosed.
const IMPLIED_END: &[&str] = &[
    "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc", "tbody", "td", "tfoot",
    "th", "thead", "tr", "body", "html", "head", "colgroup", "caption",
];

/// Longest html5ever message kept in an issue.
const MAX_MESSAGE: usize = 160;

/// One node of the shadow tree: just what the tree builder asks for, plus depth and
/// position for the checks.
struct Node {
    is_element: bool,
    depth: u32,
    /// Byte offset of the start tag (`<`) that made it.
    start: usize,
    has_parent: bool,
    in_open: bool,
    mathml_integration_point: bool,
}

/// Parser state shared between the feeding loop and the tree sink.
struct State<'a> {
    text: &'a str,
    index: &'a LineIndex,
    max_nesting: u32,
    names: RefCell<Vec<QualName>>,
    nodes: RefCell<Vec<Node>>,
    /// Mirror of the parser's stack of open elements (pushed on insertion, removed on
    /// `pop`).
    open: RefCell<Vec<usize>>,
    /// Elements popped while the current chunk was processed, innermost first.
    popped: RefCell<Vec<usize>>,
    /// The chunk being processed: `[start, end)`.
    chunk: Cell<(usize, usize)>,
    /// Offset of the last `<` fed so far.
    last_lt: Cell<usize>,
    at_eof: Cell<bool>,
    too_deep: Cell<bool>,
    max_depth: Cell<u32>,
    issues: RefCell<IssueSink>,
    /// Inline scripts and styles: kind and byte offset of the content.
    embedded: RefCell<Vec<(Inline, usize)>>,
}

struct Sink<'s, 'a>(&'s State<'a>);

pub(crate) fn check(ctx: &mut Ctx<'_>) -> Result<Structure, Unchecked> {
    let text = ctx.text;
    let state = State {
        text,
        index: &ctx.index,
        max_nesting: ctx.max_nesting,
        names: RefCell::new(Vec::new()),
        nodes: RefCell::new(Vec::new()),
        open: RefCell::new(Vec::new()),
        popped: RefCell::new(Vec::new()),
        chunk: Cell::new((0, 0)),
        last_lt: Cell::new(0),
        at_eof: Cell::new(false),
        too_deep: Cell::new(false),
        max_depth: Cell::new(0),
        issues: RefCell::new(std::mem::replace(&mut ctx.sink, IssueSink::new(0))),
        embedded: RefCell::new(Vec::new()),
    };
    let result = parse(&state, ctx.deadline);
    ctx.sink = state.issues.replace(IssueSink::new(0));
    result?;
    let mut structure = Structure {
        node_count: state.nodes.borrow().len() as u64,
        max_depth: state.max_depth.get(),
        error_bytes: 0,
    };
    for (inline, start) in state.embedded.take() {
        let end = raw_text_end(text, start, inline);
        let dialect = match inline {
            Inline::Script(dialect) => dialect,
            Inline::Style => {
                let st = css::check_embedded(ctx, start, end)?;
                structure.node_count += st.node_count;
                structure.error_bytes += st.error_bytes;
                continue;
            }
        };
        let st = js::check_code(ctx, start, end, dialect)?;
        structure.node_count += st.node_count;
        structure.error_bytes += st.error_bytes;
    }
    Ok(structure)
}

/// Feeds the text chunk by chunk, checking the depth limit and the deadline between
/// chunks.
fn parse(state: &State<'_>, deadline: Option<Instant>) -> Result<(), Unchecked> {
    let text = state.text;
    let opts = ParseOpts {
        tokenizer: TokenizerOpts {
            exact_errors: true,
            ..Default::default()
        },
        tree_builder: TreeBuilderOpts {
            exact_errors: true,
            scripting_enabled: false,
            ..Default::default()
        },
    };
    let sink = Sink(state);
    let mut parser = if is_document(text) {
        parse_document(sink, opts)
    } else {
        let div = QualName::new(None, ns!(html), local_name!("div"));
        let parser = parse_fragment(sink, opts, div, Vec::new(), false);
        // The context element (the first node after the document) is no open element
        // of the text.
        if let Some(n) = state.nodes.borrow_mut().get_mut(1) {
            n.in_open = false;
        }
        state.open.borrow_mut().retain(|&id| id != 1);
        parser
    };
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < text.len() {
        let end = memchr_chunk_end(&bytes[start..]).map_or(text.len(), |i| start + i + 1);
        state.chunk.set((start, end));
        state.popped.borrow_mut().clear();
        parser.process(StrTendril::from_slice(&text[start..end]));
        if let Some(i) = text[start..end].rfind('<') {
            state.last_lt.set(start + i);
            state.closed(&text[start + i..end]);
        }
        if state.too_deep.get() {
            return Err(Unchecked::TooDeep);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Unchecked::Timeout);
        }
        start = end;
    }
    state.chunk.set((text.len(), text.len()));
    state.popped.borrow_mut().clear();
    state.at_eof.set(true);
    parser.finish();
    if state.too_deep.get() {
        return Err(Unchecked::TooDeep);
    }
    Ok(())
}

/// Offset just before the next `>` or `\n` (the end of a chunk, exclusive of it).
fn memchr_chunk_end(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'>' || b == b'\n')
}

/// Whether the text is a whole document (see the module doc) rather than a fragment.
fn is_document(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    while let Some(after) = rest.strip_prefix("<!--") {
        match after.find("-->") {
            Some(i) => rest = after[i + 3..].trim_start(),
            None => return false,
        }
    }
    if starts_with_ignore_case(rest, "<!doctype") {
        return true;
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find('<') {
        let at = from + i + 1;
        for name in ["html", "head", "body"] {
            let end = at + name.len();
            if text
                .get(at..end)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
                && bytes
                    .get(end)
                    .is_none_or(|&b| b == b'>' || b == b'/' || b.is_ascii_whitespace())
            {
                return true;
            }
        }
        from = at;
    }
    false
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// End of an inline script's or style's raw text starting at `start`: the next
/// `</script` / `</style` (ASCII case-insensitive), or the end of the text.
fn raw_text_end(text: &str, start: usize, inline: Inline) -> usize {
    let close: &[u8] = if inline == Inline::Style {
        b"</style"
    } else {
        b"</script"
    };
    let bytes = text.as_bytes();
    let mut i = start;
    while let Some(p) = bytes
        .get(i..)
        .and_then(|b| b.iter().position(|&c| c == b'<'))
    {
        let at = i + p;
        if bytes
            .get(at..at + close.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(close))
        {
            return at;
        }
        i = at + 1;
    }
    text.len()
}

fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl State<'_> {
    fn local_name(&self, id: usize) -> String {
        self.names
            .borrow()
            .get(id)
            .map(|n| n.local.to_string())
            .unwrap_or_default()
    }

    fn is_open_named(&self, name: &str) -> bool {
        let nodes = self.names.borrow();
        self.open.borrow().iter().any(|&i| {
            nodes
                .get(i)
                .is_some_and(|n| (*n.local).eq_ignore_ascii_case(name))
        })
    }

    fn node_start(&self, id: usize) -> usize {
        self.nodes.borrow().get(id).map_or(0, |n| n.start)
    }

    /// The element an "unclosed" error is about: the innermost element popped by this
    /// chunk that does not close silently and is not `closing`; else the innermost open
    /// one that does not close silently.
    fn unclosed(&self, closing: Option<&str>, outermost: bool) -> Option<usize> {
        let quiet = |id: usize| {
            let n = self.local_name(id);
            IMPLIED_END.contains(&n.as_str()) || closing.is_some_and(|c| c.eq_ignore_ascii_case(&n))
        };
        if let Some(&id) = self.popped.borrow().iter().find(|&&id| !quiet(id)) {
            return Some(id);
        }
        let open = self.open.borrow();
        if outermost {
            open.iter().copied().find(|&id| !quiet(id))
        } else {
            open.iter().rev().copied().find(|&id| !quiet(id))
        }
    }

    fn push(&self, kind: IssueKind, start: usize, end: usize, message: String) {
        self.issues
            .borrow_mut()
            .push(self.index, kind, start, end, message);
    }

    /// Turns one html5ever parse error into a located issue.
    fn error(&self, msg: &str) {
        let text = self.text;
        let (cs, ce) = self.chunk.get();
        let eof = self.at_eof.get();
        // The chunk ends with the `>` of the tag html5ever just read, if any.
        let last_lt = text[cs..ce]
            .rfind('<')
            .map_or(self.last_lt.get(), |i| cs + i);
        let tag = (!eof && text[..ce].ends_with('>') && last_lt < ce)
            .then(|| &text[last_lt..ce])
            .filter(|t| t.starts_with('<'));
        let end_tag_name = tag.and_then(|t| t.strip_prefix("</")).map(|t| {
            t.trim_end_matches('>')
                .split(|c: char| c.is_ascii_whitespace() || c == '/')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        });
        let short = truncate(msg, MAX_MESSAGE);
        let here = if tag.is_some() { last_lt } else { cs };
        if msg.contains("character reference") {
            let at = text[cs..ce].rfind('&').map_or(cs, |i| cs + i);
            return self.push(IssueKind::BadEntity, at, at, short.to_string());
        }
        if msg.starts_with("Duplicate attribute") {
            return self.push(IssueKind::DuplicateAttribute, here, ce, short.to_string());
        }
        if msg.starts_with("Attributes on an end tag") || msg.starts_with("Self-closing end tag") {
            return self.push(IssueKind::BadAttribute, here, ce, short.to_string());
        }
        if msg.starts_with("Saw EOF") || msg.starts_with("Unexpected EOF") {
            return self.push(
                IssueKind::UnclosedTag,
                last_lt.min(text.len()),
                text.len(),
                format!("end of file inside markup ({short})"),
            );
        }
        if msg.starts_with("Saw ") || msg.starts_with("Bad character") {
            let kind = if msg.contains("Attribute") {
                IssueKind::BadAttribute
            } else {
                IssueKind::UnexpectedToken
            };
            return self.push(kind, here, ce, short.to_string());
        }
        let unclosed = if msg.starts_with("Unexpected open element while closing")
            || msg.starts_with("expected to close <td> or <th>")
            || msg.starts_with("Closing wrong heading tag")
        {
            self.unclosed(end_tag_name.as_deref(), false)
        } else if msg.starts_with("Unexpected open tag") || (eof && msg.contains("EOF")) {
            self.unclosed(None, true)
        } else {
            None
        };
        if let Some(id) = unclosed {
            let start = self.node_start(id);
            let name = self.local_name(id);
            let message = match &end_tag_name {
                Some(c) => format!("element <{name}> is never closed (closed by </{c}>)"),
                None => format!("element <{name}> is never closed"),
            };
            return self.push(IssueKind::UnclosedTag, start, start, message);
        }
        if let Some(name) = end_tag_name {
            let inside = {
                let open = self.open.borrow();
                open.iter()
                    .any(|&id| !["html", "head", "body"].contains(&self.local_name(id).as_str()))
            };
            let (kind, message) = if self.is_open_named(&name) || inside {
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
            return self.push(kind, here, ce, message);
        }
        if let Some(tag) = tag.filter(|t| !t.starts_with("<!") && !t.starts_with("<?")) {
            let name: String = tag
                .get(1..)
                .unwrap_or("")
                .chars()
                .take_while(|c| !c.is_ascii_whitespace() && *c != '>' && *c != '/')
                .take(40)
                .collect::<String>()
                .to_ascii_lowercase();
            return self.push(
                IssueKind::UnexpectedToken,
                here,
                ce,
                format!("tag <{name}> not allowed here ({})", truncate(msg, 100)),
            );
        }
        let at = if eof { text.len() } else { here };
        self.push(IssueKind::Other, at, ce.max(at), short.to_string())
    }

    /// After a chunk that ends with an end tag `</x>`: html5ever pops elements up to an
    /// open `x` without telling the sink, so the mirror does the same.
    fn closed(&self, tag: &str) {
        let Some(rest) = tag.strip_prefix("</").filter(|_| tag.ends_with('>')) else {
            return;
        };
        let name = rest
            .trim_end_matches('>')
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let pos = {
            let names = self.names.borrow();
            self.open.borrow().iter().rposition(|&i| {
                names
                    .get(i)
                    .is_some_and(|n| (*n.local).eq_ignore_ascii_case(name))
            })
        };
        if let Some(pos) = pos {
            let removed: Vec<usize> = self.open.borrow_mut().drain(pos..).collect();
            let mut nodes = self.nodes.borrow_mut();
            for id in removed {
                if let Some(n) = nodes.get_mut(id) {
                    n.in_open = false;
                }
            }
        }
    }

    fn insert(&self, child: usize, depth: u32) {
        let mut nodes = self.nodes.borrow_mut();
        let Some(node) = nodes.get_mut(child) else {
            return;
        };
        node.depth = depth;
        node.has_parent = true;
        if node.is_element {
            if depth > self.max_depth.get() {
                self.max_depth.set(depth);
            }
            if depth > self.max_nesting {
                self.too_deep.set(true);
            }
            if !node.in_open {
                node.in_open = true;
                self.open.borrow_mut().push(child);
            }
        }
    }

    fn depth(&self, id: usize) -> u32 {
        self.nodes.borrow().get(id).map_or(0, |n| n.depth)
    }

    fn new_node(&self, name: QualName, is_element: bool, integration: bool) -> usize {
        let start = self.text[..self.chunk.get().1]
            .rfind('<')
            .unwrap_or(self.last_lt.get());
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len();
        self.names.borrow_mut().push(name);
        nodes.push(Node {
            is_element,
            depth: 0,
            start,
            has_parent: false,
            in_open: false,
            mathml_integration_point: integration,
        });
        id
    }
}

impl TreeSink for Sink<'_, '_> {
    type Handle = usize;
    type Output = ();
    type ElemName<'a>
        = Ref<'a, QualName>
    where
        Self: 'a;

    fn finish(self) {}

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.0.error(&msg);
    }

    fn get_document(&self) -> usize {
        if self.0.nodes.borrow().is_empty() {
            self.0
                .new_node(QualName::new(None, ns!(), local_name!("")), false, false);
        }
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.0.names.borrow(), |n| &n[*target])
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> usize {
        self.get_document();
        let is_html = name.ns == ns!(html);
        let script = is_html && name.local == local_name!("script");
        let style = is_html && name.local == local_name!("style");
        let id = self
            .0
            .new_node(name, true, flags.mathml_annotation_xml_integration_point);
        if flags.template {
            self.0
                .new_node(QualName::new(None, ns!(), local_name!("")), false, false);
        }
        let inline = if style {
            Some(Inline::Style)
        } else if script {
            let ty = attrs
                .iter()
                .find(|a| a.name.local == local_name!("type"))
                .map(|a| a.value.trim().to_ascii_lowercase())
                .unwrap_or_default();
            script_dialect(&ty).map(Inline::Script)
        } else {
            None
        };
        // The start tag's `>` ends the chunk being processed: the raw text follows.
        let (_, end) = self.0.chunk.get();
        if let Some(g) = inline.filter(|_| !self.0.at_eof.get() && end > 0) {
            self.0.embedded.borrow_mut().push((g, end));
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        self.get_document();
        self.0
            .new_node(QualName::new(None, ns!(), local_name!("")), false, false)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.create_comment(StrTendril::new())
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        if let NodeOrText::AppendNode(c) = child {
            let d = self.0.depth(*parent) + 1;
            self.0.insert(c, d);
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        let has_parent = self
            .0
            .nodes
            .borrow()
            .get(*element)
            .is_some_and(|n| n.has_parent);
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &usize) -> usize {
        target + 1
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        if let NodeOrText::AppendNode(c) = new_node {
            let d = self.0.depth(*sibling);
            self.0.insert(c, d);
        }
    }

    fn add_attrs_if_missing(&self, _target: &usize, _attrs: Vec<Attribute>) {}

    fn remove_from_parent(&self, target: &usize) {
        if let Some(n) = self.0.nodes.borrow_mut().get_mut(*target) {
            n.has_parent = false;
        }
    }

    fn reparent_children(&self, _node: &usize, _new_parent: &usize) {}

    fn pop(&self, node: &usize) {
        if let Some(n) = self.0.nodes.borrow_mut().get_mut(*node) {
            if !n.in_open {
                return;
            }
            n.in_open = false;
        }
        let mut open = self.0.open.borrow_mut();
        if let Some(i) = open.iter().rposition(|x| x == node) {
            open.remove(i);
        }
        self.0.popped.borrow_mut().push(*node);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &usize) -> bool {
        self.0
            .nodes
            .borrow()
            .get(*handle)
            .is_some_and(|n| n.mathml_integration_point)
    }
}
