//! JavaScript-family validation with oxc: JavaScript, JSX, TypeScript and TSX.
//!
//! The whole text is parsed by `oxc_parser` with the [`SourceType`] that node and
//! TypeScript would use for the file, and every oxc error becomes a
//! [`SyntaxIssue`](crate::SyntaxIssue):
//!
//! | language, path | parsed as | valid when |
//! | -------------- | --------- | ---------- |
//! | JavaScript `.mjs` | module | the module parses |
//! | JavaScript `.cjs` | CommonJS (a script inside node's module wrapper: top-level `return` and `new.target` allowed, no `import`/`export` declarations) | the CommonJS script parses |
//! | JavaScript `.js`, other or no path | module, then CommonJS | either parses (node's rule for a file it cannot classify) |
//! | JSX | as JavaScript, with JSX | the same |
//! | TypeScript `.ts`, other or no path | TypeScript, module or script by content | it parses |
//! | TypeScript `.mts` / `.cts` | TypeScript module / CommonJS | it parses |
//! | TypeScript `.d.ts`, `.d.mts`, `.d.cts`, `.d.*.ts` | a TypeScript declaration file (ambient context) | it parses |
//! | TSX | TypeScript with JSX | it parses |
//!
//! JavaScript and JSX also get the early errors of `oxc_semantic`
//! (`with_check_syntax_error`: redeclared `let`/`const`, `import` in CommonJS, bad
//! `break` labels, duplicate `__proto__`…), because V8 reports them when it compiles a
//! file. TypeScript and TSX do not: TypeScript's parser reports only syntax
//! (`parseDiagnostics`); its early errors come from the type checker. For the same
//! reason two oxc parser errors that TypeScript reports from its checker are not
//! counted for TypeScript: statements in ambient contexts (TS1036) and `const`
//! without an initializer (TS1155).
//!
//! oxc's parser and visitors recurse, and V8 itself gives up below 5,000 nested
//! brackets (`RangeError: Maximum call stack size exceeded`). A linear pre-scan
//! ([`nesting`]) estimates the nesting depth; texts deeper than [`MAX_NESTING`] are
//! [`Verdict::TooDeep`](crate::Verdict::TooDeep), and the rest are parsed on a stack
//! big enough for that depth (grown on demand with `stacker` when the calling thread's
//! stack is smaller), so no input overflows the stack.
//!
//! [`Structure`] for these languages, deterministic for a given text and path:
//! - `node_count`: AST nodes of the accepted parse (every node oxc's `Visit` enters:
//!   statements, expressions, identifiers, literals, JSX elements, type annotations…;
//!   not tokens, unlike tree-sitter). For an invalid text, the nodes of the parse that
//!   got furthest; 1 or none when oxc could not recover (no tree, as in acorn and V8).
//! - `max_depth`: the deepest nesting of those nodes (the program = 1).
//! - `error_bytes`: bytes covered by the spans oxc attaches to its errors (each at
//!   least one byte, overlaps counted once) — oxc has no error nodes, so this is small
//!   and says where, not how much, the text is broken.
//!
//! oxc has no cancellation: the deadline is checked before each parse, and a text whose
//! deadline has already passed is [`Verdict::Timeout`](crate::Verdict::Timeout). Parse
//! time is linear in the text's length, which `max_bytes` bounds.

use std::cell::{Cell, RefCell};

use oxc_allocator::Allocator;
use oxc_ast::ast::{BindingIdentifier, IdentifierReference, Program, Statement, TSEnumMemberName};
use oxc_ast::AstKind;
use oxc_ast_visit::{walk, Visit};
use oxc_diagnostics::OxcDiagnostic;
use oxc_parser::{ParseOptions, Parser, ParserReturn};
use oxc_semantic::{ScopeFlags, ScopeId, SemanticBuilder, Stats};
use oxc_span::SourceType;
use sheikh_core::Language;

use crate::report::{IssueKind, Structure};
use crate::validate::{Ctx, Unchecked};

/// Texts whose estimated nesting depth ([`nesting`]) exceeds this are not parsed
/// ([`Verdict::TooDeep`](crate::Verdict::TooDeep)). V8 parses 1,000 nested brackets
/// and overflows at 5,000.
pub(crate) const MAX_NESTING: u32 = 2_000;

/// Stack bytes the parser, the structure walk and the semantic checks may use per
/// level of [`Nesting::levels`], plus a fixed reserve. Measured worst case in a release
/// build: 2.4 KB per level (`()=>(()=>(…))`), 1.6–1.9 KB for nested brackets,
/// templates and JSX expressions, under 0.6 KB for `=`/`?:` chains and `if` nesting,
/// 80 B for `+` and member chains; unoptimised builds use several times more.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) {
    32 << 10
} else {
    4 << 10
};
const STACK_RESERVE: usize = 256 << 10;

/// How a text is parsed: one or two oxc source types, valid when either accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dialect {
    first: SourceType,
    second: Option<SourceType>,
    /// Run oxc_semantic's early errors (JavaScript and JSX).
    early_errors: bool,
}

impl Dialect {
    /// The dialect of a JavaScript-family `language` for a file at `path` (node's and
    /// TypeScript's rules, see the module documentation). `None` for other languages.
    pub(crate) fn of(language: Language, path: Option<&str>) -> Option<Dialect> {
        let name = path
            .map(|p| {
                p.rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(p)
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        let jsx = matches!(language, Language::Jsx | Language::Tsx);
        match language {
            Language::JavaScript | Language::Jsx => {
                let module = SourceType::mjs().with_jsx(jsx);
                let commonjs = SourceType::cjs().with_jsx(jsx);
                let (first, second) = match ext {
                    "mjs" => (module, None),
                    "cjs" => (commonjs, None),
                    _ => (module, Some(commonjs)),
                };
                Some(Dialect {
                    first,
                    second,
                    early_errors: true,
                })
            }
            Language::TypeScript | Language::Tsx => {
                let declaration = is_declaration_file(&name);
                let base = match ext {
                    "mts" => SourceType::ts().with_module(true),
                    "cts" => SourceType::ts().with_commonjs(true),
                    _ => SourceType::ts(),
                };
                let first = base
                    .with_jsx(jsx)
                    .with_typescript_definition(declaration && !jsx);
                Some(Dialect {
                    first,
                    second: None,
                    early_errors: false,
                })
            }
            _ => None,
        }
    }

    /// A classic (non-module) browser script: HTML `<script>` without `type="module"`.
    pub(crate) fn classic_script(jsx: bool) -> Dialect {
        Dialect {
            first: SourceType::script().with_jsx(jsx),
            second: None,
            early_errors: true,
        }
    }

    /// An ES module (HTML `<script type="module">`, MDX import/export blocks).
    pub(crate) fn module(jsx: bool) -> Dialect {
        Dialect {
            first: SourceType::mjs().with_jsx(jsx),
            second: None,
            early_errors: true,
        }
    }
}

/// `x.d.ts`, `x.d.mts`, `x.d.cts` and `x.d.css.ts` (TypeScript's
/// `allowArbitraryExtensions` form) are declaration files.
fn is_declaration_file(name: &str) -> bool {
    if let Some(stem) = name
        .strip_suffix(".mts")
        .or_else(|| name.strip_suffix(".cts"))
    {
        return stem.len() > 2 && stem.ends_with(".d");
    }
    name.strip_suffix(".ts")
        .is_some_and(|stem| stem.ends_with(".d") && stem.len() > 2 || stem.contains(".d."))
}

thread_local! {
    /// One arena per thread, reset between parses (taken out while in use, so a nested
    /// parse on the same thread gets its own).
    static ARENA: RefCell<Option<Allocator>> = const { RefCell::new(None) };
}

/// Arenas that grew past this are dropped after use rather than kept for the thread.
const KEEP_ARENA_BYTES: usize = 64 << 20;

fn with_arena<R>(f: impl FnOnce(&mut Allocator) -> R) -> R {
    let mut arena = ARENA.with(|a| a.borrow_mut().take()).unwrap_or_default();
    let out = f(&mut arena);
    if arena.capacity() <= KEEP_ARENA_BYTES {
        arena.reset();
        ARENA.with(|a| *a.borrow_mut() = Some(arena));
    }
    out
}

/// Stacks larger than this are not allocated: the text is too deep.
const MAX_STACK: u64 = 1 << 30;

/// Pre-scans `code`: its [`Nesting`], or too deep to parse.
fn prepare(code: &str) -> Result<Nesting, Unchecked> {
    let n = nesting(code);
    if n.depth > MAX_NESTING || stack_for(n) > MAX_STACK {
        return Err(Unchecked::TooDeep);
    }
    Ok(n)
}

fn stack_for(n: Nesting) -> u64 {
    STACK_RESERVE as u64 + STACK_PER_LEVEL as u64 * n.levels
}

/// Runs `f` on a stack with room for `n`: the current one if it has that much left,
/// else a new one (`stacker`).
fn with_stack<R>(n: Nesting, f: impl FnOnce() -> R) -> R {
    let need = stack_for(n).min(MAX_STACK) as usize;
    stacker::maybe_grow(need, need, f)
}

/// One error found by oxc: byte span and message.
#[derive(Debug, Clone)]
struct Problem {
    start: usize,
    end: usize,
    message: String,
}

impl Problem {
    fn from_diagnostic(d: &OxcDiagnostic, len: usize) -> Problem {
        let span = d
            .labels
            .iter()
            .find(|l| l.primary())
            .or_else(|| d.labels.first())
            .map(|l| l.span());
        let (start, end) = span.map_or((len, len), |s| (s.start as usize, s.end as usize));
        let start = start.min(len);
        let mut message = d.message.to_string();
        if let Some(help) = &d.help {
            if message.len() < 80 {
                message.push_str(" (");
                message.push_str(help);
                message.push(')');
            }
        }
        Problem {
            start,
            end: end.clamp(start, len),
            message,
        }
    }
}

/// The outcome of one parse with one source type.
struct Parsed {
    problems: Vec<Problem>,
    structure: Structure,
}

/// Counts AST nodes and their nesting, and the scopes, bindings and references that
/// `oxc_semantic` allocates for (its [`Stats`], counted as `Stats::count` does), so
/// that the early-error pass does not walk the AST again to size its tables.
#[derive(Default)]
struct Shape {
    depth: u32,
    max_depth: u32,
    stats: Stats,
}

impl Shape {
    fn of(program: &Program<'_>) -> Shape {
        let mut shape = Shape::default();
        shape.visit_program(program);
        shape
    }
}

impl<'a> Visit<'a> for Shape {
    fn enter_node(&mut self, _kind: AstKind<'a>) {
        self.stats.nodes += 1;
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
    }

    fn leave_node(&mut self, _kind: AstKind<'a>) {
        self.depth -= 1;
    }

    fn enter_scope(&mut self, _flags: ScopeFlags, _scope_id: &Cell<Option<ScopeId>>) {
        self.stats.scopes += 1;
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        self.stats.symbols += 1;
        walk::walk_binding_identifier(self, it);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        self.stats.references += 1;
        walk::walk_identifier_reference(self, it);
    }

    fn visit_ts_enum_member_name(&mut self, it: &TSEnumMemberName<'a>) {
        self.stats.symbols += 1;
        walk::walk_ts_enum_member_name(self, it);
    }
}

/// Parses `text` as `source_type`.
fn parse<'a>(arena: &'a Allocator, text: &'a str, source_type: SourceType) -> ParserReturn<'a> {
    Parser::new(arena, text, source_type)
        .with_options(ParseOptions {
            // Regular expression literals are checked as V8 and TypeScript do.
            parse_regular_expression: true,
            ..ParseOptions::default()
        })
        .parse()
}

/// The problems of a parse (`ret.program.source_type` decides the early errors): the
/// parser's errors; when there are none, the early errors of `oxc_semantic` (its
/// tables sized by `stats` when known); when there are none either, `check`'s.
fn problems_of(
    ret: &ParserReturn<'_>,
    len: usize,
    early_errors: bool,
    stats: Option<Stats>,
    check: impl FnOnce(&Program<'_>) -> Option<Problem>,
) -> Vec<Problem> {
    let typescript = ret.program.source_type.is_typescript();
    let mut problems: Vec<Problem> = ret
        .diagnostics
        .errors()
        .filter(|d| !(typescript && checker_only(&d.message)))
        .map(|d| Problem::from_diagnostic(d, len))
        .collect();
    if problems.is_empty() && !ret.panicked {
        if early_errors {
            let mut builder = SemanticBuilder::new().with_check_syntax_error(true);
            if let Some(stats) = stats {
                builder = builder.with_stats(stats);
            }
            let sem = builder.build(&ret.program);
            problems.extend(
                sem.diagnostics
                    .iter()
                    .filter(|d| d.severity == oxc_diagnostics::Severity::Error)
                    .map(|d| Problem::from_diagnostic(d, len)),
            );
        }
        if problems.is_empty() {
            problems.extend(check(&ret.program));
        }
    }
    problems
}

/// The outcome of one parse: its problems and, when the AST was walked, its structure.
fn parsed(problems: Vec<Problem>, shape: Option<&Shape>, len: usize) -> Parsed {
    let mut structure = Structure::default();
    if let Some(shape) = shape {
        structure.node_count = u64::from(shape.stats.nodes);
        structure.max_depth = shape.max_depth;
        structure.error_bytes = error_bytes(&problems, len);
    }
    Parsed {
        problems,
        structure,
    }
}

/// Whether parsing `text` as a script (CommonJS) would give the same AST as `ret`, its
/// parse as a module, and no parser error either — so that the script's early errors
/// can be checked on `ret`'s AST instead of parsing again.
///
/// oxc's lexer and parser read the module/script goal in only these places, each
/// excluded here: the `await` keyword at the top level (an `AwaitExpression` or
/// `for await` in a module; an identifier or an error in a script); top-level `return`
/// and `new.target` (parser errors in a module, so `ret` has errors); `<!--` and `-->`
/// (comments in a script; operators or an error in a module); `import.meta`, `import`
/// and `export` declarations (errors in a script). Strict mode (`with`, legacy octal
/// literals and escapes, reserved words, `delete x`, duplicate parameters…) is checked
/// by `oxc_semantic`, which reads the goal from `program.source_type`.
fn same_ast_as_script(ret: &ParserReturn<'_>, text: &str) -> bool {
    !ret.panicked
        && ret.diagnostics.errors().next().is_none()
        && !ret.module_record.has_module_syntax
        && ret.module_record.import_metas.is_empty()
        && !ret
            .program
            .body
            .iter()
            .any(Statement::is_module_declaration)
        && !text.contains("await")
        && !text.contains("<!--")
        && !text.contains("-->")
}

/// oxc parser errors that TypeScript reports from its checker, not from its parser
/// (`parseDiagnostics`): not syntax errors by TypeScript's definition.
/// - TS1036 "Statements are not allowed in ambient contexts" (`.d.ts` files);
/// - TS1155 "'const' declarations must be initialized".
fn checker_only(message: &str) -> bool {
    message.starts_with("Statements are not allowed in ambient contexts")
        || message.starts_with("Missing initializer in const declaration")
}

/// Bytes covered by the problems' spans, each at least one byte (an error at the end of
/// the text covers its last byte), overlapping spans counted once.
fn error_bytes(problems: &[Problem], len: usize) -> u64 {
    if len == 0 {
        return 0;
    }
    let mut spans: Vec<(usize, usize)> = problems
        .iter()
        .map(|p| {
            let start = p.start.min(len - 1);
            (start, p.end.max(start + 1).min(len))
        })
        .collect();
    spans.sort_unstable();
    let mut total = 0u64;
    let mut reach = 0usize;
    for (s, e) in spans {
        let s = s.max(reach);
        if e > s {
            total += (e - s) as u64;
            reach = e;
        }
    }
    total
}

/// Parses `text` in `dialect`: the problems of the accepted parse (none) or of the
/// parse that got furthest, and the structure of that parse.
///
/// The second source type is tried only when the first fails. When the first parse had
/// no parser error, only early errors (a sloppy-mode script in a `.js` file fails the
/// module goal's strict mode), and [`same_ast_as_script`] holds, the second source
/// type's early errors are checked on the same AST instead of parsing the text again.
fn run(
    text: &str,
    dialect: Dialect,
    structure: bool,
    check: impl Fn(&Program<'_>) -> Option<Problem>,
) -> Parsed {
    let len = text.len();
    with_arena(|arena| {
        let (first, second) = {
            let mut ret = parse(&*arena, text, dialect.first);
            let shape = structure.then(|| Shape::of(&ret.program));
            let stats = shape.as_ref().map(|s| s.stats);
            let problems = problems_of(&ret, len, dialect.early_errors, stats, &check);
            let first = parsed(problems, shape.as_ref(), len);
            let Some(second) = dialect.second.filter(|_| !first.problems.is_empty()) else {
                return first;
            };
            if dialect.early_errors && same_ast_as_script(&ret, text) {
                ret.program.source_type = second;
                let problems = problems_of(&ret, len, true, stats, &check);
                return better(first, parsed(problems, shape.as_ref(), len));
            }
            (first, second)
        };
        arena.reset();
        let ret = parse(&*arena, text, second);
        let shape = structure.then(|| Shape::of(&ret.program));
        let stats = shape.as_ref().map(|s| s.stats);
        let problems = problems_of(&ret, len, dialect.early_errors, stats, &check);
        better(first, parsed(problems, shape.as_ref(), len))
    })
}

/// Of a failed first parse and a second one, the one whose first problem is further
/// into the text (the first on a tie); a parse without problems is the furthest.
fn better(first: Parsed, second: Parsed) -> Parsed {
    let reach = |p: &Parsed| p.problems.first().map_or(usize::MAX, |x| x.start);
    if reach(&second) > reach(&first) {
        second
    } else {
        first
    }
}

/// Validates the whole text of `ctx` as `language` (a JavaScript-family language) for a
/// file at `path`.
pub(crate) fn check(
    ctx: &mut Ctx<'_>,
    language: Language,
    path: Option<&str>,
) -> Result<Structure, Unchecked> {
    let Some(dialect) = Dialect::of(language, path) else {
        return Ok(Structure::default());
    };
    check_code(ctx, 0, ctx.text.len(), dialect)
}

/// Validates `ctx.text[start..end]` (a whole text, or an inline `<script>` of an HTML
/// page) in `dialect`, reporting issues at their offsets in the whole text.
pub(crate) fn check_code(
    ctx: &mut Ctx<'_>,
    start: usize,
    end: usize,
    dialect: Dialect,
) -> Result<Structure, Unchecked> {
    let Some(code) = ctx.text.get(start..end) else {
        return Ok(Structure::default());
    };
    let depth = prepare(code)?;
    if ctx.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
        return Err(Unchecked::Timeout);
    }
    let parsed = with_stack(depth, || run(code, dialect, true, |_| None));
    for p in parsed.problems {
        ctx.issue(
            kind_of(&p.message),
            start + p.start,
            start + p.end,
            p.message,
        );
    }
    Ok(parsed.structure)
}

/// The issue kind of an oxc message.
fn kind_of(message: &str) -> IssueKind {
    if message.starts_with("Expected corresponding JSX closing tag")
        || message.starts_with("Expected corresponding closing tag")
    {
        IssueKind::MismatchedTag
    } else if message.starts_with("Expected `") || message.starts_with("Expected a semicolon") {
        IssueKind::MissingNode
    } else if message.starts_with("Unexpected") || message.starts_with("Invalid") {
        IssueKind::UnexpectedToken
    } else {
        IssueKind::Other
    }
}

/// Whether `text` parses without any error as `language`, by the rules of
/// [`Validator::validate`](crate::Validator::validate) for a text without a path:
/// JavaScript as an ES module or as a CommonJS script (JSX is an error), JSX the same
/// with JSX, TypeScript (old-style `<T>x` casts allowed, JSX an error), TSX
/// (TypeScript with JSX). Early errors count for JavaScript and JSX, as in V8.
///
/// A fast check for telling these languages apart by content: no issues are collected,
/// no structure is computed, and the parser's arena is reused per thread. Returns
/// `false` for any other language, for texts over 4 GiB (the parser's limit), and for
/// texts nested too deep to parse safely.
///
/// ```
/// use sheikh_core::Language;
/// use sheikh_syntax::parses_as;
/// let jsx = "export const A = () => <div className=\"a\">hi</div>;";
/// assert!(!parses_as(jsx, Language::JavaScript));
/// assert!(parses_as(jsx, Language::Jsx));
/// assert!(parses_as("let y = <string>x;", Language::TypeScript));
/// assert!(!parses_as("let y = <string>x;", Language::Tsx));
/// ```
pub fn parses_as(text: &str, language: Language) -> bool {
    let Some(dialect) = Dialect::of(language, None) else {
        return false;
    };
    if u32::try_from(text.len()).is_err() {
        return false;
    }
    let Ok(depth) = prepare(text) else {
        return false;
    };
    with_stack(depth, || run(text, dialect, false, |_| None))
        .problems
        .is_empty()
}

/// Parses an MDX import/export block as an ES module with JSX: `Ok(())`, or the first
/// problem (offset in `code`, message). Statements other than `import`/`export` are
/// problems too (MDX allows only those in ESM blocks).
pub(crate) fn check_mdx_esm(code: &str) -> Result<(), (usize, String)> {
    first_problem(code, Dialect::module(true), |program| {
        program.body.iter().find_map(|s| {
            (!s.is_module_declaration()).then(|| {
                let start = oxc_span::GetSpan::span(s).start as usize;
                Problem {
                    start,
                    end: start,
                    message: "Unexpected statement in code: only import/exports are supported"
                        .into(),
                }
            })
        })
    })
}

/// Whether `code` holds nothing but whitespace and comments (an empty MDX expression).
pub(crate) fn is_blank_code(code: &str) -> bool {
    let mut blank = false;
    let _ = first_problem(code, Dialect::module(true), |program| {
        blank =
            program.body.is_empty() && program.directives.is_empty() && program.hashbang.is_none();
        None
    });
    blank
}

/// Parses `code` as one JavaScript (+JSX) expression statement and nothing else:
/// `Ok(())`, or the first problem (offset in `code`, message).
pub(crate) fn check_mdx_expression(code: &str) -> Result<(), (usize, String)> {
    first_problem(code, Dialect::module(true), |program| {
        let single = program.directives.is_empty()
            && program.body.len() == 1
            && matches!(program.body[0], Statement::ExpressionStatement(_));
        (!single).then(|| Problem {
            start: code.len(),
            end: code.len(),
            message: "Unexpected content after expression".into(),
        })
    })
}

/// The first problem of `code` in `dialect`, with `check` run on an error-free AST.
fn first_problem(
    code: &str,
    dialect: Dialect,
    check: impl FnMut(&Program<'_>) -> Option<Problem>,
) -> Result<(), (usize, String)> {
    let Ok(depth) = prepare(code) else {
        return Err((0, "nested too deep to parse".into()));
    };
    let check = RefCell::new(check);
    let parsed = with_stack(depth, || {
        run(code, dialect, false, |p| (check.borrow_mut())(p))
    });
    match parsed.problems.into_iter().min_by_key(|p| p.start) {
        None => Ok(()),
        Some(p) => Err((p.start, p.message)),
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// What a linear pre-scan ([`nesting`]) knows about how deep oxc will recurse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Nesting {
    /// The deepest nesting of `(`, `[`, `{`, `` ` `` and JSX-like `<x` tags, plus the
    /// longest run of prefix operators (`!!!!x`): what V8 also recurses on, compared
    /// with [`MAX_NESTING`].
    pub(crate) depth: u32,
    /// An upper bound of the recursion levels of the parser and of the AST walks:
    /// `depth`, plus the longest operator chain within one statement and bracket
    /// level (`a + b + …`, `a.b.c…`, `a = b = …`, `a ? b : c ? …`: left- or
    /// right-deep trees), plus every `if` of the text (`else if` chains nest).
    pub(crate) levels: u64,
}

/// The bytes [`nesting`] looks at (all others leave its counts as they are).
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = b"\"'/\\([{`<)]};,!~-+ \t\n\r=?:.*%|&^>i";
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
};

/// Pre-scans `text` in one linear pass without allocation (see [`Nesting`]). String
/// literals and comments are skipped; regular expressions and template text are not
/// recognised (a bracket inside one counts, which only over-estimates).
pub(crate) fn nesting(text: &str) -> Nesting {
    let b = text.as_bytes();
    let mut depth: u32 = 0;
    let mut max_depth: u32 = 0;
    let mut prefix: u32 = 0;
    let mut chain: u64 = 0;
    let mut max_chain: u64 = 0;
    let mut ifs: u64 = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // A byte the match below ignores only ends a prefix-operator run (and so does
        // whitespace after none): skipped without the bookkeeping, as most bytes are.
        if !SPECIAL[usize::from(c)] || (prefix == 0 && matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
            prefix = 0;
            i += 1;
            continue;
        }
        let mut is_prefix = false;
        match c {
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'\\' => i += 1,
            b'(' | b'[' | b'{' | b'`' => {
                depth += 1;
                chain = 0;
            }
            b'<' if b
                .get(i + 1)
                .is_some_and(|&n| n.is_ascii_alphabetic() || n == b'>') =>
            {
                depth += 1;
                chain += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                chain = 0;
            }
            b';' | b',' => chain = 0,
            b'!' | b'~' | b'-' | b'+' => {
                is_prefix = true;
                prefix += 1;
                chain += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' => is_prefix = prefix > 0,
            b'=' | b'?' | b':' | b'.' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'>' | b'<' => {
                chain += 1
            }
            b'i' if b.get(i + 1) == Some(&b'f')
                && !b.get(i.wrapping_sub(1)).is_some_and(|&p| is_ident_byte(p))
                && !b.get(i + 2).is_some_and(|&n| is_ident_byte(n)) =>
            {
                ifs += 1
            }
            _ => {}
        }
        if !is_prefix {
            prefix = 0;
        }
        max_depth = max_depth.max(depth.saturating_add(prefix));
        max_chain = max_chain.max(chain);
        i += 1;
    }
    Nesting {
        depth: max_depth,
        levels: u64::from(max_depth) + max_chain + ifs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str, language: Language, path: Option<&str>) -> Vec<Problem> {
        let d = Dialect::of(language, path).unwrap();
        run(text, d, true, |_| None).problems
    }

    #[test]
    fn declaration_file_names() {
        assert!(is_declaration_file("a.d.ts"));
        assert!(is_declaration_file("a.d.mts"));
        assert!(is_declaration_file("a.d.cts"));
        assert!(is_declaration_file("styles.d.css.ts"));
        assert!(!is_declaration_file("a.ts"));
        assert!(!is_declaration_file(".d.ts"));
        assert!(!is_declaration_file("a.mts"));
    }

    #[test]
    fn javascript_is_module_or_commonjs_by_extension() {
        let ret = "return 1;";
        assert!(problems(ret, Language::JavaScript, Some("a.cjs")).is_empty());
        assert!(!problems(ret, Language::JavaScript, Some("a.mjs")).is_empty());
        assert!(problems(ret, Language::JavaScript, None).is_empty());
        let import = "import x from 'y';";
        assert!(!problems(import, Language::JavaScript, Some("a.cjs")).is_empty());
        assert!(problems(import, Language::JavaScript, Some("a.mjs")).is_empty());
        assert!(problems(import, Language::JavaScript, None).is_empty());
    }

    #[test]
    fn error_bytes_merge_and_cover_at_least_one_byte() {
        let p = |start, end| Problem {
            start,
            end,
            message: String::new(),
        };
        assert_eq!(error_bytes(&[p(0, 2), p(1, 3)], 10), 3);
        assert_eq!(error_bytes(&[p(10, 10)], 10), 1);
        assert_eq!(error_bytes(&[p(4, 4), p(4, 4)], 10), 1);
        assert_eq!(error_bytes(&[], 0), 0);
    }

    #[test]
    fn nesting_counts_brackets_and_chains_not_strings() {
        let depth = |t: &str| nesting(t).depth;
        let levels = |t: &str| nesting(t).levels;
        assert_eq!(nesting("a"), Nesting::default());
        assert!(depth(&"(".repeat(50)) >= 50);
        assert!(depth(&"!".repeat(50)) >= 50);
        assert!(depth(&"- ".repeat(50)) >= 50);
        assert!(depth(&"<a>".repeat(50)) >= 50);
        assert!(levels(&"a=".repeat(50)) >= 50);
        assert!(levels(&"a+".repeat(50)) >= 50);
        assert!(levels(&"else if (a) b;".repeat(50)) >= 50);
        assert_eq!(levels("notify(diff);"), 1);
        assert!(depth(&"a + b - c;".repeat(5000)) < 5);
        assert!(levels(&format!("'{}'", "(".repeat(5000))) < 5);
        assert!(levels(&format!("// {}\n", "(".repeat(5000))) < 5);
        assert!(levels(&"f(a, b);\n".repeat(10_000)) < 5);
    }

    /// The script goal's early errors checked on the module goal's AST (when
    /// [`same_ast_as_script`]) are exactly those of a fresh parse as a script, and the
    /// structure is that of the script's AST.
    #[test]
    fn script_errors_on_the_module_ast_match_a_fresh_script_parse() {
        let texts = [
            "with (o) { x; }\n",
            "var x = 010;\n",
            "'\\07';\n",
            "var let = 1;\nlet = 2;\n",
            "function f(a, a) {}\n",
            "delete x;\n",
            "var interface = 1, package = 2, yield = 3;\n",
            "if (a) function g() {}\n",
            "var await = 1;\n",
            "arguments = 1; eval = 2;\n",
            "with (o) {}\nlet a; let a;\n",
            "with (o) {}\nx = a ?? b || c;\n",
            "with (o) {}\nb: b: x;\n",
            "with (o) {}\nvar p = {__proto__: 1, __proto__: 2};\n",
            "with (o) {}\nconst A = () => <div>{x}</div>;\n",
            "function f() { 'use strict'; with (o) {} }\n",
            "with (o) {}\nclass A { m() { with (o) {} } }\n",
            "with (o) {}\nfunction* g() { yield 1; }\nasync function h() { return 1; }\n",
            "with (o) {}\nif (new.target) {}\n",
            "with (o) {}\nx = import('y');\n",
            "with (o) {}\nx = require('y'); module.exports = x;\n",
        ];
        let mut reused = 0;
        for text in texts {
            for jsx in [false, true] {
                let module = SourceType::mjs().with_jsx(jsx);
                let script = SourceType::cjs().with_jsx(jsx);
                let arena = Allocator::default();
                let mut ret = parse(&arena, text, module);
                if !same_ast_as_script(&ret, text) {
                    continue;
                }
                reused += 1;
                let shape = Shape::of(&ret.program);
                ret.program.source_type = script;
                let got = problems_of(&ret, text.len(), true, Some(shape.stats), |_| None);
                let fresh_arena = Allocator::default();
                let fresh = parse(&fresh_arena, text, script);
                let fresh_shape = Shape::of(&fresh.program);
                let expected = problems_of(&fresh, text.len(), true, None, |_| None);
                let key = |p: &Vec<Problem>| {
                    p.iter()
                        .map(|p| (p.start, p.end, p.message.clone()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(key(&got), key(&expected), "{text:?} jsx={jsx}");
                assert_eq!(shape.stats.nodes, fresh_shape.stats.nodes, "{text:?}");
                assert_eq!(shape.max_depth, fresh_shape.max_depth, "{text:?}");
            }
        }
        assert!(reused >= 30, "{reused}");
    }

    #[test]
    fn module_syntax_await_and_html_comments_are_parsed_again() {
        let arena = Allocator::default();
        for text in [
            "with (o) {}\nawait(x);\n",
            "with (o) {}\nx = import.meta.url;\n",
            "with (o) {}\nexport const a = 1;\n",
            "x = 1 <!--y\nwith (o) {}\n",
            "x = 1\n--> c\nwith (o) {}\n",
        ] {
            let ret = parse(&arena, text, SourceType::mjs());
            assert!(!same_ast_as_script(&ret, text), "{text:?}");
        }
    }
}
