//! MDX and Markdown validation: no panic, a consistent report.
//!
//! The validator runs the `markdown` crate under `catch_unwind` (it has reachable
//! `unreachable!`s, e.g. on `-\r-\n` setext underlines); libfuzzer-sys's panic hook
//! would abort on those caught panics, so panics located in that crate are let through
//! to the validator's `catch_unwind`, and every other panic still aborts.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sheikh_core::Language;

fn let_markdown_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_markdown = info
                .location()
                .is_some_and(|l| l.file().contains("/markdown-"));
            if !in_markdown {
                fuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let_markdown_panics_unwind();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    sheikh_fuzz::check_validation(text, Language::Mdx);
    sheikh_fuzz::check_validation(text, Language::Markdown);
});
