//! Valid and invalid samples per language, the broken files of the shared corpus
//! (fixtures/corpus/MANIFEST.md), and the validation filter.

use std::path::PathBuf;

use sheikh_core::{Document, Filter, Language, Outcome, Reason, Stage};
use sheikh_syntax::{
    validate, IssueKind, SyntaxConfig, SyntaxFilter, SyntaxReport, ValidateOptions, Validator,
    Verdict,
};

#[track_caller]
fn valid(text: &str, lang: Language) -> SyntaxReport {
    let r = validate(text, lang);
    assert_eq!(
        r.verdict,
        Verdict::Valid,
        "{lang:?} should be valid: {text:?} -> {:?}",
        r.issues
    );
    assert_eq!(r.error_count, 0);
    assert!(r.issues.is_empty());
    assert_eq!(r.structure.error_bytes, 0);
    r
}

#[track_caller]
fn invalid(text: &str, lang: Language, kind: IssueKind, line: usize) -> SyntaxReport {
    let r = validate(text, lang);
    assert_eq!(
        r.verdict,
        Verdict::Invalid,
        "{lang:?} should be invalid: {text:?}"
    );
    assert!(r.error_count >= 1);
    let first = &r.issues[0];
    assert!(
        r.issues.iter().any(|i| i.kind == kind),
        "{lang:?} {text:?}: expected {kind:?}, got {:?}",
        r.issues
    );
    assert_eq!(first.line, line, "{lang:?} {text:?}: {:?}", r.issues);
    assert!(first.start_byte <= first.end_byte && first.end_byte <= text.len());
    r
}

#[test]
fn javascript() {
    let r = valid("#!/usr/bin/env node\nimport x from 'y';\nconst a = async () => { await x?.y ?? 1; };\nclass A { #p = 1; static { } }\n", Language::JavaScript);
    assert!(r.structure.node_count > 20);
    assert!(r.structure.max_depth > 5);
    valid(
        "module.exports = function () { return 1; };",
        Language::JavaScript,
    );
    valid("", Language::JavaScript);
    // A missing token is located where the parser found something else: here the end
    // of the input on line 3 (node: "SyntaxError: Unexpected end of input", line 3).
    let r = invalid(
        "function f() {\n  return 1;\n",
        Language::JavaScript,
        IssueKind::MissingNode,
        3,
    );
    assert!(r.issues[0].message.contains('}'));
    let r = invalid(
        "let a = 1;\nlet b = );\n",
        Language::JavaScript,
        IssueKind::UnexpectedToken,
        2,
    );
    assert!(r.error_byte_share() > 0.0 && r.error_byte_share() < 0.5);
    assert_eq!(r.issues[0].column, 9); // at `)`, where node reports "Unexpected token ')'"
}

#[test]
fn jsx() {
    valid(
        "const a = <div className=\"x\">{items.map(i => <li key={i}>{i}</li>)}</div>;",
        Language::Jsx,
    );
    // Reserved words as attribute names (tree-sitter-javascript#387 is worked around).
    valid(
        "const a = <Collapse in={open} class=\"c\" for=\"x\">x</Collapse>;",
        Language::Jsx,
    );
    valid("const a = <><A.B /></>;", Language::Jsx);
    let r = invalid(
        "const a = (\n  <ul>\n    <li>x</div>\n  </ul>\n);",
        Language::Jsx,
        IssueKind::MismatchedTag,
        3,
    );
    assert!(r.issues[0].message.contains("'li'"), "{:?}", r.issues);
    // Located at the closing tag, as acorn-jsx does ("Unterminated JSX contents (3:6)").
    invalid(
        "const a = <div>\n<span>\n</div>;",
        Language::Jsx,
        IssueKind::MismatchedTag,
        3,
    );
    invalid(
        "const a = <div x=>;",
        Language::Jsx,
        IssueKind::UnexpectedToken,
        1,
    );
}

#[test]
fn typescript_and_tsx() {
    valid("interface A<T> { a: T; b?: string }\nexport type B = A<number> & { c: readonly string[] };\nfunction f<T extends object>(x: T): keyof T { return null!; }\nenum E { A = 1 }\nconst y = <string>z;", Language::TypeScript);
    // import types with type arguments (a tree-sitter-typescript gap, worked around).
    valid(
        "export declare const f: import(\"./types\").Fn<number>;",
        Language::TypeScript,
    );
    // TypeScript: "',' expected." (TS1005): a missing token.
    invalid(
        "let a: Record<string number> = {};",
        Language::TypeScript,
        IssueKind::MissingNode,
        1,
    );
    invalid(
        "function f(a: number {\n}",
        Language::TypeScript,
        IssueKind::MissingNode,
        1,
    );
    valid(
        "const A = <T,>(p: { x: T }) => <div>{String(p.x)}</div>;",
        Language::Tsx,
    );
    invalid(
        "const A = () => <div>\n</span>;",
        Language::Tsx,
        IssueKind::MismatchedTag,
        2,
    );
    // Old-style casts are TypeScript, not TSX.
    assert_eq!(
        validate("const y = <string>z;", Language::Tsx).verdict,
        Verdict::Invalid
    );
}

#[test]
fn css() {
    valid("a > b:hover { color: red; margin: 0 auto; }\n@media (max-width: 600px) { .x { display: none } }", Language::Css);
    invalid(
        "a { color: red;\n",
        Language::Css,
        IssueKind::MissingNode,
        1,
    );
}

#[test]
fn html() {
    let page = "<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>x</title>\n<style>body { color: red }</style>\n<script>const a = 1;</script>\n<script type=\"text/template\">{{ not js </script>\n</head><body><p>one<p>two<br><img src=x>\n<ul><li>a<li>b</ul>\n<table><tr><td>1<td>2</table>\n</body></html>\n";
    let r = valid(page, Language::Html);
    // Elements and other html5ever nodes, plus the script's AST nodes (oxc counts AST
    // nodes, not tokens as tree-sitter did).
    assert!(r.structure.node_count > 20, "{}", r.structure.node_count);
    let r = invalid(
        "<div class=\"a\">\n  <span>text\n</div>\n",
        Language::Html,
        IssueKind::UnclosedTag,
        2,
    );
    assert!(r.issues[0].message.contains("<span>"));
    invalid(
        "<div>\n<p>x</p>\n</span>\n</div>",
        Language::Html,
        IssueKind::MismatchedTag,
        3,
    );
    invalid(
        "<div>\n<p>x</p>\n</span></div>\n</div>",
        Language::Html,
        IssueKind::MismatchedTag,
        3,
    );
    // A stray closing tag at the top level (html5lib: unexpected-end-tag).
    invalid(
        "<p>x</p>\n</div>",
        Language::Html,
        IssueKind::UnexpectedClosingTag,
        2,
    );
    invalid(
        "<section>\n<div>unclosed\n</section>",
        Language::Html,
        IssueKind::UnclosedTag,
        2,
    );
    // Unclosed at the end of the file (html5lib: expected-closing-tag-but-got-eof),
    // located at the outermost unclosed element.
    invalid(
        "<section>\n<div>unclosed",
        Language::Html,
        IssueKind::UnclosedTag,
        1,
    );
    // Inline script and style are validated with their grammars, located in the page.
    let r = invalid(
        "<!DOCTYPE html><html>\n<script>\nlet a = ;\n</script>\n</html>",
        Language::Html,
        IssueKind::UnexpectedToken,
        3,
    );
    assert_eq!(r.issues.len(), 1);
    invalid(
        "<style>\n\na { color: red;\n</style>",
        Language::Html,
        IssueKind::MissingNode,
        3,
    );
}

#[test]
fn xml_and_svg() {
    let r = valid("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE r [<!ENTITY who \"me\">]>\n<r xmlns:a=\"urn:a\"><a:b c='1' d=\"&amp;&#65;&#x42;&who;\"/><![CDATA[<x>]]><!-- c --><?pi x?>text &lt;</r>\n", Language::Xml);
    assert_eq!(r.structure.max_depth, 2);
    valid("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\"><path d=\"M0 0h24v24H0z\"/></svg>", Language::Xml);
    valid("\u{feff}<a/>", Language::Xml);
    valid(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x.dtd\"><html>&nbsp;</html>",
        Language::Xml,
    );
    invalid(
        "<a>\n<b></c>\n</a>",
        Language::Xml,
        IssueKind::MismatchedTag,
        2,
    );
    invalid("<a>\n<b>\n", Language::Xml, IssueKind::UnclosedTag, 3);
    invalid("<a></a>\n<b></b>", Language::Xml, IssueKind::BadRoot, 2);
    invalid("", Language::Xml, IssueKind::BadRoot, 1);
    invalid("<a/>\ntext", Language::Xml, IssueKind::BadRoot, 2);
    invalid("<a x=1/>", Language::Xml, IssueKind::BadAttribute, 1);
    invalid(
        "<a x=\"1\" x=\"2\"/>",
        Language::Xml,
        IssueKind::DuplicateAttribute,
        1,
    );
    invalid("<a>&nbsp;</a>", Language::Xml, IssueKind::BadEntity, 1);
    invalid("<a>&#0;</a>", Language::Xml, IssueKind::BadEntity, 1);
    invalid("<a b=\"&bogus;\"/>", Language::Xml, IssueKind::BadEntity, 1);
    invalid(
        "<a>\n<?xml version=\"1.0\"?></a>",
        Language::Xml,
        IssueKind::MisplacedDeclaration,
        2,
    );
    invalid(
        " <?xml version=\"1.0\"?><a/>",
        Language::Xml,
        IssueKind::MisplacedDeclaration,
        1,
    );
    invalid("<1a/>", Language::Xml, IssueKind::InvalidName, 1);
    invalid("<a>\u{1}</a>", Language::Xml, IssueKind::Other, 1);
    invalid("<a><!-- x -- y --></a>", Language::Xml, IssueKind::Other, 1);
}

#[test]
fn mdx() {
    let doc = "---\ntitle: Hi\n---\n\nimport { Chart } from './chart'\nexport const meta = { a: 1 }\n\n# Hello {meta.a}\n\n<Chart data={[1, 2]} {...props}>\n\n*markdown* inside\n\n</Chart>\n\n{/* a comment */}\n\nText with a < b and `<code>`.\n";
    let r = valid(doc, Language::Mdx);
    assert!(r.structure.node_count > 10);
    // Reported at the end of the document, naming the opening tag's position.
    let r = invalid(
        "# Title\n\n<Callout>\n\nNever closed.\n",
        Language::Mdx,
        IssueKind::UnclosedTag,
        6,
    );
    assert!(r.issues[0].message.contains("<Callout>") && r.issues[0].message.contains("3:1"));
    invalid(
        "Intro\n\nThe answer is {1 + }.\n",
        Language::Mdx,
        IssueKind::InvalidExpression,
        3,
    );
    // At the `#` line, where acorn (micromark's parser) fails: "Unexpected character (3:1)".
    invalid(
        "import x from\n\n# t\n",
        Language::Mdx,
        IssueKind::InvalidExpression,
        3,
    );
    invalid(
        "const x = 1\n\nimport a from 'a'\nlet b = 2\n",
        Language::Mdx,
        IssueKind::InvalidExpression,
        4,
    );
    // The JSX gap of the markdown crate: a broken tag left as text.
    invalid(
        "Intro\n\n<Comp x= />\n",
        Language::Mdx,
        IssueKind::UnclosedTag,
        3,
    );
    invalid(
        "<!-- html comment -->\n",
        Language::Mdx,
        IssueKind::UnexpectedToken,
        1,
    );
    invalid(
        "<a b={} />\n",
        Language::Mdx,
        IssueKind::InvalidExpression,
        1,
    );
    invalid(
        "<a {b} />\n",
        Language::Mdx,
        IssueKind::InvalidExpression,
        1,
    );
    valid("a \\<b and a &lt; b\n", Language::Mdx);
    valid("{`template with } brace`}\n", Language::Mdx);
}

#[test]
fn markdown_and_json() {
    let r = valid(
        "# T\n\n<div>\n\n{not an expression} <Comp x= />\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        Language::Markdown,
    );
    assert!(r.structure.max_depth >= 3);
    valid(
        "{\"a\": [1, 2.5, null, true, {\"b\": \"c\"}]}",
        Language::Json,
    );
    invalid("{\"a\": 1,}", Language::Json, IssueKind::UnexpectedToken, 1);
    invalid(
        "{\n\"a\": [1, 2\n",
        Language::Json,
        IssueKind::MissingNode,
        3,
    );
    let r = validate("text", Language::Other);
    assert_eq!(r.verdict, Verdict::Unsupported);
}

#[test]
fn limits_and_issue_caps() {
    let v = Validator::new(ValidateOptions {
        max_issues: 2,
        max_bytes: 100,
        ..Default::default()
    });
    let r = v.validate("<a>&x;&y;&z;&w;</a>", Language::Xml);
    assert_eq!(r.error_count, 4);
    assert_eq!(r.issues.len(), 2);
    assert_eq!(
        v.validate(&"a".repeat(101), Language::JavaScript).verdict,
        Verdict::TooLarge
    );
}

fn corpus(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/corpus")
        .join(path);
    std::fs::read_to_string(p).expect("corpus file")
}

#[test]
fn corpus_broken_files_are_invalid_where_the_manifest_says() {
    let cases = [
        (
            "acme-web/src/broken/cart.js",
            Language::JavaScript,
            IssueKind::MissingNode,
        ),
        (
            // The manifest's missing comma (TypeScript: "',' expected.").
            "api-server/src/broken/parser.ts",
            Language::TypeScript,
            IssueKind::MissingNode,
        ),
        (
            "acme-web/src/components/broken/Dropdown.tsx",
            Language::Tsx,
            IssueKind::MismatchedTag,
        ),
        (
            "api-server/config/logback.xml",
            Language::Xml,
            IssueKind::MismatchedTag,
        ),
        (
            "icons/svg/broken-star.svg",
            Language::Xml,
            IssueKind::BadAttribute,
        ),
        (
            "docs-site/docs/broken/unclosed-component.mdx",
            Language::Mdx,
            IssueKind::UnclosedTag,
        ),
        (
            "docs-site/docs/broken/bad-expression.mdx",
            Language::Mdx,
            IssueKind::InvalidExpression,
        ),
        (
            "docs-site/public/404.html",
            Language::Html,
            IssueKind::MismatchedTag,
        ),
    ];
    for (path, lang, kind) in cases {
        let r = validate(&corpus(path), lang);
        assert_eq!(r.verdict, Verdict::Invalid, "{path}");
        assert!(
            r.issues.iter().any(|i| i.kind == kind),
            "{path}: {:?}",
            r.issues
        );
    }
    // Lines named in the manifest.
    let r = validate(
        &corpus("api-server/src/broken/parser.ts"),
        Language::TypeScript,
    );
    assert_eq!(r.issues[0].line, 69);
    let r = validate(
        &corpus("acme-web/src/components/broken/Dropdown.tsx"),
        Language::Tsx,
    );
    assert_eq!(r.issues[0].line, 49);
    let r = validate(&corpus("api-server/config/logback.xml"), Language::Xml);
    assert_eq!(r.issues[0].line, 23);
    let r = validate(
        &corpus("docs-site/docs/broken/bad-expression.mdx"),
        Language::Mdx,
    );
    assert_eq!(r.issues[0].line, 15);
    let r = validate(&corpus("docs-site/public/404.html"), Language::Html);
    assert!(r
        .issues
        .iter()
        .any(|i| i.kind == IssueKind::MismatchedTag && i.line == 17));
}

#[test]
fn corpus_valid_files_are_valid() {
    let cases = [
        ("acme-web/src/App.tsx", Language::Tsx),
        ("acme-web/src/components/Modal.tsx", Language::Tsx),
        ("acme-web/src/components/Button.jsx", Language::Jsx),
        ("acme-web/src/components/UserCard.jsx", Language::Jsx),
        ("acme-web/src/utils/validators.js", Language::JavaScript),
        ("acme-web/dist/app.min.js", Language::JavaScript),
        ("acme-web/src/empty.js", Language::JavaScript),
        ("api-server/bin/serve", Language::JavaScript),
        ("api-server/src/db/pool.cjs", Language::JavaScript),
        ("icons/src/index.mjs", Language::JavaScript),
        ("api-server/src/server.ts", Language::TypeScript),
        ("api-server/src/middleware/auth.mts", Language::TypeScript),
        ("acme-web/src/types/globals.d.ts", Language::TypeScript),
        ("acme-web/src/generated/graphql.ts", Language::TypeScript),
        ("acme-web/public/index.html", Language::Html),
        ("docs-site/public/index.html", Language::Html),
        ("api-server/templates/welcome.html", Language::Html),
        ("api-server/services/billing/pom.xml", Language::Xml),
        ("api-server/services/reports/Reports.csproj", Language::Xml),
        ("docs-site/public/sitemap.xml", Language::Xml),
        ("docs-site/public/feed.rss", Language::Xml),
        ("icons/schema/icons.xsd", Language::Xml),
        (
            "acme-web/mobile/android/app/src/main/res/layout/activity_main.xml",
            Language::Xml,
        ),
        ("icons/catalog", Language::Xml),
        ("icons/svg/spinner.svg", Language::Xml),
        ("icons/svg/check.svg", Language::Xml),
        ("docs-site/docs/getting-started.mdx", Language::Mdx),
        ("docs-site/docs/guides/theming.mdx", Language::Mdx),
        ("acme-web/README.md", Language::Markdown),
        ("acme-web/src/styles/buttons.css", Language::Css),
        ("acme-web/dist/app.min.css", Language::Css),
        ("api-server/tsconfig.json", Language::Json),
        ("api-server/fixtures/users.json", Language::Json),
    ];
    for (path, lang) in cases {
        let r = validate(&corpus(path), lang);
        assert_eq!(r.verdict, Verdict::Valid, "{path}: {:?}", r.issues);
    }
}

#[test]
fn filter_annotates_and_drops_per_config() {
    let broken = corpus("acme-web/src/broken/cart.js");
    let mut doc = Document::new(broken.clone(), Language::JavaScript);
    let annotate = SyntaxFilter::new(SyntaxConfig::default());
    assert!(annotate.filter(&mut doc).is_none());
    let s = &doc.metadata["syntax"];
    assert_eq!(s["valid"], false);
    assert_eq!(s["verdict"], "invalid");
    assert!(s["errors"].as_u64().unwrap() >= 1);
    assert_eq!(s["first_error"]["kind"], "missing_node");
    // oxc, like acorn and V8, builds no tree past an unrecoverable error.
    assert!(s["nodes"].as_u64().is_some());
    assert!(s["max_depth"].as_u64().is_some());
    assert!(s["error_share"].as_f64().unwrap() >= 0.0);
    assert!(
        s.get("elapsed_us").is_none(),
        "the summary is deterministic"
    );

    let mut stage = SyntaxFilter::stage(SyntaxConfig {
        drop_invalid: true,
        drop_unchecked: true,
        max_bytes: 5000,
        ..Default::default()
    });
    let out = stage
        .process(vec![
            Document::new("const ok = 1;", Language::JavaScript),
            Document::new(broken, Language::JavaScript),
            Document::new(format!("<a>{}</a>", "x".repeat(6000)), Language::Xml),
            Document::new("plain", Language::Other),
        ])
        .unwrap();
    assert!(matches!(&out[0], Outcome::Keep(d) if d.metadata["syntax"]["valid"] == true));
    match &out[1] {
        Outcome::Drop(_, r) => {
            assert_eq!(r.reason, Reason::SyntaxError);
            assert!(r.detail.contains("missing_node"), "{}", r.detail);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&out[2], Outcome::Drop(_, r) if r.reason == Reason::ParseTimeout && r.detail == "too_large")
    );
    assert!(
        matches!(&out[3], Outcome::Keep(d) if d.metadata["syntax"]["verdict"] == "unsupported")
    );

    let mut off = Document::new("let x = ;", Language::JavaScript);
    let disabled = SyntaxFilter::new(SyntaxConfig {
        enabled: false,
        drop_invalid: true,
        ..Default::default()
    });
    assert!(disabled.filter(&mut off).is_none());
    assert!(off.metadata.is_empty());
    assert!(serde_json::from_str::<SyntaxConfig>(r#"{"drop_invalid": true, "oops": 1}"#).is_err());
}

#[test]
fn batches_are_ordered_and_deterministic() {
    let docs: Vec<Document> = (0..64)
        .map(|i| {
            if i % 3 == 0 {
                Document::new(format!("let a{i} = ;"), Language::JavaScript)
            } else {
                Document::new(format!("<r n=\"{i}\"/>"), Language::Xml)
            }
        })
        .collect();
    let v = Validator::default();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let a: Vec<_> = one
        .install(|| v.validate_batch(&docs))
        .iter()
        .map(|r| r.summary())
        .collect();
    let b: Vec<_> = two
        .install(|| v.validate_batch(&docs))
        .iter()
        .map(|r| r.summary())
        .collect();
    assert_eq!(a, b);
    for (i, s) in a.iter().enumerate() {
        assert_eq!(s["valid"], i % 3 != 0, "{i}");
    }
}
