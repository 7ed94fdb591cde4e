//! Turning one input record (a JSONL object, a Parquet row) into a [`Document`].

use serde::{Deserialize, Serialize};

use crate::document::{Document, Metadata};
use crate::io::decode::decode_bytes_declared;
use crate::io::ReadOptions;
use crate::langid::LanguageIdentifier;
use crate::language::Language;
use crate::provenance::{Provenance, Reason, Rejection};

/// Which input field (JSONL key or Parquet column) holds each document part. Each entry
/// lists candidates tried in order; the first present wins. Fields that match none
/// are kept in [`Document::metadata`]. The defaults read our own output, The Stack v2
/// (`blob_id`, `content`, `language`, `path`, `repo_name`, `license_type`) and The Stack
/// v1 (`hexsha`, `lang`, `max_stars_repo_path`, `max_stars_repo_name`, `max_stars_repo_licenses`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldNames {
    /// Id candidates (default `id`, `blob_id`, `hexsha`).
    pub id: Vec<String>,
    /// Content candidates (default `content`, `text`).
    pub content: Vec<String>,
    /// Language candidates (default `language`, `lang`).
    pub language: Vec<String>,
    /// Path candidates (default `path`, `max_stars_repo_path`, `file_path`).
    pub path: Vec<String>,
    /// Repository candidates (default `repo_name`, `max_stars_repo_name`, `repo`).
    pub repo_name: Vec<String>,
    /// License candidates (default `license`, `license_type`, `max_stars_repo_licenses`, `detected_licenses`).
    pub license: Vec<String>,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            id: strings(&["id", "blob_id", "hexsha"]),
            content: strings(&["content", "text"]),
            language: strings(&["language", "lang"]),
            path: strings(&["path", "max_stars_repo_path", "file_path"]),
            repo_name: strings(&["repo_name", "max_stars_repo_name", "repo"]),
            license: strings(&[
                "license",
                "license_type",
                "max_stars_repo_licenses",
                "detected_licenses",
            ]),
        }
    }
}

/// Which part of a document a field name maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Id,
    Content,
    Language,
    Path,
    RepoName,
    License,
    Metadata,
    Provenance,
    Extra,
}

impl FieldNames {
    /// For each name, the part it feeds; the first candidate present wins each part.
    pub(crate) fn assign<'a>(&self, names: impl Iterator<Item = &'a str> + Clone) -> Vec<Part> {
        let pick = |cands: &[String]| -> Option<String> {
            cands
                .iter()
                .find(|c| names.clone().any(|n| n == c.as_str()))
                .cloned()
        };
        let chosen = [
            (pick(&self.id), Part::Id),
            (pick(&self.content), Part::Content),
            (pick(&self.language), Part::Language),
            (pick(&self.path), Part::Path),
            (pick(&self.repo_name), Part::RepoName),
            (pick(&self.license), Part::License),
        ];
        names
            .map(|n| {
                if let Some((_, p)) = chosen.iter().find(|(c, _)| c.as_deref() == Some(n)) {
                    *p
                } else if n == "metadata" {
                    Part::Metadata
                } else if n == "provenance" {
                    Part::Provenance
                } else {
                    Part::Extra
                }
            })
            .collect()
    }
}

/// What a reader needs to turn records into documents; shared by its worker threads.
pub(crate) struct RecordCtx {
    pub fields: FieldNames,
    pub options: ReadOptions,
    pub identifier: LanguageIdentifier,
}

impl RecordCtx {
    pub(crate) fn new(fields: FieldNames, options: ReadOptions) -> Self {
        RecordCtx {
            identifier: options.identifier(),
            fields,
            options,
        }
    }
}

/// Content of a record before decoding.
pub(crate) enum RawContent {
    Text(String),
    Bytes(Vec<u8>),
    /// The content field exists but holds neither text nor bytes; the type's name.
    WrongType(String),
}

/// The parts of one record, extracted by a reader.
#[derive(Default)]
pub(crate) struct RecordParts {
    pub id: Option<String>,
    pub content: Option<RawContent>,
    pub language: Option<String>,
    pub path: Option<String>,
    pub repo_name: Option<String>,
    pub license: Option<String>,
    pub metadata: Metadata,
    pub provenance: Option<Provenance>,
}

impl RecordParts {
    /// Builds the document, or the rejection that stops it.
    pub(crate) fn into_document(
        self,
        opts: &ReadOptions,
        identifier: &LanguageIdentifier,
    ) -> Result<Document, Rejection> {
        let mut metadata = self.metadata;
        let content = match self.content {
            None => return Err(Rejection::new(Reason::MalformedRecord, "no content field")),
            Some(RawContent::WrongType(t)) => {
                return Err(Rejection::new(
                    Reason::MalformedRecord,
                    format!("content column has type {t}"),
                ))
            }
            Some(RawContent::Text(s)) => {
                if s.len() > opts.max_doc_bytes {
                    return Err(too_large(s.len(), opts));
                }
                if s.trim().is_empty() {
                    return Err(Rejection::new(Reason::Empty, "no content"));
                }
                if crate::io::looks_binary(s.as_bytes()) {
                    return Err(Rejection::new(Reason::Binary, "NUL byte in text"));
                }
                // Text fields are taken as they are (a byte-order mark is a file
                // encoding artefact, stripped only when decoding raw bytes).
                s
            }
            Some(RawContent::Bytes(b)) => {
                if b.len() > opts.max_doc_bytes {
                    return Err(too_large(b.len(), opts));
                }
                // The Stack v2 declares each file's encoding in `src_encoding`.
                let declared = metadata
                    .get("src_encoding")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                let decoded = decode_bytes_declared(b, declared.as_deref(), opts.decode_options())?;
                if let Some(enc) = decoded.encoding {
                    metadata.insert("source_encoding".into(), enc.into());
                }
                decoded.text
            }
        };
        let language = match self.language.as_deref().map(str::parse::<Language>) {
            Some(Ok(lang)) => lang,
            Some(Err(_)) => {
                metadata.insert(
                    "source_language".into(),
                    self.language.clone().unwrap_or_default().into(),
                );
                Language::Other
            }
            None => {
                let d = identifier.identify(self.path.as_deref(), &content);
                metadata.insert("language_detection".into(), serde_json::json!(d));
                d.language
            }
        };
        let id = self.id.unwrap_or_else(|| {
            Document::stable_id(self.repo_name.as_deref(), self.path.as_deref(), &content)
        });
        let mut doc = Document {
            id,
            content,
            language,
            path: self.path,
            repo_name: self.repo_name,
            license: self.license,
            metadata,
            provenance: self.provenance.unwrap_or_default(),
        };
        if let Some(r) = opts.apply_path_policy(&mut doc) {
            return Err(r);
        }
        Ok(doc)
    }
}

fn too_large(len: usize, opts: &ReadOptions) -> Rejection {
    Rejection::new(
        Reason::TooLarge,
        format!("{len} bytes > max_doc_bytes {}", opts.max_doc_bytes),
    )
}

/// A JSON value as a plain string field (strings as-is, arrays of strings joined by `,`).
pub(crate) fn json_to_field(v: serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items.into_iter().filter_map(json_to_field).collect();
            (!parts.is_empty()).then(|| parts.join(","))
        }
        other => Some(other.to_string()),
    }
}
