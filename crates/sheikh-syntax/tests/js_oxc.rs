//! JavaScript, JSX, TypeScript and TSX validation with oxc: each class of error the
//! tree-sitter validator got wrong, checked against node (V8), TypeScript 5.9's
//! `parseDiagnostics` and acorn-jsx.

use sheikh_core::{Document, Language};
use sheikh_syntax::{parses_as, validate, IssueKind, ValidateOptions, Validator, Verdict};

fn at(text: &str, language: Language, path: &str) -> Verdict {
    let doc = Document::new(text, language).with_path(path);
    Validator::default().validate_document(&doc).verdict
}

#[test]
fn global_augmentations_in_declaration_files() {
    // TypeScript accepts both in a module declaration file.
    let text = "export {};\ndeclare global {\n  interface Window { x: number }\n}\n";
    assert_eq!(
        at(text, Language::TypeScript, "types/a.d.ts"),
        Verdict::Valid
    );
    let text = "declare module 'm' {\n  global {\n    interface Window { y: string }\n  }\n}\n";
    assert_eq!(
        at(text, Language::TypeScript, "types/b.d.ts"),
        Verdict::Valid
    );
    assert_eq!(
        at(text, Language::TypeScript, "types/b.d.mts"),
        Verdict::Valid
    );
}

#[test]
fn nullish_coalescing_mixed_with_logical_operators() {
    let r = validate("const x = a ?? b || c;", Language::JavaScript);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(r.issues[0].line, 1);
    assert_eq!(
        validate("const x = (a ?? b) || c;", Language::JavaScript).verdict,
        Verdict::Valid
    );
    // tsc rejects this too (TS5076, from its checker; not in `parseDiagnostics`).
    assert_eq!(
        validate("const x = a && b ?? c;", Language::TypeScript).verdict,
        Verdict::Invalid
    );
}

#[test]
fn jsx_is_not_javascript() {
    let text = "export const A = () => <div>hi</div>;\n";
    assert_eq!(at(text, Language::JavaScript, "a.js"), Verdict::Invalid);
    assert_eq!(at(text, Language::Jsx, "a.jsx"), Verdict::Valid);
    assert!(!parses_as(text, Language::JavaScript));
    assert!(parses_as(text, Language::Jsx));
    assert!(parses_as(text, Language::Tsx));
    assert!(!parses_as(text, Language::TypeScript));
    assert!(!parses_as(text, Language::Css));
}

#[test]
fn commonjs_and_modules_follow_node() {
    let ret = "const x = require('x');\nif (!x) return;\nmodule.exports = x;\n";
    assert_eq!(at(ret, Language::JavaScript, "a.cjs"), Verdict::Valid);
    assert_eq!(at(ret, Language::JavaScript, "a.mjs"), Verdict::Invalid);
    assert_eq!(at(ret, Language::JavaScript, "a.js"), Verdict::Valid);
    let tla = "const r = await fetch('x');\nexport default r;\n";
    assert_eq!(at(tla, Language::JavaScript, "a.mjs"), Verdict::Valid);
    assert_eq!(at(tla, Language::JavaScript, "a.js"), Verdict::Valid);
    // node: "SyntaxError: Cannot use import statement outside a module".
    let import = "import x from 'y';\nconsole.log(x);\n";
    assert_eq!(at(import, Language::JavaScript, "a.cjs"), Verdict::Invalid);
    assert_eq!(at(import, Language::JavaScript, "a.mjs"), Verdict::Valid);
    // Early errors V8 reports: a redeclared `let`.
    assert_eq!(
        validate("let a = 1;\nlet a = 2;\n", Language::JavaScript).verdict,
        Verdict::Invalid
    );
}

#[test]
fn regular_expressions_and_import_types() {
    let regex = "const r = [/a\\/b/g, /[/]/, /(?<y>\\d{4})/u, a / b / c, /=/.test(s) ? 1 : 2];\nconst t = x => /^\\s*$/.test(x) && y / 2;\n";
    assert_eq!(
        validate(regex, Language::JavaScript).verdict,
        Verdict::Valid
    );
    let ty = "export declare const f: import(\"./types\").Fn<number>;\ntype T = typeof import('m').default<A>;\n";
    assert_eq!(validate(ty, Language::TypeScript).verdict, Verdict::Valid);
}

#[test]
fn jsx_attributes_and_tags() {
    let reserved = "const a = <Collapse in={open} class=\"c\" for=\"x\">x</Collapse>;";
    assert_eq!(validate(reserved, Language::Jsx).verdict, Verdict::Valid);
    let r = validate("const a = <li>x</div>;", Language::Jsx);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(r.issues[0].kind, IssueKind::MismatchedTag);
    let r = validate("const a = () => <ul>\n<li>x</div>\n</ul>;", Language::Tsx);
    assert_eq!(r.issues[0].kind, IssueKind::MismatchedTag);
    assert_eq!(r.issues[0].line, 2);
}

#[test]
fn inline_script_errors_are_located_in_the_page() {
    let page = "<!doctype html>\n<html><head><title>t</title>\n<script>\nlet a = 1;\nlet b = );\n</script>\n<script type=\"module\">import x from './x.js';</script>\n</head><body></body></html>\n";
    let r = validate(page, Language::Html);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(r.error_count, 1, "{:?}", r.issues);
    assert_eq!(r.issues[0].line, 5);
    assert_eq!(r.issues[0].column, 9);
    // A classic script may not import; a module may.
    let page = "<p>x</p><script>import x from './x.js';</script>";
    assert_eq!(validate(page, Language::Html).verdict, Verdict::Invalid);
}

#[test]
fn deep_nesting_never_overflows() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let v = Validator::new(ValidateOptions {
                max_bytes: 64 << 20,
                ..Default::default()
            });
            let n = 100_000;
            let cases = [
                (
                    Language::JavaScript,
                    format!("x = {}1{};", "(".repeat(n), ")".repeat(n)),
                ),
                (
                    Language::JavaScript,
                    format!("x = {}{};", "[".repeat(n), "]".repeat(n)),
                ),
                (Language::JavaScript, format!("x = {}1;", "!".repeat(n))),
                (
                    Language::JavaScript,
                    format!("if(a)b;{}", "else if(a)b;".repeat(n)),
                ),
                (Language::JavaScript, format!("x = {}1;", "a=".repeat(n))),
                (
                    Language::Jsx,
                    format!("x = {}{};", "<a>".repeat(n), "</a>".repeat(n)),
                ),
                (
                    Language::Tsx,
                    format!("x = {}{};", "<a>{".repeat(n), "}</a>".repeat(n)),
                ),
                (
                    Language::TypeScript,
                    format!("let x: {}1{};", "A<".repeat(n), ">".repeat(n)),
                ),
            ];
            for (lang, text) in &cases {
                let r = v.validate(text, *lang);
                assert!(
                    matches!(r.verdict, Verdict::TooDeep | Verdict::Valid),
                    "{lang:?} {:?}",
                    r.verdict
                );
                assert!(!parses_as(text, *lang) || r.verdict == Verdict::Valid);
            }
            // Moderately deep texts are parsed, on this small stack.
            let text = format!("x = {}1{};", "(".repeat(1500), ")".repeat(1500));
            assert_eq!(
                v.validate(&text, Language::JavaScript).verdict,
                Verdict::Valid
            );
            let text = format!("x = {}1;", "a=".repeat(20_000));
            assert_eq!(
                v.validate(&text, Language::JavaScript).verdict,
                Verdict::Valid
            );
        })
        .expect("spawn")
        .join()
        .expect("no overflow");
}

#[test]
fn structure_counts_ast_nodes() {
    let r = validate("function f(a) { return [a, a + 1]; }", Language::JavaScript);
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(r.structure.node_count >= 8, "{:?}", r.structure);
    assert!(r.structure.max_depth >= 5);
    assert_eq!(r.structure.error_bytes, 0);
    let r = validate("let b = );", Language::JavaScript);
    assert!(r.structure.error_bytes >= 1);
}

/// `(text, .js, .mjs, .cjs)`: node's verdicts (V8 `vm.SourceTextModule` for `.mjs`,
/// `vm.compileFunction` for `.cjs`, either for `.js`), `true` = compiles.
const GOALS: &[(&str, bool, bool, bool)] = &[
    // Valid only as a sloppy-mode script: strict-mode early errors in a module.
    ("with (o) { x; }\n", true, false, true),
    ("var x = 010;\n", true, false, true),
    ("'\\07';\n", true, false, true),
    ("var let = 1;\n", true, false, true),
    ("function f(a, a) {}\n", true, false, true),
    ("delete x;\n", true, false, true),
    ("var interface = 1;\n", true, false, true),
    ("if (a) function g() {}\n", true, false, true),
    ("var await = 1;\n", true, false, true),
    ("arguments = 1;\n", true, false, true),
    // HTML-like comments: comments in a script, operators or an error in a module.
    ("<!-- comment\nx = 1;\n", true, false, true),
    ("x = 1\n--> comment\n", true, false, true),
    ("x = 1 <!--y\nwith (o) {}\n", true, false, true),
    // `await` is a keyword at a module's top level, an identifier in a script.
    ("with (o) {}\nawait(x);\n", true, false, true),
    ("with (o) {}\nawait x;\n", false, false, false),
    ("await x;\n", true, true, false),
    // Module-only syntax.
    ("x = import.meta.url;\n", true, true, false),
    ("with (o) {}\nx = import.meta.url;\n", false, false, false),
    ("export const a = 1;\nwith (o) {}\n", false, false, false),
    ("with (o) {}\nexport const a = 1;\n", false, false, false),
    // CommonJS-only: top-level `return`.
    ("with (o) {}\nreturn;\n", true, false, true),
    // Early errors in both goals.
    ("with (o) {}\nlet a; let a;\n", false, false, false),
    ("with (o) {}\nx = a ?? b || c;\n", false, false, false),
];

#[test]
fn module_and_script_goals_follow_node() {
    for &(text, js, mjs, cjs) in GOALS {
        for (path, valid) in [("a.js", js), ("a.mjs", mjs), ("a.cjs", cjs)] {
            let expected = if valid {
                Verdict::Valid
            } else {
                Verdict::Invalid
            };
            assert_eq!(
                at(text, Language::JavaScript, path),
                expected,
                "{path}: {text:?}"
            );
            // The same with JSX on.
            assert_eq!(
                at(text, Language::Jsx, path),
                expected,
                "{path} (JSX): {text:?}"
            );
        }
        assert_eq!(parses_as(text, Language::JavaScript), js, "{text:?}");
        assert_eq!(parses_as(text, Language::Jsx), js, "{text:?}");
    }
}

#[test]
fn failed_goals_report_the_parse_that_got_furthest() {
    let report = |text: &str| {
        let doc = Document::new(text, Language::JavaScript).with_path("a.js");
        Validator::default().validate_document(&doc)
    };
    // Module: `with` (line 1) and the redeclaration (line 2); script: the
    // redeclaration only, further: the script's issues are reported.
    let r = report("with (o) {}\nlet a; let a;\n");
    assert_eq!(r.error_count, 1, "{:?}", r.issues);
    assert_eq!(r.issues[0].line, 2);
    // Module: `with` (line 2); script: `export` (line 1): the module's.
    let r = report("export const a = 1;\nwith (o) {}\n");
    assert_eq!(r.error_count, 1, "{:?}", r.issues);
    assert_eq!(r.issues[0].line, 2);
    // Module: `with` (line 1); script: `export` (line 2): the script's.
    let r = report("with (o) {}\nexport const a = 1;\n");
    assert_eq!(r.issues[0].line, 2);
    // A sloppy script with JSX is JSX, not JavaScript.
    let jsx = "with (o) {}\nconst A = () => <div>{x}</div>;\n";
    assert_eq!(at(jsx, Language::JavaScript, "a.js"), Verdict::Invalid);
    assert_eq!(at(jsx, Language::Jsx, "a.jsx"), Verdict::Valid);
    assert!(!parses_as(jsx, Language::JavaScript));
    assert!(parses_as(jsx, Language::Jsx));
}
