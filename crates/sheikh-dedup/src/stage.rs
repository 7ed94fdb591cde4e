//! [`DedupStage`]: exact then near deduplication as a pipeline [`Stage`].

use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use sheikh_core::{Document, Emit, Outcome, Reason, Rejection, Stage, StageError};

use crate::config::DedupConfig;
use crate::error::{DedupError, Result};
use crate::spill::Spill;

/// Documents released per batch at the end of the stream.
const RELEASE_BATCH: usize = 1024;

/// Document ids, packed into one string with end offsets (a few bytes per id beyond
/// its text, instead of a `String` each).
#[derive(Default)]
struct IdTable {
    text: String,
    ends: Vec<u64>,
}

impl IdTable {
    fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len() as u64);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.text[start..end])
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * std::mem::size_of::<u64>()
    }
}

fn lock_any<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
use crate::exact::{content_hash, ExactDedup};
use crate::near::NearDedup;
use crate::report::DedupReport;

/// The stage name used in statistics and provenance.
pub const STAGE_NAME: &str = "dedup";

/// Exact, then near deduplication over the whole stream, in bounded memory.
///
/// Exact duplicates are dropped as soon as they are seen (`exact_duplicate`, detail
/// `exact duplicate of <id>` naming the first document with that content). With near
/// dedup on, the other documents wait for the end of the stream, because a later
/// document can join two clusters and the keep policy needs whole clusters: they wait
/// **on disk** (an anonymous temporary file), while memory holds only the LSH index and
/// the ids (≈ 150–300 bytes per document). At the end, exact verification reads back
/// only the documents that share a bucket, and the documents are released in input
/// order, 1024 at a time, through [`Stage::finish_into`]: the removed ones as
/// `near_duplicate` with detail `near duplicate of <kept id> (cluster N)`, each kept
/// representative with a provenance note. For corpora larger than one machine, use
/// [`crate::staged`].
///
/// The report is shared: keep [`report_handle`](DedupStage::report_handle) before
/// handing the stage to a pipeline.
pub struct DedupStage {
    cfg: DedupConfig,
    exact: Option<ExactDedup>,
    near: Option<NearDedup>,
    /// Documents waiting for the near-dedup verdict, on disk.
    held: Option<Spill>,
    /// Ids of held documents (near on) or of kept documents (near off), by index, to
    /// name the original of an exact duplicate.
    first_ids: IdTable,
    report: Arc<Mutex<DedupReport>>,
}

impl DedupStage {
    /// A stage for a config (checked here: bad values are errors, not panics).
    pub fn new(cfg: DedupConfig) -> Result<Self> {
        let lsh = cfg.lsh_params()?;
        let near = if cfg.near {
            Some(NearDedup::new(&cfg)?)
        } else {
            None
        };
        let report = DedupReport::for_config(&cfg, lsh);
        Ok(DedupStage {
            exact: cfg.exact.then(ExactDedup::new),
            near,
            held: None,
            first_ids: IdTable::default(),
            report: Arc::new(Mutex::new(report)),
            cfg,
        })
    }

    /// The config in use.
    pub fn config(&self) -> &DedupConfig {
        &self.cfg
    }

    /// A shared handle to the report, filled in as the run goes and complete after
    /// [`finish`](Stage::finish).
    pub fn report_handle(&self) -> Arc<Mutex<DedupReport>> {
        Arc::clone(&self.report)
    }

    /// A copy of the report so far.
    pub fn report(&self) -> DedupReport {
        lock(&self.report).clone()
    }

    fn index_bytes(&self) -> usize {
        self.exact.as_ref().map_or(0, |e| e.heap_bytes())
            + self.near.as_ref().map_or(0, |n| n.heap_bytes())
            + self.first_ids.heap_bytes()
    }
}

fn lock(m: &Mutex<DedupReport>) -> std::sync::MutexGuard<'_, DedupReport> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Stage for DedupStage {
    fn name(&self) -> &str {
        STAGE_NAME
    }

    fn process(&mut self, batch: Vec<Document>) -> Result<Vec<Outcome>, StageError> {
        let n = batch.len() as u64;
        let mut out = Vec::new();
        let mut survivors: Vec<Document> = Vec::with_capacity(batch.len());
        let mut exact_dups = 0u64;
        if let Some(exact) = self.exact.as_mut() {
            let norm = self.cfg.exact_normalize_whitespace;
            let hashes: Vec<u128> = batch
                .par_iter()
                .map(|d| content_hash(&d.content, norm))
                .collect();
            for (doc, h) in batch.into_iter().zip(hashes) {
                // Held and kept documents are numbered in the same order as first_ids.
                let next = (self.first_ids.len() + survivors.len()) as u64;
                match exact.check(h, next) {
                    Some(first) => {
                        let f = first as usize;
                        let first_id = match self.first_ids.get(f) {
                            Some(id) => id.to_string(),
                            None => survivors[f - self.first_ids.len()].id.clone(),
                        };
                        exact_dups += 1;
                        out.push(Outcome::Drop(
                            doc,
                            Rejection::new(
                                Reason::ExactDuplicate,
                                format!("exact duplicate of {first_id}"),
                            ),
                        ));
                    }
                    None => survivors.push(doc),
                }
            }
        } else {
            survivors = batch;
        }
        if self.exact.is_some() {
            for d in &survivors {
                self.first_ids.push(&d.id);
            }
        }
        if let Some(near) = self.near.as_mut() {
            near.add_documents(&survivors, &self.cfg.keep)
                .map_err(|e| StageError::wrap(STAGE_NAME, e))?;
            if self.held.is_none() {
                self.held = Some(Spill::new().map_err(|e| StageError::wrap(STAGE_NAME, e))?);
            }
            let spill = self.held.as_mut().expect("created above");
            spill
                .extend(&survivors)
                .map_err(|e| StageError::wrap(STAGE_NAME, e))?;
        } else {
            out.extend(survivors.into_iter().map(Outcome::Keep));
        }
        let bytes = self.index_bytes() as u64;
        let mut r = lock(&self.report);
        r.documents += n;
        r.exact_duplicates += exact_dups;
        r.index_bytes = r.index_bytes.max(bytes);
        r.finalize();
        Ok(out)
    }

    fn finish(&mut self) -> Result<Vec<Outcome>, StageError> {
        let mut all = Vec::new();
        self.finish_into(&mut |batch| {
            all.extend(batch);
            Ok(())
        })?;
        Ok(all)
    }

    fn finish_into(&mut self, emit: &mut Emit<'_>) -> Result<(), StageError> {
        let wrap = |e| StageError::wrap(STAGE_NAME, e);
        let Some(near) = self.near.take() else {
            return Ok(());
        };
        let Some(mut held) = self.held.take() else {
            return Ok(());
        };
        held.seal().map_err(wrap)?;
        // Exact verification reads the few documents that share a bucket back from disk.
        let read_error = Mutex::new(None);
        let text = |i: u64| -> String {
            match held.get(i as usize) {
                Ok(d) => d.content,
                Err(e) => {
                    lock_any(&read_error).get_or_insert(e);
                    String::new()
                }
            }
        };
        let result = near.finish(Some(&text)).map_err(wrap)?;
        if let Some(e) = lock_any(&read_error).take() {
            return Err(wrap(e));
        }
        let index_bytes = self.index_bytes() as u64 + near.heap_bytes() as u64;
        {
            let mut r = lock(&self.report);
            r.near_duplicates = result.removed.len() as u64;
            r.clusters = result.clusters.len() as u64;
            r.clustered_documents = result.clusters.iter().map(|c| c.members.len() as u64).sum();
            r.largest_cluster = result
                .clusters
                .iter()
                .map(|c| c.members.len() as u64)
                .max()
                .unwrap_or(0);
            r.cluster_sizes.clear();
            for c in &result.clusters {
                *r.cluster_sizes.entry(c.members.len() as u64).or_insert(0) += 1;
            }
            r.pairs = result.pairs;
            r.shingles = near.shingle_counts();
            r.index_bytes = r.index_bytes.max(index_bytes);
            r.finalize();
        }
        // Per document: Some((cluster, keeper)) when in a cluster.
        let mut fate: Vec<Option<(usize, u64)>> = vec![None; held.len()];
        for (ci, c) in result.clusters.iter().enumerate() {
            for &m in &c.members {
                fate[m as usize] = Some((ci, c.keeper));
            }
        }
        let ids: Vec<String> = if self.exact.is_some() {
            result
                .clusters
                .iter()
                .map(|c| {
                    self.first_ids
                        .get(c.keeper as usize)
                        .unwrap_or_default()
                        .to_string()
                })
                .collect()
        } else {
            result
                .clusters
                .iter()
                .map(|c| held.get(c.keeper as usize).map(|d| d.id))
                .collect::<Result<_>>()
                .map_err(wrap)?
        };
        let sizes: Vec<usize> = result.clusters.iter().map(|c| c.members.len()).collect();
        drop(result);
        // Release in input order, a bounded batch at a time.
        held.for_each_batch(RELEASE_BATCH, |first, docs| {
            let out = docs
                .into_iter()
                .enumerate()
                .map(|(k, mut doc)| {
                    let i = first + k;
                    match fate[i] {
                        Some((ci, keeper)) if keeper != i as u64 => Outcome::Drop(
                            doc,
                            Rejection::new(
                                Reason::NearDuplicate,
                                format!("near duplicate of {} (cluster {ci})", ids[ci]),
                            ),
                        ),
                        Some((ci, _)) => {
                            doc.provenance.kept(
                                STAGE_NAME,
                                format!("representative of cluster {ci} ({} documents)", sizes[ci]),
                            );
                            Outcome::Keep(doc)
                        }
                        None => Outcome::Keep(doc),
                    }
                })
                .collect();
            emit(out).map_err(|e| DedupError::Config(e.to_string()))
        })
        .map_err(wrap)?;
        Ok(())
    }
}
