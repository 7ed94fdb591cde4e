//! [`DedupReport`]: what a deduplication run found.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{DedupConfig, KeepPolicy, Verification};
use crate::lsh::{LshParams, PairStats, SCurvePoint};

/// Counts of documents by how shingling treated them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShingleCounts {
    /// Documents with at least `ngram` tokens.
    pub shingled: u64,
    /// Shorter documents hashed as one shingle (`short_documents: single_shingle`).
    pub short_single_shingle: u64,
    /// Shorter documents kept without near-duplicate checking (`short_documents: keep`).
    pub short_skipped: u64,
    /// Documents without any token, kept without near-duplicate checking.
    pub empty: u64,
}

impl ShingleCounts {
    /// Adds another set of counts.
    pub fn add(&mut self, o: &ShingleCounts) {
        self.shingled += o.shingled;
        self.short_single_shingle += o.short_single_shingle;
        self.short_skipped += o.short_skipped;
        self.empty += o.empty;
    }
}

/// The report of a deduplication run (in-memory stage or staged mode).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DedupReport {
    /// Documents seen.
    pub documents: u64,
    /// Documents removed as exact duplicates.
    pub exact_duplicates: u64,
    /// Documents removed as near duplicates.
    pub near_duplicates: u64,
    /// All documents removed.
    pub removed: u64,
    /// `removed / documents` (0 when there are no documents).
    pub duplication_rate: f64,
    /// Near-duplicate clusters (connected components of two or more documents).
    pub clusters: u64,
    /// Documents in those clusters (kept representatives included).
    pub clustered_documents: u64,
    /// Size of the largest cluster.
    pub largest_cluster: u64,
    /// Number of near-duplicate clusters of each size (documents per cluster).
    #[serde(default)]
    pub cluster_sizes: BTreeMap<u64, u64>,
    /// How documents were shingled.
    pub shingles: ShingleCounts,
    /// MinHash permutations.
    pub num_perm: usize,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Jaccard threshold.
    pub threshold: f64,
    /// Candidate verification used.
    pub verification: Verification,
    /// Keep policy used.
    pub keep: KeepPolicy,
    /// Candidate pairs checked, linked and rejected.
    pub pairs: PairStats,
    /// Probability that a pair of a given similarity becomes an LSH candidate.
    pub s_curve: Vec<SCurvePoint>,
    /// Heap bytes of the in-memory index at its largest (0 in staged mode).
    pub index_bytes: u64,
    /// `index_bytes` per document.
    pub index_bytes_per_document: f64,
}

impl DedupReport {
    /// An empty report carrying the run's settings and S-curve.
    pub fn for_config(cfg: &DedupConfig, lsh: LshParams) -> Self {
        DedupReport {
            num_perm: cfg.num_perm,
            bands: lsh.bands,
            rows: lsh.rows,
            threshold: cfg.threshold,
            verification: cfg.verify,
            keep: cfg.keep.clone(),
            s_curve: lsh.s_curve(20),
            ..Default::default()
        }
    }

    /// Recomputes `removed` and `duplication_rate` from the counts.
    pub fn finalize(&mut self) {
        self.removed = self.exact_duplicates + self.near_duplicates;
        self.duplication_rate = if self.documents == 0 {
            0.0
        } else {
            self.removed as f64 / self.documents as f64
        };
        self.index_bytes_per_document = if self.documents == 0 {
            0.0
        } else {
            self.index_bytes as f64 / self.documents as f64
        };
    }

    /// A Markdown summary with the S-curve table.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "| documents | exact dups | near dups | removed | rate | clusters | largest | bands × rows |\n\
             |---:|---:|---:|---:|---:|---:|---:|---|\n\
             | {} | {} | {} | {} | {:.2}% | {} | {} | {} × {} |\n\n\
             | similarity | P(candidate) |\n|---:|---:|\n",
            self.documents,
            self.exact_duplicates,
            self.near_duplicates,
            self.removed,
            100.0 * self.duplication_rate,
            self.clusters,
            self.largest_cluster,
            self.bands,
            self.rows
        );
        for p in &self.s_curve {
            s.push_str(&format!("| {:.2} | {:.4} |\n", p.similarity, p.probability));
        }
        s
    }
}
