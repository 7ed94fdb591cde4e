//! What `rejected/` holds: documents dropped before any redaction stage must not turn the
//! rejected sink into a secret dump (issue #14). Each mode of `output.rejected_content`,
//! the byte cap, and the rejected-input log are checked, with the books balanced.

use std::path::Path;
use std::sync::Arc;

use sheikh_core::io::{JsonlFormat, ReadBatch, RejectedInput, ShardedWriter, WriterOptions};
use sheikh_core::{
    Document, Filter, FilterStage, Language, Pipeline, PipelineStats, Reason, Redact,
    RejectedContent, RejectedPolicy, Rejection, SharedRedactor, Sinks,
};

const SECRET: &str = "AKIAIOSFODNN7EXAMPLE";

/// A stand-in detector for one known secret (the real detectors live in sheikh-quality).
struct OneSecret;
impl Redact for OneSecret {
    fn redact_text(&self, t: &str) -> Option<String> {
        t.contains(SECRET).then(|| t.replace(SECRET, "<KEY>"))
    }
}

/// Drops every document (as a language filter drops `.env` files before quality runs).
struct DropAll;
impl Filter for DropAll {
    fn name(&self) -> &str {
        "language"
    }
    fn filter(&self, _doc: &mut Document) -> Option<Rejection> {
        Some(Rejection::new(Reason::LanguageNotSelected, "Other"))
    }
}

fn docs(n: usize, size: usize) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let mut d = Document::new(
                format!("AWS_KEY={SECRET} # {i} {}", "x".repeat(size)),
                Language::Other,
            )
            .with_path(format!("conf/{SECRET}/{i}.env"));
            d.metadata
                .insert("extra".into(), serde_json::json!({ "k": [SECRET] }));
            d
        })
        .collect()
}

fn run(policy: RejectedPolicy, docs: Vec<Document>, dir: &Path) -> (PipelineStats, String) {
    let mut p = Pipeline::new().with_stage(FilterStage::new(DropAll));
    let out = ShardedWriter::new(dir.join("data"), JsonlFormat, WriterOptions::default());
    let rej = ShardedWriter::new(dir.join("rejected"), JsonlFormat, WriterOptions::default());
    let sinks = Sinks::new(Box::new(out))
        .with_rejected(Some(Box::new(rej)))
        .with_rejected_inputs(dir.join("rejected/inputs.jsonl"))
        .unwrap()
        .with_rejected_policy(policy);
    let batch = ReadBatch {
        documents: docs,
        rejected: vec![RejectedInput {
            source: format!("keys/{SECRET}.pem"),
            bytes: 10,
            rejection: Rejection::new(Reason::Binary, format!("starts with {SECRET}")),
        }],
    };
    let (stats, files) = p.run(std::iter::once(Ok(batch)), sinks, |_| {}).unwrap();
    stats.check_balance().unwrap();
    let mut all = String::new();
    for f in files {
        all.push_str(&std::fs::read_to_string(f).unwrap());
    }
    (stats, all)
}

fn records(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn redactor() -> Option<SharedRedactor> {
    Some(Arc::new(OneSecret))
}

#[test]
fn redacted_is_the_default_and_without_a_redactor_keeps_no_content() {
    let dir = tempfile::tempdir().unwrap();
    let policy = RejectedPolicy::default();
    assert_eq!(policy.content, RejectedContent::Redacted);
    let (stats, text) = run(policy, docs(3, 10), dir.path());
    assert!(!text.contains("AWS_KEY"), "{text}");
    let docs: Vec<_> = records(&text)
        .into_iter()
        .filter(|r| r.get("id").is_some())
        .collect();
    assert_eq!(docs.len(), 3);
    for d in docs {
        assert_eq!(d["content"], "");
        assert_eq!(d["metadata"]["content_xxh3"].as_str().unwrap().len(), 32);
        assert!(d["metadata"].get("extra").is_none());
    }
    assert_eq!(stats.rejected_without_content.docs, 3);
}

#[test]
fn redacted_mode_redacts_every_field_and_the_input_log() {
    let dir = tempfile::tempdir().unwrap();
    let policy = RejectedPolicy {
        redactor: redactor(),
        ..RejectedPolicy::default()
    };
    let (stats, text) = run(policy, docs(3, 10), dir.path());
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("AWS_KEY=<KEY>"), "{text}");
    assert!(text.contains("conf/<KEY>/0.env"), "{text}");
    assert!(text.contains("keys/<KEY>.pem"), "{text}");
    assert_eq!(stats.rejected_without_content.docs, 0);
}

#[test]
fn none_mode_keeps_only_identity_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    let policy = RejectedPolicy {
        content: RejectedContent::None,
        redactor: redactor(),
        ..RejectedPolicy::default()
    };
    let (stats, text) = run(policy, docs(2, 10), dir.path());
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains("AWS_KEY"), "{text}");
    assert!(text.contains("language_not_selected"), "{text}");
    assert_eq!(stats.rejected_without_content.docs, 2);
}

#[test]
fn full_mode_is_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let policy = RejectedPolicy {
        content: RejectedContent::Full,
        redactor: redactor(),
        ..RejectedPolicy::default()
    };
    let (_, text) = run(policy, docs(1, 10), dir.path());
    assert!(text.contains(&format!("AWS_KEY={SECRET}")), "{text}");
}

#[test]
fn the_byte_cap_bounds_rejected_content_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let policy = RejectedPolicy {
        redactor: redactor(),
        max_bytes: 5_000,
        ..RejectedPolicy::default()
    };
    // 20 documents of ~1 KB: 4 fit under 5,000 bytes, 16 are written without content.
    let (stats, text) = run(policy, docs(20, 1000), dir.path());
    let with_content = records(&text)
        .iter()
        .filter(|r| r.get("id").is_some() && r["content"] != "")
        .count();
    assert_eq!(with_content, 4);
    assert_eq!(stats.rejected_without_content.docs, 16);
    let rejected_bytes: u64 = std::fs::read_dir(dir.path().join("rejected"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(rejected_bytes < 5_000 + 20 * 600, "{rejected_bytes}");
    assert_eq!(
        stats.drops_by_reason()[&Reason::LanguageNotSelected].docs,
        20
    );
}
