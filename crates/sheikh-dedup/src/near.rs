//! In-memory near-duplicate detection: MinHash sketches, an LSH index of one 64-bit
//! hash per (band, document), verification, union-find clusters and the keep policy.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::Document;

use crate::config::{DedupConfig, KeepPolicy, Verification};
use crate::error::{DedupError, Result};
use crate::lsh::{band_hash, link_bucket, LshParams, PairStats};
use crate::minhash::{compact, estimated_jaccard_compact, MinHasher};
use crate::report::ShingleCounts;
use crate::shingle::{jaccard_sorted, ShingleOutcome, Shingler};
use crate::unionfind::UnionFind;

/// The LSH view of one document: its band hashes and compact signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    /// How shingling went; only participating documents have bands.
    pub outcome: ShingleOutcome,
    /// One hash per band (empty when the document does not participate).
    pub bands: Vec<u64>,
    /// Low 8 bits of each MinHash value (empty unless verification is `estimated`).
    pub compact: Vec<u8>,
}

/// Reusable buffers for sketching one document at a time.
#[derive(Debug, Default)]
pub struct Scratch {
    shingles: Vec<u64>,
    tokens: Vec<u64>,
    signature: Vec<u64>,
}

/// Turns texts into [`Sketch`]es; shared by the in-memory and the staged runs.
#[derive(Debug, Clone)]
pub struct Sketcher {
    shingler: Shingler,
    hasher: MinHasher,
    params: LshParams,
    keep_compact: bool,
}

impl Sketcher {
    /// A sketcher for a (validated) config.
    pub fn new(cfg: &DedupConfig) -> Result<Self> {
        let params = cfg.lsh_params()?;
        Ok(Sketcher {
            shingler: Shingler::new(cfg.shingle, cfg.ngram, cfg.short_documents),
            hasher: MinHasher::new(cfg.num_perm, cfg.seed),
            params,
            keep_compact: cfg.verify == Verification::Estimated,
        })
    }

    /// The LSH parameters.
    pub fn params(&self) -> LshParams {
        self.params
    }

    /// The shingler.
    pub fn shingler(&self) -> &Shingler {
        &self.shingler
    }

    /// The MinHash signature of a text (all [`EMPTY`](crate::minhash::EMPTY) when it has no shingle).
    pub fn signature(&self, text: &str, scratch: &mut Scratch) -> (ShingleOutcome, Vec<u64>) {
        let outcome =
            self.shingler
                .hashes_with_repeats(text, &mut scratch.shingles, &mut scratch.tokens);
        let mut sig = Vec::new();
        self.hasher.signature_into(&scratch.shingles, &mut sig);
        (outcome, sig)
    }

    /// Sketches one text.
    pub fn sketch(&self, text: &str, scratch: &mut Scratch) -> Sketch {
        let outcome =
            self.shingler
                .hashes_with_repeats(text, &mut scratch.shingles, &mut scratch.tokens);
        if !outcome.participates() {
            return Sketch {
                outcome,
                bands: Vec::new(),
                compact: Vec::new(),
            };
        }
        self.hasher
            .signature_into(&scratch.shingles, &mut scratch.signature);
        let sig = &scratch.signature;
        let bands = (0..self.params.bands)
            .map(|b| band_hash(sig, b, self.params.rows))
            .collect();
        let mut c = Vec::new();
        if self.keep_compact {
            compact(sig, &mut c);
        }
        Sketch {
            outcome,
            bands,
            compact: c,
        }
    }

    /// Sketches texts in parallel; the result is in input order whatever the thread count.
    pub fn sketch_all(&self, texts: &[&str]) -> Vec<Sketch> {
        texts
            .par_iter()
            .with_min_len(8)
            .map_init(Scratch::default, |s, t| self.sketch(t, s))
            .collect()
    }
}

/// The value a document is ranked by under a keep policy (higher wins; ties go to the
/// earlier document). Never NaN.
pub fn keep_key(policy: &KeepPolicy, doc: &Document) -> f64 {
    match policy {
        KeepPolicy::First => 0.0,
        KeepPolicy::Longest => doc.content.len() as f64,
        KeepPolicy::Metadata(field) => doc
            .metadata_f64(field)
            .filter(|v| !v.is_nan())
            .unwrap_or(f64::NEG_INFINITY),
    }
}

/// The position of the member to keep: the highest key, ties to the earliest (members
/// are given in input order).
pub fn choose_keeper(keys: impl IntoIterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, k) in keys.into_iter().enumerate() {
        if i == 0 || k > best.1 {
            best = (i, k);
        }
    }
    best.0
}

/// One near-duplicate cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Members (document indices in input order), ascending.
    pub members: Vec<u64>,
    /// The member kept.
    pub keeper: u64,
}

/// One removed document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    /// The removed document's index.
    pub doc: u64,
    /// The kept member of its cluster.
    pub duplicate_of: u64,
    /// Its cluster's number (position in [`NearResult::clusters`]).
    pub cluster: usize,
}

/// The outcome of near-duplicate detection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearResult {
    /// Clusters of two or more documents, ordered by their first member.
    pub clusters: Vec<Cluster>,
    /// Removed documents, by index.
    pub removed: Vec<Removal>,
    /// Candidate pair counts.
    pub pairs: PairStats,
    /// The linked (verified) pairs `(earlier, later)` that built the clusters, sorted
    /// and distinct (a spanning subset of each cluster's verified pairs).
    pub edges: Vec<(u64, u64)>,
}

const CHUNK: usize = 1024;

/// Fixed-size chunks, so growth never over-allocates by more than one chunk.
#[derive(Debug, Clone, Default)]
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    width: usize,
}

impl<T: Copy> Chunked<T> {
    fn new(width: usize) -> Self {
        Chunked {
            chunks: Vec::new(),
            width,
        }
    }
    fn push(&mut self, slot: usize, items: &[T]) {
        if slot.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK * self.width));
        }
        self.chunks
            .last_mut()
            .expect("chunk pushed")
            .extend_from_slice(items);
    }
    fn get(&self, slot: usize) -> &[T] {
        let c = &self.chunks[slot / CHUNK];
        let o = (slot % CHUNK) * self.width;
        &c[o..o + self.width]
    }
    fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
            + self
                .chunks
                .iter()
                .map(|c| c.capacity() * std::mem::size_of::<T>())
                .sum::<usize>()
    }
}

/// The in-memory near-duplicate index. Add documents in input order, then call
/// [`finish`](NearDedup::finish).
///
/// Per participating document it stores one `u64` per band, a `u32` document index,
/// for the `longest`/`metadata` policies one `f64`, and for `estimated` verification
/// the compact signature (`num_perm` bytes): 132–140 bytes with the defaults (16
/// bands, `exact` verification), 260–268 with `estimated`, in chunks of 1024 documents so
/// growth never over-allocates by more than one chunk. `exact` verification
/// recomputes, in [`finish`](NearDedup::finish), the shingle sets of the documents
/// that share a bucket.
#[derive(Debug, Clone)]
pub struct NearDedup {
    sketcher: Sketcher,
    verify: Verification,
    threshold: f64,
    next_doc: u64,
    slots: usize,
    slot_doc: Chunked<u32>,
    bands: Chunked<u64>,
    compact: Chunked<u8>,
    keys: Option<Chunked<f64>>,
    counts: ShingleCounts,
}

impl NearDedup {
    /// An empty index for a config.
    pub fn new(cfg: &DedupConfig) -> Result<Self> {
        let sketcher = Sketcher::new(cfg)?;
        let width = if cfg.verify == Verification::Estimated {
            cfg.num_perm
        } else {
            0
        };
        Ok(NearDedup {
            bands: Chunked::new(sketcher.params.bands),
            compact: Chunked::new(width),
            sketcher,
            verify: cfg.verify,
            threshold: cfg.threshold,
            next_doc: 0,
            slots: 0,
            slot_doc: Chunked::new(1),
            keys: (cfg.keep != KeepPolicy::First).then(|| Chunked::new(1)),
            counts: ShingleCounts::default(),
        })
    }

    /// The LSH parameters in use.
    pub fn params(&self) -> LshParams {
        self.sketcher.params
    }

    /// The sketcher (shingling, MinHash, bands).
    pub fn sketcher(&self) -> &Sketcher {
        &self.sketcher
    }

    /// Documents added so far.
    pub fn len(&self) -> u64 {
        self.next_doc
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.next_doc == 0
    }

    /// Shingling counts so far.
    pub fn shingle_counts(&self) -> ShingleCounts {
        self.counts
    }

    /// Adds documents (texts with their keep-policy keys, see [`keep_key`]); they get
    /// the next indices in order. Returns the index of the first.
    pub fn add(&mut self, texts: &[&str], keys: &[f64]) -> Result<u64> {
        if texts.len() != keys.len() {
            return Err(DedupError::Config("texts and keys differ in length".into()));
        }
        if self.next_doc + texts.len() as u64 > u32::MAX as u64 {
            return Err(DedupError::Config(
                "the in-memory index holds at most 2^32 - 1 documents; use the staged mode".into(),
            ));
        }
        let first = self.next_doc;
        let sketches = self.sketcher.sketch_all(texts);
        for (s, &k) in sketches.iter().zip(keys) {
            let doc = self.next_doc;
            self.next_doc += 1;
            match s.outcome {
                ShingleOutcome::Shingled => self.counts.shingled += 1,
                ShingleOutcome::ShortAsOne => self.counts.short_single_shingle += 1,
                ShingleOutcome::ShortSkipped => self.counts.short_skipped += 1,
                ShingleOutcome::Empty => self.counts.empty += 1,
            }
            if !s.outcome.participates() {
                continue;
            }
            let slot = self.slots;
            self.slots += 1;
            self.slot_doc.push(slot, &[doc as u32]);
            self.bands.push(slot, &s.bands);
            self.compact.push(slot, &s.compact);
            if let Some(keys) = self.keys.as_mut() {
                keys.push(slot, &[k]);
            }
        }
        Ok(first)
    }

    /// Adds documents, computing their keys with `policy`.
    pub fn add_documents(&mut self, docs: &[Document], policy: &KeepPolicy) -> Result<u64> {
        let texts: Vec<&str> = docs.iter().map(|d| d.content.as_str()).collect();
        let keys: Vec<f64> = docs.iter().map(|d| keep_key(policy, d)).collect();
        self.add(&texts, &keys)
    }

    fn doc_of(&self, slot: usize) -> u64 {
        self.slot_doc.get(slot)[0] as u64
    }

    /// Heap bytes of the index (from capacities).
    pub fn heap_bytes(&self) -> usize {
        self.bands.heap_bytes()
            + self.compact.heap_bytes()
            + self.slot_doc.heap_bytes()
            + self.keys.as_ref().map_or(0, |k| k.heap_bytes())
    }

    /// Finds candidate pairs band by band (in parallel), verifies them, clusters with
    /// union-find and applies the keep policy. `text(doc)` must return the content of
    /// document `doc` when verification is `exact` (it is not called otherwise).
    pub fn finish<T: AsRef<str>>(
        &self,
        text: Option<&(dyn Fn(u64) -> T + Sync)>,
    ) -> Result<NearResult> {
        if self.verify == Verification::Exact && text.is_none() {
            return Err(DedupError::Config(
                "exact verification needs the documents' text".into(),
            ));
        }
        let n = self.slots;
        // Buckets of two or more documents, per band (in parallel).
        let buckets: Vec<Vec<Vec<u32>>> = (0..self.sketcher.params.bands)
            .into_par_iter()
            .map(|band| self.band_buckets(band))
            .collect();
        // Exact verification: the shingle set of every document in some bucket, computed
        // once (in parallel) and shared by all bands.
        let (involved, sets) = match (self.verify, text) {
            (Verification::Exact, Some(text)) => {
                let mut involved: Vec<u32> = buckets.iter().flatten().flatten().copied().collect();
                involved.sort_unstable();
                involved.dedup();
                let sets: Vec<Vec<u64>> = involved
                    .par_iter()
                    .with_min_len(8)
                    .map_init(Vec::new, |scratch, &slot| {
                        let mut out = Vec::new();
                        self.sketcher.shingler.hashes(
                            text(self.doc_of(slot as usize)).as_ref(),
                            &mut out,
                            scratch,
                        );
                        out.shrink_to_fit();
                        out
                    })
                    .collect();
                (involved, sets)
            }
            _ => (Vec::new(), Vec::new()),
        };
        let set_of = |slot: u32| -> &[u64] {
            involved
                .binary_search(&slot)
                .map_or(&[][..], |i| sets[i].as_slice())
        };
        let per_band: Vec<(Vec<(u32, u32)>, PairStats)> = buckets
            .par_iter()
            .map(|band_buckets| self.link_band(band_buckets, &set_of))
            .collect();
        drop(buckets);
        let mut uf = UnionFind::new(n);
        let mut pairs = PairStats::default();
        let mut all_edges = Vec::new();
        for (edges, st) in &per_band {
            pairs.add(st);
            for &(a, b) in edges {
                uf.union(a as usize, b as usize);
                all_edges.push((self.doc_of(a as usize), self.doc_of(b as usize)));
            }
        }
        drop(per_band);
        all_edges.sort_unstable();
        all_edges.dedup();
        let key = |slot: usize| self.keys.as_ref().map_or(0.0, |k| k.get(slot)[0]);
        let groups = components(&mut uf);
        let mut result = NearResult {
            pairs,
            edges: all_edges,
            ..Default::default()
        };
        for members in groups {
            let keeper_pos = choose_keeper(members.iter().map(|&s| key(s as usize)));
            let docs: Vec<u64> = members.iter().map(|&s| self.doc_of(s as usize)).collect();
            let keeper = docs[keeper_pos];
            let cluster = result.clusters.len();
            for &d in &docs {
                if d != keeper {
                    result.removed.push(Removal {
                        doc: d,
                        duplicate_of: keeper,
                        cluster,
                    });
                }
            }
            result.clusters.push(Cluster {
                members: docs,
                keeper,
            });
        }
        result.removed.sort_by_key(|r| r.doc);
        Ok(result)
    }

    /// The buckets (two or more slots sharing the band's hash), each in slot order.
    fn band_buckets(&self, band: usize) -> Vec<Vec<u32>> {
        let n = self.slots;
        let hash = |slot: u32| self.bands.get(slot as usize)[band];
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by_key(|&s| (hash(s), s));
        order
            .chunk_by(|&a, &b| hash(a) == hash(b))
            .filter(|b| b.len() > 1)
            .map(|b| b.to_vec())
            .collect()
    }

    /// Links the buckets of one band with the configured verification.
    fn link_band<'s>(
        &self,
        buckets: &[Vec<u32>],
        set_of: &(dyn Fn(u32) -> &'s [u64] + Sync),
    ) -> (Vec<(u32, u32)>, PairStats) {
        let mut edges = Vec::new();
        let mut stats = PairStats::default();
        for bucket in buckets {
            let verify = |i: usize, j: usize| -> bool {
                let (a, b) = (bucket[i], bucket[j]);
                match self.verify {
                    Verification::None => true,
                    Verification::Estimated => {
                        estimated_jaccard_compact(
                            self.compact.get(a as usize),
                            self.compact.get(b as usize),
                        ) >= self.threshold
                    }
                    Verification::Exact => jaccard_sorted(set_of(a), set_of(b)) >= self.threshold,
                }
            };
            link_bucket(
                bucket.len(),
                verify,
                |i, j| edges.push((bucket[i], bucket[j])),
                &mut stats,
            );
        }
        (edges, stats)
    }
}

/// The sets of two or more members, each sorted, ordered by smallest member (the
/// root, since the union-find roots at the smallest index).
fn components(uf: &mut UnionFind) -> Vec<Vec<u32>> {
    let n = uf.len();
    let mut size = vec![0u32; n];
    for x in 0..n {
        let r = uf.find(x);
        size[r] += 1;
    }
    // Reuse `size` as the root -> group index map for roots of groups of two or more.
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for s in size.iter_mut() {
        if *s > 1 {
            groups.push(Vec::with_capacity(*s as usize));
            *s = groups.len() as u32;
        } else {
            *s = 0;
        }
    }
    for x in 0..n {
        let r = uf.find(x);
        if size[r] > 0 {
            groups[size[r] as usize - 1].push(x as u32);
        }
    }
    groups
}
