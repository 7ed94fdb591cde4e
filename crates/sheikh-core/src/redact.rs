//! The redaction hook: how core applies a secret/PII redactor (implemented elsewhere, e.g.
//! `sheikh-quality`'s `Redactor`) to every text field of a document, and what it writes to
//! `rejected/` ([`RejectedContent`]).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::document::Document;

/// Removes secrets and personal data from text.
///
/// Core applies it to the documents it writes outside the kept path (dropped documents
/// and rejected-input log lines), so `rejected/` never becomes a secret dump; the quality
/// stage applies the same detectors to kept documents.
pub trait Redact: Send + Sync {
    /// The redacted text, or `None` when nothing in `text` needed redaction.
    fn redact_text(&self, text: &str) -> Option<String>;
}

/// A shared redactor handle.
pub type SharedRedactor = Arc<dyn Redact>;

/// Redacts every free-text field of `doc` — content, path, repository name, license and
/// every string inside `metadata` (recursively) — with `r`. Returns how many fields
/// changed. Ids, languages and provenance are not free text and are left alone.
///
/// ```
/// use sheikh_core::{redact_document, Document, Language, Redact};
/// struct NoHunter;
/// impl Redact for NoHunter {
///     fn redact_text(&self, t: &str) -> Option<String> {
///         t.contains("hunter2").then(|| t.replace("hunter2", "<PASSWORD>"))
///     }
/// }
/// let mut d = Document::new("pw = hunter2", Language::JavaScript).with_path("hunter2/x.js");
/// d.metadata.insert("note".into(), serde_json::json!({"list": ["hunter2"]}));
/// assert_eq!(redact_document(&NoHunter, &mut d), 3);
/// assert!(!serde_json::to_string(&d).unwrap().contains("hunter2"));
/// ```
pub fn redact_document(r: &dyn Redact, doc: &mut Document) -> usize {
    let mut changed = 0;
    if let Some(t) = r.redact_text(&doc.content) {
        doc.content = t;
        changed += 1;
    }
    for field in [&mut doc.path, &mut doc.repo_name, &mut doc.license]
        .into_iter()
        .flatten()
    {
        if let Some(t) = r.redact_text(field) {
            *field = t;
            changed += 1;
        }
    }
    for v in doc.metadata.values_mut() {
        changed += redact_json(r, v);
    }
    changed
}

/// Redacts every string inside a JSON value (object keys included); returns how many
/// strings changed.
pub fn redact_json(r: &dyn Redact, v: &mut serde_json::Value) -> usize {
    use serde_json::Value;
    match v {
        Value::String(s) => match r.redact_text(s) {
            Some(t) => {
                *s = t;
                1
            }
            None => 0,
        },
        Value::Array(items) => items.iter_mut().map(|x| redact_json(r, x)).sum(),
        Value::Object(map) => {
            let mut n = 0;
            let needs_key_fix = map.keys().any(|k| r.redact_text(k).is_some());
            if needs_key_fix {
                let old = std::mem::take(map);
                for (k, mut val) in old {
                    n += redact_json(r, &mut val);
                    let k = match r.redact_text(&k) {
                        Some(t) => {
                            n += 1;
                            t
                        }
                        None => k,
                    };
                    map.insert(k, val);
                }
            } else {
                for val in map.values_mut() {
                    n += redact_json(r, val);
                }
            }
            n
        }
        _ => 0,
    }
}

/// What `rejected/part-*.jsonl` holds for each dropped document (`output.rejected_content`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectedContent {
    /// Only id, path, language, the drop provenance and a content hash and size
    /// (`metadata.content_xxh3`, `metadata.content_bytes`); no content, no other metadata.
    None,
    /// The document with every text field redacted by the pipeline's redactor (default).
    /// Without a redactor (redaction switched off) this writes what `none` writes.
    #[default]
    Redacted,
    /// The document exactly as dropped, secrets included. Only for trusted, local debugging.
    Full,
}

/// Turns `doc` into its content-free form: id, path, repository, language and provenance
/// are kept (path and repository redacted when a redactor is given), content is replaced
/// by nothing and metadata by the content's 128-bit xxh3 and its size in bytes.
pub fn strip_content(doc: &mut Document, redactor: Option<&dyn Redact>) {
    let hash = xxhash_rust::xxh3::xxh3_128(doc.content.as_bytes());
    let bytes = doc.content.len();
    doc.content = String::new();
    doc.license = None;
    doc.metadata.clear();
    doc.metadata
        .insert("content_xxh3".into(), format!("{hash:032x}").into());
    doc.metadata.insert("content_bytes".into(), bytes.into());
    if let Some(r) = redactor {
        redact_document(r, doc);
    }
}
