//! Checks shared by the fuzz targets.

use sheikh_core::io::ReadBatch;
use sheikh_core::{Language, Result};
use sheikh_syntax::{SyntaxReport, ValidateOptions, Validator, Verdict};

/// Documents and rejections over all batches of a reader; panics on a reader error
/// (`Err` batch), which a single readable temp file must never produce.
pub fn drain(reader: impl Iterator<Item = Result<ReadBatch>>) -> (usize, Vec<ReadBatch>) {
    let mut total = 0;
    let mut batches = Vec::new();
    for batch in reader {
        let batch = batch.expect("a reader over a readable temp file yields no Err batch");
        assert!(!batch.is_empty(), "a reader never yields an empty batch");
        total += batch.documents.len() + batch.rejected.len();
        batches.push(batch);
    }
    (total, batches)
}

/// The validator the targets use: no time limit (a timeout would make a run depend on
/// the machine's load), the default size and nesting limits.
pub fn validator() -> Validator {
    Validator::new(ValidateOptions {
        timeout_ms: 0,
        ..ValidateOptions::default()
    })
}

/// Validates `text` as `language` and checks the report's invariants.
pub fn check_validation(text: &str, language: Language) -> SyntaxReport {
    let v = validator();
    let r = v.validate(text, language);
    assert_eq!(r.language, language);
    assert_eq!(r.bytes, text.len() as u64);
    assert!(r.issues.len() as u64 <= r.error_count);
    assert!(r.issues.len() <= v.options().max_issues);
    match r.verdict {
        Verdict::Valid => assert_eq!(r.error_count, 0, "valid with errors: {r:?}"),
        Verdict::Invalid => assert!(r.error_count > 0, "invalid without errors: {r:?}"),
        Verdict::TooDeep | Verdict::TooLarge => assert_eq!(r.error_count, 0),
        Verdict::Timeout => panic!("timeout without a time limit"),
        Verdict::Unsupported => panic!("{language:?} is supported"),
    }
    for i in &r.issues {
        assert!(i.start_byte <= i.end_byte, "{i:?}");
        assert!(
            i.end_byte <= text.len(),
            "{i:?} past the end of {} bytes",
            text.len()
        );
        assert!(i.line >= 1 && i.column >= 1, "{i:?}");
        // Byte-based: an issue offset inside a character is a finding of its own
        // (docs/benchmarks/fuzz.md), not a reason to stop here.
        let line = text.as_bytes()[..i.start_byte.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        assert!(
            i.line == line || text.contains('\r'),
            "{i:?}: start byte is on line {line}"
        );
    }
    // Deterministic: a second run gives the same report (but for the time spent).
    let mut again = v.validate(text, language);
    again.elapsed_us = r.elapsed_us;
    assert_eq!(again, r, "validation is not deterministic");
    r
}
