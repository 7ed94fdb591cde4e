//! Deeply nested and unclosed HTML is validated in bounded (linear) time with a
//! verdict. Timings are not asserted here (noisy machines); the `nested_html` bench
//! measures them (docs/benchmarks/html.md).

use sheikh_core::Language;
use sheikh_syntax::{validate, IssueKind, ValidateOptions, Validator, Verdict};

/// A validator without a time limit, so every verdict below is reached by the parser
/// itself and not by the clock.
fn untimed() -> Validator {
    Validator::new(ValidateOptions {
        timeout_ms: 0,
        ..ValidateOptions::default()
    })
}

#[test]
fn twenty_thousand_nested_divs_are_too_deep() {
    let n = 20_000;
    let html = format!("<!doctype html>{}{}", "<div>".repeat(n), "</div>".repeat(n));
    let r = untimed().validate(&html, Language::Html);
    assert_eq!(r.verdict, Verdict::TooDeep);
    assert_eq!(r.bytes, html.len() as u64);
}

#[test]
fn fifty_thousand_nested_bold_tags_are_too_deep() {
    let html = format!("<!doctype html><p>{}x", "<b>".repeat(50_000));
    let r = untimed().validate(&html, Language::Html);
    assert_eq!(r.verdict, Verdict::TooDeep);
}

#[test]
fn ten_thousand_unclosed_tables_are_invalid() {
    // Each `<table>` inside a table closes the previous one (a parse error each time):
    // the nesting stays shallow, so the page is fully checked.
    let html = format!("<!doctype html>{}", "<table>".repeat(10_000));
    let r = untimed().validate(&html, Language::Html);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.error_count >= 10_000, "{}", r.error_count);
    assert!(r.issues.len() <= 16);
}

#[test]
fn nesting_up_to_the_limit_is_checked() {
    let options = ValidateOptions {
        timeout_ms: 0,
        max_nesting: 300,
        ..ValidateOptions::default()
    };
    let v = Validator::new(options);
    // <html><body> plus 290 divs: within the limit, valid.
    let html = format!(
        "<!doctype html>{}{}",
        "<div>".repeat(290),
        "</div>".repeat(290)
    );
    assert_eq!(v.validate(&html, Language::Html).verdict, Verdict::Valid);
    // Many shallow blocks side by side: checked whatever the total size.
    let block = format!("{}{}", "<div>".repeat(200), "</div>".repeat(200));
    let html = format!("<!doctype html>{}", block.repeat(50));
    let r = v.validate(&html, Language::Html);
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(r.structure.max_depth >= 200);
    let html = format!("<!doctype html>{}", "<div>".repeat(400));
    assert_eq!(v.validate(&html, Language::Html).verdict, Verdict::TooDeep);
}

#[test]
fn fragments_need_no_doctype_but_documents_do() {
    // html5lib: parseFragment("<p>x</p>") has no error; parse("<html>…") without a
    // doctype reports expected-doctype-but-got-start-tag.
    assert_eq!(validate("<p>x</p>", Language::Html).verdict, Verdict::Valid);
    let r = validate("<html><body><p>x</p></body></html>", Language::Html);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(
        validate(
            "<!DOCTYPE html><html><body><p>x</p></body></html>",
            Language::Html
        )
        .verdict,
        Verdict::Valid
    );
}

#[test]
fn html5lib_errors_are_located() {
    let r = validate(
        "<p>\n<a href=x>&bogus;</a>\n<img src=a src=b>",
        Language::Html,
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r
        .issues
        .iter()
        .any(|i| i.kind == IssueKind::DuplicateAttribute && i.line == 3));
}

#[test]
fn errors_before_any_tag_start_do_not_slice_inside_characters() {
    // A tag-like error chunk with no `<` before it, starting with a multi-byte char.
    for text in ["é */>", "é />", "ü\n</x>é>", "日本語>"] {
        let r = validate(text, Language::Html);
        assert!(r.verdict.is_checked(), "{text:?}: {:?}", r.verdict);
        for i in &r.issues {
            assert!(text.is_char_boundary(i.start_byte), "{text:?}: {i:?}");
        }
    }
}
