//! Mixing synthetic documents into a corpus reader: [`SynthReader`] (the synthetic
//! documents alone, as reader batches) and [`mix_into`] (a pipeline reader with them
//! appended or interleaved).

use sheikh_core::io::{BoxReader, ReadBatch};
use sheikh_core::CoreError;

use crate::config::SynthConfig;
use crate::error::{Result, SynthError};
use crate::generator::WebDevSyntheticGenerator;
use crate::kind::Kind;
use crate::rng::Dice;
use crate::synth::{SynthStats, Synthesizer};

fn core_error(e: SynthError) -> CoreError {
    CoreError::Config {
        path: "synth".into(),
        message: e.to_string(),
    }
}

/// The synthetic documents of a [`SynthConfig`] in counts mode, as reader batches of
/// `options.batch_size` (kinds in [`Kind::ALL`] order). Deterministic: the same config
/// gives the same batches on any thread count.
///
/// ```
/// use sheikh_synth::{SynthConfig, SynthReader};
/// let mut cfg = SynthConfig { enabled: true, ..Default::default() };
/// cfg.counts.xml = 3;
/// cfg.counts.mdx = 2;
/// let docs: Vec<_> = SynthReader::new(&cfg)?.flat_map(|b| b.unwrap().documents).collect();
/// assert_eq!(docs.len(), 5);
/// # Ok::<(), sheikh_synth::SynthError>(())
/// ```
pub struct SynthReader {
    inner: Box<dyn Iterator<Item = sheikh_core::Result<ReadBatch>> + Send>,
}

impl std::fmt::Debug for SynthReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SynthReader")
    }
}

/// The owned state behind [`SynthReader`] and the ratio-mode mixer.
struct Source {
    synth: Synthesizer<WebDevSyntheticGenerator>,
    next: std::collections::BTreeMap<Kind, u64>,
    dedup: Option<crate::dedup::StreamDedup>,
    stats: SynthStats,
}

impl Source {
    fn new(cfg: &SynthConfig) -> Result<Self> {
        cfg.validate()?;
        let mut g = WebDevSyntheticGenerator::new(cfg.seed);
        if !cfg.families.is_empty() {
            g = g.with_families(cfg.families.clone());
        }
        let mut options = cfg.options.clone();
        // The pipeline measures its own statistics; keep the mixer lean.
        options.measure_diversity = false;
        Ok(Source {
            synth: Synthesizer::new(g, options)?,
            next: Default::default(),
            dedup: None,
            stats: SynthStats::default(),
        })
    }

    /// `n` documents of `kind`, continuing where the last call for `kind` stopped and
    /// deduplicating against everything emitted so far.
    fn take(&mut self, kind: Kind, n: u64) -> Result<Vec<sheikh_core::Document>> {
        let mut stream = self
            .synth
            .stream_with(std::mem::take(&mut self.next), self.dedup.take());
        let docs = stream.take(kind, n);
        let (next, dedup, stats) = stream.into_parts();
        self.next = next;
        self.dedup = dedup;
        for (k, s) in stats.kinds {
            self.stats.kinds.entry(k).or_default().add(&s);
        }
        for (f, c) in stats.families {
            *self.stats.families.entry(f).or_default() += c;
        }
        docs
    }
}

impl SynthReader {
    /// The reader of `cfg` (counts mode; `enabled` is not checked here).
    pub fn new(cfg: &SynthConfig) -> Result<Self> {
        let mut src = Source::new(cfg)?;
        let batch = cfg.options.batch_size as u64;
        let plan: Vec<(Kind, u64)> = cfg
            .counts
            .pairs()
            .into_iter()
            .filter(|&(_, n)| n > 0)
            .collect();
        let mut pos = 0usize;
        let mut left = plan.first().map_or(0, |p| p.1);
        let iter = std::iter::from_fn(move || loop {
            let &(kind, _) = plan.get(pos)?;
            if left == 0 {
                pos += 1;
                left = plan.get(pos).map_or(0, |p| p.1);
                continue;
            }
            let want = left.min(batch);
            return match src.take(kind, want) {
                Ok(docs) => {
                    left = if (docs.len() as u64) < want {
                        0
                    } else {
                        left - want
                    };
                    if docs.is_empty() {
                        continue;
                    }
                    Some(Ok(ReadBatch {
                        documents: docs,
                        rejected: Vec::new(),
                    }))
                }
                Err(e) => {
                    pos = plan.len();
                    Some(Err(core_error(e)))
                }
            };
        });
        Ok(SynthReader {
            inner: Box::new(iter),
        })
    }
}

impl Iterator for SynthReader {
    type Item = sheikh_core::Result<ReadBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

/// `reader` with the synthetic documents of `cfg` mixed in; `reader` unchanged when
/// `cfg.enabled` is false.
///
/// - counts mode: the synthetic batches follow the input's;
/// - ratio mode: after each input batch of `b` documents, `floor(acc + b × ratio)`
///   synthetic documents follow (the remainder carries over), the kind of synthetic
///   document `j` drawn from `(seed, j)` with weights `counts`.
///
/// Synthetic documents carry `metadata.synth` and paths under `synthetic/`, so later
/// stages (and the statistics) can tell them apart.
pub fn mix_into(reader: BoxReader, cfg: &SynthConfig) -> Result<BoxReader> {
    if !cfg.enabled {
        return Ok(reader);
    }
    cfg.validate()?;
    if cfg.ratio == 0.0 {
        let synth = SynthReader::new(cfg)?;
        return Ok(Box::new(reader.chain(synth)));
    }
    let mut src = Source::new(cfg)?;
    let ratio = cfg.ratio;
    let seed = cfg.seed;
    let weights: Vec<u32> = Kind::ALL
        .iter()
        .map(|&k| cfg.counts.get(k).min(u32::MAX as u64) as u32)
        .collect();
    let mut acc = 0.0f64;
    let mut drawn = 0u64;
    let mut reader = reader;
    let mut pending: Option<ReadBatch> = None;
    let iter = std::iter::from_fn(move || {
        if let Some(b) = pending.take() {
            return Some(Ok(b));
        }
        let batch = match reader.next()? {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        acc += batch.documents.len() as f64 * ratio;
        let m = acc.floor() as u64;
        acc -= m as f64;
        if m > 0 {
            let mut per_kind = [0u64; 6];
            for _ in 0..m {
                let mut d = Dice::for_sample(seed, "mix", drawn, 0);
                per_kind[d.weighted(&weights)] += 1;
                drawn += 1;
            }
            let mut docs = Vec::new();
            for (i, &k) in Kind::ALL.iter().enumerate() {
                if per_kind[i] == 0 {
                    continue;
                }
                match src.take(k, per_kind[i]) {
                    Ok(d) => docs.extend(d),
                    Err(e) => return Some(Err(core_error(e))),
                }
            }
            if !docs.is_empty() {
                pending = Some(ReadBatch {
                    documents: docs,
                    rejected: Vec::new(),
                });
            }
        }
        Some(Ok(batch))
    });
    Ok(Box::new(iter))
}
