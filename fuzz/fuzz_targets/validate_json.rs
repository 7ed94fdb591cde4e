//! JSON validation: no panic, a consistent report, and the verdict agrees with
//! serde_json (the reference parser) wherever serde_json gives an answer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sheikh_core::Language;
use sheikh_syntax::Verdict;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let r = sheikh_fuzz::check_validation(text, Language::Json);
    // The validator reads a leading byte-order mark as files carry it; serde_json
    // does not.
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<serde::de::IgnoredAny>(body) {
        Ok(_) => assert!(
            matches!(r.verdict, Verdict::Valid | Verdict::TooDeep),
            "serde_json accepts, report says {:?}",
            r.verdict
        ),
        Err(e) if !e.to_string().contains("recursion limit") => assert!(
            matches!(r.verdict, Verdict::Invalid | Verdict::TooDeep),
            "serde_json rejects ({e}), report says {:?}",
            r.verdict
        ),
        Err(_) => {}
    }
});
