//! The per-document quality score: the rules' own margins, so the score and the
//! filters are one model.
//!
//! `score = min(base × penalties, margin of a rule that fires)`, rounded to 4
//! decimals, in `[0, 1]`:
//!
//! - `base` is the weighted mean of the margins ([`Rule::margin`]) of the rules that
//!   judge the document's language family (`quality.rules`). A margin is 1 when the
//!   document is comfortably clear of the rule's line, 0.5 at the line and under 0.5
//!   past it, so a document every rule keeps has `base ≥ 0.5`, and one a rule drops
//!   scores under 0.5. Line length weighs 2, every other rule 1.
//! - `penalties` multiply, for what no rule drops but a reader of the data should know:
//!   syntax errors (`metadata.syntax.valid == false`) ×0.4, vendored path ×0.4,
//!   minified file name ×0.5, generated-code directory ×0.5, XML data dump (flagged,
//!   not dropped) ×0.5, build-output directory ×0.7, tiny file (fewer than 3 non-blank
//!   lines or 50 characters) ×0.6.
//!
//! A kept document scores under `score.threshold` (0.5) only through penalties, and
//! [`ScoreCard::below_because`] names them (stored as `metadata.quality.below_threshold`):
//! the report's data-quality share is the share of kept documents with no such reason.

use std::sync::Arc;

use crate::rules::{Measured, Rule};

/// The score and what pulled it down.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreCard {
    /// The score in `[0, 1]`.
    pub score: f64,
    /// When the score is under the threshold: the penalties and rules responsible
    /// (`"syntax errors"`, `"build-output directory"`, `"line_length"`, …).
    pub below_because: Vec<String>,
}

/// A score penalty: factor and the reason it names.
const PENALTIES: [(f64, &str); 7] = [
    (0.4, "syntax errors"),
    (0.4, "vendored path"),
    (0.5, "minified file name"),
    (0.5, "generated-code directory"),
    (0.5, "XML data dump"),
    (0.7, "build-output directory"),
    (0.6, "tiny file"),
];

/// Scores a measured document with the rules of its family (see the module
/// documentation); `threshold` decides whether reasons are recorded.
pub fn quality_score(m: &Measured<'_>, rules: &[Arc<dyn Rule>], threshold: f64) -> ScoreCard {
    let mut weight = 0.0;
    let mut sum = 0.0;
    let mut fired: Option<(f64, &'static str)> = None;
    for r in rules {
        if let Some(v) = r.margin(m) {
            weight += r.weight();
            sum += r.weight() * v;
            if v < 0.5 && fired.is_none_or(|(f, _)| v < f) {
                fired = Some((v, r.id().name()));
            }
        }
    }
    let base = if weight > 0.0 { sum / weight } else { 1.0 };
    let s = m.signals;
    let on = [
        s.syntax.is_some_and(|syn| !syn.valid),
        s.path_flags.vendored,
        s.path_flags.minified_name,
        s.path_flags.generated_path,
        s.xml_data_dump == Some(true),
        s.path_flags.build_output,
        s.non_blank_lines() < 3 || s.chars < 50,
    ];
    let mut penalty = 1.0;
    let mut reasons = Vec::new();
    for ((factor, why), applies) in PENALTIES.iter().zip(on) {
        if applies {
            penalty *= factor;
            reasons.push(why.to_string());
        }
    }
    let mut score = (base * penalty).clamp(0.0, 1.0);
    if let Some((v, name)) = fired {
        score = score.min(v);
        reasons.insert(0, name.to_string());
    }
    let score = (score * 1e4).round() / 1e4;
    ScoreCard {
        score,
        below_because: if score < threshold {
            reasons
        } else {
            Vec::new()
        },
    }
}
