//! [`SynthConfig`], the `synth:` section of the pipeline configuration.

use serde::{Deserialize, Serialize};

use crate::error::{Result, SynthError};
use crate::kind::Kind;
use crate::synth::SynthOptions;

/// Documents per kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindCounts {
    /// XML / SVG documents (default 10000, the seed's request).
    pub xml: u64,
    /// MDX documents (default 8000, the seed's request).
    pub mdx: u64,
    /// JavaScript documents (default 0).
    pub javascript: u64,
    /// TypeScript documents (default 0).
    pub typescript: u64,
    /// JSX documents (default 0).
    pub jsx: u64,
    /// TSX documents (default 0).
    pub tsx: u64,
}

impl Default for KindCounts {
    fn default() -> Self {
        KindCounts {
            xml: 10_000,
            mdx: 8_000,
            javascript: 0,
            typescript: 0,
            jsx: 0,
            tsx: 0,
        }
    }
}

impl KindCounts {
    /// The count of one kind.
    pub fn get(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Xml => self.xml,
            Kind::Mdx => self.mdx,
            Kind::JavaScript => self.javascript,
            Kind::TypeScript => self.typescript,
            Kind::Jsx => self.jsx,
            Kind::Tsx => self.tsx,
        }
    }

    /// `(kind, count)` in [`Kind::ALL`] order.
    pub fn pairs(&self) -> Vec<(Kind, u64)> {
        Kind::ALL.iter().map(|&k| (k, self.get(k))).collect()
    }

    /// The sum.
    pub fn total(&self) -> u64 {
        Kind::ALL.iter().map(|&k| self.get(k)).sum()
    }
}

/// Synthetic data mixed into the corpus (`synth:` in the pipeline config). Off by
/// default.
///
/// Two modes:
/// - **counts** (`ratio: 0`, the default): exactly `counts` documents per kind are
///   appended after the input, in batches of `options.batch_size`;
/// - **ratio** (`ratio > 0`): after each input batch of `b` documents, about
///   `b × ratio` synthetic documents follow (the fractional part carries over), their
///   kinds drawn in proportion to `counts`. The input's size need not be known.
///
/// ```
/// let cfg: sheikh_synth::SynthConfig = sheikh_core::config::from_yaml_str(
///     "enabled: true\nseed: 7\ncounts: {xml: 100, mdx: 50, tsx: 10}\n",
/// ).unwrap();
/// assert_eq!(cfg.counts.total(), 160);
/// assert_eq!(cfg.options.batch_size, 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynthConfig {
    /// Mix synthetic documents into the corpus (default `false`).
    pub enabled: bool,
    /// The run's seed: same seed and counts, byte-identical documents (default 42).
    pub seed: u64,
    /// Documents per kind (counts mode) or the kinds' proportions (ratio mode)
    /// (default: 10000 XML, 8000 MDX).
    pub counts: KindCounts,
    /// Synthetic documents per input document; `0` selects counts mode (default 0).
    pub ratio: f64,
    /// Restrict to these families (names from `xml::FAMILIES`, `mdx::FAMILIES`, the
    /// JS dialects' families); empty for all (default empty).
    pub families: Vec<String>,
    /// Validation, retries, deduplication and batching.
    pub options: SynthOptions,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            enabled: false,
            seed: 42,
            counts: KindCounts::default(),
            ratio: 0.0,
            families: Vec::new(),
            options: SynthOptions::default(),
        }
    }
}

impl SynthConfig {
    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if !(self.ratio.is_finite() && self.ratio >= 0.0) {
            return Err(SynthError::Config(format!(
                "ratio must be >= 0, got {}",
                self.ratio
            )));
        }
        if self.ratio > 0.0 && self.counts.total() == 0 {
            return Err(SynthError::Config(
                "ratio mode needs non-zero counts as proportions".into(),
            ));
        }
        if !(self.options.oversample.is_finite() && self.options.oversample >= 1.0) {
            return Err(SynthError::Config(format!(
                "options.oversample must be >= 1, got {}",
                self.options.oversample
            )));
        }
        if self.options.batch_size == 0 {
            return Err(SynthError::Config(
                "options.batch_size must be at least 1".into(),
            ));
        }
        for f in &self.families {
            let known = Kind::ALL
                .iter()
                .any(|k| k.families().0.contains(&f.as_str()));
            if !known {
                return Err(SynthError::Config(format!("unknown family `{f}`")));
            }
        }
        self.options.dedup_settings.lsh_params()?;
        Ok(())
    }
}
