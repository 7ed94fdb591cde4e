//! The labelled secrets set (`tests/fixtures/secrets/labelled.jsonl`, written by
//! `make_labelled.py` next to it): every secret must be gone after redaction, clean texts
//! must come back unchanged, and a per-detector precision/recall table is printed.
//!
//! `cargo test -p sheikh-quality --test secrets_benchmark -- --nocapture`

use std::collections::BTreeMap;
use std::path::PathBuf;

use sheikh_quality::{RedactionConfig, Redactor};

/// One labelled example.
struct Example {
    id: String,
    text: String,
    secret: bool,
    kind: String,
    secrets: Vec<String>,
}

/// Positives the rules do not reach, by design: a password built from two string
/// pieces (`'tiger' + 'x9…'`; only the first piece is an assigned literal) and a password
/// passed as a positional argument (`page.fill('#password', 'hunter551')`; no
/// assignment operator).
const KNOWN_MISSES: [&str; 2] = ["password_split_literal-001", "password_call_argument-001"];

fn load() -> Vec<Example> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets/labelled.jsonl");
    let raw = std::fs::read_to_string(&path).expect("labelled set");
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            let s = |k: &str| v[k].as_str().expect(k).to_string();
            let label = s("label");
            assert!(label == "secret" || label == "clean", "{l}");
            Example {
                id: s("id"),
                text: s("text"),
                secret: label == "secret",
                kind: s("kind"),
                secrets: v["secrets"]
                    .as_array()
                    .expect("secrets")
                    .iter()
                    .map(|x| x.as_str().expect("secret string").to_string())
                    .collect(),
            }
        })
        .collect()
}

/// Per-row counts: examples of a labelled kind (recall) and firings of a detector
/// (precision).
#[derive(Default)]
struct Row {
    positives: usize,
    recalled: usize,
    clean: usize,
    clean_changed: usize,
    fired_on_secret: usize,
    fired_on_clean: usize,
}

struct Report {
    rows: BTreeMap<String, Row>,
    missed: Vec<String>,
    false_positives: Vec<String>,
    positives: usize,
    recalled: usize,
    clean: usize,
    clean_changed: usize,
}

fn evaluate() -> Report {
    let r = Redactor::new(&RedactionConfig::default());
    let set = load();
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let (mut missed, mut false_positives) = (Vec::new(), Vec::new());
    let (mut positives, mut recalled, mut clean, mut clean_changed) = (0, 0, 0, 0);
    for ex in &set {
        let (out, findings) = r.explain(&ex.text);
        let out = out.unwrap_or_else(|| ex.text.clone());
        // Each detector counts once per example.
        let mut fired: Vec<&str> = findings.iter().map(|f| f.detector).collect();
        fired.sort_unstable();
        fired.dedup();
        for d in &fired {
            let row = rows.entry(d.to_string()).or_default();
            if ex.secret {
                row.fired_on_secret += 1;
            } else {
                row.fired_on_clean += 1;
            }
        }
        let row = rows.entry(ex.kind.clone()).or_default();
        if ex.secret {
            assert!(!ex.secrets.is_empty(), "{}: no secret listed", ex.id);
            for s in &ex.secrets {
                assert!(ex.text.contains(s.as_str()), "{}: {s} not in text", ex.id);
            }
            positives += 1;
            row.positives += 1;
            let leaked: Vec<&String> = ex
                .secrets
                .iter()
                .filter(|s| out.contains(s.as_str()))
                .collect();
            if leaked.is_empty() {
                recalled += 1;
                row.recalled += 1;
            } else {
                missed.push(format!("{} leaks {leaked:?}\n    in: {out}", ex.id));
            }
        } else {
            clean += 1;
            row.clean += 1;
            if out != ex.text {
                clean_changed += 1;
                row.clean_changed += 1;
                false_positives.push(format!(
                    "{} changed by {fired:?}\n    in:  {}\n    out: {out}",
                    ex.id, ex.text
                ));
            }
        }
    }
    Report {
        rows,
        missed,
        false_positives,
        positives,
        recalled,
        clean,
        clean_changed,
    }
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "–".to_string()
    } else {
        format!("{:.3}", n as f64 / d as f64)
    }
}

fn table(rep: &Report) -> String {
    let mut t = String::from(
        "| kind / detector | positives | recall | clean texts | clean changed | fired on secrets | fired on clean | precision |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (name, r) in &rep.rows {
        t.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.positives,
            pct(r.recalled, r.positives),
            r.clean,
            r.clean_changed,
            r.fired_on_secret,
            r.fired_on_clean,
            pct(r.fired_on_secret, r.fired_on_secret + r.fired_on_clean),
        ));
    }
    let tp = rep.recalled;
    t.push_str(&format!(
        "| **all** | {} | {} | {} | {} | | | {} |\n",
        rep.positives,
        pct(rep.recalled, rep.positives),
        rep.clean,
        rep.clean_changed,
        pct(tp, tp + rep.clean_changed),
    ));
    t
}

#[test]
fn labelled_set_has_the_promised_composition() {
    let set = load();
    let positives = set.iter().filter(|e| e.secret).count();
    let negatives = set.len() - positives;
    assert!(positives >= 150, "{positives} positives");
    assert!(negatives >= 150, "{negatives} hard negatives");
    let mut ids: Vec<&str> = set.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), set.len(), "ids are unique");
}

#[test]
fn every_secret_is_redacted_and_clean_texts_are_unchanged() {
    let rep = evaluate();
    println!("{}", table(&rep));
    for m in &rep.missed {
        println!("MISSED {m}");
    }
    for f in &rep.false_positives {
        println!("FALSE POSITIVE {f}");
    }
    // Every listed secret value is gone from the output, except in the examples the rules
    // knowingly do not cover (see KNOWN_MISSES); a new miss fails, and so does a known
    // miss that starts passing (update the list and docs/benchmarks/secrets.md).
    let missed: Vec<&str> = rep
        .missed
        .iter()
        .map(|m| m.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(missed, KNOWN_MISSES, "missed:\n{}", rep.missed.join("\n"));
    let recall = rep.recalled as f64 / rep.positives as f64;
    assert!(recall >= 0.98, "recall {recall:.3}");
    // Precision over examples: redacted positives / (redacted positives + changed clean
    // texts).
    let precision = rep.recalled as f64 / (rep.recalled + rep.clean_changed) as f64;
    assert!(
        precision >= 0.95,
        "precision {precision:.3}:\n{}",
        rep.false_positives.join("\n")
    );
}

#[test]
fn redaction_of_the_set_is_idempotent() {
    let r = Redactor::new(&RedactionConfig::default());
    for ex in load() {
        let once = r.redact(&ex.text).0.unwrap_or(ex.text.clone());
        assert_eq!(r.redact(&once).0, None, "{}: {once}", ex.id);
    }
}
