//! Inputs built to make a backtracking or rescanning redactor quadratic: every rule must
//! stay linear. Each case is 200 KB; a quadratic scan of the `1.1.1.1…` case took minutes
//! before the e-mail rule moved out of the combined expression, so the generous time
//! bound separates linear from quadratic even on a loaded machine in a debug build.

use std::time::{Duration, Instant};

use sheikh_core::{Document, Filter, Language};
use sheikh_quality::{QualityConfig, QualityFilter};

#[test]
fn adversarial_inputs_stay_linear() {
    const N: usize = 200_000;
    let rep = |unit: &str| unit.repeat(N / unit.len());
    let cases = [
        ("at signs", rep("a@")),
        ("dotted run", rep("1.")),
        (
            "open quotes",
            rep("\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ),
        ("assignments", rep("password = 'x' ")),
        ("dangling assignments", rep("password: ")),
        ("colons", rep("a:")),
        ("hex colons", rep("1:")),
        ("hex pairs", rep("ab ")),
        ("angle brackets", rep("<")),
        ("file-like emails", rep("x@y.png ")),
        ("secrets", rep("apiKey: 'S3cr3t-Pa55w0rd!' ")),
        ("long local part", "a".repeat(N) + "@b.com"),
        ("jwt prefixes", rep("eyJ")),
        ("pem without end", rep("-----BEGIN PRIVATE KEY-----\n")),
        ("base64", rep("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo")),
        ("script tags", rep("<script>")),
    ];
    let f = QualityFilter::new(QualityConfig::default());
    for (name, text) in cases {
        let mut doc = Document::new(text, Language::Html);
        let t = Instant::now();
        let _ = f.filter(&mut doc);
        let took = t.elapsed();
        assert!(took < Duration::from_secs(20), "{name}: {took:?}");
    }
}
