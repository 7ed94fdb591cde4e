//! Adversarial inputs: deep nesting, huge single lines, NUL bytes, time limits. Every
//! case runs on a thread with a 2 MiB stack (rayon's and the test harness's default),
//! so a recursive walk or parser would overflow here.

use std::time::{Duration, Instant};

use sheikh_core::Language;
use sheikh_syntax::{ValidateOptions, Validator, Verdict};

const ALL: [Language; 11] = Language::ALL;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no overflow")
}

fn validator(timeout_ms: u64) -> Validator {
    Validator::new(ValidateOptions {
        timeout_ms,
        max_bytes: 64 << 20,
        ..Default::default()
    })
}

#[test]
fn deep_brackets_in_every_language() {
    on_small_stack(|| {
        let v = validator(20_000);
        let deep =
            |open: &str, close: &str| format!("{}{}", open.repeat(100_000), close.repeat(100_000));
        let cases = [
            (Language::JavaScript, format!("x = {};", deep("[", "]"))),
            (Language::Jsx, format!("x = {};", deep("(", ")"))),
            (Language::TypeScript, format!("let x = {};", deep("[", "]"))),
            (Language::Tsx, format!("let x = {};", deep("(", ")"))),
            (Language::Css, format!("a {{ b: {} }}", deep("calc(", ")"))),
            (Language::Json, deep("[", "]")),
        ];
        for (lang, text) in cases {
            let r = v.validate(&text, lang);
            assert!(
                matches!(
                    r.verdict,
                    Verdict::Valid | Verdict::Invalid | Verdict::Timeout | Verdict::TooDeep
                ),
                "{lang:?}: {:?}",
                r.verdict
            );
            if r.verdict == Verdict::Valid {
                assert!(
                    r.structure.max_depth > 1000,
                    "{lang:?}: depth {}",
                    r.structure.max_depth
                );
            }
        }
        // JSON deeper than serde_json's recursion limit is reported, not overflowed.
        assert_eq!(
            v.validate(&deep("[", "]"), Language::Json).verdict,
            Verdict::TooDeep
        );
    });
}

#[test]
fn deep_brackets_in_javascript_are_too_deep_as_for_v8() {
    on_small_stack(|| {
        // V8 (node 20) parses 1,000 nested brackets and overflows its stack at 5,000
        // (`RangeError: Maximum call stack size exceeded`): 100,000 have no verdict.
        for (open, close) in [("[", "]"), ("(", ")"), ("{a:", "}")] {
            let text = format!("x = {}1{};", open.repeat(100_000), close.repeat(100_000));
            let r = validator(60_000).validate(&text, Language::JavaScript);
            assert_eq!(r.verdict, Verdict::TooDeep, "{open}");
            let unclosed = format!("x = {};", open.repeat(100_000));
            let r = validator(60_000).validate(&unclosed, Language::JavaScript);
            assert_eq!(r.verdict, Verdict::TooDeep, "{open}");
            // What V8 parses is fully parsed, on the 2 MiB stack of this thread.
            let text = format!("x = {}1{};", open.repeat(1_000), close.repeat(1_000));
            let r = validator(60_000).validate(&text, Language::JavaScript);
            assert_eq!(r.verdict, Verdict::Valid, "{open}");
            assert!(r.structure.max_depth >= 1_000);
        }
    });
}

#[test]
fn deep_tags_in_markup() {
    on_small_stack(|| {
        let v = validator(20_000);
        let tags = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        // XML is streaming: fully checked at any depth.
        let r = v.validate(&tags(100_000), Language::Xml);
        assert_eq!(r.verdict, Verdict::Valid);
        assert_eq!(r.structure.max_depth, 100_000);
        let r = v.validate(&"<a>".repeat(100_000), Language::Xml);
        assert_eq!(r.verdict, Verdict::Invalid);
        // HTML: the WHATWG algorithm's scope checks walk the stack of open elements
        // (quadratic in depth), so nesting past `max_nesting` is a typed outcome.
        let html = format!("<!doctype html>{}", tags(100_000).replace('a', "div"));
        let started = Instant::now();
        let r = validator(2_000).validate(&html, Language::Html);
        assert_eq!(r.verdict, Verdict::TooDeep);
        assert!(started.elapsed() < Duration::from_secs(10));
        let html = format!("<!doctype html>{}", tags(200).replace('a', "div"));
        assert_eq!(v.validate(&html, Language::Html).verdict, Verdict::Valid);
        let html = format!("<!doctype html>{}", tags(1_000).replace('a', "div"));
        assert_eq!(v.validate(&html, Language::Html).verdict, Verdict::TooDeep);
        // MDX and Markdown: the recursive parser is guarded.
        for lang in [Language::Mdx, Language::Markdown] {
            let r = v.validate(&tags(100_000), lang);
            assert!(
                r.verdict != Verdict::Invalid || lang == Language::Mdx,
                "{lang:?}"
            );
            let r = v.validate(&">".repeat(100_000), lang);
            assert_eq!(r.verdict, Verdict::TooDeep, "{lang:?}");
            let r = v.validate(
                &format!("{}x{}", "*".repeat(50_000), "*".repeat(50_000)),
                lang,
            );
            assert_eq!(r.verdict, Verdict::TooDeep, "{lang:?}");
            let r = v.validate(&format!("{}x", "- ".repeat(100_000)), lang);
            assert_eq!(r.verdict, Verdict::TooDeep, "{lang:?}");
            let r = v.validate(
                &format!("{}x{}", "[".repeat(100_000), "](u)".repeat(100_000)),
                lang,
            );
            assert_eq!(r.verdict, Verdict::TooDeep, "{lang:?}");
        }
        let r = v.validate(&tags(100_000).replace('a', "A"), Language::Mdx);
        assert_eq!(r.verdict, Verdict::TooDeep);
    });
}

#[test]
fn nesting_just_under_the_limit_parses_on_a_small_stack() {
    on_small_stack(|| {
        let v = validator(20_000);
        let limit = ValidateOptions::default().max_nesting as usize;
        let n = limit - 1;
        let cases = [
            (Language::Markdown, format!("{}x", "> ".repeat(n))),
            (Language::Markdown, format!("{}x", "- ".repeat(n))),
            (
                Language::Markdown,
                format!("{}x{}", "_".repeat(n - 1), "_".repeat(n - 1)),
            ),
            (
                Language::Markdown,
                format!("{}x{}", "_a ".repeat(n - 1), " a_".repeat(n - 1)),
            ),
            (
                Language::Mdx,
                format!("{}x{}", "<A>".repeat(n), "</A>".repeat(n)),
            ),
            (Language::Mdx, format!("{}x", "> ".repeat(n))),
            (
                Language::Markdown,
                format!("{}x{}", "![".repeat(n / 2), "](u)".repeat(n / 2)),
            ),
        ];
        for (lang, text) in cases {
            let r = v.validate(&text, lang);
            assert!(r.verdict.is_checked(), "{lang:?} {:?}", r.verdict);
            assert!(r.structure.node_count > 0);
        }
    });
}

#[test]
fn fifty_megabyte_single_line() {
    on_small_stack(|| {
        let line = "a+".repeat(25 << 20) + "a;";
        assert!(line.len() > 50 << 20);
        let started = Instant::now();
        let r = validator(2_000).validate(&line, Language::JavaScript);
        // V8 accepts this; oxc's AST walks recurse once per `+` of the left-deep tree,
        // and 25 million levels need more stack than the validator allocates
        // (1 GiB), so it is reported too deep rather than parsed.
        assert!(
            matches!(
                r.verdict,
                Verdict::Valid | Verdict::Timeout | Verdict::TooDeep
            ),
            "{:?}",
            r.verdict
        );
        assert!(started.elapsed() < Duration::from_secs(30));
        // Default byte limit: not parsed at all.
        let r = Validator::default().validate(&line, Language::JavaScript);
        assert_eq!(r.verdict, Verdict::TooLarge);
        // Streaming XML on one line.
        let xml = format!("<r>{}</r>", "<a b=\"1\"/>".repeat(5 << 20));
        let r = validator(0).validate(&xml, Language::Xml);
        assert_eq!(r.verdict, Verdict::Valid);
        assert_eq!(r.structure.max_depth, 2);
    });
}

#[test]
fn timeouts_are_typed_outcomes() {
    // oxc cannot be interrupted: the deadline is checked after the linear pre-scan,
    // which takes more than 1 ms over 28 MB.
    let text = "let a = f(1);\n".repeat(2_000_000);
    let r = validator(1).validate(&text, Language::JavaScript);
    assert_eq!(r.verdict, Verdict::Timeout);
    assert!(r.issues.is_empty());
    assert!(!r.is_valid());
    // The thread's parser is usable afterwards.
    let r = validator(1_000).validate("let a = 1;", Language::JavaScript);
    assert_eq!(r.verdict, Verdict::Valid);
    // The MDX hooks share the deadline.
    let mdx = format!("{{{}{}}}", "f(".repeat(200_000), ")".repeat(200_000));
    let r = validator(1).validate(&mdx, Language::Mdx);
    assert_eq!(r.verdict, Verdict::Timeout);
    // A lexically unfinished expression is rejected without parsing.
    let unfinished = format!("{{{}}}", "f(".repeat(200_000));
    let r = validator(1_000).validate(&unfinished, Language::Mdx);
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn nul_bytes_and_controls_never_crash() {
    on_small_stack(|| {
        let v = validator(5_000);
        for lang in ALL {
            for text in [
                "\0",
                "a\0b",
                "\0\0\0<\0>{\0}",
                "<a>\0</a>",
                "\u{1}\u{2}\u{7f}",
                "\u{feff}",
                "",
            ] {
                let r = v.validate(text, lang);
                assert_eq!(r.bytes as usize, text.len());
            }
        }
        // A NUL byte is an ordinary character inside a string (V8, acorn and
        // TypeScript accept it), and an error in code.
        assert_eq!(
            v.validate("let a = '\0';", Language::JavaScript).verdict,
            Verdict::Valid
        );
        assert_eq!(
            v.validate("let a = \0;", Language::JavaScript).verdict,
            Verdict::Invalid
        );
        assert_eq!(
            v.validate("<a>\0</a>", Language::Xml).verdict,
            Verdict::Invalid
        );
        assert_eq!(v.validate("", Language::Xml).verdict, Verdict::Invalid);
        assert_eq!(v.validate("", Language::JavaScript).verdict, Verdict::Valid);
    });
}

#[test]
fn quadratic_markdown_shapes_are_refused_fast() {
    let v = Validator::default();
    let cases = [
        "a\n".repeat(100_000), // one 100k-line paragraph
        format!("|a|b|\n|-|-|\n{}", "|1|2|\n".repeat(50_000)), // a 50k-row table
        "[a](".repeat(100_000), // unclosed link destinations
    ];
    for lang in [Language::Markdown, Language::Mdx] {
        for text in &cases {
            let started = Instant::now();
            let r = v.validate(text, lang);
            assert_eq!(r.verdict, Verdict::TooLarge, "{lang:?}");
            assert!(started.elapsed() < Duration::from_secs(2));
        }
        // Long documents made of ordinary blocks are parsed.
        let ok = "Some text with a [link](u) and *emphasis*.\n\n".repeat(5_000);
        assert!(v.validate(&ok, lang).verdict.is_checked());
    }
}

/// Fuzz findings (fuzz/seeds/validate_{xml,json}/bom-issue-offset): an issue reported
/// right after one or two byte-order marks pointed inside a character.
#[test]
fn issues_after_a_bom_start_on_a_character_boundary() {
    let v = sheikh_syntax::Validator::default();
    for (text, lang) in [
        ("\u{feff}\u{feff}\u{1a}", sheikh_core::Language::Xml),
        ("\u{feff}\t(\0\0", sheikh_core::Language::Json),
        ("\u{feff}{\"a\": }", sheikh_core::Language::Json),
    ] {
        let r = v.validate(text, lang);
        assert!(r.error_count > 0, "{text:?}: {r:?}");
        for i in &r.issues {
            assert!(text.is_char_boundary(i.start_byte), "{text:?}: {i:?}");
            assert!(text.is_char_boundary(i.end_byte), "{text:?}: {i:?}");
            let _ = &text[i.start_byte..i.end_byte];
        }
    }
}

/// Fuzz finding (fuzz/seeds/validate_json/float-out-of-range): RFC 8259 has no range
/// limit on numbers; a number beyond f64 is valid JSON (serde_json's syntax check and
/// node's `JSON.parse` accept it), an unterminated one is not.
#[test]
fn json_numbers_beyond_f64_are_valid_json() {
    let v = sheikh_syntax::Validator::default();
    for text in ["914.77777777777777087770e777", "[1e400, {\"a\": -1e999}]"] {
        let r = v.validate(text, sheikh_core::Language::Json);
        assert_eq!(r.verdict, sheikh_syntax::Verdict::Valid, "{text}: {r:?}");
    }
    let r = v.validate("[1e400, ", sheikh_core::Language::Json);
    assert_eq!(r.verdict, sheikh_syntax::Verdict::Invalid);
}
