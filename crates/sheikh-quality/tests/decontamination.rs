//! Decontamination against `fixtures/quality/benchmarks.jsonl`.

use std::path::PathBuf;

use sheikh_core::io::DirectoryReader;
use sheikh_core::{Document, Filter, FilterStage, Language, Outcome, Reason, Stage};
use sheikh_quality::{
    load_benchmarks, Contamination, DecontaminationConfig, Decontaminator, QualityError,
};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/quality/benchmarks.jsonl")
}

fn decontaminator(cfg: DecontaminationConfig) -> Decontaminator {
    Decontaminator::from_config(&DecontaminationConfig {
        benchmarks: Some(fixture()),
        ..cfg
    })
    .unwrap()
}

fn check(d: &Decontaminator, text: &str) -> Option<(Reason, String)> {
    let mut doc = Document::new(text, Language::JavaScript);
    d.filter(&mut doc).map(|r| (r.reason, r.detail))
}

#[test]
fn fixture_loads() {
    let items = load_benchmarks(&fixture()).unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[1].id, "SheikhEval/1");
    assert!(items[1].prompt.contains("slugifyTitle"));
    assert!(items[1].solution.contains("toLowerCase"));
    let d = decontaminator(DecontaminationConfig::default());
    assert!(d.is_active());
    assert_eq!(d.problems(), 4);
    assert_eq!(Filter::name(&d), "decontamination");
}

#[test]
fn copied_solution_is_caught_by_exact_substring_whatever_the_formatting() {
    let d = decontaminator(DecontaminationConfig::default());
    // Reformatted (one line, other indentation), inside an unrelated module.
    let doc = "import { api } from './api';\n\nexport function merge(intervals) {\nconst sorted = [...intervals].sort((a, b) => a[0] - b[0]); const merged = [];\nfor (const [start, end] of sorted) { const last = merged[merged.length - 1];\n if (last && start <= last[1]) { last[1] = Math.max(last[1], end); } else { merged.push([start, end]); } }\n return merged;\n}\n";
    let (reason, detail) = check(&d, doc).expect("contaminated");
    assert_eq!(reason, Reason::Contaminated);
    assert_eq!(
        detail,
        "contains the solution of benchmark SheikhEval/2 (whitespace removed)"
    );
}

#[test]
fn copied_prompt_text_is_caught_by_ngrams() {
    let cfg = DecontaminationConfig {
        exact_substring: false,
        ..Default::default()
    };
    let d = decontaminator(cfg);
    // A blog post quoting the task in prose, with different punctuation.
    let doc = "// Exercise: turn a product title into a URL slug - lowercase it, replace every run of characters that are not letters or digits with a single hyphen.\nexport const slug = (t) => t;\n";
    let (reason, detail) = check(&d, doc).expect("contaminated");
    assert_eq!(reason, Reason::Contaminated);
    assert_eq!(
        detail,
        "shares 1 word 10-gram(s) with benchmark SheikhEval/1"
    );
    let hit = d.check(doc).unwrap();
    assert!(matches!(hit, Contamination::NGram { ref item, .. } if item == "SheikhEval/1"));
}

#[test]
fn unrelated_code_is_kept() {
    let d = decontaminator(DecontaminationConfig::default());
    // Same topic, own code: a different bracket checker.
    let own = "export function balanced(s) {\n  let depth = 0;\n  for (const c of s) {\n    depth += c === '(' ? 1 : c === ')' ? -1 : 0;\n    if (depth < 0) return false;\n  }\n  return depth === 0;\n}\n";
    assert_eq!(check(&d, own), None);
    // The whole fixture corpus is clean.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/corpus");
    let mut docs = Vec::new();
    for batch in DirectoryReader::builder(&root).build().unwrap() {
        docs.extend(batch.unwrap().documents);
    }
    let n = docs.len();
    let mut stage = FilterStage::new(d);
    let out = stage.process(docs).unwrap();
    assert_eq!(out.len(), n);
    assert!(out.iter().all(|o| matches!(o, Outcome::Keep(_))));
}

#[test]
fn thresholds_and_test_ngrams() {
    // Requiring many shared n-grams lets a one-sentence quotation through.
    let quote =
        "// turn a product title into a URL slug: lowercase it, replace every run of characters\n";
    let strict = decontaminator(DecontaminationConfig {
        exact_substring: false,
        min_shared_ngrams: 10,
        ..Default::default()
    });
    assert_eq!(strict.check(quote), None);
    let loose = decontaminator(DecontaminationConfig {
        exact_substring: false,
        ..Default::default()
    });
    assert!(loose.check(quote).is_some());
    // Test code is only indexed when asked.
    let tests = "console.assert(countFreeShipping([1200, 4999, 5000, 7350], 5000) === 2)\nconsole.assert(countFreeShipping([], 100) === 0)\n";
    assert_eq!(loose.check(tests), None);
    let with_tests = decontaminator(DecontaminationConfig {
        exact_substring: false,
        ngrams_from_tests: true,
        ..Default::default()
    });
    assert!(with_tests.check(tests).is_some());
}

#[test]
fn disabled_or_without_benchmarks_keeps_everything() {
    let off = Decontaminator::from_config(&DecontaminationConfig {
        enabled: false,
        benchmarks: Some(fixture()),
        ..Default::default()
    })
    .unwrap();
    assert!(!off.is_active());
    let items = load_benchmarks(&fixture()).unwrap();
    assert_eq!(off.check(&items[0].solution), None);
    let none = Decontaminator::from_config(&DecontaminationConfig::default()).unwrap();
    assert_eq!(none.check(&items[0].solution), None);
}

#[test]
fn errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bench.jsonl");
    std::fs::write(&p, "{\"prompt\": \"a\"}\n{\"prompt\": 3}\n").unwrap();
    let err = Decontaminator::from_config(&DecontaminationConfig {
        benchmarks: Some(p.clone()),
        ..Default::default()
    })
    .unwrap_err();
    assert!(matches!(err, QualityError::Benchmark { line: 2, .. }));
    assert!(err.to_string().contains("bench.jsonl:2"), "{err}");
    std::fs::write(&p, "{\"task_id\": \"x\"}\n").unwrap();
    assert!(load_benchmarks(&p).is_err());
}
