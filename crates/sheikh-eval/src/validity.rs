//! Syntax validity rate of generated code, via `sheikh-syntax`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sheikh_core::Language;
use sheikh_syntax::{SyntaxReport, Validator, Verdict};

/// Counts for one language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageValidity {
    /// Predictions checked.
    pub predictions: u64,
    /// Parsed without error.
    pub valid: u64,
    /// With at least one syntax error.
    pub invalid: u64,
    /// Not parsed (too large, too deep, timeout, unsupported language); counted as not
    /// valid in the rate.
    pub unchecked: u64,
}

impl LanguageValidity {
    /// `valid / predictions` (0 when empty).
    pub fn rate(&self) -> f64 {
        if self.predictions == 0 {
            0.0
        } else {
            self.valid as f64 / self.predictions as f64
        }
    }

    fn merge(&mut self, o: &LanguageValidity) {
        self.predictions += o.predictions;
        self.valid += o.valid;
        self.invalid += o.invalid;
        self.unchecked += o.unchecked;
    }
}

/// Syntax validity per language; add reports one by one or merge partial results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyntaxValidity {
    /// Counts by language (serde: the language name).
    pub per_language: BTreeMap<Language, LanguageValidity>,
}

impl SyntaxValidity {
    /// Counts one validation report.
    pub fn add(&mut self, report: &SyntaxReport) {
        let e = self.per_language.entry(report.language).or_default();
        e.predictions += 1;
        match report.verdict {
            Verdict::Valid => e.valid += 1,
            Verdict::Invalid => e.invalid += 1,
            _ => e.unchecked += 1,
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: &SyntaxValidity) {
        for (lang, v) in &other.per_language {
            self.per_language.entry(*lang).or_default().merge(v);
        }
    }

    /// All languages together.
    pub fn overall(&self) -> LanguageValidity {
        let mut all = LanguageValidity::default();
        for v in self.per_language.values() {
            all.merge(v);
        }
        all
    }
}

/// Validates every `(code, language)` with the default [`Validator`] and counts.
///
/// ```
/// use sheikh_core::Language;
/// use sheikh_eval::syntax_validity;
/// let v = syntax_validity([("let x = 1;", Language::JavaScript), ("let = ;", Language::JavaScript)]);
/// assert_eq!(v.overall().rate(), 0.5);
/// ```
pub fn syntax_validity<'a>(items: impl IntoIterator<Item = (&'a str, Language)>) -> SyntaxValidity {
    let validator = Validator::default();
    let mut out = SyntaxValidity::default();
    for (code, lang) in items {
        out.add(&validator.validate(code, lang));
    }
    out
}
