//! The language stage: (re)identify languages and keep only the selected ones.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::langid::{Detection, LanguageIdentifier, Method};
use crate::language::Language;
use crate::provenance::{Reason, Rejection};
use crate::stage::Filter;

/// Settings of the language stage (`language:` in the pipeline config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanguageConfig {
    /// Run the stage (default `true`).
    pub enabled: bool,
    /// Languages kept (default: every language but `Other`).
    pub keep: BTreeSet<Language>,
    /// Drop documents whose language was *guessed from content* with a confidence under
    /// this (default 0.5). Labels from the input and extensions are trusted.
    pub min_confidence: f32,
    /// Identify every document again, ignoring the input's labels (default `false`).
    pub reidentify: bool,
    /// Bytes of content read for identification (default 16384).
    pub window: usize,
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            enabled: true,
            keep: Language::ALL
                .into_iter()
                .filter(|l| *l != Language::Other)
                .collect(),
            min_confidence: 0.5,
            reidentify: false,
            window: 16 * 1024,
        }
    }
}

/// Identifies documents that have no language (or all of them, with `reidentify`),
/// records the detection in `metadata.language_detection`, and drops languages not in
/// `keep` (`language_not_selected`) and low-confidence content guesses
/// (`low_language_confidence`).
///
/// ```
/// use sheikh_core::{Document, Filter, Language, LanguageConfig, LanguageFilter};
/// let f = LanguageFilter::new(LanguageConfig::default());
/// let mut doc = Document::new("print('hi')", Language::Other).with_path("a.py");
/// assert!(f.filter(&mut doc).is_some()); // Python is not kept
/// let mut doc = Document::new("const a = 1;", Language::Other).with_path("a.js");
/// assert!(f.filter(&mut doc).is_none());
/// assert_eq!(doc.language, Language::JavaScript);
/// ```
#[derive(Debug, Clone)]
pub struct LanguageFilter {
    config: LanguageConfig,
    identifier: LanguageIdentifier,
}

impl LanguageFilter {
    /// A filter with the given settings.
    pub fn new(config: LanguageConfig) -> Self {
        LanguageFilter {
            identifier: LanguageIdentifier::with_window(config.window),
            config,
        }
    }

    fn detection_of(doc: &Document) -> Option<Detection> {
        serde_json::from_value(doc.metadata.get("language_detection")?.clone()).ok()
    }
}

impl Filter for LanguageFilter {
    fn name(&self) -> &str {
        "language"
    }

    fn filter(&self, doc: &mut Document) -> Option<Rejection> {
        let mut detection = Self::detection_of(doc);
        if self.config.reidentify || doc.language == Language::Other && detection.is_none() {
            let d = self.identifier.identify(doc.path.as_deref(), &doc.content);
            if d.language != doc.language {
                doc.provenance.modified(
                    "language",
                    format!("language {} -> {}", doc.language, d.language),
                );
                doc.language = d.language;
            }
            doc.metadata
                .insert("language_detection".into(), serde_json::json!(d));
            detection = Some(d);
        }
        if !self.config.keep.contains(&doc.language) {
            return Some(Rejection::new(
                Reason::LanguageNotSelected,
                doc.language.name(),
            ));
        }
        match detection {
            Some(d)
                if matches!(d.method, Method::Content | Method::Unknown)
                    && d.confidence < self.config.min_confidence =>
            {
                Some(Rejection::new(
                    Reason::LowLanguageConfidence,
                    format!("{} at {:.2}", d.language, d.confidence),
                ))
            }
            _ => None,
        }
    }
}
