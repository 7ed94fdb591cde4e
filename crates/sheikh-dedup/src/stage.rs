//! [`DedupStage`]: exact then near deduplication as a pipeline [`Stage`].

use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use sheikh_core::{Document, Outcome, Reason, Rejection, Stage, StageError};

use crate::config::DedupConfig;
use crate::error::Result;
use crate::exact::{content_hash, ExactDedup};
use crate::near::NearDedup;
use crate::report::DedupReport;

/// The stage name used in statistics and provenance.
pub const STAGE_NAME: &str = "dedup";

/// Exact, then near deduplication over the whole stream.
///
/// Exact duplicates are dropped as soon as they are seen (`exact_duplicate`, detail
/// `exact duplicate of <id>` naming the first document with that content). With near
/// dedup on, the other documents are held until [`finish`](Stage::finish), because a
/// later document can join two clusters and the keep policy needs whole clusters;
/// they are then released in input order, the removed ones as `near_duplicate` with
/// detail `near duplicate of <kept id> (cluster N)` and each kept representative with a
/// provenance note. For corpora that do not fit in memory, use [`crate::staged`].
///
/// The report is shared: keep [`report_handle`](DedupStage::report_handle) before
/// handing the stage to a pipeline.
pub struct DedupStage {
    cfg: DedupConfig,
    exact: Option<ExactDedup>,
    near: Option<NearDedup>,
    held: Vec<Document>,
    first_ids: Vec<String>,
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
            held: Vec::new(),
            first_ids: Vec::new(),
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
            + self.first_ids.capacity() * std::mem::size_of::<String>()
            + self.first_ids.iter().map(|s| s.capacity()).sum::<usize>()
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
        let mut survivors = Vec::with_capacity(batch.len());
        let mut exact_dups = 0u64;
        if let Some(exact) = self.exact.as_mut() {
            let norm = self.cfg.exact_normalize_whitespace;
            let hashes: Vec<u128> = batch
                .par_iter()
                .map(|d| content_hash(&d.content, norm))
                .collect();
            let holding = self.near.is_some();
            for (doc, h) in batch.into_iter().zip(hashes) {
                let next = if holding {
                    self.held.len() + survivors.len()
                } else {
                    self.first_ids.len()
                } as u64;
                match exact.check(h, next) {
                    Some(first) => {
                        let first_id = if holding {
                            let f = first as usize;
                            self.held
                                .get(f)
                                .unwrap_or_else(|| &survivors[f - self.held.len()])
                                .id
                                .clone()
                        } else {
                            self.first_ids[first as usize].clone()
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
                    None if holding => survivors.push(doc),
                    None => {
                        self.first_ids.push(doc.id.clone());
                        out.push(Outcome::Keep(doc));
                    }
                }
            }
        } else {
            survivors = batch;
        }
        if let Some(near) = self.near.as_mut() {
            near.add_documents(&survivors, &self.cfg.keep)
                .map_err(|e| StageError::wrap(STAGE_NAME, e))?;
            self.held.extend(survivors);
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
        let Some(near) = self.near.as_ref() else {
            return Ok(Vec::new());
        };
        let held = std::mem::take(&mut self.held);
        let text = |i: u64| held[i as usize].content.as_str();
        let result = near
            .finish(Some(&text))
            .map_err(|e| StageError::wrap(STAGE_NAME, e))?;
        let index_bytes = self.index_bytes() as u64;
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
            r.pairs = result.pairs;
            r.shingles = near.shingle_counts();
            r.index_bytes = r.index_bytes.max(index_bytes);
            r.finalize();
        }
        // Per document: Some((cluster, keeper, size)) when in a cluster.
        let mut fate: Vec<Option<(usize, u64)>> = vec![None; held.len()];
        for (ci, c) in result.clusters.iter().enumerate() {
            for &m in &c.members {
                fate[m as usize] = Some((ci, c.keeper));
            }
        }
        let ids: Vec<String> = result
            .clusters
            .iter()
            .map(|c| held[c.keeper as usize].id.clone())
            .collect();
        let sizes: Vec<usize> = result.clusters.iter().map(|c| c.members.len()).collect();
        self.near = None;
        let out = held
            .into_iter()
            .zip(fate)
            .enumerate()
            .map(|(i, (mut doc, f))| match f {
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
            })
            .collect();
        Ok(out)
    }
}
