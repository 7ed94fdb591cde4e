//! JavaScript, JSX, TypeScript and TSX validation: no panic, a consistent report.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sheikh_core::Language;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for lang in [
        Language::JavaScript,
        Language::Jsx,
        Language::TypeScript,
        Language::Tsx,
    ] {
        sheikh_fuzz::check_validation(text, lang);
    }
});
