//! [`DedupConfig`], the `dedup:` section of the pipeline configuration.

use serde::{Deserialize, Serialize};

use crate::error::{DedupError, Result};
use crate::lsh::{optimal_param, LshParams};

/// What a shingle is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShingleKind {
    /// `ngram` consecutive tokens, tokens being the runs of `[A-Za-z0-9_]` (the
    /// StarCoder pipeline's `[^A-Za-z0-9_]` split) (default).
    #[default]
    Words,
    /// `ngram` consecutive Unicode characters of the raw text.
    Chars,
}

/// What to do with a document that has fewer than `ngram` tokens (or characters) but
/// at least one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortDocuments {
    /// Hash all its tokens as one shingle, so it clusters only with documents made of
    /// exactly the same token sequence (default).
    #[default]
    SingleShingle,
    /// Keep it without near-duplicate checking; it is counted in the report.
    Keep,
}

/// How candidate pairs found by LSH are checked before they are merged into a cluster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// Merge every LSH candidate (what datasketch's `MinHashLSH` returns).
    None,
    /// Merge only pairs whose signature-estimated Jaccard is at least the threshold
    /// (from the low 8 bits of each MinHash value, bias-corrected). Cheaper in memory
    /// than `exact`, but pairs just under the threshold pass about as often as the
    /// estimate's noise allows.
    Estimated,
    /// Merge only pairs whose exact shingle-set Jaccard is at least the threshold; the
    /// sets are recomputed once, only for documents that share a bucket (default).
    #[default]
    Exact,
}

/// Which member of a near-duplicate cluster is kept. Ties always go to the member
/// seen first in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepPolicy {
    /// The member seen first in input order (default).
    #[default]
    First,
    /// The longest member (bytes of content).
    Longest,
    /// The member with the highest numeric value of this metadata field (for example
    /// `stars` or a quality score); members without a numeric value rank lowest.
    Metadata(String),
}

/// The deduplication settings (`dedup:` in the pipeline config). Every field has a
/// default, so a config names only what differs.
///
/// ```
/// let cfg: sheikh_dedup::DedupConfig =
///     serde_json::from_str(r#"{"threshold": 0.85, "keep": {"metadata": "stars"}}"#).unwrap();
/// assert_eq!(cfg.num_perm, 128);
/// assert!(cfg.lsh_params().unwrap().bands > 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// Remove exact duplicates first (default `true`).
    pub exact: bool,
    /// Exact dedup compares whitespace-normalised content: runs of whitespace count as
    /// one space and leading/trailing whitespace is ignored (default `false`).
    pub exact_normalize_whitespace: bool,
    /// Remove near duplicates with MinHash + LSH (default `true`).
    pub near: bool,
    /// Shingle kind (default `words`).
    pub shingle: ShingleKind,
    /// Shingle length in tokens or characters (default `5`, at most 64).
    pub ngram: usize,
    /// Documents with fewer tokens than `ngram` (default `single_shingle`). Documents
    /// with no token at all are always kept and counted as `empty`.
    pub short_documents: ShortDocuments,
    /// Number of MinHash permutations (default `128`).
    pub num_perm: usize,
    /// Seed of the permutations (default `42`); same seed, same signatures.
    pub seed: u64,
    /// Jaccard similarity from which two documents are duplicates (default `0.8`).
    pub threshold: f64,
    /// LSH bands; set together with `rows` to override the optimum (default: chosen
    /// from `threshold` and the two weights below, as datasketch's `optimal_param`).
    pub bands: Option<usize>,
    /// LSH rows per band; set together with `bands` (default: chosen from `threshold`).
    pub rows: Option<usize>,
    /// Weight of the false-positive area when choosing bands and rows (default
    /// [`DEFAULT_FALSE_POSITIVE_WEIGHT`]).
    pub false_positive_weight: f64,
    /// Weight of the false-negative area when choosing bands and rows (default
    /// [`DEFAULT_FALSE_NEGATIVE_WEIGHT`]).
    pub false_negative_weight: f64,
    /// Candidate verification (default `exact`).
    pub verify: Verification,
    /// Which member of a cluster is kept (default `first`).
    pub keep: KeepPolicy,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            exact: true,
            exact_normalize_whitespace: false,
            near: true,
            shingle: ShingleKind::Words,
            ngram: 5,
            short_documents: ShortDocuments::SingleShingle,
            num_perm: 128,
            seed: 42,
            threshold: 0.8,
            bands: None,
            rows: None,
            false_positive_weight: DEFAULT_FALSE_POSITIVE_WEIGHT,
            false_negative_weight: DEFAULT_FALSE_NEGATIVE_WEIGHT,
            verify: Verification::Exact,
            keep: KeepPolicy::First,
        }
    }
}

/// Default weight of the false-negative area in the choice of bands and rows.
///
/// Chosen for recall: with `verify: exact` (the default) an LSH false positive costs
/// one exact Jaccard and is then kept apart, while a false negative is a duplicate
/// left in the corpus. With threshold 0.8 and 128 permutations these weights give
/// 16 bands × 8 rows, which make a pair at Jaccard 0.8 a candidate with probability
/// 0.947, against 9 × 13 and 0.40 for datasketch's equal weights (0.5 / 0.5, still
/// available by setting them). Measured on real near duplicates (recall 0.961 →
/// 0.999 against exact Jaccard, precision 1.000 with `exact` verification) in
/// `docs/benchmarks/dedup-recall.md`.
pub const DEFAULT_FALSE_NEGATIVE_WEIGHT: f64 = 0.95;
/// Default weight of the false-positive area (see [`DEFAULT_FALSE_NEGATIVE_WEIGHT`]).
pub const DEFAULT_FALSE_POSITIVE_WEIGHT: f64 = 0.05;

/// Largest accepted `ngram`.
pub const MAX_NGRAM: usize = 64;

impl DedupConfig {
    /// Checks every setting (the message names the field: `threshold must be in (0, 1],
    /// got 1.5`), as [`lsh_params`](Self::lsh_params) does, without using the result.
    pub fn validate(&self) -> Result<()> {
        self.lsh_params().map(|_| ())
    }

    /// Checks the settings and returns the LSH bands and rows to use.
    pub fn lsh_params(&self) -> Result<LshParams> {
        let bad = |m: String| Err(DedupError::Config(m));
        if self.ngram == 0 || self.ngram > MAX_NGRAM {
            return bad(format!(
                "ngram must be in 1..={MAX_NGRAM}, got {}",
                self.ngram
            ));
        }
        if self.num_perm == 0 || self.num_perm > 4096 {
            return bad(format!(
                "num_perm must be in 1..=4096, got {}",
                self.num_perm
            ));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad(format!(
                "threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        for (name, w) in [
            ("false_positive_weight", self.false_positive_weight),
            ("false_negative_weight", self.false_negative_weight),
        ] {
            if !(0.0..=1.0).contains(&w) {
                return bad(format!("{name} must be in [0, 1], got {w}"));
            }
        }
        if self.false_positive_weight + self.false_negative_weight <= 0.0 {
            return bad(
                "false_positive_weight and false_negative_weight must not both be 0".into(),
            );
        }
        if let KeepPolicy::Metadata(field) = &self.keep {
            if field.is_empty() {
                return bad("keep.metadata needs a field name".into());
            }
        }
        match (self.bands, self.rows) {
            (Some(b), Some(r)) => {
                if b == 0 || r == 0 || b.checked_mul(r).is_none_or(|p| p > self.num_perm) {
                    return bad(format!(
                        "bands ({b}) x rows ({r}) must be >= 1 and at most num_perm ({})",
                        self.num_perm
                    ));
                }
                Ok(LshParams { bands: b, rows: r })
            }
            (None, None) => Ok(optimal_param(
                self.threshold,
                self.num_perm,
                self.false_positive_weight,
                self.false_negative_weight,
            )),
            _ => bad("set both bands and rows, or neither".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails if the default LSH choice is reverted to datasketch's equal weights (9 × 13,
    /// which finds a pair at Jaccard 0.8 with probability 0.40).
    #[test]
    fn default_lsh_finds_pairs_at_the_threshold() {
        let cfg = DedupConfig::default();
        let p = cfg.lsh_params().unwrap();
        let at = p.probability(cfg.threshold);
        assert!(at >= 0.94, "{p:?}: P(candidate | J = 0.8) = {at}");
        assert!(p.bands * p.rows <= cfg.num_perm);
        assert_eq!((p.bands, p.rows), (16, 8));
        // Pairs far below the threshold stay rare candidates.
        assert!(p.probability(0.3) < 0.01, "{p:?}");
    }
}
