//! [`QualityFilter`]: redaction, the StarCoder2-style rules and the quality score, as one
//! [`Filter`] named `quality`.

use sheikh_core::{Document, Filter, Language, Metadata, Reason, Rejection};

use crate::config::QualityConfig;
use crate::redact::{Redactions, Redactor};
use crate::rules::{Family, Measured, RuleSet};
use crate::score::quality_score;
use crate::signals::{Detectors, Measurement, Signals};

/// The stage and provenance name.
pub const STAGE_NAME: &str = "quality";

/// Key of the quality object in `Document::metadata`.
pub const METADATA_KEY: &str = "quality";

/// Key of the program that wrote a document, when the evidence names one
/// (`metadata.generated_by`: `"tsc"`, `"webpack"`, `"build step"`, …), kept or dropped.
pub const GENERATED_BY_KEY: &str = "generated_by";

/// What [`QualityFilter::assess`] concluded about a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The measurements.
    pub signals: Signals,
    /// The score in `[0, 1]`.
    pub score: f64,
    /// When the score is under the threshold: why (penalties and rules; see
    /// [`score`](crate::score)).
    pub below_threshold: Vec<String>,
    /// The first rule that drops the document, if any.
    pub rejection: Option<Rejection>,
}

impl Assessment {
    /// The object stored in `metadata.quality`: `{"score", "above_threshold", "signals"}`,
    /// plus `"below_threshold": [reasons]` when the score is under the threshold.
    pub fn to_metadata(&self, threshold: f64) -> serde_json::Value {
        let mut v = serde_json::json!({
            "score": self.score,
            "above_threshold": self.score >= threshold,
            "signals": self.signals,
        });
        if !self.below_threshold.is_empty() {
            v["below_threshold"] = serde_json::json!(self.below_threshold);
        }
        v
    }
}

/// Redaction, every quality rule and the score, in one [`Filter`] named `quality`.
///
/// For each document it
/// 1. redacts secrets and PII in place, in the content and in every other free-text
///    field (path, repository name, license, metadata strings), recorded as a
///    `modified` provenance event such as `redacted 2 emails, 1 key` (content) and
///    `redacted in other fields (1): 1 email`;
/// 2. measures the [`Signals`] once and applies the rules of the document's language
///    family (`quality.rules`, a [`RuleTable`](crate::rules::RuleTable); see
///    [`rules`](crate::rules)) in the table's order, the first that fires giving the
///    drop reason; then `low_quality` when the score is under `score.min_score`;
/// 3. stores `{"score", "above_threshold", "signals"}` (and `"below_threshold"`
///    reasons) in `metadata.quality`, for kept and dropped documents alike, and the
///    generator the evidence names in `metadata.generated_by` (also for kept files).
///
/// ```
/// use sheikh_core::{Document, Filter, Language};
/// use sheikh_quality::{QualityConfig, QualityFilter};
///
/// let f = QualityFilter::new(QualityConfig::default());
/// let mut doc = Document::new(
///     "// Sends the weekly digest to ops@acme.test.\nexport function send(list) {\n  return list.map((x) => x.id);\n}\n",
///     Language::JavaScript,
/// );
/// assert!(f.filter(&mut doc).is_none());
/// assert!(doc.content.contains("<EMAIL>"));
/// assert!(doc.metadata["quality"]["score"].as_f64().unwrap() > 0.5);
/// ```
#[derive(Debug, Clone)]
pub struct QualityFilter {
    cfg: QualityConfig,
    redactor: Redactor,
    detectors: Detectors,
    rules: RuleSet,
}

impl QualityFilter {
    /// Builds the filter (compiles the expressions and automata and the rule table once).
    pub fn new(cfg: QualityConfig) -> Self {
        QualityFilter {
            redactor: Redactor::new(&cfg.redaction),
            detectors: Detectors::default(),
            rules: RuleSet::new(&cfg),
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &QualityConfig {
        &self.cfg
    }

    /// The redactor on its own.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The rules of every family.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Measures and judges a document without changing it (no redaction; the
    /// `redactions` signal is zero).
    pub fn assess(&self, doc: &Document) -> Assessment {
        self.assess_parts(
            &doc.content,
            doc.language,
            doc.path.as_deref(),
            &doc.metadata,
            Redactions::default(),
        )
    }

    fn assess_parts(
        &self,
        text: &str,
        lang: Language,
        path: Option<&str>,
        metadata: &Metadata,
        redactions: Redactions,
    ) -> Assessment {
        let me = Measurement::take(
            &self.cfg,
            &self.detectors,
            text,
            lang,
            path,
            metadata,
            redactions,
        );
        let family = Family::of(lang);
        let m = Measured {
            lang,
            family,
            stats: &me.stats,
            encoded: &me.encoded,
            generated: me.generated,
            signals: &me.signals,
        };
        let rules = self.rules.for_family(family);
        let card = quality_score(&m, rules, self.cfg.score.threshold);
        let rejection = rules.iter().find_map(|r| r.check(&m)).or_else(|| {
            (card.score < self.cfg.score.min_score).then(|| {
                Rejection::new(
                    Reason::LowQuality,
                    format!("score {:.4} < {}", card.score, self.cfg.score.min_score),
                )
            })
        });
        Assessment {
            signals: me.signals,
            score: card.score,
            below_threshold: card.below_because,
            rejection,
        }
    }
}

impl Filter for QualityFilter {
    fn name(&self) -> &str {
        STAGE_NAME
    }

    fn filter(&self, doc: &mut Document) -> Option<Rejection> {
        if !self.cfg.enabled {
            return None;
        }
        let (redacted, counts) = self.redactor.redact(&doc.content);
        if let Some(text) = redacted {
            doc.content = text;
        }
        let (fields, other) = self.redact_other_fields(doc);
        let mut detail = Vec::new();
        if counts.total() > 0 {
            detail.push(counts.describe());
        }
        if fields > 0 {
            detail.push(format!(
                "redacted in other fields ({fields}): {}",
                other.list()
            ));
        }
        if !detail.is_empty() {
            doc.provenance.modified(STAGE_NAME, detail.join("; "));
        }
        let a = self.assess_parts(
            &doc.content,
            doc.language,
            doc.path.as_deref(),
            &doc.metadata,
            counts,
        );
        if let Some(g) = &a.signals.generated_by {
            doc.metadata.insert(
                GENERATED_BY_KEY.to_string(),
                serde_json::Value::String(g.clone()),
            );
        }
        doc.metadata.insert(
            METADATA_KEY.to_string(),
            a.to_metadata(self.cfg.score.threshold),
        );
        a.rejection
    }
}

impl QualityFilter {
    /// Redacts path, repository name, license and every metadata string with core's
    /// walker ([`sheikh_core::redact_document`]); the content, already redacted, is taken
    /// out for the call so it is not scanned twice. Returns how many fields changed and
    /// what was replaced in them.
    fn redact_other_fields(&self, doc: &mut Document) -> (usize, Redactions) {
        let counting = Counting {
            redactor: &self.redactor,
            counts: std::sync::Mutex::new(Redactions::default()),
        };
        let content = std::mem::take(&mut doc.content);
        let fields = sheikh_core::redact_document(&counting, doc);
        doc.content = content;
        let counts = counting
            .counts
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (fields, counts)
    }
}

/// The quality redactor, adding up what it replaces (core's walker only sees text).
struct Counting<'a> {
    redactor: &'a Redactor,
    counts: std::sync::Mutex<Redactions>,
}

impl sheikh_core::Redact for Counting<'_> {
    fn redact_text(&self, text: &str) -> Option<String> {
        let (out, n) = self.redactor.redact(text);
        if n.total() > 0 {
            self.counts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .add(n);
        }
        out
    }
}
