//! CodeBLEU agrees with the PyPI `codebleu` package (0.7.0, PYTHONHASHSEED=0) on the
//! pairs of `fixtures/eval/codebleu_pairs.jsonl`, per pair and corpus-level. The
//! package's scores were written by `scripts/eval/compare_codebleu.py
//! --write-reference`, so this test needs no Python.

use std::path::PathBuf;

use serde_json::Value;
use sheikh_core::Language;
use sheikh_eval::{CodeBleu, CodeBleuScore, CodeBleuStats, GenerationReader};

const TOLERANCE: f64 = 0.01;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/eval")
}

fn components(s: &CodeBleuScore) -> [(&'static str, f64); 5] {
    [
        ("codebleu", s.codebleu),
        ("ngram_match_score", s.ngram_match),
        ("weighted_ngram_match_score", s.weighted_ngram_match),
        ("syntax_match_score", s.syntax_match),
        ("dataflow_match_score", s.dataflow_match),
    ]
}

#[test]
fn agrees_with_the_python_package() {
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("codebleu_reference_scores.json")).unwrap(),
    )
    .unwrap();
    let expected = reference["per_pair"].as_array().unwrap();
    let records: Vec<_> = GenerationReader::open(fixtures().join("codebleu_pairs.jsonl"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        records.len() >= 50,
        "need at least 50 pairs, have {}",
        records.len()
    );
    assert_eq!(records.len(), expected.len());

    let cb = CodeBleu::new(Language::JavaScript).unwrap();
    let mut corpus = CodeBleuStats::default();
    let mut exact = 0;
    for (rec, exp) in records.iter().zip(expected) {
        assert_eq!(exp["task_id"], rec.task_id.as_str());
        let stats = cb.stats(&rec.predictions[0], &[rec.reference.as_deref().unwrap()]);
        corpus.add(&stats);
        let got = stats.score(cb.config());
        let mut all_exact = true;
        for (name, value) in components(&got) {
            let want = exp[name].as_f64().unwrap();
            assert!(
                (value - want).abs() <= TOLERANCE,
                "{}: {name} = {value}, package {want}",
                rec.task_id
            );
            all_exact &= (value - want).abs() < 1e-9;
        }
        exact += usize::from(all_exact);
    }
    let got = corpus.score(cb.config());
    for (name, value) in components(&got) {
        let want = reference["corpus"][name].as_f64().unwrap();
        assert!(
            (value - want).abs() <= TOLERANCE,
            "corpus {name} = {value}, package {want}"
        );
    }
    // On this fixture the port is exact, not merely within the tolerance.
    assert_eq!(
        exact,
        records.len(),
        "pairs equal to the package on every component"
    );
}
