//! Properties over arbitrary input: no rule panics, redaction is idempotent, scores stay
//! in range, and the n-gram checker agrees with itself.

use proptest::prelude::*;
use sheikh_core::{Document, Filter, Language};
use sheikh_quality::{
    BenchmarkItem, DecontaminationConfig, Decontaminator, QualityConfig, QualityFilter,
    RedactionConfig, Redactor,
};

/// Text that is likely to hit the rules: fragments of secrets, addresses, markup and
/// encoded data glued with arbitrary characters.
fn tricky_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("jane.doe@acme.test".to_string()),
        Just("a@b.co".to_string()),
        Just("@".to_string()),
        Just("203.0.113.42".to_string()),
        Just("1.2.3.4".to_string()),
        Just("10.0.0.1.2".to_string()),
        Just("2001:db8::1".to_string()),
        Just("::".to_string()),
        Just("fe80::1%eth0".to_string()),
        Just("AKIAIOSFODNN7EXAMPLE".to_string()),
        Just("password: '".to_string()),
        Just("secret = \"".to_string()),
        Just("'S3cr3t-Pa55w0rd!'".to_string()),
        Just("\"Zq8Xv2Lr9Tn4Wb7Pk1Ys6Hd3Mf5Gc0Ja\"".to_string()),
        Just("ghp_".to_string()),
        Just("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh".to_string()),
        Just("-----BEGIN PRIVATE KEY-----".to_string()),
        Just("-----END PRIVATE KEY-----".to_string()),
        Just("<EMAIL>".to_string()),
        Just("<KEY>".to_string()),
        Just("<script>".to_string()),
        Just("</style>".to_string()),
        Just("<!--".to_string()),
        Just("&amp;".to_string()),
        Just("\\u0041\\u0042".to_string()),
        Just("0x1f,".to_string()),
        Just("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=".to_string()),
        Just("// DO NOT EDIT".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        Just("é".to_string()),
        Just("𝔘".to_string()),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|v| v.concat())
}

fn any_language() -> impl Strategy<Value = Language> {
    prop::sample::select(Language::ALL.to_vec())
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn quality_filter_never_panics_and_scores_in_range(text in tricky_text(), lang in any_language()) {
        let f = QualityFilter::new(QualityConfig::default());
        let mut doc = Document::new(text, lang).with_path("src/x.js");
        let _ = f.filter(&mut doc);
        let score = doc.metadata["quality"]["score"].as_f64().unwrap();
        prop_assert!((0.0..=1.0).contains(&score));
    }

    /// The score and the filters are one model: a dropped document scores under the
    /// threshold, and a kept one under it always says why (a penalty, never silence).
    #[test]
    fn score_agrees_with_the_rules(
        text in tricky_text(),
        lang in any_language(),
        lines in 0usize..40,
        long in 0usize..3000,
        flags in prop::sample::subsequence(vec!["vendored", "build_output", "minified_name", "generated_path"], 0..3),
    ) {
        let f = QualityFilter::new(QualityConfig::default());
        let body = format!("{text}\n{}{}\n", "let x = 1;\n".repeat(lines), "a".repeat(long));
        let mut doc = Document::new(body, lang)
            .with_path("src/x.js")
            .with_metadata("path_flags", serde_json::json!(flags));
        let dropped = f.filter(&mut doc).is_some();
        let q = &doc.metadata["quality"];
        let score = q["score"].as_f64().unwrap();
        let reasons = q.get("below_threshold").and_then(|v| v.as_array()).map_or(0, |a| a.len());
        if dropped {
            prop_assert!(score < 0.5, "dropped with score {score}: {q}");
        }
        prop_assert_eq!(score < 0.5, reasons > 0, "{}", q);
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>(), lang in any_language()) {
        let f = QualityFilter::new(QualityConfig::default());
        let mut doc = Document::new(text, lang);
        let _ = f.filter(&mut doc);
    }

    #[test]
    fn redaction_is_idempotent(text in tricky_text()) {
        let r = Redactor::new(&RedactionConfig::default());
        let (once, _) = r.redact(&text);
        let once = once.unwrap_or(text);
        let (twice, counts) = r.redact(&once);
        prop_assert_eq!(twice, None, "second pass changed {:?}", once);
        prop_assert_eq!(counts.total(), 0);
    }

    #[test]
    fn redaction_only_touches_matches(prefix in "[a-z ]{0,20}", suffix in "[a-z ]{0,20}") {
        // Plain lowercase words never change.
        let r = Redactor::new(&RedactionConfig::default());
        let text = format!("{prefix}{suffix}");
        prop_assert_eq!(r.redact(&text).0, None);
    }

    #[test]
    fn decontamination_never_panics_and_finds_embedded_solutions(
        noise in any::<String>(),
        words in prop::collection::vec("[a-z]{1,8}", 12..30),
    ) {
        let solution = words.join(" ");
        let item = BenchmarkItem { id: "P".into(), prompt: String::new(), solution: solution.clone(), tests: String::new() };
        let d = Decontaminator::from_items(&DecontaminationConfig::default(), vec![item]).unwrap();
        let _ = d.check(&noise);
        // The solution embedded anywhere (between word breaks) is found.
        let doc = format!("{noise}\n{solution}\n{noise}");
        prop_assert!(d.check(&doc).is_some());
    }
}
