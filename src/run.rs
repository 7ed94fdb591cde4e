//! Assembling and running the full pipeline.

use std::path::PathBuf;

use std::sync::{Arc, Mutex};

use serde::Serialize;
use sheikh_core::io::DocumentWriter;
use sheikh_core::Document;
use sheikh_core::{
    write_json_atomic, CoreError, FilterStage, LanguageFilter, Pipeline, PipelineStats, Progress,
    Sinks,
};
use sheikh_dedup::{DedupReport, DedupStage};
use sheikh_quality::report::{DataReport, DedupSummary, ReportCollector, ReportInputs};
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
    /// `report.json`, `report.md` and `report.html`.
    pub report_files: Vec<PathBuf>,
}

/// Passes kept documents to the real writer and measures them for the report.
struct ObservedWriter {
    inner: Box<dyn DocumentWriter>,
    collector: Arc<Mutex<ReportCollector>>,
}

impl DocumentWriter for ObservedWriter {
    fn write_batch(&mut self, docs: &[Document]) -> Result<(), CoreError> {
        self.collector
            .lock()
            .expect("report collector lock")
            .observe_batch(docs);
        self.inner.write_batch(docs)
    }

    fn finish(&mut self) -> Result<Vec<PathBuf>, CoreError> {
        self.inner.finish()
    }
}

fn dedup_summary(d: &DedupReport) -> DedupSummary {
    DedupSummary {
        documents: d.documents,
        exact_duplicates: d.exact_duplicates,
        near_duplicates: d.near_duplicates,
        duplication_rate: d.duplication_rate,
        clusters: d.clusters,
        largest_cluster: d.largest_cluster,
        cluster_sizes: d.cluster_sizes.clone(),
        threshold: d.threshold,
        bands: d.bands,
        rows: d.rows,
        s_curve: d
            .s_curve
            .iter()
            .map(|p| (p.similarity, p.probability))
            .collect(),
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
        p.push(Box::new(FilterStage::new(LanguageFilter::new(
            config.language.clone(),
        ))));
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
pub fn run_pipeline(
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
        let collector = Arc::new(Mutex::new(ReportCollector::new()));
        let writer = ObservedWriter {
            inner: out.open_writer(),
            collector: collector.clone(),
        };
        let mut sinks = Sinks::new(Box::new(writer)).with_rejected(out.open_rejected_writer());
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
        let collector = collector.lock().expect("report collector lock");
        let mut inputs = ReportInputs::new(&stats, &collector);
        inputs.input = config.input.path.display().to_string();
        inputs.quality_threshold = config.quality.score.threshold;
        inputs.dedup = dedup.as_ref().map(dedup_summary);
        let report = DataReport::build(inputs);
        let report_files = vec![
            write_json_atomic(out.path.join("report.json"), &report)?,
            write_text_atomic(out.path.join("report.md"), &report.to_markdown())?,
            write_text_atomic(out.path.join("report.html"), &report.to_html())?,
        ];
        drop(collector);
        let ondevice_md = config
            .ondevice
            .report(None::<Vec<(u64, u64, u64)>>)
            .map_err(|e| config_error("ondevice", e))?;
        let mut report_files = report_files;
        report_files.push(write_text_atomic(out.path.join("ondevice.md"), &ondevice_md)?);
        Ok(RunSummary {
            stats,
            data_dir: out.data_dir(),
            files,
            stats_json,
            stats_md,
            dedup,
            pairs,
            report,
            report_files,
        })
    })
}
