//! JavaScript, TypeScript, JSX and TSX families: React components with hooks and
//! props types, context providers, utility modules with JSDoc, classes, async code,
//! reducers, HTTP servers, type modules and tests. Expressions, statements, types and
//! JSX trees are composed recursively over a scope of names the sample declared.

use crate::code::Code;
use crate::rng::Dice;
use crate::style::Style;
use crate::vocab::{self, *};

/// Which dialect a sample is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JavaScript (ES2022 modules or CommonJS).
    Js,
    /// TypeScript.
    Ts,
    /// JavaScript with JSX.
    Jsx,
    /// TypeScript with JSX.
    Tsx,
}

impl Dialect {
    /// TypeScript or TSX.
    pub fn typed(self) -> bool {
        matches!(self, Dialect::Ts | Dialect::Tsx)
    }

    /// JSX or TSX.
    pub fn jsx(self) -> bool {
        matches!(self, Dialect::Jsx | Dialect::Tsx)
    }

    /// The families of this dialect and their relative weights.
    pub fn families(self) -> (&'static [&'static str], &'static [u32]) {
        match self {
            Dialect::Js => (
                &[
                    "utility_module",
                    "class_module",
                    "async_module",
                    "test_suite",
                    "http_server",
                    "reducer",
                ],
                &[24, 16, 18, 14, 12, 16],
            ),
            Dialect::Ts => (
                &[
                    "utility_module",
                    "class_module",
                    "async_module",
                    "types_module",
                    "test_suite",
                    "reducer",
                ],
                &[20, 16, 16, 18, 12, 18],
            ),
            Dialect::Jsx | Dialect::Tsx => (
                &[
                    "react_component",
                    "context_provider",
                    "form_component",
                    "component_test",
                ],
                &[50, 15, 20, 15],
            ),
        }
    }
}

/// Generates one sample of `family` in `dialect`; `None` for an unknown family.
pub fn generate(dialect: Dialect, family: &str, d: &mut Dice) -> Option<String> {
    let style = Style::draw(d, 0.55);
    let mut g = Gen {
        d,
        s: style,
        dialect,
        scope: Vec::new(),
        types: Vec::new(),
    };
    Some(match family {
        "utility_module" => g.utility_module(),
        "class_module" => g.class_module(),
        "async_module" => g.async_module(),
        "test_suite" => g.test_suite(),
        "http_server" => g.http_server(),
        "reducer" => g.reducer(),
        "types_module" => g.types_module(),
        "react_component" => g.react_component(false),
        "form_component" => g.react_component(true),
        "context_provider" => g.context_provider(),
        "component_test" => g.component_test(),
        _ => return None,
    })
}

/// A standalone function (for MDX code fences and instruction tasks): its source
/// without documentation, its name and its parameter names.
pub fn plain_function(d: &mut Dice, dialect: Dialect) -> (String, String, Vec<String>, bool) {
    let style = Style::draw(d, 0.5);
    let mut g = Gen {
        d,
        s: style,
        dialect,
        scope: Vec::new(),
        types: Vec::new(),
    };
    let f = g.function_parts(false);
    let mut c = Code::new(g.s.indent);
    g.emit_function(&mut c, &f, false, false);
    (
        c.finish(),
        f.name,
        f.params.iter().map(|p| p.name.clone()).collect(),
        f.returns,
    )
}

/// A short snippet in `dialect` (a function or a small component), for code fences.
pub fn snippet(d: &mut Dice, dialect: Dialect) -> String {
    let style = Style::draw(d, 0.5);
    let mut g = Gen {
        d,
        s: style,
        dialect,
        scope: Vec::new(),
        types: Vec::new(),
    };
    let mut c = Code::new(g.s.indent);
    if dialect.jsx() && g.d.chance(0.6) {
        let name = vocab::type_name(g.d);
        g.component_body(&mut c, &name, false);
    } else {
        let is_async = g.d.chance(0.3);
        let f = g.function_parts(is_async);
        let doc = g.d.chance(0.4);
        let export = g.d.chance(0.5);
        g.emit_function(&mut c, &f, doc, export);
    }
    c.finish()
}

struct Param {
    name: String,
    ty: String,
    default: Option<String>,
}

struct Func {
    name: String,
    params: Vec<Param>,
    is_async: bool,
    arrow: bool,
    ret_ty: String,
    summary: String,
    returns: bool,
}

struct Gen<'a> {
    d: &'a mut Dice,
    s: Style,
    dialect: Dialect,
    /// Names in scope (variables and parameters).
    scope: Vec<String>,
    /// Type names declared in this sample.
    types: Vec<String>,
}

const METHODS_ARRAY: &[&str] = &[
    "map", "filter", "some", "every", "find", "flatMap", "forEach",
];
const PROPS: &[&str] = &[
    "id",
    "name",
    "title",
    "status",
    "total",
    "count",
    "items",
    "createdAt",
    "updatedAt",
    "value",
    "label",
    "price",
    "quantity",
    "email",
    "tags",
    "enabled",
    "score",
    "owner",
    "children",
    "length",
    "type",
    "key",
    "url",
    "size",
    "priority",
    "slug",
];

impl Gen<'_> {
    fn semi(&self) -> &'static str {
        self.s.semi()
    }

    fn fresh(&mut self) -> String {
        for _ in 0..8 {
            let n = vocab::var_name(self.d);
            if !self.scope.contains(&n) && !is_reserved(&n) {
                return n;
            }
        }
        format!("{}{}", vocab::var_name(self.d), self.scope.len())
    }

    fn known(&mut self) -> String {
        if self.scope.is_empty() {
            let n = self.fresh();
            return format!("globalThis.{n}");
        }
        self.d.choose(&self.scope).clone()
    }

    // ------------------------------------------------------------ types

    fn ty(&mut self, depth: usize) -> String {
        let r = if depth > 1 {
            self.d.below(4)
        } else {
            self.d.below(10)
        };
        match r {
            0 => "string".into(),
            1 => "number".into(),
            2 => "boolean".into(),
            3 => {
                if self.types.is_empty() {
                    "string".into()
                } else {
                    self.d.choose(&self.types).clone()
                }
            }
            4 => format!("{}[]", self.ty(depth + 1)),
            5 => format!("Array<{}>", self.ty(depth + 1)),
            6 => format!("Record<string, {}>", self.ty(depth + 1)),
            7 => {
                let vs = self.d.some(ADJECTIVES, 2, 4);
                vs.iter()
                    .map(|v| qq(self.s.quote, v))
                    .collect::<Vec<_>>()
                    .join(" | ")
            }
            8 => format!("{} | null", self.ty(depth + 1)),
            _ => format!(
                "Partial<{}>",
                if self.types.is_empty() {
                    "Record<string, unknown>".to_string()
                } else {
                    self.d.choose(&self.types).clone()
                }
            ),
        }
    }

    // ------------------------------------------------------------ expressions

    fn literal(&mut self) -> String {
        match self.d.below(7) {
            0 => self.d.range(0, 1000).to_string(),
            1 => format!("{}.{}", self.d.range(0, 99), self.d.range(1, 99)),
            2 => {
                let w = vocab::phrase(self.d);
                qq(self.s.quote, &w)
            }
            3 => self.d.pick(&["true", "false", "null"]).to_string(),
            4 => {
                let v = self.known();
                format!("`{} ${{{}}}`", vocab::capitalize(self.d.pick(NOUNS)), v)
            }
            5 => {
                let w = self.d.pick(NOUNS);
                qq(self.s.quote, w)
            }
            _ => format!("{}", self.d.range(1, 64) * 8),
        }
    }

    /// An expression for a position that takes any expression (an initialiser, an
    /// argument, a `return` value: an AssignmentExpression).
    fn expr(&mut self, depth: usize) -> String {
        self.ex(depth).text
    }

    /// An expression with the grammar level it parses at. Operands are parenthesised by
    /// [`Ex::operand`] where their level is below what the position needs, so the text
    /// always parses, and parses as the tree drawn here.
    fn ex(&mut self, depth: usize) -> Ex {
        if depth > 2 {
            return if self.d.chance(0.5) {
                Ex::new(self.known(), Prec::Postfix)
            } else {
                Ex::new(self.literal(), Prec::Primary)
            };
        }
        match self.d.below(13) {
            0 | 1 => Ex::new(self.known(), Prec::Postfix),
            2 => Ex::new(self.literal(), Prec::Primary),
            3 => Ex::new(
                format!("{}.{}", self.known(), self.d.pick(PROPS)),
                Prec::Postfix,
            ),
            // An optional chain: never a `new` callee nor a template tag (neither is
            // generated), so Postfix is its level.
            4 => Ex::new(
                format!("{}?.{}", self.known(), self.d.pick(PROPS)),
                Prec::Postfix,
            ),
            5 => {
                let op = BinOp::from_token(self.d.pick(&[
                    "+", "-", "*", "/", "%", "===", "!==", "<", ">=", "&&", "||", "??",
                ]));
                let (a, b) = (self.ex(depth + 1), self.ex(depth + 1));
                op.apply(a, b)
            }
            6 => {
                let f = vocab::fn_name(self.d);
                let n = self.d.range(0, 3);
                let args: Vec<String> = (0..n).map(|_| self.expr(depth + 1)).collect();
                Ex::new(format!("{f}({})", args.join(", ")), Prec::Postfix)
            }
            7 => {
                let (c, a, b) = (self.ex(depth + 1), self.ex(depth + 1), self.ex(depth + 1));
                // The test keeps its own parentheses (a style); the branches take any
                // AssignmentExpression.
                Ex::new(
                    format!("({}) ? {} : {}", c.text, a.text, b.text),
                    Prec::Assign,
                )
            }
            8 => {
                let m = self.d.pick(METHODS_ARRAY);
                let x = self
                    .d
                    .pick(&["item", "entry", "row", "x", "el", "node", "record"]);
                let body = format!(
                    "{x}.{} {} {}",
                    self.d.pick(PROPS),
                    self.d.pick(&["===", "!==", ">", "<="]),
                    self.literal()
                );
                let p = if self.d.chance(0.5) {
                    format!("({x})")
                } else {
                    x.to_string()
                };
                // The arrow function is an argument (an AssignmentExpression position),
                // never an operand.
                Ex::new(
                    format!("{}.{m}({p} => {body})", self.known()),
                    Prec::Postfix,
                )
            }
            9 => {
                let acc = self.d.pick(&["acc", "sum", "total", "memo"]);
                Ex::new(
                    format!(
                        "{}.reduce(({acc}, item) => {acc} + item.{}, 0)",
                        self.known(),
                        self.d.pick(PROPS)
                    ),
                    Prec::Postfix,
                )
            }
            10 => {
                let n = self.d.range(1, 3);
                let mut fields = Vec::new();
                let mut seen = Vec::new();
                for _ in 0..n {
                    let k = self.d.pick(PROPS);
                    if seen.contains(&k) {
                        continue;
                    }
                    seen.push(k);
                    fields.push(format!("{k}: {}", self.expr(depth + 1)));
                }
                if self.d.chance(0.3) {
                    fields.insert(0, format!("...{}", self.known()));
                }
                // An object literal: callers never put an expression at the start of a
                // statement, where `{` would open a block.
                Ex::new(format!("{{ {} }}", fields.join(", ")), Prec::Primary)
            }
            11 => {
                let n = self.d.range(0, 3);
                let items: Vec<String> = (0..n).map(|_| self.expr(depth + 1)).collect();
                Ex::new(format!("[{}]", items.join(", ")), Prec::Primary)
            }
            _ => Ex::new(format!("!{}", self.known()), Prec::Unary),
        }
    }

    fn cond(&mut self) -> String {
        match self.d.below(5) {
            0 => format!("!{}", self.known()),
            1 => format!(
                "{}.length {} {}",
                self.known(),
                self.d.pick(&["===", ">", "<"]),
                self.d.range(0, 10)
            ),
            2 => format!(
                "typeof {} === {}",
                self.known(),
                qq(
                    self.s.quote,
                    self.d
                        .pick(&["string", "number", "object", "undefined", "function"])
                )
            ),
            3 => format!(
                "{} instanceof {}",
                self.known(),
                self.d.pick(&["Error", "Date", "Map", "Array"])
            ),
            _ => {
                let (a, b) = (self.ex(2), Ex::new(self.literal(), Prec::Primary));
                let op = BinOp::from_token(self.d.pick(&["===", "!==", ">", "<", ">=", "<="]));
                op.apply(a, b).text
            }
        }
    }

    // ------------------------------------------------------------ statements

    fn stmt(&mut self, c: &mut Code, depth: usize) {
        let semi = self.semi();
        let r = if depth > 2 {
            self.d.below(3)
        } else {
            self.d.below(9)
        };
        match r {
            0 | 1 => {
                let n = self.fresh();
                let kw = if self.d.chance(0.75) { "const" } else { "let" };
                let ty = if self.dialect.typed() && self.d.chance(0.3) {
                    let t = self.ty(1);
                    format!(": {t}")
                } else {
                    String::new()
                };
                let e = self.expr(0);
                c.line(format!("{kw} {n}{ty} = {e}{semi}"));
                self.scope.push(n);
            }
            2 => {
                let e = self.expr(1);
                let f = vocab::fn_name(self.d);
                c.line(format!("{f}({e}){semi}"));
            }
            3 => {
                let cnd = self.cond();
                c.open(format!("if ({cnd}) {{"));
                let mark = self.scope.len();
                for _ in 0..self.d.range(1, 2) {
                    self.stmt(c, depth + 1);
                }
                self.scope.truncate(mark);
                if self.d.chance(0.4) {
                    c.close("} else {");
                    c.indent();
                    self.stmt(c, depth + 1);
                    self.scope.truncate(mark);
                }
                c.close("}");
            }
            4 => {
                let item = self.fresh();
                let coll = self.known();
                c.open(format!("for (const {item} of {coll}) {{"));
                let mark = self.scope.len();
                self.scope.push(item);
                for _ in 0..self.d.range(1, 2) {
                    self.stmt(c, depth + 1);
                }
                if self.d.chance(0.3) {
                    let cnd = self.cond();
                    c.line(format!(
                        "if ({cnd}) {}{semi}",
                        self.d.pick(&["break", "continue"])
                    ));
                }
                self.scope.truncate(mark);
                c.close("}");
            }
            5 => {
                c.open("try {");
                let mark = self.scope.len();
                self.stmt(c, depth + 1);
                self.scope.truncate(mark);
                let e = self.d.pick(&["err", "error", "e", "cause"]);
                let ann = if self.dialect.typed() && self.d.chance(0.5) {
                    ": unknown"
                } else {
                    ""
                };
                c.close(format!("}} catch ({e}{ann}) {{"));
                c.indent();
                c.line(format!(
                    "console.{}({}, {e}){semi}",
                    self.d.pick(&["error", "warn"]),
                    qq(self.s.quote, &vocab::phrase(self.d))
                ));
                c.close("}");
            }
            6 => {
                let subject = self.known();
                let target = self.fresh();
                let init = self.literal();
                c.line(format!("let {target} = {init}{semi}"));
                c.open(format!("switch ({subject}) {{"));
                for v in self.d.some(ADJECTIVES, 1, 3) {
                    c.line(format!("case {}:", qq(self.s.quote, v)));
                    c.indent();
                    let e = self.expr(1);
                    c.line(format!("{target} = {e}{semi}"));
                    c.line(format!("break{semi}"));
                    c.dedent();
                }
                c.line("default:");
                c.indent();
                if self.d.chance(0.5) {
                    c.line(format!(
                        "throw new Error(`Unknown {}: ${{{subject}}}`){semi}",
                        self.d.pick(NOUNS)
                    ));
                } else {
                    c.line(format!("break{semi}"));
                }
                c.dedent();
                c.close("}");
                self.scope.push(target);
            }
            7 => {
                let n = self.fresh();
                let (a, b) = (self.known(), self.d.pick(PROPS));
                // A property whose name is already bound here (or is the rest
                // binding's own name) is renamed: declaring it again is an early error.
                if n == b || self.scope.iter().any(|s| s == b) {
                    let alias = self.fresh();
                    c.line(format!("const {{ {b}: {alias}, ...{n} }} = {a}{semi}"));
                    self.scope.push(alias);
                } else {
                    c.line(format!("const {{ {b}, ...{n} }} = {a}{semi}"));
                    self.scope.push(b.to_string());
                }
                self.scope.push(n);
            }
            _ => {
                let cnd = self.cond();
                c.open(format!("if ({cnd}) {{"));
                let e = self.expr(1);
                c.line(format!("return {e}{semi}"));
                c.close("}");
            }
        }
    }

    fn body(&mut self, c: &mut Code, n: usize, returns: bool, is_async: bool) {
        let semi = self.semi();
        for _ in 0..n {
            if is_async && self.d.chance(0.35) {
                let v = self.fresh();
                let f = vocab::fn_name(self.d);
                let arg = self.expr(2);
                c.line(format!("const {v} = await {f}({arg}){semi}"));
                self.scope.push(v);
            } else {
                self.stmt(c, 0);
            }
        }
        if returns {
            let e = self.expr(0);
            c.line(format!("return {e}{semi}"));
        }
    }

    // ------------------------------------------------------------ functions

    fn function_parts(&mut self, is_async: bool) -> Func {
        let name = vocab::fn_name(self.d);
        let n = self.d.range(0, 3);
        let mut params = Vec::new();
        for _ in 0..n {
            let pn = self.fresh();
            if params.iter().any(|p: &Param| p.name == pn) {
                continue;
            }
            let ty = self.ty(1);
            let default = (self.d.chance(0.2)).then(|| self.literal());
            self.scope.push(pn.clone());
            params.push(Param {
                name: pn,
                ty,
                default,
            });
        }
        // Parameters with defaults come last.
        params.sort_by_key(|p| p.default.is_some());
        let ret_ty = if is_async {
            format!("Promise<{}>", self.ty(1))
        } else {
            self.ty(1)
        };
        let arrow = self.d.chance(0.4);
        let summary = vocab::sentence(self.d);
        let returns = self.d.chance(0.85);
        Func {
            name,
            params,
            is_async,
            arrow,
            ret_ty,
            summary,
            returns,
        }
    }

    fn jsdoc(&mut self, c: &mut Code, f: &Func) {
        c.line("/**");
        c.line(format!(" * {}", f.summary));
        if self.d.chance(0.3) {
            c.line(" *");
            c.line(format!(" * {}", vocab::sentence(self.d)));
        }
        for p in &f.params {
            let ty = js_doc_type(&p.ty);
            let name = if p.default.is_some() {
                format!("[{}]", p.name)
            } else {
                p.name.clone()
            };
            c.line(format!(
                " * @param {{{ty}}} {name} - {}",
                vocab::phrase(self.d)
            ));
        }
        if f.returns {
            c.line(format!(
                " * @returns {{{}}} {}",
                js_doc_type(&f.ret_ty),
                vocab::phrase(self.d)
            ));
        }
        if self.d.chance(0.2) {
            c.line(format!(
                " * @throws {{Error}} When the {} is {}.",
                self.d.pick(NOUNS),
                self.d.pick(ADJECTIVES)
            ));
        }
        if self.d.chance(0.15) {
            c.line(" * @example");
            let args: Vec<String> = f.params.iter().map(|_| self.literal()).collect();
            c.line(format!(
                " * {}({})",
                f.name,
                args.join(", ").replace("*/", "* /")
            ));
        }
        c.line(" */");
    }

    fn emit_function(&mut self, c: &mut Code, f: &Func, doc: bool, export: bool) {
        if doc {
            self.jsdoc(c, f);
        }
        let typed = self.dialect.typed();
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| {
                let mut s = p.name.clone();
                if typed {
                    s.push_str(": ");
                    s.push_str(&p.ty);
                }
                if let Some(dv) = &p.default {
                    s.push_str(" = ");
                    s.push_str(dv);
                }
                s
            })
            .collect();
        let ret = if typed {
            if f.returns {
                format!(": {}", f.ret_ty)
            } else if f.is_async {
                ": Promise<void>".to_string()
            } else {
                ": void".to_string()
            }
        } else {
            String::new()
        };
        let ex = if export { "export " } else { "" };
        let asy = if f.is_async { "async " } else { "" };
        if f.arrow {
            c.open(format!(
                "{ex}const {} = {asy}({}){ret} => {{",
                f.name,
                params.join(", ")
            ));
        } else {
            c.open(format!(
                "{ex}{asy}function {}({}){ret} {{",
                f.name,
                params.join(", ")
            ));
        }
        let mark = self.scope.len();
        let n = self.d.range(1, 4);
        // Return-typed TS functions must not fall through: always return there.
        self.body(c, n, f.returns, f.is_async);
        self.scope.truncate(mark);
        if f.arrow {
            c.close(format!("}}{}", self.semi()));
        } else {
            c.close("}");
        }
    }

    fn imports(&mut self, c: &mut Code, n: usize) {
        let semi = self.semi();
        for _ in 0..n {
            let from = match self.d.below(4) {
                0 => format!("./{}", vocab::camel(&[self.d.pick(NOUNS)])),
                1 => format!(
                    "../{}/{}",
                    self.d
                        .pick(&["lib", "utils", "services", "api", "hooks", "store"]),
                    vocab::kebab(&[self.d.pick(NOUNS)])
                ),
                2 => format!("@{}/{}", self.d.pick(BRANDS), self.d.pick(NOUNS)),
                _ => self
                    .d
                    .pick(&[
                        "lodash-es",
                        "date-fns",
                        "zod",
                        "axios",
                        "nanoid",
                        "clsx",
                        "dayjs",
                    ])
                    .to_string(),
            };
            let names: Vec<String> = (0..self.d.range(1, 3))
                .map(|_| vocab::fn_name(self.d))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            for n in &names {
                if !self.scope.contains(n) {
                    self.scope.push(n.clone());
                }
            }
            c.line(format!(
                "import {{ {} }} from {}{semi}",
                names.join(", "),
                qq(self.s.quote, &from)
            ));
        }
    }

    // ------------------------------------------------------------ families

    fn utility_module(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        if self.d.chance(0.3) {
            c.line(format!("// {}", vocab::sentence(self.d)));
            c.blank();
        }
        let n = self.d.range(0, 2);
        self.imports(&mut c, n);
        c.blank();
        let semi = self.semi();
        if self.d.chance(0.5) {
            let name = vocab::screaming(&[self.d.pick(ADJECTIVES), self.d.pick(NOUNS)]);
            let v = self.literal();
            c.line(format!("export const {name} = {v}{semi}"));
            self.scope.push(name);
            c.blank();
        }
        let cjs = !self.dialect.typed() && self.d.chance(0.2);
        let mut names = Vec::new();
        for _ in 0..self.d.range(1, 4) {
            let is_async = self.d.chance(0.15);
            let f = self.function_parts(is_async);
            let doc = self.dialect == Dialect::Js || self.d.chance(0.5);
            let doc = doc && self.d.chance(0.85);
            let export = !cjs && self.d.chance(0.7);
            self.emit_function(&mut c, &f, doc, export);
            names.push(f.name.clone());
            self.scope.push(f.name);
            c.blank();
        }
        if cjs {
            c.line(format!("module.exports = {{ {} }}{semi}", names.join(", ")));
        }
        c.finish()
    }

    fn class_module(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        let typed = self.dialect.typed();
        let name = vocab::type_name(self.d);
        let base = self.d.chance(0.25).then(|| {
            self.d
                .pick(&["EventEmitter", "Error", "Map", "BaseService", "Component"])
        });
        if base == Some("EventEmitter") {
            c.line(format!(
                "import {{ EventEmitter }} from {}{semi}",
                qq(self.s.quote, "node:events")
            ));
            c.blank();
        } else if let Some(b) = base.filter(|b| *b == "BaseService" || *b == "Component") {
            c.line(format!(
                "import {{ {b} }} from {}{semi}",
                qq(
                    self.s.quote,
                    &format!("./{}", vocab::camel(&[self.d.pick(NOUNS)]))
                )
            ));
            c.blank();
        }
        let mut iface = None;
        if typed && self.d.chance(0.5) {
            let i = format!("{}Options", name);
            c.open(format!("export interface {i} {{"));
            for p in self.d.some(PROPS, 1, 4) {
                let opt = if self.d.chance(0.4) { "?" } else { "" };
                let t = self.ty(1);
                c.line(format!("{p}{opt}: {t}{semi}"));
            }
            c.close("}");
            c.blank();
            iface = Some(i);
        }
        if self.d.chance(0.5) {
            c.line("/**");
            c.line(format!(" * {}", vocab::sentence(self.d)));
            c.line(" */");
        }
        let ext = base.map(|b| format!(" extends {b}")).unwrap_or_default();
        c.open(format!(
            "export {}class {name}{ext} {{",
            if self.d.chance(0.3) { "default " } else { "" }
        ));
        let fields = self.d.some(PROPS, 1, 3);
        for f in &fields {
            let init = self.literal();
            if typed {
                let vis =
                    self.d
                        .pick(&["private ", "protected ", "public ", "private readonly ", ""]);
                let t = self.ty(1);
                c.line(format!("{vis}{f}: {t} | unknown = {init}{semi}"));
            } else if self.d.chance(0.4) {
                c.line(format!("#{f} = {init}{semi}"));
            } else {
                c.line(format!("{f} = {init}{semi}"));
            }
        }
        if self.d.chance(0.3) {
            let v = self.literal();
            c.line(format!(
                "static {} = {v}{semi}",
                vocab::screaming(&[self.d.pick(ADJECTIVES), self.d.pick(NOUNS)])
            ));
        }
        c.blank();
        let opts = self.fresh();
        let ann = match &iface {
            Some(i) => format!(": {i}"),
            None if typed => ": Record<string, unknown>".into(),
            None => String::new(),
        };
        c.open(format!(
            "constructor({opts}{ann}{}) {{",
            if typed || self.d.chance(0.5) {
                ""
            } else {
                " = {}"
            }
        ));
        if base.is_some() {
            c.line(format!("super(){semi}"));
        }
        for f in &fields {
            if !typed && self.d.chance(0.3) {
                continue;
            }
            c.line(format!("this.{f} = {opts}.{f} ?? this.{f}{semi}"));
        }
        c.close("}");
        let private_fields: Vec<String> = Vec::new();
        let _ = private_fields;
        for _ in 0..self.d.range(1, 4) {
            c.blank();
            self.scope = vec!["this".into(), format!("this.{}", fields[0])];
            let m = vocab::fn_name(self.d);
            let is_async = self.d.chance(0.25);
            let kind = self.d.below(6);
            if kind == 0 {
                let f = self.d.choose(&fields).to_string();
                let ret = if typed { ": unknown" } else { "" };
                c.open(format!(
                    "get {}(){ret} {{",
                    vocab::camel(&[self.d.pick(ADJECTIVES), &f])
                ));
                c.line(format!("return this.{f}{semi}"));
                c.close("}");
                continue;
            }
            let arg = self.fresh();
            self.scope.push(arg.clone());
            let stat = if kind == 1 { "static " } else { "" };
            let asy = if is_async { "async " } else { "" };
            let at = if typed {
                format!(": {}", self.ty(1))
            } else {
                String::new()
            };
            let rt = if typed {
                if is_async {
                    ": Promise<unknown>"
                } else {
                    ": unknown"
                }
            } else {
                ""
            };
            if kind == 1 {
                self.scope = vec![arg.clone()];
            }
            c.open(format!("{stat}{asy}{m}({arg}{at}){rt} {{"));
            let n = self.d.range(1, 3);
            self.body(&mut c, n, true, is_async);
            c.close("}");
        }
        c.close("}");
        c.finish()
    }

    fn async_module(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        let typed = self.dialect.typed();
        let base = vocab::screaming(&[self.d.pick(&["api", "base", "service"]), "url"]);
        c.line(format!(
            "const {base} = {}{semi}",
            qq(self.s.quote, &vocab::url(self.d))
        ));
        if self.d.chance(0.5) {
            c.line(format!(
                "const TIMEOUT_MS = {}{semi}",
                self.d.range(1, 30) * 1000
            ));
        }
        c.blank();
        let res_ty = vocab::type_name(self.d);
        if typed {
            c.open(format!("export interface {res_ty} {{"));
            for p in self.d.some(PROPS, 2, 5) {
                let t = self.ty(1);
                c.line(format!("{p}: {t}{semi}"));
            }
            c.close("}");
            c.blank();
            self.types.push(res_ty.clone());
        }
        // A fetch wrapper.
        let fetcher = vocab::camel(&["fetch", self.d.pick(NOUNS)]);
        let id = self.d.pick(&["id", "slug", "key", "userId"]);
        let (ta, tr) = if typed {
            (": string".to_string(), format!(": Promise<{res_ty}>"))
        } else {
            (String::new(), String::new())
        };
        if !typed || self.d.chance(0.4) {
            c.line("/**");
            c.line(format!(" * Fetches one {} by {id}.", self.d.pick(NOUNS)));
            c.line(format!(
                " * @param {{string}} {id} - {}",
                vocab::phrase(self.d)
            ));
            c.line(format!(
                " * @returns {{Promise<object>}} {}",
                vocab::phrase(self.d)
            ));
            c.line(" */");
        }
        c.open(format!("export async function {fetcher}({id}{ta}){tr} {{"));
        if self.d.chance(0.5) {
            c.line(format!("const controller = new AbortController(){semi}"));
            c.line(format!(
                "const timer = setTimeout(() => controller.abort(), {}){semi}",
                self.d.range(1, 30) * 500
            ));
            c.open("try {");
            c.line(format!("const res = await fetch(`${{{base}}}/{}/${{encodeURIComponent({id})}}`, {{ signal: controller.signal }}){semi}", vocab::plural(self.d.pick(NOUNS))));
            c.open("if (!res.ok) {");
            c.line(format!(
                "throw new Error(`Request failed: ${{res.status}} ${{res.statusText}}`){semi}"
            ));
            c.close("}");
            c.line(format!(
                "return {}{semi}",
                if typed {
                    format!("(await res.json()) as {res_ty}")
                } else {
                    "res.json()".into()
                }
            ));
            c.close("} finally {");
            c.indent();
            c.line(format!("clearTimeout(timer){semi}"));
            c.close("}");
        } else {
            c.line(format!(
                "const res = await fetch(`${{{base}}}/{}/${{{id}}}`){semi}",
                self.d.pick(NOUNS)
            ));
            c.open("if (res.status === 404) {");
            c.line(format!("throw new Error(`Not found: ${{{id}}}`){semi}"));
            c.close("}");
            c.line(format!(
                "return {}{semi}",
                if typed {
                    format!("res.json() as Promise<{res_ty}>")
                } else {
                    "res.json()".into()
                }
            ));
        }
        c.close("}");
        c.blank();
        // Retry helper.
        if self.d.chance(0.6) {
            let g = if typed { "<T>" } else { "" };
            let (fa, ra) = if typed {
                (
                    ": () => Promise<T>, retries = 3, delayMs = 200",
                    ": Promise<T>",
                )
            } else {
                (", retries = 3, delayMs = 200", "")
            };
            let fname = self
                .d
                .pick(&["withRetry", "retry", "retryAsync", "attempt"]);
            if typed {
                c.open(format!("export async function {fname}{g}(task{fa}){ra} {{"));
            } else {
                c.open(format!("export async function {fname}(task{fa}) {{"));
            }
            c.line(format!(
                "let lastError{} = null{semi}",
                if typed { ": unknown" } else { "" }
            ));
            c.open("for (let attempt = 0; attempt <= retries; attempt++) {");
            c.open("try {");
            c.line(format!("return await task(){semi}"));
            c.close("} catch (err) {");
            c.indent();
            c.line(format!("lastError = err{semi}"));
            c.line(format!(
                "await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** attempt)){semi}"
            ));
            c.close("}");
            c.close("}");
            c.line(format!("throw lastError{semi}"));
            c.close("}");
            c.blank();
        }
        // Batch loader with Promise.all / allSettled.
        let all = self.d.pick(&["all", "allSettled"]);
        let ids = vocab::plural(id);
        let (ta, tr) = if typed {
            (": string[]", ": Promise<unknown[]>")
        } else {
            ("", "")
        };
        let loader = vocab::camel(&["load", &vocab::plural(self.d.pick(NOUNS))]);
        c.open(format!(
            "export const {loader} = async ({ids}{ta}){tr} => {{"
        ));
        c.line(format!(
            "const results = await Promise.{all}({ids}.map((value) => {fetcher}(value))){semi}"
        ));
        if all == "allSettled" {
            c.line(format!(
                "return results.filter((r) => r.status === {}).map((r) => {}){semi}",
                qq(self.s.quote, "fulfilled"),
                if typed {
                    format!("(r as PromiseFulfilledResult<{res_ty}>).value")
                } else {
                    "r.value".into()
                }
            ));
        } else {
            c.line(format!("return results{semi}"));
        }
        c.close(format!("}}{semi}"));
        if self.d.chance(0.3) {
            c.blank();
            let gen = vocab::camel(&["stream", &vocab::plural(self.d.pick(NOUNS))]);
            let ann = if typed {
                ": AsyncIterable<unknown>"
            } else {
                ""
            };
            c.open(format!("export async function* {gen}(source{ann}) {{"));
            c.open("for await (const chunk of source) {");
            c.line(format!("if (chunk == null) continue{semi}"));
            c.line(format!("yield chunk{semi}"));
            c.close("}");
            c.close("}");
        }
        c.finish()
    }

    fn test_suite(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        let vitest = self.d.chance(0.5);
        let fns: Vec<String> = (0..self.d.range(1, 3))
            .map(|_| vocab::fn_name(self.d))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if vitest {
            c.line(format!(
                "import {{ describe, it, expect, beforeEach, vi }} from {}{semi}",
                qq(self.s.quote, "vitest")
            ));
        }
        c.line(format!(
            "import {{ {} }} from {}{semi}",
            fns.join(", "),
            qq(
                self.s.quote,
                &format!("../src/{}", vocab::camel(&[self.d.pick(NOUNS)]))
            )
        ));
        c.blank();
        let mock = if vitest { "vi" } else { "jest" };
        c.open(format!("describe({}, () => {{", qq(self.s.quote, &fns[0])));
        if self.d.chance(0.4) {
            c.line(format!("let {}{semi}", "fixture"));
            c.blank();
            c.open("beforeEach(() => {");
            let o = self.expr(0);
            self.scope.clear();
            c.line(format!("fixture = {o}{semi}"));
            c.close(format!("}}){semi}"));
        }
        for _ in 0..self.d.range(1, 5) {
            c.blank();
            let f = self.d.choose(&fns).clone();
            let desc = format!(
                "{} {}",
                self.d.pick(&[
                    "returns",
                    "handles",
                    "rejects",
                    "keeps",
                    "ignores",
                    "computes",
                    "throws on"
                ]),
                vocab::phrase(self.d).to_lowercase()
            );
            let is_async = self.d.chance(0.3);
            c.open(format!(
                "{}({}, {}() => {{",
                self.d.pick(&["it", "test", "it"]),
                qq(self.s.quote, &desc),
                if is_async { "async " } else { "" }
            ));
            self.scope = vec!["fixture".into()];
            let args: Vec<String> = (0..self.d.range(0, 2)).map(|_| self.literal()).collect();
            let call = format!("{f}({})", args.join(", "));
            match self.d.below(5) {
                0 => c.line(format!("expect({call}).toBe({}){semi}", self.literal())),
                1 => c.line(format!("expect({call}).toEqual({}){semi}", self.expr(1))),
                2 => c.line(format!(
                    "expect(() => {call}).toThrow({}){semi}",
                    qq(self.s.quote, &vocab::phrase(self.d))
                )),
                3 => {
                    c.line(format!("const spy = {mock}.fn(){semi}"));
                    c.line(format!("{f}(spy){semi}"));
                    c.line(format!(
                        "expect(spy).toHaveBeenCalledTimes({}){semi}",
                        self.d.range(0, 3)
                    ));
                }
                _ => {
                    if is_async {
                        c.line(format!(
                            "await expect({call}).resolves.toMatchObject({{ {}: {} }}){semi}",
                            self.d.pick(PROPS),
                            self.literal()
                        ));
                    } else {
                        c.line(format!(
                            "expect({call}).toHaveLength({}){semi}",
                            self.d.range(0, 9)
                        ));
                    }
                }
            }
            c.close(format!("}}){semi}"));
        }
        c.close(format!("}}){semi}"));
        c.finish()
    }

    fn http_server(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        let esm = self.d.chance(0.5);
        if esm {
            c.line(format!(
                "import express from {}{semi}",
                qq(self.s.quote, "express")
            ));
        } else {
            c.line(format!(
                "const express = require({}){semi}",
                qq(self.s.quote, "express")
            ));
        }
        c.blank();
        c.line(format!("const app = express(){semi}"));
        c.line(format!(
            "const PORT = process.env.PORT || {}{semi}",
            self.d.pick(&[3000, 8080, 4000, 5000, 8000])
        ));
        let mut store = vocab::plural(self.d.pick(NOUNS));
        // `exports`, `module`, `require`… are the CommonJS wrapper's parameters: a
        // top-level `const exports` is a redeclaration there.
        if is_reserved(&store) {
            store.push_str("Store");
        }
        c.line(format!("const {store} = new Map(){semi}"));
        c.blank();
        c.line(format!("app.use(express.json()){semi}"));
        if self.d.chance(0.5) {
            c.open("app.use((req, res, next) => {");
            c.line(format!("console.log(`${{req.method}} ${{req.url}}`){semi}"));
            c.line(format!("next(){semi}"));
            c.close(format!("}}){semi}"));
        }
        let res = vocab::kebab(&[&store]);
        for (verb, path) in self.d.some(
            &[
                ("get", ""),
                ("get", "/:id"),
                ("post", ""),
                ("put", "/:id"),
                ("delete", "/:id"),
                ("patch", "/:id"),
            ],
            2,
            5,
        ) {
            c.blank();
            let is_async = self.d.chance(0.4);
            c.open(format!(
                "app.{verb}({}, {}(req, res) => {{",
                qq(self.s.quote, &format!("/api/{res}{path}")),
                if is_async { "async " } else { "" }
            ));
            match (verb, path) {
                ("get", "") => {
                    c.line(format!(
                        "const limit = Number(req.query.limit ?? {}){semi}",
                        self.d.range(10, 100)
                    ));
                    c.line(format!(
                        "res.json([...{store}.values()].slice(0, limit)){semi}"
                    ));
                }
                ("post", _) => {
                    c.line(format!(
                        "const {{ {} }} = req.body{semi}",
                        // `id` is declared on the next line: destructuring it too
                        // would be a redeclaration.
                        self.d
                            .some(PROPS, 1, 3)
                            .iter()
                            .map(|p| if *p == "id" { "id: bodyId" } else { *p })
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    c.line(format!("const id = String({store}.size + 1){semi}"));
                    c.line(format!("const item = {{ id, ...req.body, createdAt: new Date().toISOString() }}{semi}"));
                    c.line(format!("{store}.set(id, item){semi}"));
                    c.line(format!("res.status(201).json(item){semi}"));
                }
                ("delete", _) => {
                    c.open(format!("if (!{store}.delete(req.params.id)) {{"));
                    c.line(format!(
                        "return res.status(404).json({{ error: {} }}){semi}",
                        qq(self.s.quote, "not found")
                    ));
                    c.close("}");
                    c.line(format!("res.status(204).end(){semi}"));
                }
                _ => {
                    c.line(format!("const item = {store}.get(req.params.id){semi}"));
                    c.open("if (!item) {");
                    c.line(format!("return res.status(404).json({{ error: `No {} ${{req.params.id}}` }}){semi}", self.d.pick(NOUNS)));
                    c.close("}");
                    if verb == "get" {
                        c.line(format!("res.json(item){semi}"));
                    } else {
                        c.line(format!("const updated = {{ ...item, ...req.body, updatedAt: Date.now() }}{semi}"));
                        c.line(format!("{store}.set(req.params.id, updated){semi}"));
                        c.line(format!("res.json(updated){semi}"));
                    }
                }
            }
            c.close(format!("}}){semi}"));
        }
        c.blank();
        if self.d.chance(0.5) {
            c.open("app.use((err, req, res, next) => {");
            c.line(format!("console.error(err){semi}"));
            c.line(format!(
                "res.status(500).json({{ error: {} }}){semi}",
                qq(self.s.quote, "internal error")
            ));
            c.close(format!("}}){semi}"));
            c.blank();
        }
        c.open("app.listen(PORT, () => {");
        c.line(format!(
            "console.log(`{} listening on ${{PORT}}`){semi}",
            vocab::capitalize(self.d.pick(BRANDS))
        ));
        c.close(format!("}}){semi}"));
        if !esm && self.d.chance(0.5) {
            c.blank();
            c.line(format!("module.exports = app{semi}"));
        }
        c.finish()
    }

    fn reducer(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        let typed = self.dialect.typed();
        let entity = self.d.pick(NOUNS);
        let many = vocab::plural(entity);
        let state_ty = format!("{}State", vocab::capitalize(entity));
        let actions: Vec<&str> = self.d.some(
            &[
                "added", "removed", "updated", "cleared", "loaded", "selected", "toggled", "reset",
            ],
            2,
            5,
        );
        if typed {
            c.open(format!("export interface {} {{", vocab::capitalize(entity)));
            c.line(format!("id: string{semi}"));
            for p in self.d.some(&PROPS[1..], 1, 3) {
                if p == "id" {
                    continue;
                }
                let t = self.ty(1);
                c.line(format!("{p}: {t}{semi}"));
            }
            c.close("}");
            c.blank();
            c.open(format!("export interface {state_ty} {{"));
            c.line(format!("{many}: {}[]{semi}", vocab::capitalize(entity)));
            c.line(format!("selectedId: string | null{semi}"));
            c.line(format!("status: 'idle' | 'loading' | 'failed'{semi}"));
            c.close("}");
            c.blank();
            c.line("export type Action =");
            for (i, a) in actions.iter().enumerate() {
                let end = if i + 1 == actions.len() { semi } else { "" };
                c.line(format!(
                    "{}| {{ type: {}; payload?: any }}{end}",
                    self.s.indent,
                    qq(self.s.quote, &format!("{entity}/{a}"))
                ));
            }
            c.blank();
        }
        let ann = if typed {
            format!(": {state_ty}")
        } else {
            String::new()
        };
        c.open(format!("const initialState{ann} = {{"));
        c.line(format!("{many}: [],"));
        c.line("selectedId: null,");
        c.line(format!(
            "status: {}{}",
            qq(self.s.quote, "idle"),
            self.s.tc()
        ));
        c.close(format!("}}{semi}"));
        c.blank();
        if !typed && self.d.chance(0.6) {
            c.line("/**");
            c.line(format!(" * Reduces {} actions.", entity));
            c.line(" * @param {object} state - the current state");
            c.line(" * @param {{type: string, payload: *}} action - the action");
            c.line(" * @returns {object} the next state");
            c.line(" */");
        }
        let (sa, aa, ra) = if typed {
            (
                format!(": {state_ty}"),
                ": Action".to_string(),
                format!(": {state_ty}"),
            )
        } else {
            (String::new(), String::new(), String::new())
        };
        c.open(format!(
            "export default function {}Reducer(state{sa} = initialState, action{aa}){ra} {{",
            entity
        ));
        c.open("switch (action.type) {");
        for a in &actions {
            c.open(format!(
                "case {}: {{",
                qq(self.s.quote, &format!("{entity}/{a}"))
            ));
            match *a {
                "added" | "loaded" => c.line(format!("return {{ ...state, {many}: [...state.{many}, action.payload], status: {} }}{semi}", qq(self.s.quote, "idle"))),
                "removed" => c.line(format!("return {{ ...state, {many}: state.{many}.filter((x) => x.id !== action.payload) }}{semi}")),
                "updated" | "toggled" => c.line(format!("return {{\n{i}...state,\n{i}{many}: state.{many}.map((x) => (x.id === action.payload.id ? {{ ...x, ...action.payload }} : x)){tc}\n}}{semi}", i = self.s.indent, tc = self.s.tc())),
                "selected" => c.line(format!("return {{ ...state, selectedId: action.payload ?? null }}{semi}")),
                _ => c.line(format!("return initialState{semi}")),
            }
            c.close("}");
        }
        c.line("default:");
        c.indent();
        c.line(format!("return state{semi}"));
        c.dedent();
        c.close("}");
        c.close("}");
        if self.d.chance(0.5) {
            c.blank();
            let sel = vocab::camel(&["select", &vocab::capitalize(&many)]);
            let ann = if typed {
                format!("(state: {{ {entity}: {state_ty} }})")
            } else {
                "(state)".into()
            };
            c.line(format!(
                "export const {sel} = {ann} => state.{entity}.{many}{semi}"
            ));
        }
        c.finish()
    }

    fn types_module(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        for _ in 0..self.d.range(2, 5) {
            let name = vocab::type_name(self.d);
            if self.types.contains(&name) {
                continue;
            }
            if self.d.chance(0.3) {
                c.line(format!("/** {} */", vocab::sentence(self.d)));
            }
            match self.d.below(5) {
                0 | 1 => {
                    let g = if self.d.chance(0.25) {
                        "<T = unknown>"
                    } else {
                        ""
                    };
                    let ext = if !self.types.is_empty() && self.d.chance(0.3) {
                        format!(" extends {}", self.d.choose(&self.types))
                    } else {
                        String::new()
                    };
                    c.open(format!("export interface {name}{g}{ext} {{"));
                    for p in self.d.some(PROPS, 2, 6) {
                        let ro = if self.d.chance(0.2) { "readonly " } else { "" };
                        let opt = if self.d.chance(0.3) { "?" } else { "" };
                        let t = if !g.is_empty() && self.d.chance(0.3) {
                            "T".to_string()
                        } else {
                            self.ty(0)
                        };
                        c.line(format!("{ro}{p}{opt}: {t}{semi}"));
                    }
                    if self.d.chance(0.2) {
                        c.line(format!("[key: string]: unknown{semi}"));
                    }
                    c.close("}");
                }
                2 => {
                    let t = self.ty(0);
                    c.line(format!("export type {name} = {t}{semi}"));
                }
                3 => {
                    let konst = if self.d.chance(0.3) { "const " } else { "" };
                    c.open(format!("export {konst}enum {name} {{"));
                    let vs = self.d.some(ADJECTIVES, 2, 5);
                    let strings = self.d.chance(0.5);
                    for (i, v) in vs.iter().enumerate() {
                        let comma = if i + 1 < vs.len() { "," } else { self.s.tc() };
                        if strings {
                            c.line(format!(
                                "{} = {}{comma}",
                                vocab::capitalize(v),
                                qq(self.s.quote, &v.to_uppercase())
                            ));
                        } else {
                            c.line(format!("{}{comma}", vocab::capitalize(v)));
                        }
                    }
                    c.close("}");
                }
                _ => {
                    let kinds: Vec<&str> = self.d.some(NOUNS, 2, 3);
                    c.line(format!("export type {name} ="));
                    for (i, k) in kinds.iter().enumerate() {
                        let end = if i + 1 == kinds.len() { semi } else { "" };
                        let t = self.ty(1);
                        c.line(format!(
                            "{}| {{ kind: {}; {}: {t} }}{end}",
                            self.s.indent,
                            qq(self.s.quote, k),
                            self.d.pick(PROPS)
                        ));
                    }
                }
            }
            c.blank();
            self.types.push(name);
        }
        if let Some(t) = self.types.first().cloned() {
            let f = vocab::camel(&["is", &t]);
            c.open(format!(
                "export function {f}(value: unknown): value is {t} {{"
            ));
            c.line(format!(
                "return typeof value === {} && value !== null && {} in value{semi}",
                qq(self.s.quote, "object"),
                qq(self.s.quote, self.d.pick(PROPS))
            ));
            c.close("}");
        }
        c.finish()
    }

    // ------------------------------------------------------------ JSX

    fn jsx_attr_value(
        &mut self,
        handlers: &[String],
        state: &[(String, String)],
    ) -> (String, String) {
        match self.d.below(8) {
            0 => ("className".into(), qq(self.s.quote, &vocab::slug(self.d))),
            1 if !handlers.is_empty() => {
                ("onClick".into(), format!("{{{}}}", self.d.choose(handlers)))
            }
            2 if !state.is_empty() => {
                let (v, _) = self.d.choose(state).clone();
                (
                    "aria-label".into(),
                    format!("{{`{} ${{{v}}}`}}", self.d.pick(NOUNS)),
                )
            }
            3 => (
                "style".into(),
                format!(
                    "{{{{ {}: {} }}}}",
                    self.d
                        .pick(&["margin", "padding", "gap", "flex", "opacity"]),
                    self.d.range(0, 24)
                ),
            ),
            4 => ("data-testid".into(), qq(self.s.quote, &vocab::slug(self.d))),
            5 if !state.is_empty() => ("hidden".into(), format!("{{!{}}}", self.d.choose(state).0)),
            6 => ("title".into(), qq(self.s.quote, &vocab::phrase(self.d))),
            _ => (
                "role".into(),
                qq(
                    self.s.quote,
                    self.d.pick(&["region", "list", "status", "group", "note"]),
                ),
            ),
        }
    }

    fn jsx_tree(
        &mut self,
        c: &mut Code,
        depth: usize,
        handlers: &[String],
        state: &[(String, String)],
        list: Option<&str>,
        comps: &[String],
    ) {
        let tags = [
            "div", "section", "header", "footer", "article", "div", "nav", "aside",
        ];
        let tag = if depth == 0 {
            self.d
                .pick(&["div", "section", "main", "article", "form"])
                .to_string()
        } else {
            self.d.pick(&tags).to_string()
        };
        let mut attrs = Vec::new();
        let mut seen = Vec::new();
        for _ in 0..self.d.range(0, 3) {
            let (k, v) = self.jsx_attr_value(handlers, state);
            if seen.contains(&k) {
                continue;
            }
            seen.push(k.clone());
            attrs.push(format!("{k}={v}"));
        }
        let a = if attrs.is_empty() {
            String::new()
        } else {
            format!(" {}", attrs.join(" "))
        };
        c.open(format!("<{tag}{a}>"));
        let n = self.d.range(1, 4);
        for _ in 0..n {
            let r = if depth >= 3 {
                self.d.below(5)
            } else {
                self.d.below(9)
            };
            match r {
                0 => {
                    let h = self.d.pick(&["h1", "h2", "h3", "h4"]);
                    c.line(format!("<{h}>{}</{h}>", vocab::title(self.d)));
                }
                1 => c.line(format!("<p>{}</p>", vocab::sentence(self.d))),
                2 if !state.is_empty() => {
                    let v = self.d.choose(state).0.clone();
                    c.line(format!(
                        "<span>{}: {{String({v})}}</span>",
                        vocab::capitalize(self.d.pick(NOUNS))
                    ));
                }
                3 if !handlers.is_empty() => {
                    let h = self.d.choose(handlers).clone();
                    let dis = if !state.is_empty() && self.d.chance(0.4) {
                        format!(" disabled={{{}}}", self.d.choose(state).0)
                    } else {
                        String::new()
                    };
                    c.line(format!(
                        "<button type={} onClick={{{h}}}{dis}>",
                        qq(self.s.quote, "button")
                    ));
                    c.line(format!(
                        "{}{}",
                        self.s.indent,
                        vocab::capitalize(self.d.pick(VERBS))
                    ));
                    c.line("</button>");
                }
                4 if !comps.is_empty() => {
                    let comp = self.d.choose(comps).clone();
                    let p = self.d.pick(PROPS);
                    let v = if state.is_empty() {
                        qq(self.s.quote, self.d.pick(NOUNS))
                    } else {
                        format!("{{{}}}", self.d.choose(state).0)
                    };
                    c.line(format!("<{comp} {p}={v} />"));
                }
                5 if list.is_some() => {
                    let l = list.unwrap_or("items");
                    let it = self.d.pick(&["item", "entry", "row", "record"]);
                    c.open("<ul>");
                    c.open(format!("{{{l}.map(({it}) => ("));
                    c.line(format!(
                        "<li key={{{it}.id}}>{{{it}.{}}}</li>",
                        self.d.pick(&["name", "title", "label"])
                    ));
                    c.close("))}");
                    c.close("</ul>");
                }
                6 if !state.is_empty() => {
                    let v = self.d.choose(state).0.clone();
                    if self.d.chance(0.5) {
                        c.line(format!(
                            "{{{v} && <p className={}>{}</p>}}",
                            qq(
                                self.s.quote,
                                self.d.pick(&["hint", "note", "error", "badge"])
                            ),
                            vocab::phrase(self.d)
                        ));
                    } else {
                        c.line(format!(
                            "{{{v} ? <strong>{}</strong> : <em>{}</em>}}",
                            vocab::phrase(self.d),
                            vocab::phrase(self.d)
                        ));
                    }
                }
                7 => {
                    c.line(format!(
                        "<img src={} alt={} />",
                        qq(
                            self.s.quote,
                            &format!("/images/{}.png", vocab::slug(self.d))
                        ),
                        qq(self.s.quote, &vocab::phrase(self.d))
                    ));
                }
                _ if depth < 3 => self.jsx_tree(c, depth + 1, handlers, state, list, comps),
                _ => c.line(format!("<small>{}</small>", vocab::phrase(self.d))),
            }
        }
        c.close(format!("</{tag}>"));
    }

    /// A function component (imports excluded): props type, hooks, handlers, JSX.
    fn component_body(&mut self, c: &mut Code, name: &str, form: bool) {
        let semi = self.semi();
        let typed = self.dialect.typed();
        let props: Vec<&str> = self.d.some(PROPS, 1, 4);
        let props: Vec<&str> = props
            .into_iter()
            .filter(|p| *p != "key" && *p != "children")
            .collect();
        let has_children = self.d.chance(0.3);
        let list = self
            .d
            .chance(0.5)
            .then(|| vocab::plural(self.d.pick(NOUNS)));
        let props_ty = format!("{name}Props");
        if typed {
            c.open(format!(
                "{}interface {props_ty} {{",
                if self.d.chance(0.5) { "export " } else { "" }
            ));
            for p in &props {
                let opt = if self.d.chance(0.4) { "?" } else { "" };
                let t = self.ty(1);
                c.line(format!("{p}{opt}: {t}{semi}"));
            }
            if let Some(l) = &list {
                c.line(format!(
                    "{l}: {{ id: string; name: string; title?: string; label?: string }}[]{semi}"
                ));
            }
            if has_children {
                c.line(format!("children?: React.ReactNode{semi}"));
            }
            c.line(format!(
                "on{}?: (value: string) => void{semi}",
                vocab::capitalize(self.d.pick(VERBS))
            ));
            c.close("}");
            c.blank();
        }
        let mut names: Vec<String> = props.iter().map(|p| p.to_string()).collect();
        if let Some(l) = &list {
            // A list prop may share its name with a scalar prop: bind it once.
            if !names.contains(l) {
                names.push(l.clone());
            }
        }
        if has_children {
            names.push("children".into());
        }
        let destructure: Vec<String> = names
            .iter()
            .map(|n| {
                if self.d.chance(0.2) && n != "children" {
                    format!("{n} = {}", self.literal_simple())
                } else {
                    n.clone()
                }
            })
            .collect();
        let pann = if typed {
            format!(": {props_ty}")
        } else {
            String::new()
        };
        let arrow = self.d.chance(0.4);
        if arrow {
            c.open(format!(
                "const {name} = ({{ {} }}{pann}) => {{",
                destructure.join(", ")
            ));
        } else {
            c.open(format!(
                "function {name}({{ {} }}{pann}) {{",
                destructure.join(", ")
            ));
        }
        self.scope = names.clone();
        let mut state: Vec<(String, String)> = Vec::new();
        let n_state = if form {
            self.d.range(2, 4)
        } else {
            self.d.range(0, 3)
        };
        for _ in 0..n_state {
            let v = self.fresh();
            if state.iter().any(|(x, _)| *x == v) {
                continue;
            }
            let setter = format!("set{}", vocab::capitalize(&v));
            let init = if form {
                qq(self.s.quote, "")
            } else {
                self.literal_simple()
            };
            let g = if typed && self.d.chance(0.3) {
                format!(
                    "<{}>",
                    self.d
                        .pick(&["string", "number", "boolean", "string | null"])
                )
            } else {
                String::new()
            };
            let g = if form || init.starts_with('\'') || init.starts_with('"') {
                if typed && !g.is_empty() {
                    "<string>".to_string()
                } else {
                    g
                }
            } else {
                g
            };
            c.line(format!("const [{v}, {setter}] = useState{g}({init}){semi}"));
            self.scope.push(v.clone());
            state.push((v, setter));
        }
        if self.d.chance(0.3) {
            let r = format!("{}Ref", vocab::camel(&[self.d.pick(NOUNS)]));
            let g = if typed { "<HTMLDivElement>" } else { "" };
            c.line(format!("const {r} = useRef{g}(null){semi}"));
        }
        if let (Some(l), true) = (&list, self.d.chance(0.6)) {
            let v = vocab::camel(&[
                self.d.pick(&["visible", "sorted", "filtered", "shown"]),
                &vocab::capitalize(l),
            ]);
            c.open(format!("const {v} = useMemo("));
            c.line(format!(
                "() => {l}.filter((x) => x.name.length > {}),",
                self.d.range(0, 3)
            ));
            c.line(format!("[{l}]{}", self.s.tc()));
            c.close(format!("){semi}"));
        }
        if self.d.chance(0.5) {
            c.open("useEffect(() => {");
            match self.d.below(3) {
                0 => {
                    c.line(format!(
                        "const id = setInterval(() => {{}}, {}){semi}",
                        self.d.range(1, 60) * 1000
                    ));
                    c.line(format!("return () => clearInterval(id){semi}"));
                }
                1 => {
                    c.line(format!(
                        "document.title = `{} ${{{}}}`{semi}",
                        vocab::capitalize(self.d.pick(NOUNS)),
                        names.first().cloned().unwrap_or_else(|| "name".into())
                    ));
                }
                _ => {
                    c.line(format!("let cancelled = false{semi}"));
                    c.line(format!(
                        "fetch({})",
                        qq(self.s.quote, &format!("/api/{}", vocab::slug(self.d)))
                    ));
                    c.line(format!("{}.then((res) => res.json())", self.s.indent));
                    let set = state
                        .first()
                        .map(|s| s.1.clone())
                        .unwrap_or_else(|| "console.log".into());
                    c.line(format!(
                        "{}.then((data) => {{ if (!cancelled) {set}(data); }}){semi}",
                        self.s.indent
                    ));
                    c.line(format!("return () => {{ cancelled = true{semi} }}{semi}"));
                }
            }
            let deps: Vec<String> = names.iter().take(self.d.range(0, 2)).cloned().collect();
            c.close(format!("}}, [{}]){semi}", deps.join(", ")));
        }
        let mut handlers = Vec::new();
        for (v, setter) in state.clone() {
            if self.d.chance(0.6) {
                let h = format!("handle{}", vocab::capitalize(&v));
                let ev = if typed {
                    ": React.ChangeEvent<HTMLInputElement>"
                } else {
                    ""
                };
                if self.d.chance(0.5) {
                    c.open(format!("const {h} = useCallback((event{ev}) => {{"));
                    c.line(format!("{setter}(event.target.value){semi}"));
                    c.close(format!("}}, []){semi}"));
                } else {
                    c.line(format!(
                        "const {h} = (event{ev}) => {setter}(event.target.value){semi}"
                    ));
                }
                handlers.push(h);
            }
        }
        if form {
            let ev = if typed {
                ": React.FormEvent<HTMLFormElement>"
            } else {
                ""
            };
            c.open(format!("const handleSubmit = (event{ev}) => {{"));
            c.line(format!("event.preventDefault(){semi}"));
            let vals: Vec<String> = state.iter().map(|s| s.0.clone()).collect();
            c.line(format!("console.log({{ {} }}){semi}", vals.join(", ")));
            c.close(format!("}}{semi}"));
        }
        c.blank();
        let comps: Vec<String> = (0..self.d.range(0, 2))
            .map(|_| vocab::type_name(self.d))
            .filter(|n| n != name)
            .collect();
        c.open("return (");
        if form {
            c.open("<form onSubmit={handleSubmit}>");
            for (v, setter) in &state {
                let id = vocab::kebab(&[v.as_str()]);
                c.line(format!(
                    "<label htmlFor={}>{}</label>",
                    qq(self.s.quote, &id),
                    vocab::capitalize(v)
                ));
                c.line(format!(
                    "<input id={} value={{{v}}} onChange={{(e) => {setter}(e.target.value)}} />",
                    qq(self.s.quote, &id)
                ));
            }
            c.line(format!(
                "<button type={}>{}</button>",
                qq(self.s.quote, "submit"),
                vocab::capitalize(self.d.pick(VERBS))
            ));
            c.close("</form>");
        } else if self.d.chance(0.2) {
            c.open("<>");
            c.line(format!("<h2>{}</h2>", vocab::title(self.d)));
            self.jsx_tree(c, 1, &handlers, &state, list.as_deref(), &comps);
            if has_children {
                c.line("{children}");
            }
            c.close("</>");
        } else {
            self.jsx_tree(c, 0, &handlers, &state, list.as_deref(), &comps);
        }
        c.close(format!("){semi}"));
        if arrow {
            c.close(format!("}}{semi}"));
        } else {
            c.close("}");
        }
        self.types = comps;
    }

    fn literal_simple(&mut self) -> String {
        match self.d.below(5) {
            0 => self.d.range(0, 100).to_string(),
            1 => qq(self.s.quote, self.d.pick(NOUNS)),
            2 => "false".into(),
            3 => "[]".into(),
            _ => "null".into(),
        }
    }

    fn react_component(&mut self, form: bool) -> String {
        let mut body = Code::new(self.s.indent);
        let name = vocab::type_name(self.d);
        self.component_body(&mut body, &name, form);
        let comps = std::mem::take(&mut self.types);
        let body = body.finish();
        let semi = self.semi();
        let mut c = Code::new(self.s.indent);
        let hooks: Vec<&str> = ["useState", "useEffect", "useMemo", "useCallback", "useRef"]
            .into_iter()
            .filter(|h| body.contains(&format!("{h}(")))
            .collect();
        let react_default = self.dialect.typed() || self.d.chance(0.4);
        let hooks_list = if hooks.is_empty() {
            String::new()
        } else {
            format!("{{ {} }}", hooks.join(", "))
        };
        match (react_default, hooks.is_empty()) {
            (true, true) => c.line(format!(
                "import React from {}{semi}",
                qq(self.s.quote, "react")
            )),
            (true, false) => c.line(format!(
                "import React, {hooks_list} from {}{semi}",
                qq(self.s.quote, "react")
            )),
            (false, false) => c.line(format!(
                "import {hooks_list} from {}{semi}",
                qq(self.s.quote, "react")
            )),
            (false, true) => {}
        }
        let proptypes = self.dialect == Dialect::Jsx && self.d.chance(0.5);
        if proptypes {
            c.line(format!(
                "import PropTypes from {}{semi}",
                qq(self.s.quote, "prop-types")
            ));
        }
        let mut imported: Vec<&String> = Vec::new();
        for comp in &comps {
            // A component used twice is imported once (a second import of the same
            // binding is a redeclaration).
            if imported.contains(&comp) {
                continue;
            }
            imported.push(comp);
            c.line(format!(
                "import {comp} from {}{semi}",
                qq(self.s.quote, &format!("./{comp}"))
            ));
        }
        if self.d.chance(0.3) {
            c.line(format!(
                "import {} from {}{semi}",
                "styles",
                qq(self.s.quote, &format!("./{name}.module.css"))
            ));
        }
        c.blank();
        c.line(body.trim_end());
        if proptypes {
            c.blank();
            c.open(format!("{name}.propTypes = {{"));
            for p in self.d.some(PROPS, 1, 3) {
                let t = self.d.pick(&[
                    "string", "number", "bool", "array", "func", "node", "object",
                ]);
                let req = if self.d.chance(0.4) {
                    ".isRequired"
                } else {
                    ""
                };
                c.line(format!("{p}: PropTypes.{t}{req},"));
            }
            c.close(format!("}}{semi}"));
        }
        c.blank();
        if self.d.chance(0.6) {
            c.line(format!("export default {name}{semi}"));
        } else {
            c.line(format!("export {{ {name} }}{semi}"));
        }
        c.finish()
    }

    fn context_provider(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        let typed = self.dialect.typed();
        let topic = vocab::capitalize(self.d.pick(NOUNS));
        let ctx = format!("{topic}Context");
        c.line(format!(
            "import React, {{ createContext, useContext, useMemo, useState }} from {}{semi}",
            qq(self.s.quote, "react")
        ));
        c.blank();
        let value_ty = format!("{topic}ContextValue");
        let field = vocab::camel(&[self.d.pick(ADJECTIVES), &topic]);
        let setter = format!("set{}", vocab::capitalize(&field));
        if typed {
            c.open(format!("interface {value_ty} {{"));
            c.line(format!("{field}: string | null{semi}"));
            c.line(format!("{setter}: (value: string | null) => void{semi}"));
            c.close("}");
            c.blank();
            c.line(format!(
                "const {ctx} = createContext<{value_ty} | undefined>(undefined){semi}"
            ));
        } else {
            c.line(format!("const {ctx} = createContext(undefined){semi}"));
        }
        c.blank();
        let pann = if typed {
            ": { children: React.ReactNode }"
        } else {
            ""
        };
        c.open(format!(
            "export function {topic}Provider({{ children }}{pann}) {{"
        ));
        let g = if typed { "<string | null>" } else { "" };
        c.line(format!(
            "const [{field}, {setter}] = useState{g}(null){semi}"
        ));
        c.line(format!(
            "const value = useMemo(() => ({{ {field}, {setter} }}), [{field}]){semi}"
        ));
        c.line(format!(
            "return <{ctx}.Provider value={{value}}>{{children}}</{ctx}.Provider>{semi}"
        ));
        c.close("}");
        c.blank();
        c.open(format!("export function use{topic}() {{"));
        c.line(format!("const context = useContext({ctx}){semi}"));
        c.open("if (context === undefined) {");
        c.line(format!(
            "throw new Error({}){semi}",
            qq(
                self.s.quote,
                &format!("use{topic} must be used within a {topic}Provider")
            )
        ));
        c.close("}");
        c.line(format!("return context{semi}"));
        c.close("}");
        if self.d.chance(0.6) {
            c.blank();
            let name = vocab::type_name(self.d);
            self.component_body(&mut c, &name, false);
        }
        c.finish()
    }

    fn component_test(&mut self) -> String {
        let mut c = Code::new(self.s.indent);
        let semi = self.semi();
        let comp = vocab::type_name(self.d);
        c.line(format!(
            "import {{ render, screen, fireEvent }} from {}{semi}",
            qq(self.s.quote, "@testing-library/react")
        ));
        if self.d.chance(0.5) {
            c.line(format!(
                "import {{ describe, it, expect, vi }} from {}{semi}",
                qq(self.s.quote, "vitest")
            ));
        }
        c.line(format!(
            "import {comp} from {}{semi}",
            qq(self.s.quote, &format!("./{comp}"))
        ));
        c.blank();
        c.open(format!("describe({}, () => {{", qq(self.s.quote, &comp)));
        for _ in 0..self.d.range(1, 4) {
            let p = self.d.pick(PROPS);
            let text = vocab::title(self.d);
            c.open(format!(
                "it({}, () => {{",
                qq(
                    self.s.quote,
                    &format!("renders the {} {}", p, self.d.pick(NOUNS))
                )
            ));
            c.line(format!(
                "render(<{comp} {p}={} />){semi}",
                qq(self.s.quote, &text)
            ));
            match self.d.below(3) {
                0 => c.line(format!(
                    "expect(screen.getByText({})).toBeInTheDocument(){semi}",
                    qq(self.s.quote, &text)
                )),
                1 => {
                    c.line(format!(
                        "fireEvent.click(screen.getByRole({})){semi}",
                        qq(self.s.quote, "button")
                    ));
                    c.line(format!(
                        "expect(screen.queryByText({})).toBeNull(){semi}",
                        qq(self.s.quote, &vocab::phrase(self.d))
                    ));
                }
                _ => c.line(format!(
                    "expect(screen.getByTestId({})).toHaveTextContent({}){semi}",
                    qq(self.s.quote, &vocab::slug(self.d)),
                    qq(self.s.quote, &text)
                )),
            }
            c.close(format!("}}){semi}"));
        }
        c.close(format!("}}){semi}"));
        c.finish()
    }
}

fn qq(quote: char, s: &str) -> String {
    crate::style::js_string(s, quote)
}

/// A JSDoc type for a TypeScript type (`Array<X>` and `X[]` are kept; unions are
/// wrapped in parentheses).
fn js_doc_type(ty: &str) -> String {
    if ty.contains('|') {
        format!("({ty})")
    } else {
        ty.to_string()
    }
}

/// How tightly an expression binds: the ECMAScript grammar level its text parses at,
/// loosest first. A position accepts an expression at or above its minimum level; below
/// it, the expression is parenthesised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    /// AssignmentExpression: conditionals, arrow functions.
    Assign,
    /// A `??` chain (CoalesceExpression). Below `||` so that it is never a bare operand
    /// of `||`/`&&`; `??` itself takes only BitwiseOR-level operands, so `&&`/`||` are
    /// parenthesised there (`a ?? b || c` is an early error).
    Coalesce,
    /// `||`.
    LogicalOr,
    /// `&&`.
    LogicalAnd,
    /// BitwiseOR (the operand level of `??`); `|`, `^`, `&` themselves are not generated.
    BitwiseOr,
    /// `===`, `!==`.
    Equality,
    /// `<`, `>`, `<=`, `>=`, `instanceof`.
    Relational,
    /// `+`, `-`.
    Additive,
    /// `*`, `/`, `%`.
    Multiplicative,
    /// `**`: right-associative, and its left operand may not be a unary expression
    /// (`-a ** b` is a SyntaxError).
    Exponent,
    /// `!x`, `typeof x`, `await x`.
    Unary,
    /// Calls, member accesses and optional chains (LeftHandSideExpression).
    Postfix,
    /// Identifiers, literals, object and array literals.
    Primary,
}

/// A generated expression's text and the level it parses at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ex {
    text: String,
    prec: Prec,
}

impl Ex {
    fn new(text: String, prec: Prec) -> Self {
        Ex { text, prec }
    }

    /// The text for a position that needs level `min` or tighter (`coalesce_ok`: a
    /// `??` chain is also fine, the left operand of `??`), parenthesised otherwise.
    fn operand(self, min: Prec, coalesce_ok: bool) -> String {
        if self.prec >= min || (coalesce_ok && self.prec == Prec::Coalesce) {
            self.text
        } else {
            format!("({})", self.text)
        }
    }
}

/// A binary operator the generator emits, with its grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BinOp {
    token: &'static str,
    prec: Prec,
}

impl BinOp {
    /// The operator for `token` (one of the binary and logical operators above).
    fn from_token(token: &'static str) -> Self {
        let prec = match token {
            "??" => Prec::Coalesce,
            "||" => Prec::LogicalOr,
            "&&" => Prec::LogicalAnd,
            "===" | "!==" | "==" | "!=" => Prec::Equality,
            "<" | ">" | "<=" | ">=" | "instanceof" | "in" => Prec::Relational,
            "+" | "-" => Prec::Additive,
            "*" | "/" | "%" => Prec::Multiplicative,
            "**" => Prec::Exponent,
            _ => unreachable!("not a generated binary operator: {token}"),
        };
        BinOp { token, prec }
    }

    /// `a OP b` with each operand parenthesised where the grammar needs it: `??` takes
    /// BitwiseOR-level operands (its left one may be another `??` chain) and is never a
    /// bare operand of `&&`/`||`; left-associative operators take their own level on
    /// the left and a tighter one on the right; `**` is right-associative with an
    /// UpdateExpression on the left.
    fn apply(self, a: Ex, b: Ex) -> Ex {
        let (left, right) = match self.prec {
            Prec::Coalesce => (
                a.operand(Prec::BitwiseOr, true),
                b.operand(Prec::BitwiseOr, false),
            ),
            Prec::Exponent => (
                a.operand(Prec::Postfix, false),
                b.operand(Prec::Exponent, false),
            ),
            p => (a.operand(p, false), b.operand(tighter(p), false)),
        };
        Ex::new(format!("{left} {} {right}", self.token), self.prec)
    }
}

/// The next tighter level (for the right operand of a left-associative operator).
fn tighter(p: Prec) -> Prec {
    match p {
        Prec::Assign => Prec::Coalesce,
        Prec::Coalesce | Prec::LogicalOr => Prec::LogicalAnd,
        Prec::LogicalAnd => Prec::BitwiseOr,
        Prec::BitwiseOr => Prec::Equality,
        Prec::Equality => Prec::Relational,
        Prec::Relational => Prec::Additive,
        Prec::Additive => Prec::Multiplicative,
        Prec::Multiplicative => Prec::Exponent,
        Prec::Exponent => Prec::Unary,
        Prec::Unary => Prec::Postfix,
        Prec::Postfix | Prec::Primary => Prec::Primary,
    }
}

fn is_reserved(w: &str) -> bool {
    matches!(
        w,
        "break"
            | "case"
            | "catch"
            | "class"
            | "const"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "export"
            | "extends"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "import"
            | "in"
            | "instanceof"
            | "new"
            | "return"
            | "super"
            | "switch"
            | "this"
            | "throw"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "yield"
            | "let"
            | "static"
            | "enum"
            | "await"
            | "implements"
            | "package"
            | "protected"
            | "interface"
            | "private"
            | "public"
            | "null"
            | "true"
            | "false"
            | "import_"
            // Not bindable in strict code, or the CommonJS wrapper's parameters.
            | "arguments"
            | "eval"
            | "exports"
            | "module"
            | "require"
            | "__filename"
            | "__dirname"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(text: &str, prec: Prec) -> Ex {
        Ex::new(text.to_string(), prec)
    }

    fn op(token: &'static str, a: Ex, b: Ex) -> String {
        BinOp::from_token(token).apply(a, b).text
    }

    #[test]
    fn coalesce_and_logical_operands_are_parenthesised_both_ways() {
        let or = || e("b || c", Prec::LogicalOr);
        let and = || e("b && c", Prec::LogicalAnd);
        let nc = || e("b ?? c", Prec::Coalesce);
        let id = || e("a", Prec::Postfix);
        assert_eq!(op("??", or(), id()), "(b || c) ?? a");
        assert_eq!(op("??", id(), and()), "a ?? (b && c)");
        assert_eq!(op("||", nc(), id()), "(b ?? c) || a");
        assert_eq!(op("&&", id(), nc()), "a && (b ?? c)");
        // A `??` chain continues on the left; on the right it is grouped.
        assert_eq!(op("??", nc(), id()), "b ?? c ?? a");
        assert_eq!(op("??", id(), nc()), "a ?? (b ?? c)");
        // `||` and `&&` nest as usual.
        assert_eq!(op("||", and(), or()), "b && c || (b || c)");
        assert_eq!(op("&&", or(), id()), "(b || c) && a");
        // Tighter operands need nothing.
        assert_eq!(op("??", e("x === 1", Prec::Equality), id()), "x === 1 ?? a");
    }

    #[test]
    fn precedence_and_associativity() {
        let sum = || e("a + b", Prec::Additive);
        let prod = || e("a * b", Prec::Multiplicative);
        let cond = || e("(c) ? x : y", Prec::Assign);
        assert_eq!(op("*", sum(), sum()), "(a + b) * (a + b)");
        assert_eq!(op("+", prod(), prod()), "a * b + a * b");
        assert_eq!(op("-", sum(), sum()), "a + b - (a + b)");
        assert_eq!(
            op("===", cond(), e("1", Prec::Primary)),
            "((c) ? x : y) === 1"
        );
        assert_eq!(
            op("<", e("a === b", Prec::Equality), sum()),
            "(a === b) < a + b"
        );
    }

    #[test]
    fn exponent_left_operand_is_never_unary() {
        let neg = || e("!a", Prec::Unary);
        let pow = || e("a ** b", Prec::Exponent);
        assert_eq!(op("**", neg(), e("2", Prec::Primary)), "(!a) ** 2");
        assert_eq!(op("**", e("2", Prec::Primary), neg()), "2 ** !a");
        assert_eq!(op("**", e("x", Prec::Postfix), pow()), "x ** a ** b");
        assert_eq!(op("**", pow(), e("x", Prec::Postfix)), "(a ** b) ** x");
    }

    #[test]
    fn generated_expressions_parse_as_initialisers_and_conditions() {
        // 20 000 expressions straight from the grammar, each as a `const` initialiser
        // and each `cond()` as an `if` test, through oxc's parser and early errors.
        fn parse_errors(src: &str) -> Vec<String> {
            let alloc = oxc_allocator::Allocator::default();
            let ret = oxc_parser::Parser::new(&alloc, src, oxc_span::SourceType::mjs()).parse();
            ret.diagnostics.errors().map(|e| e.to_string()).collect()
        }
        let mut coalesce = 0;
        for seed in 0..20_000u64 {
            let mut d = Dice::from_u64(seed);
            let mut g = Gen {
                d: &mut d,
                s: Style::draw(&mut Dice::from_u64(seed), 0.5),
                dialect: Dialect::Js,
                scope: vec!["items".into(), "user".into(), "this.total".into()],
                types: Vec::new(),
            };
            let x = g.ex(0);
            let c = g.cond();
            coalesce += usize::from(x.text.contains("??"));
            let src = format!(
                "class K {{ m() {{ const v = {};\nif ({c}) {{}} }} }}\n",
                x.text
            );
            let errs = parse_errors(&src);
            assert!(errs.is_empty(), "{errs:?}\n{src}");
        }
        // 292 of the 20 000 hold a `??` (measured): enough to exercise its precedence.
        assert!(coalesce > 100, "only {coalesce} expressions with ??");
    }
}
