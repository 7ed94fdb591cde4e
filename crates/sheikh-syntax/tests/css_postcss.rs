//! CSS validity agrees with postcss 8 (`postcss.parse`): every expectation here was
//! checked with postcss 8.5.34 (`node -e "require('postcss').parse(…)"`), including the
//! line postcss reports. Browser hacks and unusual values postcss accepts are valid; the
//! errors postcss throws are invalid, located where postcss locates them.

use sheikh_core::Language;
use sheikh_syntax::{validate, IssueKind, SyntaxReport, ValidateOptions, Validator, Verdict};

#[track_caller]
fn valid(text: &str) -> SyntaxReport {
    let r = validate(text, Language::Css);
    assert_eq!(
        r.verdict,
        Verdict::Valid,
        "should be valid: {text:?} -> {:?}",
        r.issues
    );
    assert!(r.issues.is_empty());
    r
}

/// Invalid with exactly one issue (postcss stops at its first error) of `kind` at
/// `line`:`column` whose message starts with postcss's.
#[track_caller]
fn invalid(text: &str, kind: IssueKind, message: &str, line: usize, column: usize) {
    let r = validate(text, Language::Css);
    assert_eq!(r.verdict, Verdict::Invalid, "should be invalid: {text:?}");
    assert_eq!(r.error_count, 1, "{text:?} -> {:?}", r.issues);
    let i = &r.issues[0];
    assert_eq!(i.kind, kind, "{text:?} -> {i:?}");
    assert!(i.message.starts_with(message), "{text:?} -> {i:?}");
    assert_eq!((i.line, i.column), (line, column), "{text:?} -> {i:?}");
}

#[test]
fn hacks_and_unusual_values_postcss_accepts_are_valid() {
    for text in [
        "a { background: url(../images/x.png) }",
        "a { background: url(data:image/png;base64,iVBORw0KGgo=) }",
        "@font-face{font-family:x;src:url(x.eot?#iefix) format('embedded-opentype')}",
        "a { *zoom: 1; _height: 1px; }",
        ".clearfix { *zoom: 1; }\n.x { _height: 1px; color: red\\9; *display: inline; }\n.y { filter: alpha(opacity=50); -ms-filter: \"progid:DXImageTransform.Microsoft.Alpha(Opacity=50)\"; }\n",
        "a { filter: progid:DXImageTransform.Microsoft.gradient(startColorstr='#80000000', endColorstr='#80000000'); }",
        "@CHARSET \"UTF-8\";\na { color: red }",
        ":root { --x: {a:b}; --empty:; }",
        "a { --x: a:b }",
        "a { color: red !ie; }",
        "a { width: 100px !ie; }\n@media \\0screen\\,screen\\9 { a { b: c } }\n",
        "@media \\0screen { a { color: red } }",
        "a { width: expression(document.body.clientWidth > 800 ? \"800px\" : \"auto\"); }",
        "@media screen and (-ms-high-contrast: active), (-ms-high-contrast: none) { a { b: c } }",
        "html { -webkit-text-size-adjust: 100%; }\n@-ms-viewport { width: device-width; }\n",
        "@import url(foo.css) screen;",
        "a { x: \"a\nb\" }",
        "a { b: 'x\\'y' }",
        "a { x: y(a[b) }",
        "a { x: foo(a:b) }",
        "a { b: (c:d) }",
        "a { x: b) :c }",
        "a { b: c; d: }",
        "a:hover, a:focus { b: c }",
        "a { &:hover { b: c } }",
        "a{b:c;}@media print{a{b:c}}",
        "@media (foo {",
        ":foo;",
        "{}",
        "\u{feff}a { b: c }",
        "",
    ] {
        valid(text);
    }
}

#[test]
fn postcss_errors_are_invalid_at_postcss_line() {
    use IssueKind::*;
    let cases: &[(&str, IssueKind, &str, usize, usize)] = &[
        ("a {\n  color: red;\n", MissingNode, "Unclosed block", 1, 1),
        (
            "a { b: c }\n@media print {\n  a { b: c }\n",
            MissingNode,
            "Unclosed block",
            2,
            1,
        ),
        (
            "a { color: red }\nb { content: \"abc; }\n",
            UnclosedTag,
            "Unclosed string",
            2,
            14,
        ),
        (
            "a { color: red }\n\n/* never closed\nb { }\n",
            UnclosedTag,
            "Unclosed comment",
            3,
            1,
        ),
        (
            "a { color: red }\nb { color: rgb(1, 2, 3; }\n",
            MissingNode,
            "Unclosed bracket",
            2,
            15,
        ),
        (
            "a { color: red }\nb { background: url(x.png }\n",
            MissingNode,
            "Unclosed bracket",
            2,
            20,
        ),
        (
            "a { b: url( \"x\" }",
            MissingNode,
            "Unclosed bracket",
            1,
            11,
        ),
        ("a { b: url(x\\) }", MissingNode, "Unclosed bracket", 1, 11),
        (
            "a { color: red }\nb[href { }\n",
            MissingNode,
            "Unclosed bracket",
            2,
            2,
        ),
        (
            "a { color: red }\nfoo;\n",
            UnexpectedToken,
            "Unknown word foo",
            2,
            1,
        ),
        ("a{b:c}d", UnexpectedToken, "Unknown word d", 1, 7),
        ("a { b }", UnexpectedToken, "Unknown word b", 1, 5),
        ("a { b: c; d }", UnexpectedToken, "Unknown word d", 1, 11),
        (
            "a { color red: blue }",
            UnexpectedToken,
            "Unknown word red",
            1,
            11,
        ),
        ("a;b{}", UnexpectedToken, "Unknown word a", 1, 1),
        (
            "a { color: red }\n}\n",
            UnexpectedToken,
            "Unexpected }",
            2,
            1,
        ),
        ("a { b: c }}", UnexpectedToken, "Unexpected }", 1, 11),
        (
            "a { color: red }\nb { color: red blue: x }\n",
            MissingNode,
            "Missed semicolon",
            2,
            15,
        ),
        ("a { b: c\n  d: e }", MissingNode, "Missed semicolon", 1, 9),
        ("a { x: a:b(c) }", MissingNode, "Missed semicolon", 1, 9),
        (
            "a { b: c !important:x }",
            MissingNode,
            "Missed semicolon",
            1,
            9,
        ),
        (
            "a { color: red }\nb { color::red }\n",
            UnexpectedToken,
            "Double colon",
            2,
            11,
        ),
        (
            "a { color: red }\n@ media x {}\n",
            UnexpectedToken,
            "At-rule without name",
            2,
            1,
        ),
        // postcss's words end at `!` and backslashes, and `\/` escapes nothing.
        ("a\\ b: c", UnexpectedToken, "Unknown word b", 1, 4),
        ("a:b\\/*", UnclosedTag, "Unclosed comment", 1, 5),
        ("!<!-- :<!--\t:", MissingNode, "Missed semicolon", 1, 9),
    ];
    for &(text, kind, message, line, column) in cases {
        invalid(text, kind, message, line, column);
    }
}

#[test]
fn style_in_html_is_located_in_the_page() {
    let page = "<!DOCTYPE html>\n<html><head><title>x</title>\n<style>\na { color: red }\nb { color: blue blue: x }\n</style>\n</head><body></body></html>\n";
    let r = validate(page, Language::Html);
    assert_eq!(r.verdict, Verdict::Invalid, "{:?}", r.issues);
    assert_eq!(r.error_count, 1, "{:?}", r.issues);
    // postcss on the style's text: line 3, column 16 (the end of `blue`).
    let i = &r.issues[0];
    assert_eq!(i.message, "Missed semicolon");
    assert_eq!((i.line, i.column), (5, 16));
    assert_eq!(
        &page[..i.start_byte].lines().last(),
        &Some("b { color: blue")
    );

    // Hacks stay valid inside a page; `<!--` / `-->` around a style sheet are blanks.
    let page = "<!DOCTYPE html>\n<html><head><title>x</title>\n<style><!--\n.x { *zoom: 1; background: url(../i.png) }\n--></style>\n</head><body></body></html>\n";
    let r = validate(page, Language::Html);
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", r.issues);
}

#[test]
fn deep_nesting_is_bounded_and_does_not_recurse() {
    let run = || {
        let deep = |n: usize| format!("{}{}", "a{".repeat(n), "}".repeat(n));
        // Beyond max_nesting (256 by default): too deep, not a crash.
        let r = validate(&deep(100_000), Language::Css);
        assert_eq!(r.verdict, Verdict::TooDeep);
        let r = validate(&"{".repeat(100_000), Language::Css);
        assert_eq!(r.verdict, Verdict::TooDeep);
        // Within the limit: checked, depth counted (stylesheet = 1).
        let r = valid(&deep(200));
        assert_eq!(r.structure.max_depth, 201);
        assert_eq!(r.structure.node_count, 200);
        // No recursion: with the limit lifted, 100,000 levels on a 2 MiB stack.
        let v = Validator::new(ValidateOptions {
            max_nesting: u32::MAX,
            ..Default::default()
        });
        let r = v.validate(&deep(100_000), Language::Css);
        assert_eq!(r.verdict, Verdict::Valid);
        assert_eq!(r.structure.max_depth, 100_001);
        let r = v.validate(&"a{".repeat(100_000), Language::Css);
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(r.issues[0].message, "Unclosed block");
        // Brackets nest without limit (postcss accepts them) and count in the depth.
        let r = valid(&format!(
            "a {{ b: {}{} }}",
            "calc(".repeat(50_000),
            ")".repeat(50_000)
        ));
        assert!(r.structure.max_depth > 50_000);
    };
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(run)
        .expect("spawn")
        .join()
        .expect("no panic, no stack overflow");
}

#[test]
fn structure_counts_rules_at_rules_and_declarations() {
    let r = valid("a { b: c; d: e }\n@media print { f { g: h } }\n@import 'x';\n");
    // rule a + 2 declarations, @media, rule f + 1 declaration, @import.
    assert_eq!(r.structure.node_count, 7);
    assert_eq!(r.structure.max_depth, 3);
}
