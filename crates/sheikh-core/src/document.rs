//! [`Document`], its free [`Metadata`] and its stable id.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::language::Language;
use crate::provenance::Provenance;

/// Free per-document metadata (stars, detected licenses, scores…), ordered by key so
/// that serialised output is deterministic.
pub type Metadata = BTreeMap<String, serde_json::Value>;

/// One source file (or one record of a dataset) moving through the pipeline.
///
/// ```
/// use sheikh_core::{Document, Language};
/// let doc = Document::new("export const x = 1;\n", Language::JavaScript)
///     .with_path("src/x.js")
///     .with_repo_name("acme/web");
/// assert_eq!(doc.id.len(), 32); // stable content id, hex of a 128-bit xxh3
/// assert_eq!(doc.id, Document::stable_id(Some("acme/web"), Some("src/x.js"), &doc.content));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier: the input's own id when it has one, otherwise
    /// [`Document::stable_id`] of repository, path and content.
    pub id: String,
    /// The text, always valid UTF-8.
    pub content: String,
    /// The language (identified or given by the input).
    pub language: Language,
    /// Path of the file inside its repository or input directory, `/`-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Repository name (`owner/name`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo_name: Option<String>,
    /// License (SPDX id or The Stack's `license_type`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Free metadata carried through the pipeline.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: Metadata,
    /// What the pipeline's stages did to this document.
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

impl Document {
    /// A document with the given content and language, an id derived from the content,
    /// and nothing else set. Use the `with_*` builders to add the rest; they keep the id
    /// in step with path and repository.
    pub fn new(content: impl Into<String>, language: Language) -> Self {
        let content = content.into();
        Document {
            id: Self::stable_id(None, None, &content),
            content,
            language,
            path: None,
            repo_name: None,
            license: None,
            metadata: Metadata::new(),
            provenance: Provenance::default(),
        }
    }

    /// Sets the path and recomputes the derived id.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self.refresh_id();
        self
    }

    /// Sets the repository name and recomputes the derived id.
    pub fn with_repo_name(mut self, repo: impl Into<String>) -> Self {
        self.repo_name = Some(repo.into());
        self.refresh_id();
        self
    }

    /// Sets the license.
    pub fn with_license(mut self, license: impl Into<String>) -> Self {
        self.license = Some(license.into());
        self
    }

    /// Sets an explicit id (for inputs that carry their own, such as Stack v2's `blob_id`).
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Adds one metadata entry.
    pub fn with_metadata(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    fn refresh_id(&mut self) {
        self.id = Self::stable_id(
            self.repo_name.as_deref(),
            self.path.as_deref(),
            &self.content,
        );
    }

    /// The id given to documents whose input has none: the lowercase hex of the 128-bit
    /// xxh3 of `repo \0 path \0 content`. Same input, same id, on every machine.
    pub fn stable_id(repo_name: Option<&str>, path: Option<&str>, content: &str) -> String {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(repo_name.unwrap_or("").as_bytes());
        hasher.update(&[0]);
        hasher.update(path.unwrap_or("").as_bytes());
        hasher.update(&[0]);
        hasher.update(content.as_bytes());
        format!("{:032x}", hasher.digest128())
    }

    /// Size of the content in bytes.
    pub fn len_bytes(&self) -> usize {
        self.content.len()
    }

    /// The file extension of [`path`](Self::path), lowercased, without the dot.
    pub fn extension(&self) -> Option<String> {
        let path = self.path.as_deref()?;
        let name = path.rsplit('/').next()?;
        let (_, ext) = name.rsplit_once('.')?;
        (!ext.is_empty()).then(|| ext.to_ascii_lowercase())
    }

    /// A numeric metadata field as `f64` (integers, floats, or numeric strings).
    pub fn metadata_f64(&self, key: &str) -> Option<f64> {
        match self.metadata.get(key)? {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            serde_json::Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_stable_and_depends_on_every_part() {
        let a = Document::stable_id(Some("r"), Some("p"), "c");
        assert_eq!(a, Document::stable_id(Some("r"), Some("p"), "c"));
        assert_ne!(a, Document::stable_id(Some("r"), Some("p"), "d"));
        assert_ne!(a, Document::stable_id(Some("r"), Some("q"), "c"));
        assert_ne!(a, Document::stable_id(None, Some("p"), "c"));
        // The separator keeps ("ab", "") and ("a", "b") apart.
        assert_ne!(
            Document::stable_id(Some("ab"), None, "x"),
            Document::stable_id(Some("a"), Some("b"), "x")
        );
    }

    #[test]
    fn extension_and_metadata() {
        let d = Document::new("x", Language::Other)
            .with_path("a/b.Test.TSX")
            .with_metadata("stars", 12)
            .with_metadata("score", "0.5");
        assert_eq!(d.extension().as_deref(), Some("tsx"));
        assert_eq!(d.metadata_f64("stars"), Some(12.0));
        assert_eq!(d.metadata_f64("score"), Some(0.5));
        assert_eq!(d.metadata_f64("missing"), None);
        assert_eq!(
            Document::new("", Language::Other)
                .with_path("Makefile")
                .extension(),
            None
        );
    }
}
