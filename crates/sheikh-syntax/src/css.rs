//! CSS validation with the CSS Syntax Level 3 tokenizer of `cssparser` (Servo), deciding
//! validity as postcss 8 does.
//!
//! Browsers never reject a stylesheet (CSS Syntax Level 3 error recovery drops what it
//! cannot use), so "valid" here means what the de-facto reference of the npm ecosystem,
//! postcss's parser (`lib/parser.js`, `lib/tokenize.js`), accepts. postcss throws at its
//! first error, and so does this checker: a text has at most one issue, the one postcss
//! reports, at the same place. The errors are:
//!
//! - `Unclosed string`, `Unclosed comment`: a quote with no matching unescaped quote
//!   anywhere later (postcss strings may span lines, unlike CSS `<bad-string>`s), a
//!   `/*` with no `*/`;
//! - `Unclosed bracket`: an unquoted `url(` with no `)` later, or a `(` / `[` in a
//!   selector or declaration that is still open at the end of the text;
//! - `Unclosed block` (a `{` never closed, located at its rule), `Unexpected }`;
//! - `Unknown word`: a statement with no `:` ended by `;`, `}` or the end of the text
//!   (`a;`, `a { b }`), or a word between a property and its colon (`color red: x`);
//! - `Missed semicolon`: a second `:` at parenthesis depth 0 in a declaration's value
//!   (`a: b c: d`), except after `progid` (`filter: progid:DX…(…)`) and in custom
//!   properties; `Double colon` (`a:: b`);
//! - `At-rule without name` (`@ x`).
//!
//! Everything else is valid, as in postcss and browsers: unquoted `url(../x.png)`,
//! `*zoom: 1`, `_height: 1px`, `!ie`, `\9` and `\0screen` hacks, `expression()`,
//! upper-case at-rules, custom properties with any value (`--x: {a:b}`, `--e:;`),
//! declarations at the top level, nested rules.
//!
//! `cssparser` splits the text into Level 3 tokens; they are regrouped into postcss's
//! tokens where the two tokenizers differ: postcss's words run across Level 3 token
//! boundaries (`*zoom`, `a.b`) but end at `!`, `#` and backslashes, a backslash before
//! a slash or a space escapes nothing (`\/*` opens a comment), a `(` whose text up to the next `)` holds no quote,
//! slash, backslash, `(` or line break is one opaque "brackets" token (`foo(a;b)`), an
//! unquoted `url(` runs to the next unescaped `)`, strings run to the matching quote
//! across lines, and an at-word runs to the next space, quote, `#`, bracket, `/`, `;` or
//! backslash. The tokenizer restarts after each of these and after every block opener,
//! so nothing recurses: deep nesting costs a stack of block offsets, and more than
//! `max_nesting` open blocks is [`Verdict::TooDeep`](crate::Verdict::TooDeep). Linear
//! time; the deadline is checked every 1024 tokens.

use std::time::Instant;

use cssparser::{Parser, Token};

use crate::report::{IssueKind, Structure};
use crate::validate::{Ctx, Unchecked};

/// Longest token text quoted in an `Unknown word` message.
const MAX_WORD: usize = 40;

/// Tokens between two deadline checks.
const DEADLINE_EVERY: u32 = 1024;

/// Validates the whole text of `ctx` as a stylesheet.
pub(crate) fn check(ctx: &mut Ctx<'_>) -> Result<Structure, Unchecked> {
    let len = ctx.text.len();
    run(ctx, 0, len, false)
}

/// Validates `ctx.text[start..end]` as a stylesheet embedded in a larger text (an HTML
/// `<style>` element); issues are located in the whole text. The `<!--` and `-->` that
/// old pages wrap style sheets in are blanks there, as in browsers (CSS Syntax Level 3
/// drops them; postcss alone would call `-->` an unknown word). A range that is out of
/// bounds or not on character boundaries is not checked (empty structure).
pub(crate) fn check_embedded(
    ctx: &mut Ctx<'_>,
    start: usize,
    end: usize,
) -> Result<Structure, Unchecked> {
    run(ctx, start, end, true)
}

fn run(
    ctx: &mut Ctx<'_>,
    start: usize,
    end: usize,
    embedded: bool,
) -> Result<Structure, Unchecked> {
    let Some(css) = ctx.text.get(start..end) else {
        return Ok(Structure::default());
    };
    // postcss drops a leading byte order mark (U+FEFF, or U+FFFE read the other way).
    let skip = ["\u{feff}", "\u{fffe}"]
        .iter()
        .find(|b| css.starts_with(*b))
        .map_or(0, |b| b.len());
    let mut checker = Checker {
        css,
        lex: Lexer::new(css, skip, ctx.deadline, embedded),
        open: Vec::new(),
        nodes: 0,
        max_depth: 1,
        max_nesting: ctx.max_nesting,
    };
    let result = checker.parse();
    let mut structure = Structure {
        node_count: checker.nodes,
        max_depth: checker.max_depth,
        error_bytes: 0,
    };
    match result {
        Ok(()) => {}
        Err(Stop::Unchecked(u)) => return Err(u),
        Err(Stop::Fail(f)) => {
            structure.error_bytes = (f.end - f.start) as u64;
            ctx.issue(f.kind, start + f.start, start + f.end, f.message);
        }
    }
    Ok(structure)
}

/// A postcss token kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Space,
    Comment,
    Word,
    Str,
    /// A `(` with its text up to the matching `)`, opaque (postcss `brackets`).
    Brackets,
    AtWord,
    OpenParen,
    CloseParen,
    OpenSquare,
    CloseSquare,
    OpenCurly,
    CloseCurly,
    Colon,
    Semicolon,
}

/// A postcss token: kind and byte range in the stylesheet.
#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The error postcss throws.
#[derive(Debug, Clone)]
struct Fail {
    kind: IssueKind,
    start: usize,
    end: usize,
    message: String,
}

/// Why checking stopped.
#[derive(Debug)]
enum Stop {
    /// postcss's error: the text is invalid.
    Fail(Fail),
    /// Out of time or too deep: nothing is known.
    Unchecked(Unchecked),
}

impl From<Fail> for Stop {
    fn from(f: Fail) -> Self {
        Stop::Fail(f)
    }
}

fn fail(kind: IssueKind, start: usize, end: usize, message: impl Into<String>) -> Fail {
    Fail {
        kind,
        start,
        end,
        message: message.into(),
    }
}

/// What a Level 3 token becomes (copied out so that the parser can be replaced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Plain(Kind),
    /// A block opener `{` / `[` after which the tokenizer restarts.
    Opener(Kind),
    Str,
    Comment,
    /// `(`.
    Paren,
    /// The start of a word (an ident, number, delimiter…; `name(`, `url(…)`).
    Word,
    /// `@name` or a lone `@`.
    At,
}

fn classify(token: &Token<'_>, embedded: bool) -> Class {
    match token {
        Token::CDO | Token::CDC if embedded => Class::Plain(Kind::Space),
        Token::WhiteSpace(_) => Class::Plain(Kind::Space),
        Token::Comment(_) => Class::Comment,
        Token::QuotedString(_) | Token::BadString(_) => Class::Str,
        Token::Colon => Class::Plain(Kind::Colon),
        Token::Semicolon => Class::Plain(Kind::Semicolon),
        Token::CloseCurlyBracket => Class::Plain(Kind::CloseCurly),
        Token::CloseSquareBracket => Class::Plain(Kind::CloseSquare),
        Token::CloseParenthesis => Class::Plain(Kind::CloseParen),
        Token::CurlyBracketBlock => Class::Opener(Kind::OpenCurly),
        Token::SquareBracketBlock => Class::Opener(Kind::OpenSquare),
        Token::ParenthesisBlock => Class::Paren,
        // `name(` and `url(…)` start with a word; the `(` is decided after it.
        Token::Function(_) | Token::UnquotedUrl(_) | Token::BadUrl(_) => Class::Word,
        Token::AtKeyword(_) | Token::Delim('@') => Class::At,
        _ => Class::Word,
    }
}

/// postcss's tokens over `cssparser`'s.
struct Lexer<'a> {
    css: &'a str,
    /// The Level 3 tokenizer, started at `base`.
    parser: Parser<'a>,
    base: usize,
    /// postcss's `lastBadParen`: `(` up to here are plain `(` tokens.
    last_bad_paren: Option<usize>,
    deadline: Option<Instant>,
    ticks: u32,
    /// `<!--` and `-->` are blanks (a style sheet inside HTML).
    embedded: bool,
}

impl<'a> Lexer<'a> {
    fn new(css: &'a str, start: usize, deadline: Option<Instant>, embedded: bool) -> Self {
        Lexer {
            css,
            parser: Parser::new(&css[start..]),
            base: start,
            last_bad_paren: None,
            deadline,
            ticks: 0,
            embedded,
        }
    }

    /// Restarts the tokenizer at `at` (a character boundary after a whole token).
    fn restart(&mut self, at: usize) {
        let at = at.min(self.css.len());
        self.parser = Parser::new(&self.css[at..]);
        self.base = at;
    }

    /// The next postcss token; `None` at the end of the text.
    fn next(&mut self) -> Result<Option<Tok>, Stop> {
        self.ticks += 1;
        if self.ticks >= DEADLINE_EVERY {
            self.ticks = 0;
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Stop::Unchecked(Unchecked::Timeout));
            }
        }
        match self.piece() {
            Some(p) => Ok(Some(p?)),
            None => Ok(None),
        }
    }

    /// The next token, or postcss's tokenizer error.
    fn piece(&mut self) -> Option<Result<Tok, Fail>> {
        let start = self.base + self.parser.position().byte_index();
        let class = match self.parser.next_including_whitespace_and_comments() {
            Ok(token) => classify(token, self.embedded),
            Err(_) => return None,
        };
        let end = self.base + self.parser.position().byte_index();
        let tok = |kind| Tok { kind, start, end };
        Some(match class {
            Class::Plain(kind) => Ok(tok(kind)),
            Class::Opener(kind) => {
                // The parser would skip the block's contents on its next call.
                self.restart(end);
                Ok(tok(kind))
            }
            Class::Comment => {
                if end - start >= 4 && self.css[start..end].ends_with("*/") {
                    Ok(tok(Kind::Comment))
                } else {
                    Err(fail(IssueKind::UnclosedTag, start, end, "Unclosed comment"))
                }
            }
            Class::Str => self.string(start, end),
            Class::Paren => self.paren(start),
            Class::Word => {
                // postcss's word: to the next [\t\n\f\r !"#'():;@[\\\]{}] or `/*`,
                // across Level 3 token boundaries (`*zoom`, `a.b`), or a backslash
                // with what it escapes.
                let word_end = if self.css.as_bytes()[start] == b'\\' {
                    backslash_end(self.css, start)
                } else {
                    word_end(self.css, start)
                };
                if word_end != end {
                    self.restart(word_end);
                }
                Ok(Tok {
                    kind: Kind::Word,
                    start,
                    end: word_end,
                })
            }
            Class::At => {
                // postcss: an at-word ends before [\t\n\f\r "#'()/;[\\\]{}].
                let at_end = self.css.as_bytes()[start + 1..]
                    .iter()
                    .position(|b| b"\t\n\x0c\r \"#'()/;[\\]{}".contains(b))
                    .map_or(self.css.len(), |i| start + 1 + i);
                if at_end != end {
                    self.restart(at_end);
                }
                Ok(Tok {
                    kind: Kind::AtWord,
                    start,
                    end: at_end,
                })
            }
        })
    }

    /// A string from its quote to the next unescaped same quote, wherever it is.
    fn string(&mut self, start: usize, end: usize) -> Result<Tok, Fail> {
        let bytes = self.css.as_bytes();
        let quote = bytes[start];
        let mut next = start;
        loop {
            match bytes[next + 1..].iter().position(|&b| b == quote) {
                Some(i) => next = next + 1 + i,
                None => {
                    return Err(fail(
                        IssueKind::UnclosedTag,
                        start,
                        self.css.len(),
                        "Unclosed string",
                    ))
                }
            }
            if !escaped(bytes, next) {
                break;
            }
        }
        if next + 1 != end {
            self.restart(next + 1);
        }
        Ok(Tok {
            kind: Kind::Str,
            start,
            end: next + 1,
        })
    }

    /// postcss's decision at a `(` (tokenize.js, `OPEN_PARENTHESES`); restarts the
    /// tokenizer after the token it makes.
    fn paren(&mut self, pos: usize) -> Result<Tok, Fail> {
        let bytes = self.css.as_bytes();
        let after_url = pos >= 3
            && bytes[pos - 3..pos].eq_ignore_ascii_case(b"url")
            && (pos == 3 || b"\t\n\x0c\r \"'(),/:;[]{}".contains(&bytes[pos - 4]));
        let quoted = || {
            bytes[pos + 1..]
                .iter()
                .find(|b| !b"\t\n\x0c\r ".contains(b))
                .is_some_and(|&b| b == b'"' || b == b'\'')
        };
        let close = |from: usize| bytes[from..].iter().position(|&b| b == b')');
        let tok = if after_url && !quoted() {
            let mut next = pos;
            loop {
                match close(next + 1) {
                    Some(i) => next = next + 1 + i,
                    None => {
                        return Err(fail(
                            IssueKind::MissingNode,
                            pos,
                            pos + 1,
                            "Unclosed bracket",
                        ))
                    }
                }
                if !escaped(bytes, next) {
                    break;
                }
            }
            Tok {
                kind: Kind::Brackets,
                start: pos,
                end: next + 1,
            }
        } else if self.last_bad_paren.is_some_and(|l| pos <= l) {
            Tok {
                kind: Kind::OpenParen,
                start: pos,
                end: pos + 1,
            }
        } else {
            match close(pos + 1).map(|i| pos + 1 + i) {
                Some(next)
                    if !bytes[pos + 1..next]
                        .iter()
                        .any(|b| b"\r\n\"'(/\\".contains(b)) =>
                {
                    Tok {
                        kind: Kind::Brackets,
                        start: pos,
                        end: next + 1,
                    }
                }
                found => {
                    self.last_bad_paren = Some(found.unwrap_or(self.css.len()));
                    Tok {
                        kind: Kind::OpenParen,
                        start: pos,
                        end: pos + 1,
                    }
                }
            }
        };
        self.restart(tok.end);
        Ok(tok)
    }
}

/// End of postcss's word starting at `pos` (tokenize.js, `RE_WORD_END`): its first
/// character, then up to a space, quote, `!`, `#`, bracket, `:`, `;`, `@`, backslash or
/// `/*`.
fn word_end(css: &str, pos: usize) -> usize {
    let bytes = css.as_bytes();
    let first = css[pos..].chars().next().map_or(1, char::len_utf8);
    let mut i = pos + first;
    while let Some(&b) = bytes.get(i) {
        if b"\t\n\x0c\r !\"#'():;@[\\]{}".contains(&b)
            || (b == b'/' && bytes.get(i + 1) == Some(&b'*'))
        {
            break;
        }
        i += 1;
    }
    i
}

/// End of postcss's backslash word at `pos` (tokenize.js, `BACKSLASH`): a run of
/// backslashes, and if the last one escapes, the next character unless it is a slash
/// or a space, a hex escape's digits and one space after them.
fn backslash_end(css: &str, pos: usize) -> usize {
    let bytes = css.as_bytes();
    let mut end = pos + 1;
    let mut escape = true;
    while bytes.get(end) == Some(&b'\\') {
        end += 1;
        escape = !escape;
    }
    if !escape {
        return end;
    }
    match css[end..].chars().next() {
        None => end,
        Some('/' | ' ' | '\n' | '\t' | '\r' | '\x0c') => end,
        Some(c) => {
            end += c.len_utf8();
            if c.is_ascii_hexdigit() {
                while bytes.get(end).is_some_and(u8::is_ascii_hexdigit) {
                    end += 1;
                }
                if bytes.get(end) == Some(&b' ') {
                    end += 1;
                }
            }
            end
        }
    }
}

/// Whether the byte at `i` is escaped by an odd run of backslashes before it.
fn escaped(bytes: &[u8], i: usize) -> bool {
    bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// postcss's parser over the tokens, keeping only what decides validity.
struct Checker<'a> {
    css: &'a str,
    lex: Lexer<'a>,
    /// Start offsets of the open rules and at-rules, innermost last.
    open: Vec<usize>,
    /// Rules, at-rules and declarations.
    nodes: u64,
    /// Deepest nesting of blocks and brackets, the stylesheet being 1.
    max_depth: u32,
    max_nesting: u32,
}

impl Checker<'_> {
    fn text(&self, t: Tok) -> &str {
        &self.css[t.start..t.end]
    }

    fn unknown_word(&self, t: Tok) -> Fail {
        fail(
            IssueKind::UnexpectedToken,
            t.start,
            t.end,
            format!("Unknown word {}", truncate(self.text(t))),
        )
    }

    /// parser.js `parse` and `endFile`.
    fn parse(&mut self) -> Result<(), Stop> {
        while let Some(t) = self.lex.next()? {
            match t.kind {
                Kind::Space | Kind::Semicolon | Kind::Comment => {}
                Kind::CloseCurly => self.end(t)?,
                Kind::AtWord => self.atrule(t)?,
                Kind::OpenCurly => {
                    // `emptyRule`: a rule with an empty selector.
                    self.nodes += 1;
                    self.open_block(t.start)?;
                }
                _ => self.other(t)?,
            }
        }
        if let Some(&start) = self.open.last() {
            return Err(fail(IssueKind::MissingNode, start, start, "Unclosed block").into());
        }
        Ok(())
    }

    fn open_block(&mut self, start: usize) -> Result<(), Stop> {
        self.open.push(start);
        let depth = u32::try_from(self.open.len()).unwrap_or(u32::MAX);
        if depth > self.max_nesting {
            return Err(Stop::Unchecked(Unchecked::TooDeep));
        }
        self.max_depth = self.max_depth.max(depth.saturating_add(1));
        Ok(())
    }

    /// Records `brackets` open brackets inside the innermost block.
    fn bracket_depth(&mut self, brackets: usize) {
        let depth = (self.open.len() + 1).saturating_add(brackets);
        self.max_depth = self.max_depth.max(u32::try_from(depth).unwrap_or(u32::MAX));
    }

    /// parser.js `end`.
    fn end(&mut self, t: Tok) -> Result<(), Stop> {
        match self.open.pop() {
            Some(_) => Ok(()),
            None => Err(fail(IssueKind::UnexpectedToken, t.start, t.end, "Unexpected }").into()),
        }
    }

    /// parser.js `atrule`: the prelude runs to `;`, `{` or `}` outside brackets.
    fn atrule(&mut self, at: Tok) -> Result<(), Stop> {
        if at.end - at.start == 1 {
            return Err(fail(
                IssueKind::UnexpectedToken,
                at.start,
                at.end,
                "At-rule without name",
            )
            .into());
        }
        self.nodes += 1;
        let mut brackets: Vec<Kind> = Vec::new();
        while let Some(t) = self.lex.next()? {
            match t.kind {
                Kind::OpenParen => brackets.push(Kind::CloseParen),
                Kind::OpenSquare => brackets.push(Kind::CloseSquare),
                Kind::OpenCurly if !brackets.is_empty() => brackets.push(Kind::CloseCurly),
                k if brackets.last() == Some(&k) => {
                    brackets.pop();
                }
                _ => {}
            }
            self.bracket_depth(brackets.len());
            if brackets.is_empty() {
                match t.kind {
                    Kind::Semicolon => return Ok(()),
                    Kind::OpenCurly => return self.open_block(at.start),
                    Kind::CloseCurly => return self.end(t),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// parser.js `other`: a rule's selector or a declaration, decided by what ends it.
    fn other(&mut self, first: Tok) -> Result<(), Stop> {
        let custom = self.text(first).starts_with("--");
        let mut decl = Decl::new(custom);
        let mut colon = false;
        // The outermost open bracket and the closers expected.
        let mut bracket: Option<Tok> = None;
        let mut brackets: Vec<Kind> = Vec::new();
        // `}` ending the statement, given back to `parse`.
        let mut closing: Option<Tok> = None;
        let mut token = Some(first);
        while let Some(t) = token {
            let k = t.kind;
            if k == Kind::OpenParen || k == Kind::OpenSquare {
                bracket.get_or_insert(t);
                brackets.push(if k == Kind::OpenParen {
                    Kind::CloseParen
                } else {
                    Kind::CloseSquare
                });
            } else if custom && colon && k == Kind::OpenCurly {
                bracket.get_or_insert(t);
                brackets.push(Kind::CloseCurly);
            } else if brackets.is_empty() {
                match k {
                    Kind::Semicolon if colon => {
                        decl.finish(self.css, false)?;
                        self.nodes += 1;
                        return Ok(());
                    }
                    Kind::Semicolon => break,
                    Kind::OpenCurly => {
                        self.nodes += 1;
                        return self.open_block(first.start);
                    }
                    Kind::CloseCurly => {
                        closing = Some(t);
                        break;
                    }
                    Kind::Colon => colon = true,
                    _ => {}
                }
            } else if brackets.last() == Some(&k) {
                brackets.pop();
                if brackets.is_empty() {
                    bracket = None;
                }
            }
            self.bracket_depth(brackets.len());
            decl.feed(self.css, t);
            token = self.lex.next()?;
        }
        if let Some(b) = bracket.filter(|_| !brackets.is_empty()) {
            return Err(fail(
                IssueKind::MissingNode,
                b.start,
                b.start + 1,
                "Unclosed bracket",
            )
            .into());
        }
        // Ended by `}` or the end of the text (a `;` without a colon is an unknown word).
        let ended = closing.is_some() || token.is_none();
        if ended && colon {
            decl.finish(self.css, !custom)?;
            self.nodes += 1;
            match closing {
                Some(c) => self.end(c),
                None => Ok(()),
            }
        } else {
            Err(self.unknown_word(first).into())
        }
    }
}

/// Where [`Decl`] is in parser.js `decl`'s scan of a declaration's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the first word (the property's start).
    Seek,
    /// In the property name.
    Prop,
    /// Between the property and its colon.
    Between,
    /// Spaces and comments after the colon.
    Spaces,
    /// The value.
    Value,
}

/// parser.js `decl` and `checkMissedSemicolon`, fed one token at a time (so that a
/// long statement needs no token buffer); the first error is kept for `finish`.
struct Decl {
    custom: bool,
    phase: Phase,
    err: Option<Fail>,
    last: Option<Tok>,
    /// Last token that is not a space or comment.
    last_solid: Option<Tok>,
    /// `colon()` state over the value: parenthesis depth and previous token.
    depth: i64,
    prev: Option<Tok>,
    /// The value's first token and its two latest tokens that are not spaces.
    first: Option<Tok>,
    recent: [Option<Tok>; 2],
}

impl Decl {
    fn new(custom: bool) -> Self {
        Decl {
            custom,
            phase: Phase::Seek,
            err: None,
            last: None,
            last_solid: None,
            depth: 0,
            prev: None,
            first: None,
            recent: [None, None],
        }
    }

    fn feed(&mut self, css: &str, t: Tok) {
        self.last = Some(t);
        let blank = matches!(t.kind, Kind::Space | Kind::Comment);
        if !blank {
            self.last_solid = Some(t);
        }
        if self.err.is_some() {
            return;
        }
        loop {
            match self.phase {
                Phase::Seek => {
                    if t.kind == Kind::Word {
                        self.phase = Phase::Prop;
                    }
                    return;
                }
                Phase::Prop => {
                    if matches!(t.kind, Kind::Colon | Kind::Space | Kind::Comment) {
                        self.phase = Phase::Between;
                        continue;
                    }
                    return;
                }
                Phase::Between => {
                    if t.kind == Kind::Colon {
                        self.phase = Phase::Spaces;
                    } else if t.kind == Kind::Word
                        && css[t.start..t.end]
                            .bytes()
                            .any(|b| b.is_ascii_alphanumeric() || b == b'_')
                    {
                        self.err = Some(fail(
                            IssueKind::UnexpectedToken,
                            t.start,
                            t.end,
                            format!("Unknown word {}", truncate(&css[t.start..t.end])),
                        ));
                    }
                    return;
                }
                Phase::Spaces => {
                    if blank {
                        return;
                    }
                    self.phase = Phase::Value;
                    self.first = Some(t);
                    continue;
                }
                Phase::Value => {
                    if !self.custom {
                        self.value(css, t);
                    }
                    return;
                }
            }
        }
    }

    /// parser.js `colon`, raising `checkMissedSemicolon`'s errors.
    fn value(&mut self, css: &str, t: Tok) {
        match t.kind {
            Kind::OpenParen => self.depth += 1,
            Kind::CloseParen => self.depth -= 1,
            _ => {}
        }
        let mut update_prev = true;
        if self.depth == 0 && t.kind == Kind::Colon {
            match self.prev {
                None => {
                    self.err = Some(fail(
                        IssueKind::UnexpectedToken,
                        t.start,
                        t.end,
                        "Double colon",
                    ));
                    return;
                }
                Some(p) if p.kind == Kind::Word && &css[p.start..p.end] == "progid" => {
                    update_prev = false;
                }
                Some(_) => {
                    // The second token before the colon that is not a space, else the
                    // value's first; after it if it is a word.
                    let at = match self.recent {
                        [Some(_), Some(second)] => second,
                        _ => self.first.unwrap_or(t),
                    };
                    let pos = if at.kind == Kind::Word {
                        at.end
                    } else {
                        at.start
                    };
                    self.err = Some(fail(IssueKind::MissingNode, pos, pos, "Missed semicolon"));
                    return;
                }
            }
        }
        if update_prev {
            self.prev = Some(t);
        }
        if t.kind != Kind::Space {
            self.recent = [Some(t), self.recent[0]];
        }
    }

    /// The declaration's tokens are all fed (`trim`: trailing spaces and comments are
    /// not part of it, as when postcss gives them back at `}` or the end of the text).
    fn finish(self, css: &str, trim: bool) -> Result<(), Fail> {
        if self.phase == Phase::Seek {
            // No word at all: postcss reports the declaration's last token.
            let last = if trim { self.last_solid } else { self.last };
            if let Some(t) = last.or(self.last) {
                return Err(fail(
                    IssueKind::UnexpectedToken,
                    t.start,
                    t.end,
                    format!("Unknown word {}", truncate(&css[t.start..t.end])),
                ));
            }
        }
        match self.err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn truncate(s: &str) -> &str {
    let mut cut = s.len().min(MAX_WORD);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}
