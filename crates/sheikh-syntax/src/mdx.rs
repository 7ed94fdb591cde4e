//! Markdown and MDX with the `markdown` crate.
//!
//! MDX gets what the crate does not do by itself, so the verdict matches
//! `@mdx-js/mdx`'s `compile`:
//! - ESM blocks (`import`/`export`) are parsed as an ES module (with JSX) by oxc and may
//!   hold only import/export statements;
//! - `{expressions}`, `<a {...spread}>` and `<a b={value}>` are parsed as JavaScript
//!   expressions (empty ones only where MDX allows them);
//! - a `<` left in text (a JSX tag the crate gave up on, `<!-- -->`, `<https://…>`) is
//!   an error unless followed by whitespace, as in micromark's MDX JSX extension.
//!
//! YAML/TOML frontmatter is accepted (the usual `remark-frontmatter` setup). Markdown is
//! always valid; it is parsed (GFM) for its structure. The crate's parser recurses on
//! nesting, so texts whose nesting estimate exceeds the limit are not parsed.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::Instant;

use markdown::mdast::{AttributeContent, AttributeValue, Node as Md};
use markdown::{to_mdast, Constructs, MdxExpressionKind, MdxSignal, ParseOptions};

use crate::js;
use crate::report::{IssueKind, Structure};
use crate::treesitter;
use crate::validate::{Ctx, Unchecked};

pub(crate) fn check(ctx: &mut Ctx<'_>, is_mdx: bool) -> Result<Structure, Unchecked> {
    within_limits(
        &shape(ctx.text, is_mdx),
        ctx.max_nesting,
        ctx.max_block_lines,
    )?;
    let timed_out = Rc::new(Cell::new(false));
    let options = if is_mdx {
        mdx_options(ctx.deadline, &timed_out)
    } else {
        ParseOptions {
            constructs: Constructs {
                frontmatter: true,
                ..Constructs::gfm()
            },
            ..ParseOptions::gfm()
        }
    };
    let text = ctx.text;
    let parsed = catch_unwind(AssertUnwindSafe(|| to_mdast(text, &options)));
    if timed_out.get() {
        return Err(Unchecked::Timeout);
    }
    let tree = match parsed {
        Ok(Ok(tree)) => tree,
        Ok(Err(message)) => {
            let offset = match message.place.as_deref() {
                Some(markdown::message::Place::Point(p)) => p.offset,
                Some(markdown::message::Place::Position(p)) => p.start.offset,
                None => text.len(),
            }
            .min(text.len());
            let kind = if message.reason.contains("closing tag") {
                IssueKind::UnclosedTag
            } else if message.rule_id.starts_with("sheikh-") {
                IssueKind::InvalidExpression
            } else {
                IssueKind::UnexpectedToken
            };
            ctx.issue(kind, offset, offset, message.reason);
            return Ok(Structure::default());
        }
        Err(_) => {
            ctx.issue(
                IssueKind::Other,
                0,
                0,
                "the markdown parser failed on this text".into(),
            );
            return Ok(Structure::default());
        }
    };
    let mut st = Structure::default();
    let mut stack: Vec<(&Md, u32)> = vec![(&tree, 1)];
    while let Some((node, depth)) = stack.pop() {
        st.node_count += 1;
        st.max_depth = st.max_depth.max(depth);
        if is_mdx {
            if let Md::Text(t) = node {
                if let Some(pos) = &t.position {
                    stray_angle_brackets(ctx, pos.start.offset, pos.end.offset);
                }
            }
        }
        if let Some(children) = node.children() {
            stack.extend(children.iter().rev().map(|c| (c, depth + 1)));
        }
    }
    Ok(st)
}

/// Whether a text uses MDX's own syntax (see
/// [`GrammarCheck::mdx_syntax`](sheikh_core::langid::GrammarCheck::mdx_syntax)):
/// parsed as `@mdx-js/mdx` would (ESM and expressions checked by oxc), `Some(true)` with
/// an ESM block, an expression, a component or fragment, or an attribute holding an
/// expression; `Some(false)` with none of those; `None` when the text does not parse as
/// MDX, is too deeply nested or too large to parse, or takes longer than the validator's
/// timeout (the validator's default limits).
pub(crate) fn uses_mdx_syntax(text: &str) -> Option<bool> {
    let limits = crate::ValidateOptions::default();
    within_limits(
        &shape(text, true),
        limits.max_nesting,
        limits.max_block_lines,
    )
    .ok()?;
    let deadline = Instant::now() + std::time::Duration::from_millis(limits.timeout_ms);
    let timed_out = Rc::new(Cell::new(false));
    let options = mdx_options(Some(deadline), &timed_out);
    let parsed = catch_unwind(AssertUnwindSafe(|| to_mdast(text, &options)));
    if timed_out.get() {
        return None;
    }
    let tree = parsed.ok()?.ok()?;
    let mut stack: Vec<&Md> = vec![&tree];
    while let Some(node) = stack.pop() {
        let own = match node {
            Md::MdxjsEsm(_) | Md::MdxFlowExpression(_) | Md::MdxTextExpression(_) => true,
            Md::MdxJsxFlowElement(e) => is_component(e.name.as_deref(), &e.attributes),
            Md::MdxJsxTextElement(e) => is_component(e.name.as_deref(), &e.attributes),
            _ => false,
        };
        if own {
            return Some(true);
        }
        if let Some(children) = node.children() {
            stack.extend(children.iter());
        }
    }
    Some(false)
}

/// A JSX element only MDX reads: a fragment, a capitalised or member name (`Note`,
/// `Tabs.Item`), or an attribute with an expression; `<div align="center">` is HTML in
/// Markdown as well.
fn is_component(name: Option<&str>, attributes: &[AttributeContent]) -> bool {
    let component = match name {
        None => true,
        Some(n) => n.starts_with(|c: char| c.is_ascii_uppercase()) || n.contains('.'),
    };
    component
        || attributes.iter().any(|a| match a {
            AttributeContent::Expression(_) => true,
            AttributeContent::Property(p) => {
                matches!(p.value, Some(AttributeValue::Expression(_)))
            }
        })
}

/// The parser's limits, shared by validation and the MDX-syntax check: nesting past
/// `max_nesting` is too deep; a block longer than `max_block_lines` lines or with more
/// than [`MAX_BLOCK_LINKS`] link starts is too large (the parser is quadratic in both).
fn within_limits(shape: &Shape, max_nesting: u32, max_block_lines: usize) -> Result<(), Unchecked> {
    if shape.nesting > max_nesting {
        return Err(Unchecked::TooDeep);
    }
    if shape.block_lines > max_block_lines || shape.block_links > MAX_BLOCK_LINKS {
        return Err(Unchecked::TooLarge);
    }
    Ok(())
}

fn mdx_options(deadline: Option<Instant>, timed_out: &Rc<Cell<bool>>) -> ParseOptions {
    let esm_flag = Rc::clone(timed_out);
    let expr_flag = Rc::clone(timed_out);
    ParseOptions {
        constructs: Constructs {
            frontmatter: true,
            ..Constructs::mdx()
        },
        mdx_esm_parse: Some(Box::new(move |value: &str| {
            esm_signal(value, deadline, &esm_flag)
        })),
        mdx_expression_parse: Some(Box::new(move |value: &str, kind: &MdxExpressionKind| {
            expression_signal(value, kind, deadline, &expr_flag)
        })),
        ..ParseOptions::mdx()
    }
}

fn error(msg: impl Into<String>, at: usize) -> MdxSignal {
    MdxSignal::Error(
        msg.into(),
        at,
        Box::new("sheikh-js".into()),
        Box::new("sheikh-syntax".into()),
    )
}

fn eof(msg: impl Into<String>) -> MdxSignal {
    MdxSignal::Eof(
        msg.into(),
        Box::new("sheikh-js".into()),
        Box::new("sheikh-syntax".into()),
    )
}

/// Whether the deadline has passed; sets `flag` (the MDX parse then ends as a timeout).
fn out_of_time(deadline: Option<Instant>, flag: &Cell<bool>) -> bool {
    let late = deadline.is_some_and(|d| Instant::now() >= d);
    if late {
        flag.set(true);
    }
    late
}

/// Turns a JavaScript verdict into a signal: `Ok`, an error at a position of `value`,
/// or `Eof` when the problem is at the end (more lines may complete it). `shift` is the
/// length of what was put before `value` to parse it.
fn verdict(
    result: Result<(), (usize, String)>,
    shift: usize,
    value: &str,
    what: &str,
) -> MdxSignal {
    match result {
        Ok(()) => MdxSignal::Ok,
        Err((at, _)) => {
            let at = at.saturating_sub(shift);
            if at >= value.trim_end().len() || looks_incomplete(value) {
                eof(format!("Unexpected end of file in {what}"))
            } else {
                error(format!("Could not parse {what}"), at.min(value.len()))
            }
        }
    }
}

/// A light JavaScript lexer: does `code` end inside a template literal, a string, a
/// block comment, or with brackets still open? Then more text may complete it, and
/// the MDX parser should try again with more (micromark asks acorn the same question).
/// Regular expression literals are not recognised (a `/` is an operator).
fn looks_incomplete(code: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Code,
        Str(u8),
        Template,
        Block,
        Line,
    }
    let b = code.as_bytes();
    let mut st = St::Code;
    // Bracket depth per template nesting level: `${` pushes a level.
    let mut depth: Vec<i64> = vec![0];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match st {
            St::Code => match c {
                b'"' | b'\'' => st = St::Str(c),
                b'`' => st = St::Template,
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    st = St::Block;
                    i += 1;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => st = St::Line,
                b'(' | b'[' | b'{' => *depth.last_mut().unwrap_or(&mut 0) += 1,
                b'}' if depth.len() > 1 && depth.last() == Some(&0) => {
                    depth.pop();
                    st = St::Template;
                }
                b')' | b']' | b'}' => *depth.last_mut().unwrap_or(&mut 0) -= 1,
                _ => {}
            },
            St::Str(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q || c == b'\n' {
                    st = St::Code;
                }
            }
            St::Template => {
                if c == b'\\' {
                    i += 1;
                } else if c == b'`' {
                    st = St::Code;
                } else if c == b'$' && b.get(i + 1) == Some(&b'{') {
                    depth.push(0);
                    st = St::Code;
                    i += 1;
                }
            }
            St::Block => {
                if c == b'*' && b.get(i + 1) == Some(&b'/') {
                    st = St::Code;
                    i += 1;
                }
            }
            St::Line => {
                if c == b'\n' {
                    st = St::Code;
                }
            }
        }
        i += 1;
    }
    matches!(st, St::Str(_) | St::Template | St::Block)
        || depth.len() > 1
        || depth.iter().any(|&d| d > 0)
}

fn esm_signal(value: &str, deadline: Option<Instant>, flag: &Cell<bool>) -> MdxSignal {
    // Lexically unfinished: ask for more text before paying for a parse (the parser
    // calls back at every candidate end, so this keeps long blocks linear).
    if looks_incomplete(value) {
        return eof("Unexpected end of file in import/exports");
    }
    if out_of_time(deadline, flag) {
        return error("parse time limit reached", 0);
    }
    match js::check_mdx_esm(value) {
        Err((at, msg)) if msg.starts_with("Unexpected statement") => error(msg, at),
        result => verdict(result, 0, value, "import/exports"),
    }
}

fn expression_signal(
    value: &str,
    kind: &MdxExpressionKind,
    deadline: Option<Instant>,
    flag: &Cell<bool>,
) -> MdxSignal {
    if looks_incomplete(value) {
        return eof("Unexpected end of file in expression");
    }
    let (prefix, body, suffix, empty_ok) =
        match kind {
            MdxExpressionKind::Expression => ("(", value, "\n)", true),
            MdxExpressionKind::AttributeValueExpression => ("(", value, "\n)", false),
            MdxExpressionKind::AttributeExpression => {
                let trimmed = value.trim_start();
                match trimmed.strip_prefix("...") {
                    Some(_) => ("({", value, "\n})", false),
                    None => return error(
                        "Unexpected content in attribute expression, expected a spread `{...x}`",
                        value.len() - trimmed.len(),
                    ),
                }
            }
        };
    if out_of_time(deadline, flag) {
        return error("parse time limit reached", 0);
    }
    // Whitespace and comments alone: allowed in prose (`{/* note */}`), not as a value.
    if js::is_blank_code(body) {
        return if empty_ok {
            MdxSignal::Ok
        } else {
            error("Unexpected empty expression", 0)
        };
    }
    let code = format!("{prefix}{body}{suffix}");
    // One expression, nothing more: `(a)(b)` would be a call, `a; b` an error.
    match js::check_mdx_expression(&code) {
        Err((_, msg)) if msg.starts_with("Unexpected content after") => error(msg, value.len()),
        result => verdict(result, prefix.len(), value, "expression"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_javascript() {
        assert!(looks_incomplete("`a {"));
        assert!(looks_incomplete("f(1, "));
        assert!(looks_incomplete("'abc"));
        assert!(looks_incomplete("/* c"));
        assert!(looks_incomplete("`${a"));
        assert!(!looks_incomplete("`${a}`"));
        assert!(!looks_incomplete("1 + "));
        assert!(!looks_incomplete("f(1) // ("));
        assert!(!looks_incomplete("a ? b : c"));
    }

    #[test]
    fn shape_estimates_nesting() {
        let n = |t: &str, mdx: bool| shape(t, mdx).nesting;
        assert_eq!(n("a", false), 0);
        assert_eq!(n("> > > x", false), 3);
        assert!(n(&"<a>".repeat(300), true) >= 300);
        assert_eq!(n(&"<a>".repeat(300), false), 0);
        assert!(n(&format!("{}x{}", "*".repeat(500), "*".repeat(500)), false) >= 500);
        // Closed emphasis, links and snake_case do not add up.
        assert!(n(&"a *b* [c](d) snake_case_name **e**\n".repeat(1000), false) <= 3);
        assert!(n(&"[x] ".repeat(1000), false) <= 1);
        assert!(n(&"\\* ".repeat(1000), false) <= 1);
        assert_eq!(shape("a\nb\n\nc\n", false).block_lines, 2);
    }
}

/// Reports every `<` in the source of a text node that micromark's MDX JSX would have
/// started a tag with (anything but whitespace or the end after it), unless escaped.
fn stray_angle_brackets(ctx: &mut Ctx<'_>, start: usize, end: usize) {
    let Some(src) = ctx.text.get(start..end.min(ctx.text.len())) else {
        return;
    };
    let bytes = src.as_bytes();
    let mut i = 0;
    while let Some(rel) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + rel;
        i = at + 1;
        let backslashes = bytes[..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            continue;
        }
        match bytes.get(at + 1) {
            None | Some(b' ' | b'\t' | b'\n' | b'\r') => {}
            Some(_) => {
                let (line_end, _) = src[at..].split_once('\n').unwrap_or((&src[at..], ""));
                let tag = treesitter::snippet(line_end, 0, line_end.len());
                ctx.issue(
                    IssueKind::UnclosedTag,
                    start + at,
                    start + at + 1,
                    format!("could not parse JSX tag `{tag}`"),
                );
                return;
            }
        }
    }
}

/// The shape of a Markdown text that decides whether the recursive, partly quadratic
/// `markdown` parser may run: an estimate of the mdast nesting depth and the longest
/// block of consecutive non-blank lines. Linear time, no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Upper-bound estimate of the nesting depth: container prefixes (`>`, list
    /// markers) on a line, plus the most `[` and emphasis openers (`*`, `_`, `~` runs
    /// that can open) not yet closed within the paragraph, plus (MDX) open JSX tags.
    pub(crate) nesting: u32,
    /// Longest run of consecutive non-blank lines.
    pub(crate) block_lines: usize,
    /// Most link destinations (`](`) in one block: the parser is quadratic in unclosed
    /// ones (100,000 `[a](` on a line take 4 s).
    pub(crate) block_links: usize,
}

/// Blocks with more link destinations than this are not parsed (`too_large`).
const MAX_BLOCK_LINKS: usize = 4096;

fn is_md_punct(b: u8) -> bool {
    b.is_ascii_punctuation()
}

pub(crate) fn shape(text: &str, is_mdx: bool) -> Shape {
    let mut nesting = 0u32;
    let mut block_lines = 0usize;
    let mut run_lines = 0usize;
    let mut block_links = 0usize;
    let mut links = 0usize;
    let mut brackets = 0u32;
    let mut emphasis = 0u32;
    let mut jsx: i64 = 0;
    for line in text.split('\n') {
        if line.trim().is_empty() {
            brackets = 0;
            emphasis = 0;
            run_lines = 0;
            links = 0;
            continue;
        }
        run_lines += 1;
        block_lines = block_lines.max(run_lines);
        // Container prefix.
        let mut containers = 0u32;
        let mut bytes = line.bytes().peekable();
        while let Some(b) = bytes.next() {
            match b {
                b'>' | b'-' | b'+' | b'*' => containers += 1,
                b' ' | b'\t' => {}
                b'0'..=b'9' => {
                    while bytes.next_if(|b| b.is_ascii_digit()).is_some() {}
                    if bytes.next_if(|&b| b == b'.' || b == b')').is_some() {
                        containers += 1;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        let lb = line.as_bytes();
        let (mut jsx_max, mut bracket_max, mut emphasis_max) = (jsx, brackets, emphasis);
        let mut i = 0;
        while i < lb.len() {
            let b = lb[i];
            let escaped = i > 0 && lb[i - 1] == b'\\';
            match b {
                b'[' if !escaped => {
                    brackets += 1;
                    bracket_max = bracket_max.max(brackets);
                }
                b']' if !escaped => {
                    brackets = brackets.saturating_sub(1);
                    if lb.get(i + 1) == Some(&b'(') {
                        links += 1;
                        block_links = block_links.max(links);
                    }
                }
                b'*' | b'_' | b'~' => {
                    let start = i;
                    while i + 1 < lb.len() && lb[i + 1] == b {
                        i += 1;
                    }
                    let len = (i + 1 - start - usize::from(escaped)) as u32;
                    let prev = start.checked_sub(1).map(|p| lb[p]);
                    let next = lb.get(i + 1).copied();
                    let space = |c: Option<u8>| c.is_none_or(|c| c.is_ascii_whitespace());
                    let punct = |c: Option<u8>| c.is_some_and(is_md_punct);
                    let left = !space(next) && (!punct(next) || space(prev) || punct(prev));
                    let right = !space(prev) && (!punct(prev) || space(next) || punct(next));
                    let (open, close) = if b == b'_' {
                        (
                            left && (!right || punct(prev)),
                            right && (!left || punct(next)),
                        )
                    } else {
                        (left, right)
                    };
                    if close {
                        emphasis = emphasis.saturating_sub(len);
                    }
                    if open {
                        emphasis = emphasis.saturating_add(len);
                        emphasis_max = emphasis_max.max(emphasis);
                    }
                }
                b'<' if is_mdx => match lb.get(i + 1) {
                    Some(b'/') => jsx -= 1,
                    Some(c) if c.is_ascii_alphabetic() || *c == b'>' => {
                        jsx += 1;
                        jsx_max = jsx_max.max(jsx);
                    }
                    _ => {}
                },
                b'>' if is_mdx && i > 0 && lb[i - 1] == b'/' => jsx -= 1,
                _ => {}
            }
            i += 1;
        }
        let level = containers
            .saturating_add(bracket_max)
            .saturating_add(emphasis_max)
            .saturating_add(jsx_max.clamp(0, u32::MAX as i64) as u32);
        nesting = nesting.max(level);
    }
    Shape {
        nesting,
        block_lines,
        block_links,
    }
}
