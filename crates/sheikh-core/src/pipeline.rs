//! The pipeline driver: reader → stages → writer, with statistics and provenance.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::document::Document;
use crate::error::{CoreError, Result};
use crate::io::{AtomicFile, DocumentWriter, ReadBatch, RejectedInput};
use crate::redact::{redact_document, strip_content, RejectedContent, SharedRedactor};
use crate::stage::{Outcome, Stage, StageError};
use crate::stats::{PipelineStats, StageStats};

/// Where a run's documents go.
pub struct Sinks {
    /// Kept documents.
    pub output: Box<dyn DocumentWriter>,
    /// Dropped documents with their provenance, if wanted.
    pub rejected: Option<Box<dyn DocumentWriter>>,
    /// Inputs that never became documents (one JSON object per line), if wanted.
    pub rejected_inputs: Option<AtomicFile>,
    /// What the rejected sinks may hold (default: redacted content, without a redactor
    /// that means no content at all).
    pub rejected_policy: RejectedPolicy,
    /// Content bytes written to the rejected sink so far.
    rejected_bytes: u64,
    /// Dropped documents written without content so far.
    rejected_omitted: crate::stats::Tally,
}

/// What goes to the rejected sinks: the content mode, the redactor that mode uses, and a
/// cap on the content bytes written there.
#[derive(Clone)]
pub struct RejectedPolicy {
    /// Full, redacted or no content (default redacted).
    pub content: RejectedContent,
    /// The redactor applied under [`RejectedContent::Redacted`] and to path names, sources
    /// and details in every mode but `full`.
    pub redactor: Option<SharedRedactor>,
    /// Content bytes written to `rejected/` at most; later dropped documents are written
    /// without content (default 1 GiB).
    pub max_bytes: u64,
}

impl Default for RejectedPolicy {
    fn default() -> Self {
        RejectedPolicy {
            content: RejectedContent::Redacted,
            redactor: None,
            max_bytes: DEFAULT_REJECTED_MAX_BYTES,
        }
    }
}

/// The default cap on content bytes written to `rejected/` (1 GiB).
pub const DEFAULT_REJECTED_MAX_BYTES: u64 = 1 << 30;

impl RejectedPolicy {
    /// Prepares one dropped document for the rejected sink; returns the content bytes it
    /// will carry there, or `None` when its content is omitted.
    fn apply(&self, doc: &mut Document, written_so_far: u64) -> Option<u64> {
        let redactor = self.redactor.as_deref();
        let with_content = match self.content {
            RejectedContent::Full => true,
            RejectedContent::Redacted => redactor.is_some(),
            RejectedContent::None => false,
        };
        let fits = written_so_far.saturating_add(doc.content.len() as u64) <= self.max_bytes;
        if with_content && fits {
            if let (RejectedContent::Redacted, Some(r)) = (self.content, redactor) {
                redact_document(r, doc);
            }
            Some(doc.content.len() as u64)
        } else {
            strip_content(
                doc,
                if self.content == RejectedContent::Full {
                    None
                } else {
                    redactor
                },
            );
            None
        }
    }

    /// Redacts the free text of a rejected-input log line (unless the mode is `full`).
    fn apply_input(&self, r: &RejectedInput) -> RejectedInput {
        let mut r = r.clone();
        if self.content != RejectedContent::Full {
            if let Some(red) = self.redactor.as_deref() {
                if let Some(t) = red.redact_text(&r.source) {
                    r.source = t;
                }
                if let Some(t) = red.redact_text(&r.rejection.detail) {
                    r.rejection.detail = t;
                }
            }
        }
        r
    }
}

impl Sinks {
    /// Kept documents only.
    pub fn new(output: Box<dyn DocumentWriter>) -> Self {
        Sinks {
            output,
            rejected: None,
            rejected_inputs: None,
            rejected_policy: RejectedPolicy::default(),
            rejected_bytes: 0,
            rejected_omitted: Default::default(),
        }
    }

    /// Sets what the rejected sinks may hold.
    pub fn with_rejected_policy(mut self, policy: RejectedPolicy) -> Self {
        self.rejected_policy = policy;
        self
    }

    /// Also write dropped documents here.
    pub fn with_rejected(mut self, w: Option<Box<dyn DocumentWriter>>) -> Self {
        self.rejected = w;
        self
    }

    /// Also log rejected inputs to this JSONL file.
    pub fn with_rejected_inputs(mut self, path: impl AsRef<Path>) -> Result<Self> {
        self.rejected_inputs = Some(AtomicFile::create(path)?);
        Ok(self)
    }
}

/// Running totals passed to the progress callback after each batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Records read (documents plus rejected inputs).
    pub records_read: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Documents written.
    pub docs_written: u64,
    /// Documents and inputs dropped.
    pub dropped: u64,
}

/// A sequence of stages run over a reader's batches.
///
/// ```
/// use sheikh_core::{Document, FilterStage, Language, LanguageConfig, LanguageFilter, Pipeline, Sinks};
/// use sheikh_core::io::{ReadBatch, JsonlFormat, ShardedWriter, WriterOptions};
/// let dir = tempfile::tempdir().unwrap();
/// let batch = ReadBatch {
///     documents: vec![
///         Document::new("const a = 1;", Language::JavaScript),
///         Document::new("print(1)", Language::Other),
///     ],
///     rejected: vec![],
/// };
/// let mut pipeline = Pipeline::new().with_stage(FilterStage::new(LanguageFilter::new(LanguageConfig::default())));
/// let sinks = Sinks::new(Box::new(ShardedWriter::new(dir.path(), JsonlFormat, WriterOptions::default())));
/// let (stats, _) = pipeline.run(std::iter::once(Ok(batch)), sinks, |_| {}).unwrap();
/// assert_eq!(stats.written.docs, 1);
/// stats.check_balance().unwrap();
/// ```
#[derive(Default)]
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

impl Pipeline {
    /// An empty pipeline (reader straight to writer).
    pub fn new() -> Self {
        Pipeline::default()
    }

    /// Appends a stage.
    pub fn with_stage(mut self, stage: impl Stage + 'static) -> Self {
        self.stages.push(Box::new(stage));
        self
    }

    /// Appends a boxed stage.
    pub fn push(&mut self, stage: Box<dyn Stage>) {
        self.stages.push(stage);
    }

    /// The stage names in order.
    pub fn stage_names(&self) -> Vec<String> {
        self.stages.iter().map(|s| s.name().to_string()).collect()
    }

    /// Runs the reader through every stage into the sinks. Returns the statistics and the
    /// output files (kept documents first, then rejected documents and the input log).
    ///
    /// Work inside batches runs on the current rayon pool; to bound threads, call this
    /// inside `ThreadPool::install`. The output never depends on the thread count.
    pub fn run<R, P>(
        &mut self,
        reader: R,
        mut sinks: Sinks,
        mut progress: P,
    ) -> Result<(PipelineStats, Vec<std::path::PathBuf>)>
    where
        R: IntoIterator<Item = Result<ReadBatch>>,
        P: FnMut(&Progress),
    {
        let started = Instant::now();
        let mut stats = PipelineStats {
            read: StageStats::new("read"),
            stages: self
                .stage_names()
                .into_iter()
                .map(StageStats::new)
                .collect(),
            ..Default::default()
        };
        let mut prog = Progress::default();
        let mut reader = reader.into_iter();
        loop {
            let t = Instant::now();
            let Some(batch) = reader.next() else { break };
            let batch = batch?;
            stats.read.wall_seconds += t.elapsed().as_secs_f64();
            self.account_read(&batch, &mut stats, &mut sinks)?;
            prog.records_read += (batch.documents.len() + batch.rejected.len()) as u64;
            prog.bytes_read += batch
                .documents
                .iter()
                .map(|d| d.content.len() as u64)
                .sum::<u64>()
                + batch.rejected.iter().map(|r| r.bytes).sum::<u64>();
            let kept = run_stages(&mut self.stages, 0, batch.documents, &mut stats, &mut sinks)?;
            let t = Instant::now();
            write_kept(kept, &mut stats, &mut sinks)?;
            stats.write_seconds += t.elapsed().as_secs_f64();
            prog.docs_written = stats.written.docs;
            prog.dropped = stats.drops_by_reason().values().map(|t| t.docs).sum();
            progress(&prog);
        }
        for i in 0..self.stages.len() {
            let t = Instant::now();
            let (head, downstream) = self.stages.split_at_mut(i + 1);
            let stage = &mut head[i];
            let name = stage.name().to_string();
            // Released batches go through the downstream stages and out as they come.
            let mut failure: Option<CoreError> = None;
            let mut emit = |outcomes: Vec<Outcome>| -> std::result::Result<(), StageError> {
                let step = || -> Result<()> {
                    let kept = account(&name, outcomes, &mut stats.stages[i], &mut sinks)?;
                    let kept = run_stages(downstream, i + 1, kept, &mut stats, &mut sinks)?;
                    write_kept(kept, &mut stats, &mut sinks)
                };
                step().map_err(|e| {
                    let err = StageError::new(&name, format!("downstream of finish: {e}"));
                    failure = Some(e);
                    err
                })
            };
            let res = stage.finish_into(&mut emit);
            if let Some(e) = failure {
                return Err(e);
            }
            res?;
            stats.stages[i].wall_seconds += t.elapsed().as_secs_f64();
        }
        stats.rejected_without_content = sinks.rejected_omitted;
        let mut files = sinks.output.finish()?;
        stats.output_files = files.iter().map(|p| p.display().to_string()).collect();
        if let Some(mut w) = sinks.rejected {
            files.extend(w.finish()?);
        }
        if let Some(log) = sinks.rejected_inputs {
            files.push(log.commit()?);
        }
        stats.wall_seconds = started.elapsed().as_secs_f64();
        prog.docs_written = stats.written.docs;
        progress(&prog);
        Ok((stats, files))
    }

    fn account_read(
        &self,
        batch: &ReadBatch,
        stats: &mut PipelineStats,
        sinks: &mut Sinks,
    ) -> Result<()> {
        for d in &batch.documents {
            stats.read.input.add(d.content.len());
            stats.read.output.add(d.content.len());
            stats
                .read
                .output_by_language
                .entry(d.language)
                .or_default()
                .add(d.content.len());
        }
        for r in &batch.rejected {
            stats.read.input.add(r.bytes as usize);
            stats
                .read
                .dropped
                .entry(r.rejection.reason)
                .or_default()
                .add(r.bytes as usize);
            if let Some(log) = sinks.rejected_inputs.as_mut() {
                write_rejected_input(log, &sinks.rejected_policy.apply_input(r))?;
            }
        }
        Ok(())
    }
}

/// Runs documents through `stages` (the pipeline's stages from index `first` on),
/// returning the kept ones.
fn run_stages(
    stages: &mut [Box<dyn Stage>],
    first: usize,
    mut docs: Vec<Document>,
    stats: &mut PipelineStats,
    sinks: &mut Sinks,
) -> Result<Vec<Document>> {
    for (k, stage) in stages.iter_mut().enumerate() {
        let st = &mut stats.stages[first + k];
        for d in &docs {
            st.input.add(d.content.len());
        }
        let t = Instant::now();
        let outcomes = stage.process(docs)?;
        st.wall_seconds += t.elapsed().as_secs_f64();
        docs = account(stage.name(), outcomes, st, sinks)?;
    }
    Ok(docs)
}

/// Counts a stage's outcomes, records drops in provenance and sends dropped documents
/// to the rejected sink; returns the kept documents.
fn account(
    name: &str,
    outcomes: Vec<Outcome>,
    st: &mut StageStats,
    sinks: &mut Sinks,
) -> Result<Vec<Document>> {
    let mut kept = Vec::with_capacity(outcomes.len());
    let mut dropped = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Keep(d) => {
                st.output.add(d.content.len());
                st.output_by_language
                    .entry(d.language)
                    .or_default()
                    .add(d.content.len());
                kept.push(d);
            }
            Outcome::Drop(mut d, r) => {
                st.dropped.entry(r.reason).or_default().add(d.content.len());
                d.provenance.dropped(name, &r);
                dropped.push(d);
            }
        }
    }
    if let Some(w) = sinks.rejected.as_mut() {
        if !dropped.is_empty() {
            for d in &mut dropped {
                let bytes = d.content.len();
                match sinks.rejected_policy.apply(d, sinks.rejected_bytes) {
                    Some(n) => sinks.rejected_bytes += n,
                    None => sinks.rejected_omitted.add(bytes),
                }
            }
            w.write_batch(&dropped)?;
        }
    }
    Ok(kept)
}

/// Writes kept documents to the output.
fn write_kept(kept: Vec<Document>, stats: &mut PipelineStats, sinks: &mut Sinks) -> Result<()> {
    if kept.is_empty() {
        return Ok(());
    }
    for d in &kept {
        stats.written.add(d.content.len());
    }
    sinks.output.write_batch(&kept)
}

fn write_rejected_input(log: &mut AtomicFile, r: &RejectedInput) -> Result<()> {
    serde_json::to_writer(&mut *log, r)?;
    log.write_all(b"\n")
        .map_err(|e| CoreError::io(log.tmp_path(), e))
}

/// Writes `value` as pretty JSON to `path`, atomically.
pub fn write_json_atomic(
    path: impl AsRef<Path>,
    value: &impl serde::Serialize,
) -> Result<std::path::PathBuf> {
    let mut f = AtomicFile::create(path)?;
    serde_json::to_writer_pretty(&mut f, value)?;
    f.write_all(b"\n")
        .map_err(|e| CoreError::io(f.tmp_path(), e))?;
    f.commit()
}
