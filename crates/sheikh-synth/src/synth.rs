//! [`Synthesizer`]: runs any [`Generator`] through validation (with counted, seeded
//! retries), streaming deduplication and diversity measurement, in parallel and
//! deterministically.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::{Document, Language};
use sheikh_dedup::DedupConfig;
use sheikh_syntax::{ValidateOptions, Validator};

use crate::dedup::{Duplicate, StreamDedup};
use crate::diversity::{DiversityMeter, DiversityReport};
use crate::error::{Result, SynthError};
use crate::generator::Generator;
use crate::kind::Kind;

/// How a [`Synthesizer`] checks and filters samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynthOptions {
    /// Samples generated (and validated) in parallel per step, and documents per
    /// batch of [`Synthesizer::batches`] (default 1024).
    pub batch_size: usize,
    /// Extra attempts for a sample that does not validate; each uses a seed derived
    /// from the attempt number (default 8).
    pub max_retries: u32,
    /// Remove exact and near duplicates while generating (default `true`).
    pub dedup: bool,
    /// Deduplication settings (default: `sheikh-dedup`'s defaults, 5-word shingles,
    /// 128 permutations, Jaccard 0.8).
    pub dedup_settings: DedupConfig,
    /// Give up on a request for `n` documents after `n × oversample + 64` candidates
    /// (duplicates and failures are replaced by further indices) (default 2.0).
    pub oversample: f64,
    /// Measure diversity of the generated (pre-dedup) samples (default `true`).
    pub measure_diversity: bool,
    /// Validator limits (default: `sheikh-syntax`'s defaults).
    pub validate: ValidateOptions,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            batch_size: 1024,
            max_retries: 8,
            dedup: true,
            dedup_settings: DedupConfig::default(),
            oversample: 2.0,
            measure_diversity: true,
            validate: ValidateOptions::default(),
        }
    }
}

/// Counters of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindStats {
    /// Sample indices tried.
    pub candidates: u64,
    /// Samples valid at the first attempt.
    pub valid_first_try: u64,
    /// Extra attempts made (sum of retries).
    pub retries: u64,
    /// Samples valid after one or more retries.
    pub recovered: u64,
    /// Samples with no valid attempt (or whose generator failed).
    pub failed: u64,
    /// Valid samples dropped as exact duplicates.
    pub exact_duplicates: u64,
    /// Valid samples dropped as near duplicates.
    pub near_duplicates: u64,
    /// Documents emitted.
    pub kept: u64,
}

impl KindStats {
    pub(crate) fn add(&mut self, o: &KindStats) {
        self.candidates += o.candidates;
        self.valid_first_try += o.valid_first_try;
        self.retries += o.retries;
        self.recovered += o.recovered;
        self.failed += o.failed;
        self.exact_duplicates += o.exact_duplicates;
        self.near_duplicates += o.near_duplicates;
        self.kept += o.kept;
    }
}

/// Counters of a run, per kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SynthStats {
    /// Per kind.
    pub kinds: BTreeMap<Kind, KindStats>,
    /// Per `kind/family`: documents kept.
    pub families: BTreeMap<String, u64>,
}

impl SynthStats {
    /// All kinds together.
    pub fn total(&self) -> KindStats {
        let mut t = KindStats::default();
        for s in self.kinds.values() {
            t.add(s);
        }
        t
    }

    /// A Markdown table.
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("| kind | candidates | valid 1st try | retries | failed | exact dup | near dup | kept |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        let mut row = |k: &str, v: &KindStats| {
            s.push_str(&format!(
                "| {k} | {} | {} | {} | {} | {} | {} | {} |\n",
                v.candidates,
                v.valid_first_try,
                v.retries,
                v.failed,
                v.exact_duplicates,
                v.near_duplicates,
                v.kept
            ));
        };
        for (k, v) in &self.kinds {
            row(k.name(), v);
        }
        row("**total**", &self.total());
        s
    }
}

/// One validated candidate.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The sample index.
    pub index: u64,
    /// The valid text, or `None` when no attempt validated.
    pub text: Option<String>,
    /// The language validated as.
    pub language: Language,
    /// Its family.
    pub family: String,
    /// Extra attempts made.
    pub retries: u32,
    /// The last validation problem or generator error, when `text` is `None`.
    pub error: Option<String>,
}

/// Runs a [`Generator`] through validation, retries, deduplication and diversity
/// measurement.
///
/// ```
/// use sheikh_synth::{Kind, SynthOptions, Synthesizer, WebDevSyntheticGenerator};
/// let s = Synthesizer::new(WebDevSyntheticGenerator::new(7), SynthOptions::default())?;
/// let mut run = s.stream();
/// let docs = run.take(Kind::Tsx, 5)?;
/// assert_eq!(docs.len(), 5);
/// assert_eq!(run.stats().kinds[&Kind::Tsx].kept, 5);
/// println!("{}", run.diversity()?.to_markdown());
/// # Ok::<(), sheikh_synth::SynthError>(())
/// ```
#[derive(Debug)]
pub struct Synthesizer<G> {
    generator: G,
    options: SynthOptions,
    validator: Validator,
}

impl<G: Generator> Synthesizer<G> {
    /// A synthesizer; checks the options.
    pub fn new(generator: G, options: SynthOptions) -> Result<Self> {
        if options.batch_size == 0 {
            return Err(SynthError::Config("batch_size must be at least 1".into()));
        }
        if !(options.oversample.is_finite() && options.oversample >= 1.0) {
            return Err(SynthError::Config("oversample must be >= 1".into()));
        }
        options.dedup_settings.lsh_params()?;
        let validator = Validator::new(options.validate.clone());
        Ok(Synthesizer {
            generator,
            options,
            validator,
        })
    }

    /// The generator.
    pub fn generator(&self) -> &G {
        &self.generator
    }

    /// The options.
    pub fn options(&self) -> &SynthOptions {
        &self.options
    }

    /// Generates and validates sample `index` of `kind`, retrying up to
    /// `max_retries` times.
    pub fn check(&self, kind: Kind, index: u64) -> Checked {
        let mut last_err = None;
        let mut family = String::new();
        let mut language = kind.language();
        for attempt in 0..=self.options.max_retries {
            match self.generator.sample(kind, index, attempt) {
                Ok(s) => {
                    family = s.family;
                    language = s.language;
                    let report = self.validator.validate(&s.text, s.language);
                    if report.is_valid() {
                        return Checked {
                            index,
                            text: Some(s.text),
                            language,
                            family,
                            retries: attempt,
                            error: None,
                        };
                    }
                    last_err = Some(match report.first_issue() {
                        Some(i) => format!(
                            "{} at {}:{}: {}",
                            report.verdict.as_str(),
                            i.line,
                            i.column,
                            i.message
                        ),
                        None => report.verdict.as_str().to_string(),
                    });
                }
                Err(e) => last_err = Some(e.to_string()),
            }
        }
        Checked {
            index,
            text: None,
            language,
            family,
            retries: self.options.max_retries,
            error: last_err,
        }
    }

    /// Builds the document of a valid sample: content, language, path
    /// `synthetic/KIND/FAMILY/INDEX.EXT`, repository `sheikh-synth/GENERATOR`, and
    /// `metadata["synth"] = {generator, kind, family, seed, index, retries}`.
    pub fn document(&self, kind: Kind, c: &Checked, text: String) -> Document {
        let g = self.generator.name();
        Document::new(text, c.language)
            .with_repo_name(format!("sheikh-synth/{g}"))
            .with_path(format!(
                "synthetic/{}/{}/{:07}.{}",
                kind.name(),
                c.family,
                c.index,
                kind.extension()
            ))
            .with_metadata(
                "synth",
                serde_json::json!({
                    "generator": g,
                    "kind": kind.name(),
                    "family": c.family,
                    "seed": self.generator.seed(),
                    "index": c.index,
                    "retries": c.retries,
                }),
            )
    }

    /// A stateful run: dedup index, counters and diversity shared by every `take`.
    pub fn stream(&self) -> SynthStream<'_, G> {
        SynthStream {
            synth: self,
            next_index: BTreeMap::new(),
            dedup: None,
            meter: None,
            stats: SynthStats::default(),
        }
    }

    /// A stream resuming from saved state (the mixer keeps it between batches).
    pub(crate) fn stream_with(
        &self,
        next_index: BTreeMap<Kind, u64>,
        dedup: Option<StreamDedup>,
    ) -> SynthStream<'_, G> {
        SynthStream {
            synth: self,
            next_index,
            dedup,
            meter: None,
            stats: SynthStats::default(),
        }
    }

    /// `n` documents of `kind` in batches of at most `batch_size` (a streaming
    /// iterator: one batch in memory at a time).
    pub fn batches(&self, kind: Kind, n: u64) -> Batches<'_, G> {
        Batches {
            stream: self.stream(),
            kind,
            remaining: n,
        }
    }

    /// `n` documents of `kind`, collected (for small `n`; use [`batches`](Self::batches)
    /// for large ones).
    pub fn generate(&self, kind: Kind, n: usize) -> Result<Vec<Document>> {
        self.stream().take(kind, n as u64)
    }
}

/// A run in progress: remembers the next sample index of each kind, the kept samples'
/// fingerprints, the counters and the diversity figures.
#[derive(Debug)]
pub struct SynthStream<'s, G> {
    synth: &'s Synthesizer<G>,
    next_index: BTreeMap<Kind, u64>,
    dedup: Option<StreamDedup>,
    meter: Option<DiversityMeter>,
    stats: SynthStats,
}

impl<G: Generator> SynthStream<'_, G> {
    /// The next `n` kept documents of `kind` (fewer only when the oversampling limit
    /// is reached, which the counters show as failures or duplicates). Samples are
    /// generated and validated `batch_size` at a time in parallel; dedup decisions are
    /// made in index order, so the result does not depend on the thread count.
    pub fn take(&mut self, kind: Kind, n: u64) -> Result<Vec<Document>> {
        let opts = &self.synth.options;
        if opts.dedup && self.dedup.is_none() {
            self.dedup = Some(StreamDedup::new(&opts.dedup_settings)?);
        }
        if opts.measure_diversity && self.meter.is_none() {
            self.meter = Some(DiversityMeter::new(&opts.dedup_settings)?);
        }
        let limit = (n as f64 * opts.oversample) as u64 + 64;
        let mut out = Vec::with_capacity(n.min(opts.batch_size as u64 * 4) as usize);
        let mut tried = 0u64;
        let mut stats = KindStats::default();
        while (out.len() as u64) < n && tried < limit {
            let want = (n - out.len() as u64).min(opts.batch_size as u64);
            // A few extra candidates per step make up for duplicates without a
            // second round in the common case.
            let step = (want + want / 16 + 1).min(limit - tried);
            let start = *self.next_index.get(&kind).unwrap_or(&0);
            let checked: Vec<Checked> = (start..start + step)
                .into_par_iter()
                .map(|i| self.synth.check(kind, i))
                .collect();
            let texts: Vec<&str> = checked.iter().filter_map(|c| c.text.as_deref()).collect();
            let fps = self.dedup.as_ref().map(|d| d.fingerprint_all(&texts));
            let mut fp_iter = fps.iter().flatten();
            let mut used = 0u64;
            for c in &checked {
                used += 1;
                stats.candidates += 1;
                let Some(text) = c.text.clone() else {
                    stats.failed += 1;
                    stats.retries += c.retries as u64;
                    tracing::debug!(kind = kind.name(), index = c.index, error = ?c.error, "sample failed validation");
                    continue;
                };
                stats.retries += c.retries as u64;
                if c.retries == 0 {
                    stats.valid_first_try += 1;
                } else {
                    stats.recovered += 1;
                }
                if let (Some(d), Some(fp)) = (self.dedup.as_mut(), fp_iter.next()) {
                    match d.offer_fingerprint(fp) {
                        Some(Duplicate::Exact { .. }) => {
                            stats.exact_duplicates += 1;
                            continue;
                        }
                        Some(Duplicate::Near { .. }) => {
                            stats.near_duplicates += 1;
                            continue;
                        }
                        None => {}
                    }
                }
                *self
                    .stats
                    .families
                    .entry(format!("{}/{}", kind.name(), c.family))
                    .or_default() += 1;
                out.push(self.synth.document(kind, c, text));
                stats.kept += 1;
                if out.len() as u64 == n {
                    break;
                }
            }
            // Indices after the n-th kept document were not used: the next `take`
            // starts right after the last one consumed, so the output of
            // `take(k, a); take(k, b)` equals that of `take(k, a + b)`.
            self.next_index.insert(kind, start + used);
            tried += used;
            if let Some(m) = self.meter.as_mut() {
                let pairs: Vec<(&str, Language)> = checked[..used as usize]
                    .iter()
                    .filter_map(|c| c.text.as_deref().map(|t| (t, c.language)))
                    .collect();
                m.add(&pairs)?;
            }
        }
        self.stats.kinds.entry(kind).or_default().add(&stats);
        Ok(out)
    }

    /// The counters so far.
    pub fn stats(&self) -> &SynthStats {
        &self.stats
    }

    pub(crate) fn into_parts(self) -> (BTreeMap<Kind, u64>, Option<StreamDedup>, SynthStats) {
        (self.next_index, self.dedup, self.stats)
    }

    /// The diversity of all valid samples generated so far (before deduplication);
    /// the default report when measurement is off or nothing was generated.
    pub fn diversity(&self) -> Result<DiversityReport> {
        match &self.meter {
            Some(m) => m.report(),
            None => Ok(DiversityReport::default()),
        }
    }
}

/// Iterator of document batches of one kind; see [`Synthesizer::batches`].
#[derive(Debug)]
pub struct Batches<'s, G> {
    stream: SynthStream<'s, G>,
    kind: Kind,
    remaining: u64,
}

impl<G: Generator> Batches<'_, G> {
    /// The run's counters so far.
    pub fn stats(&self) -> &SynthStats {
        self.stream.stats()
    }

    /// The diversity figures so far.
    pub fn diversity(&self) -> Result<DiversityReport> {
        self.stream.diversity()
    }
}

impl<G: Generator> Iterator for Batches<'_, G> {
    type Item = Result<Vec<Document>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        let want = self
            .remaining
            .min(self.stream.synth.options.batch_size as u64);
        match self.stream.take(self.kind, want) {
            Ok(docs) if docs.is_empty() => {
                self.remaining = 0;
                None
            }
            Ok(docs) => {
                self.remaining = if (docs.len() as u64) < want {
                    0
                } else {
                    self.remaining - want
                };
                Some(Ok(docs))
            }
            Err(e) => {
                self.remaining = 0;
                Some(Err(e))
            }
        }
    }
}
