//! Assembling and running the full pipeline.

use std::path::PathBuf;

use std::sync::{Arc, Mutex};

use serde::Serialize;
use sheikh_core::io::{write_success, DocumentWriter, SUCCESS_FILE};
use sheikh_core::Document;
use sheikh_core::{
    write_json_atomic, CoreError, FilterStage, LanguageFilter, Pipeline, PipelineStats, Progress,
    Sinks,
};
use sheikh_dedup::{DedupReport, DedupStage};
use sheikh_quality::report::{DataReport, ReportCollector, ReportInputs};
use sheikh_tokenize::{DatasetSummary, DatasetWriter};

use crate::report::{context_coverage_table, dedup_summary, token_summary};
use sheikh_quality::{Decontaminator, QualityFilter};
use sheikh_syntax::{PairStage, PairStats, SyntaxFilter};

use crate::config::PipelineConfig;

/// What a run produced and where it went.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Statistics of every stage.
    pub stats: PipelineStats,
    /// Directory of kept documents.
    pub data_dir: PathBuf,
    /// Every file written (data, rejected documents, rejected inputs).
    pub files: Vec<PathBuf>,
    /// The JSON statistics file.
    pub stats_json: PathBuf,
    /// The Markdown statistics file.
    pub stats_md: PathBuf,
    /// The dedup report, when the stage ran (also written to `dedup.json`).
    pub dedup: Option<DedupReport>,
    /// Code-comment pairs written to `OUTPUT/pairs/`, when the stage ran.
    pub pairs: Option<u64>,
    /// The data-quality report (also written as `report.json`, `report.md`, `report.html`).
    pub report: DataReport,
    /// `report.json`, `report.md`, `report.html` and `ondevice.md`.
    pub report_files: Vec<PathBuf>,
    /// The training-ready datasets under `OUTPUT/tokens/`, when tokenization ran.
    pub tokens: Option<DatasetSummary>,
    /// `OUTPUT/_SUCCESS`, written last: every file of the output with its size and
    /// xxh3-128 ([`sheikh_core::io::SuccessManifest`]).
    pub success: PathBuf,
}

/// Passes kept documents to the real writer, measures them for the report and, when
/// asked, tokenizes them into training-ready datasets (after the pipeline's last stage,
/// like the sharded run's separate `tokenize` step).
struct ObservedWriter {
    inner: Box<dyn DocumentWriter>,
    collector: Arc<Mutex<ReportCollector>>,
    tokens: Option<DatasetWriter>,
    token_summary: Arc<Mutex<Option<DatasetSummary>>>,
}

fn tokenize_error(e: sheikh_tokenize::TokenizeError) -> CoreError {
    CoreError::Stage(sheikh_core::StageError::wrap("tokenize", e))
}

impl DocumentWriter for ObservedWriter {
    fn write_batch(&mut self, docs: &[Document]) -> Result<(), CoreError> {
        self.collector
            .lock()
            .expect("report collector lock")
            .observe_batch(docs);
        if let Some(t) = self.tokens.as_mut() {
            t.write_batch(docs).map_err(tokenize_error)?;
        }
        self.inner.write_batch(docs)
    }

    fn finish(&mut self) -> Result<Vec<PathBuf>, CoreError> {
        let mut files = self.inner.finish()?;
        if let Some(t) = self.tokens.take() {
            let summary = t.finish().map_err(tokenize_error)?;
            files.extend(summary.files.iter().cloned());
            *self.token_summary.lock().expect("token summary lock") = Some(summary);
        }
        Ok(files)
    }
}

fn write_text_atomic(path: PathBuf, text: &str) -> Result<PathBuf, CoreError> {
    let mut f = sheikh_core::io::AtomicFile::create(&path)?;
    std::io::Write::write_all(&mut f, text.as_bytes()).map_err(|e| CoreError::io(&path, e))?;
    f.commit()
}

/// Handles to what stages report after a run.
#[derive(Default)]
pub struct StageReports {
    /// The dedup stage's report, if the stage runs.
    pub dedup: Option<Arc<Mutex<DedupReport>>>,
    /// The pair stage's counters, if it runs.
    pub pairs: Option<Arc<PairStats>>,
}

/// Builds the stages the config enables, in pipeline order, and handles to their reports.
pub fn build_pipeline(config: &PipelineConfig) -> Result<(Pipeline, StageReports), CoreError> {
    let mut p = Pipeline::new();
    let mut reports = StageReports::default();
    if config.language.enabled {
        p.push(Box::new(FilterStage::new(
            LanguageFilter::new(config.language.clone()).with_grammar(sheikh_syntax::grammar()),
        )));
    }
    if config.quality.enabled {
        p.push(Box::new(FilterStage::new(QualityFilter::new(
            config.quality.clone(),
        ))));
    }
    if config.decontamination.enabled {
        let d = Decontaminator::from_config(&config.decontamination)
            .map_err(|e| config_error("decontamination", e))?;
        p.push(Box::new(FilterStage::new(d)));
    }
    if config.syntax.enabled {
        p.push(Box::new(SyntaxFilter::stage(config.syntax.clone())));
    }
    if config.dedup.enabled {
        let stage =
            DedupStage::new(config.dedup.settings.clone()).map_err(|e| config_error("dedup", e))?;
        reports.dedup = Some(stage.report_handle());
        p.push(Box::new(stage));
    }
    if config.pairs.enabled {
        let stage = PairStage::new(config.pairs.clone(), config.output.path.join("pairs"))
            .map_err(|e| config_error("pairs", e))?;
        reports.pairs = Some(stage.stats());
        p.push(Box::new(stage));
    }
    Ok((p, reports))
}

fn config_error(section: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::Config {
        path: PathBuf::from(section),
        message: e.to_string(),
    }
}

/// Runs the whole pipeline described by `config`, calling `progress` after each batch.
/// Writes kept documents, rejected documents (with provenance), rejected inputs, and
/// `stats.json` / `stats.md` under the output directory.
///
/// Before anything is read, the whole config is checked ([`PipelineConfig::validate`])
/// and the output directory claimed ([`OutputConfig::claim`](sheikh_core::config::OutputConfig::claim)):
/// it must not overlap the input, and must be new or empty unless `output.overwrite` is
/// set and it holds a previous sheikh run (which is then removed). `_SUCCESS` is written
/// last, so a directory without it is an unfinished run.
///
/// `input.path` and `output.path` may be object-store URLs (`s3://bucket/prefix`, …;
/// see [`sheikh_core::store`]). An output URL is claimed under the same rules (an empty
/// prefix, or a previous sheikh run with `overwrite`), the run is written into a local
/// staging directory by the same code as a local run, then uploaded — every file
/// `_SUCCESS` lists, then `_SUCCESS` last — so the objects are byte-identical to the
/// files of a local run; the summary's paths are then the objects' URLs.
pub fn run_pipeline(
    config: &PipelineConfig,
    progress: impl FnMut(&Progress) + Send,
) -> Result<RunSummary, CoreError> {
    config.validate()?;
    if sheikh_core::store::is_url(&config.output.path) {
        return run_to_store(config, progress);
    }
    config.output.claim(&config.input.path)?;
    run_claimed(config, progress)
}

/// Whether two URLs name the same prefix or one lies under the other (by path
/// segments, ignoring trailing slashes).
#[cfg(feature = "object-store")]
fn urls_overlap(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end_matches('/'), b.trim_end_matches('/'));
    let under = |x: &str, y: &str| x == y || x.starts_with(&format!("{y}/"));
    under(a, b) || under(b, a)
}

#[cfg(feature = "object-store")]
fn run_to_store(
    config: &PipelineConfig,
    progress: impl FnMut(&Progress) + Send,
) -> Result<RunSummary, CoreError> {
    use sheikh_core::store::StagedOutput;
    let url = config.output.path.to_string_lossy().into_owned();
    let input = config.input.path.to_string_lossy();
    if sheikh_core::store::is_url(&config.input.path) && urls_overlap(&input, &url) {
        return Err(CoreError::Output {
            path: config.output.path.clone(),
            message: format!("overlaps the input {input}: a run never writes into its input"),
        });
    }
    let staged = StagedOutput::claim(&url, &config.output.store, config.output.overwrite)?;
    let mut local = config.clone();
    local.output.path = staged.local_dir().to_path_buf();
    local.output.overwrite = false;
    local.output.claim(&local.input.path)?;
    let mut summary = run_claimed(&local, progress)?;
    let remote = |p: &PathBuf| PathBuf::from(staged.url_of(p));
    summary.data_dir = remote(&summary.data_dir);
    summary.files = summary.files.iter().map(remote).collect();
    summary.stats_json = remote(&summary.stats_json);
    summary.stats_md = remote(&summary.stats_md);
    summary.report_files = summary.report_files.iter().map(remote).collect();
    summary.success = remote(&summary.success);
    if let Some(t) = summary.tokens.as_mut() {
        t.dir = remote(&t.dir);
        t.files = t.files.iter().map(remote).collect();
        if let Some(m) = t.megatron_prefix.as_mut() {
            *m = remote(m);
        }
    }
    let uploaded = staged.commit()?;
    tracing::info!(objects = uploaded.len(), output = %url, "uploaded the run");
    Ok(summary)
}

#[cfg(not(feature = "object-store"))]
fn run_to_store(
    config: &PipelineConfig,
    _progress: impl FnMut(&Progress) + Send,
) -> Result<RunSummary, CoreError> {
    Err(CoreError::Output {
        path: config.output.path.clone(),
        message: "is a URL, and this build has no object-store support (enable the \
                  `object-store` feature)"
            .into(),
    })
}

/// Runs the pipeline into an output directory already claimed.
fn run_claimed(
    config: &PipelineConfig,
    progress: impl FnMut(&Progress) + Send,
) -> Result<RunSummary, CoreError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.runtime.threads)
        .build()
        .map_err(|e| config_error("runtime.threads", e))?;
    pool.install(|| {
        let out = &config.output;
        let reader = sheikh_synth::mix_into(config.input.open()?, &config.synth)
            .map_err(|e| config_error("synth", e))?;
        let (mut pipeline, reports) = build_pipeline(config)?;
        tracing::info!(stages = ?pipeline.stage_names(), input = %config.input.path.display(), "running pipeline");
        let collector = Arc::new(Mutex::new(
            ReportCollector::new().with_identifier(sheikh_syntax::language_identifier(
                config.language.window,
            )),
        ));
        let token_handle = Arc::new(Mutex::new(None));
        let tokens = if config.tokenize.enabled {
            Some(
                DatasetWriter::new(&config.tokenize, out.path.join("tokens"))
                    .map_err(|e| config_error("tokenize", e))?,
            )
        } else {
            None
        };
        let writer = ObservedWriter {
            inner: out.open_writer(),
            collector: collector.clone(),
            tokens,
            token_summary: token_handle.clone(),
        };
        let mut sinks = Sinks::new(Box::new(writer))
            .with_rejected(out.open_rejected_writer())
            .with_rejected_policy(
                out.rejected_policy(sheikh_quality::Redactor::shared(&config.quality.redaction)),
            );
        if out.write_rejected {
            sinks = sinks.with_rejected_inputs(out.rejected_dir().join("inputs.jsonl"))?;
        }
        let (stats, files) = pipeline.run(reader, sinks, progress)?;
        let stats_json = write_json_atomic(out.path.join("stats.json"), &stats)?;
        let md = format!(
            "# Pipeline statistics\n\nInput: `{}`\n\n{}\nWritten: {} documents, {:.3} MB in {} file(s).\n",
            config.input.path.display(),
            stats.to_markdown(),
            stats.written.docs,
            stats.written.bytes as f64 / 1e6,
            stats.output_files.len()
        );
        let dedup = reports.dedup.map(|r| {
            let mut r = r.lock().expect("dedup report lock").clone();
            r.finalize();
            r
        });
        let mut md = md;
        let pairs = reports.pairs.map(|p| p.pairs());
        if let Some(n) = pairs {
            md.push_str(&format!(
                "\nCode-comment pairs: {n} written to `{}`.\n",
                out.path.join("pairs").display()
            ));
        }
        if let Some(d) = &dedup {
            write_json_atomic(out.path.join("dedup.json"), d)?;
            md.push_str("\n## Deduplication\n\n");
            md.push_str(&d.to_markdown());
        }
        let stats_md = write_text_atomic(out.path.join("stats.md"), &md)?;
        let tokens = token_handle.lock().expect("token summary lock").take();
        let token_stats = tokens.as_ref().and_then(|t| t.stats.clone());
        if let Some(t) = &tokens {
            sheikh_tokenize::prepare_training(t, &config.training, out.path.join("tokens"))
                .map_err(|e| config_error("training", e))?;
        }
        let collector = collector.lock().expect("report collector lock");
        let mut inputs = ReportInputs::new(&stats, &collector);
        inputs.input = config.input.path.display().to_string();
        inputs.quality_threshold = config.quality.score.threshold;
        inputs.dedup = dedup.as_ref().map(dedup_summary);
        if let Some(ts) = &token_stats {
            inputs.tokens = Some(token_summary(ts, &config.tokenize.tokenizer));
            inputs.tables.push(
                context_coverage_table(ts, &config.ondevice.contexts)
                    .map_err(|e| config_error("ondevice", e))?,
            );
        }
        let report = DataReport::build(inputs);
        let mut report_files = vec![
            write_json_atomic(out.path.join("report.json"), &report)?,
            write_text_atomic(out.path.join("report.md"), &report.to_markdown())?,
            write_text_atomic(out.path.join("report.html"), &report.to_html())?,
        ];
        drop(collector);
        let ondevice_md = config
            .ondevice
            .report(
                token_stats
                    .as_ref()
                    .map(|t| t.histogram.buckets().collect::<Vec<_>>()),
            )
            .map_err(|e| config_error("ondevice", e))?;
        report_files.push(write_text_atomic(out.path.join("ondevice.md"), &ondevice_md)?);
        // Last: the completion marker listing every file written.
        write_success(&out.path)?;
        Ok(RunSummary {
            success: out.path.join(SUCCESS_FILE),
            stats,
            data_dir: out.data_dir(),
            files,
            stats_json,
            stats_md,
            dedup,
            pairs,
            report,
            report_files,
            tokens,
        })
    })
}
