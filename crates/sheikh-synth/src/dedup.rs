//! [`StreamDedup`]: exact and near-duplicate removal for a stream of generated
//! samples, built from `sheikh-dedup`'s parts (xxh3 content hash, the configured
//! shingling, MinHash permutations and LSH bands of a [`DedupConfig`]).
//!
//! The pipeline's [`NearDedup`](sheikh_dedup::NearDedup) clusters a whole corpus at
//! the end; a generator has to decide as it goes. So a sample is dropped when it is an
//! exact copy of a kept sample or when some kept sample sharing an LSH band has an
//! estimated Jaccard similarity at or above the threshold (the 8-bit compact
//! signatures of `verify: estimated`). Decisions are made in sample order, so they are
//! deterministic. Memory: per kept sample, a 24-byte exact-hash entry, per band a
//! hash-table entry (≈ 25 bytes) and a 4-byte chain link, and `num_perm` bytes of
//! signature: ≈ 420 bytes with the defaults (9 bands, 128 permutations).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use sheikh_dedup::exact::content_hash;
use sheikh_dedup::lsh::band_hash;
use sheikh_dedup::minhash::{compact, estimated_jaccard_compact};
use sheikh_dedup::{DedupConfig, Scratch, Sketcher};

use crate::error::Result;

/// Why a sample was dropped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duplicate {
    /// Same bytes as kept sample `of` (position in the stream of kept samples).
    Exact {
        /// The kept sample.
        of: u64,
    },
    /// Estimated Jaccard similarity `similarity` with kept sample `of`.
    Near {
        /// The kept sample.
        of: u64,
        /// Estimated similarity, in `[threshold, 1]`.
        similarity: f64,
    },
}

/// The fingerprint of one text: exact hash, LSH band hashes, compact signature.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    hash: u128,
    bands: Vec<u64>,
    sig: Vec<u8>,
}

/// Streaming exact + near-duplicate filter.
///
/// ```
/// use sheikh_synth::StreamDedup;
/// let mut d = StreamDedup::new(&sheikh_dedup::DedupConfig::default())?;
/// let a: String = (0..60).map(|i| format!("item {i} costs {} coins\n", i * 3)).collect();
/// let b = a.replace("item 59", "item 61");
/// assert!(d.offer(&a).is_none());
/// assert!(d.offer(&a).is_some()); // exact
/// assert!(d.offer(&b).is_some()); // near
/// assert!(d.offer("something else entirely, with enough words to count").is_none());
/// # Ok::<(), sheikh_synth::SynthError>(())
/// ```
#[derive(Debug)]
pub struct StreamDedup {
    sketcher: Sketcher,
    exact: bool,
    near: bool,
    threshold: f64,
    slot_ids: Vec<u64>,
    hashes: HashMap<u128, u64>,
    /// (band, band hash) -> most recent slot with it.
    heads: HashMap<(u32, u64), u32>,
    /// Per (slot, band): the previous slot with the same (band, hash), or `u32::MAX`.
    chain: Vec<u32>,
    bands: usize,
    sigs: Vec<u8>,
    width: usize,
    kept: u64,
}

impl StreamDedup {
    /// A filter with `cfg`'s settings (`exact`, `near`, shingles, permutations,
    /// threshold, bands).
    pub fn new(cfg: &DedupConfig) -> Result<Self> {
        let sketcher = Sketcher::new(cfg)?;
        let bands = sketcher.params().bands;
        Ok(StreamDedup {
            sketcher,
            exact: cfg.exact,
            near: cfg.near,
            threshold: cfg.threshold,
            slot_ids: Vec::new(),
            hashes: HashMap::new(),
            heads: HashMap::new(),
            chain: Vec::new(),
            bands,
            sigs: Vec::new(),
            width: cfg.num_perm,
            kept: 0,
        })
    }

    /// Fingerprints a text (pure; call it in parallel).
    pub fn fingerprint(&self, text: &str, scratch: &mut Scratch) -> Fingerprint {
        let hash = content_hash(text, false);
        if !self.near {
            return Fingerprint {
                hash,
                bands: Vec::new(),
                sig: Vec::new(),
            };
        }
        let (outcome, sig) = self.sketcher.signature(text, scratch);
        if !outcome.participates() {
            return Fingerprint {
                hash,
                bands: Vec::new(),
                sig: Vec::new(),
            };
        }
        let p = self.sketcher.params();
        let bands = (0..p.bands).map(|b| band_hash(&sig, b, p.rows)).collect();
        let mut c = Vec::with_capacity(sig.len());
        compact(&sig, &mut c);
        Fingerprint {
            hash,
            bands,
            sig: c,
        }
    }

    /// Fingerprints texts in parallel, in input order.
    pub fn fingerprint_all(&self, texts: &[&str]) -> Vec<Fingerprint> {
        texts
            .par_iter()
            .map_init(Scratch::default, |s, t| self.fingerprint(t, s))
            .collect()
    }

    /// Checks a fingerprint against the kept samples; keeps it (and returns `None`)
    /// when it is new.
    pub fn offer_fingerprint(&mut self, fp: &Fingerprint) -> Option<Duplicate> {
        if self.exact {
            if let Some(&of) = self.hashes.get(&fp.hash) {
                return Some(Duplicate::Exact { of });
            }
        }
        if self.near && !fp.bands.is_empty() {
            let mut seen: HashSet<u32> = HashSet::new();
            let mut best: Option<(u64, f64)> = None;
            for (b, &h) in fp.bands.iter().enumerate() {
                let mut next = self.heads.get(&(b as u32, h)).copied();
                while let Some(slot) = next {
                    next =
                        Some(self.chain[slot as usize * self.bands + b]).filter(|&s| s != u32::MAX);
                    if !seen.insert(slot) {
                        continue;
                    }
                    let o = slot as usize * self.width;
                    let sim = estimated_jaccard_compact(&fp.sig, &self.sigs[o..o + self.width]);
                    if sim >= self.threshold && best.is_none_or(|(_, s)| sim > s) {
                        best = Some((self.slot_ids[slot as usize], sim));
                    }
                }
            }
            if let Some((of, similarity)) = best {
                return Some(Duplicate::Near { of, similarity });
            }
        }
        let id = self.kept;
        self.kept += 1;
        if self.exact {
            self.hashes.insert(fp.hash, id);
        }
        if self.near && !fp.bands.is_empty() {
            let slot = (self.sigs.len() / self.width.max(1)) as u32;
            self.sigs.extend_from_slice(&fp.sig);
            for (b, &h) in fp.bands.iter().enumerate() {
                let prev = self.heads.insert((b as u32, h), slot).unwrap_or(u32::MAX);
                self.chain.push(prev);
            }
            self.slot_ids.push(id);
        }
        None
    }

    /// Fingerprints and offers one text.
    pub fn offer(&mut self, text: &str) -> Option<Duplicate> {
        let fp = self.fingerprint(text, &mut Scratch::default());
        self.offer_fingerprint(&fp)
    }

    /// Samples kept so far.
    pub fn kept(&self) -> u64 {
        self.kept
    }
}
