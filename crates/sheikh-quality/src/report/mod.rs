//! The data-quality report of a pipeline run: the seed's metrics table (target,
//! measured value, pass/fail), documents and bytes per language in and out, drops by
//! stage and reason, length, quality-score and token histograms, the dedup S-curve and
//! cluster sizes, syntax validity per language, and tables other crates contribute
//! (context-length fit).
//!
//! [`DataReport`] is plain data (serde: `report.json`); [`DataReport::to_markdown`]
//! renders `report.md` and [`DataReport::to_html`] a self-contained `report.html` with
//! inline SVG charts (no scripts, no network).
//!
//! ```
//! use sheikh_core::PipelineStats;
//! use sheikh_quality::report::{DataReport, ReportCollector, ReportInputs};
//!
//! let collector = ReportCollector::new();
//! let stats = PipelineStats::default();
//! let report = DataReport::build(ReportInputs::new(&stats, &collector));
//! assert!(report.to_markdown().contains("Language Accuracy"));
//! assert!(report.to_html().starts_with("<!DOCTYPE html>"));
//! ```

mod collect;
mod html;
mod markdown;
mod svg;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sheikh_core::{Language, PipelineStats, Tally};

pub use collect::{
    LanguageObservations, Log2Histogram, ReportCollector, LANGID_CHECK_ALL, LANGID_SAMPLE_RATE,
    SYNTAX_KEY,
};

/// Whether a measured value meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The target is met.
    Pass,
    /// The target is missed.
    Fail,
    /// Not measurable from this run (the row says why).
    NotMeasured,
}

impl Status {
    /// `"pass"`, `"fail"` or `"not measured"`.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotMeasured => "not measured",
        }
    }
}

/// How a measured value is compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The value must be above the bound.
    Above(f64),
    /// The value must be below the bound.
    Below(f64),
}

/// One row of the seed's metrics table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    /// The seed's metric name ("Data Quality").
    pub metric: String,
    /// The target as a fraction.
    pub goal: Goal,
    /// The measured value as a fraction, if measurable.
    pub measured: Option<f64>,
    /// Pass, fail or not measured.
    pub status: Status,
    /// How the value is measured (or why it is not).
    pub method: String,
}

impl TargetRow {
    fn new(metric: &str, goal: Goal, measured: Option<f64>, method: String) -> Self {
        let status = match (measured, goal) {
            (None, _) => Status::NotMeasured,
            (Some(v), Goal::Above(b)) if v > b => Status::Pass,
            (Some(v), Goal::Below(b)) if v < b => Status::Pass,
            _ => Status::Fail,
        };
        TargetRow {
            metric: metric.into(),
            goal,
            measured,
            status,
            method,
        }
    }

    /// The target as the seed writes it (`>85%`).
    pub fn target_label(&self) -> String {
        match self.goal {
            Goal::Above(b) => format!(">{}%", pct_plain(b)),
            Goal::Below(b) => format!("<{}%", pct_plain(b)),
        }
    }

    /// The measured value as a percentage, or `—`.
    pub fn measured_label(&self) -> String {
        self.measured
            .map(|v| format!("{:.1}%", 100.0 * v))
            .unwrap_or_else(|| "—".into())
    }
}

fn pct_plain(f: f64) -> String {
    let p = f * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}", p.round() as i64)
    } else {
        format!("{p:.1}")
    }
}

/// Documents and bytes of one language read and written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageRow {
    /// The language.
    pub language: Language,
    /// Read.
    pub input: Tally,
    /// Written.
    pub output: Tally,
    /// Lines written.
    pub output_lines: u64,
    /// Documents written scoring at or above the quality threshold.
    pub above_quality_threshold: u64,
    /// Documents written that the syntax stage checked.
    pub syntax_checked: u64,
    /// Of those, valid.
    pub syntax_valid: u64,
    /// Path-labelled documents written that the content classifier judged.
    pub langid_checked: u64,
    /// Of those, where it agreed with the path label: the same language or one the
    /// label's language extends (`Language::is_sublanguage_of`; the confusion matrix
    /// below keeps the exact counts).
    pub langid_agree: u64,
    /// Of those, how many the content classifier called each language (this row of the
    /// confusion matrix).
    #[serde(default)]
    pub langid_by_content: BTreeMap<Language, u64>,
}

/// One stage of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRow {
    /// Stage name (`read` for the reader).
    pub stage: String,
    /// Documents in.
    pub input: Tally,
    /// Documents out.
    pub output: Tally,
    /// Wall seconds.
    pub seconds: f64,
}

/// Documents dropped by one stage for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropRow {
    /// Stage name.
    pub stage: String,
    /// Reason code (`near_duplicate`).
    pub reason: String,
    /// Documents and bytes dropped.
    pub dropped: Tally,
}

/// What deduplication did, as the report shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DedupSummary {
    /// Documents the stage saw.
    pub documents: u64,
    /// Removed as exact duplicates.
    pub exact_duplicates: u64,
    /// Removed as near duplicates.
    pub near_duplicates: u64,
    /// `removed / documents`.
    pub duplication_rate: f64,
    /// Near-duplicate clusters.
    pub clusters: u64,
    /// Size of the largest cluster.
    pub largest_cluster: u64,
    /// Number of clusters by size.
    pub cluster_sizes: BTreeMap<u64, u64>,
    /// Jaccard threshold.
    pub threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// `(similarity, probability of becoming a candidate)`.
    pub s_curve: Vec<(f64, f64)>,
}

/// Token statistics from the tokenize step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenSummary {
    /// Tokenizer used.
    pub tokenizer: String,
    /// Tokens per language.
    pub per_language: BTreeMap<String, u64>,
    /// `(upper bound, documents, tokens)` per power-of-two document-length bucket.
    pub length_buckets: Vec<(u64, u64, u64)>,
}

/// A table another part of the pipeline adds to the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtraTable {
    /// Section title.
    pub title: String,
    /// One paragraph saying what the table shows.
    pub caption: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// Everything [`DataReport::build`] reads.
#[derive(Debug, Clone)]
pub struct ReportInputs<'a> {
    /// The pipeline's statistics.
    pub stats: &'a PipelineStats,
    /// Measurements of the written documents.
    pub collector: &'a ReportCollector,
    /// Deduplication results, when the stage ran.
    pub dedup: Option<DedupSummary>,
    /// Token statistics, when the tokenize step ran.
    pub tokens: Option<TokenSummary>,
    /// Extra tables.
    pub tables: Vec<ExtraTable>,
    /// Where the data came from (shown in the title block).
    pub input: String,
    /// The quality-score threshold the "data quality" figure uses.
    pub quality_threshold: f64,
}

impl<'a> ReportInputs<'a> {
    /// Inputs with no dedup, token or extra sections.
    pub fn new(stats: &'a PipelineStats, collector: &'a ReportCollector) -> Self {
        ReportInputs {
            stats,
            collector,
            dedup: None,
            tokens: None,
            tables: Vec::new(),
            input: String::new(),
            quality_threshold: 0.5,
        }
    }
}

/// The data-quality report of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataReport {
    /// Where the data came from.
    pub input: String,
    /// Documents read / written.
    pub documents_read: u64,
    /// Documents written.
    pub documents_written: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes written.
    pub bytes_written: u64,
    /// The seed's data-quality metrics, each with target and status.
    pub targets: Vec<TargetRow>,
    /// Per language, in and out.
    pub languages: Vec<LanguageRow>,
    /// Per stage, in and out.
    pub stages: Vec<StageRow>,
    /// Drops by stage and reason.
    pub drops: Vec<DropRow>,
    /// Written document sizes in bytes, `(upper bound, documents)`.
    pub bytes_histogram: Vec<(u64, u64)>,
    /// Written document sizes in lines, `(upper bound, documents)`.
    pub lines_histogram: Vec<(u64, u64)>,
    /// Quality scores of written documents in ten bins of width 0.1.
    pub quality_score_bins: Vec<u64>,
    /// The quality threshold.
    pub quality_threshold: f64,
    /// Written documents equal to an earlier written document (independent check).
    pub residual_exact_duplicates: u64,
    /// Deduplication, when it ran.
    pub dedup: Option<DedupSummary>,
    /// Tokens, when the tokenize step ran.
    pub tokens: Option<TokenSummary>,
    /// Extra tables.
    pub tables: Vec<ExtraTable>,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl DataReport {
    /// The Language Accuracy confusion matrix: the content labels that occur (the
    /// columns), then one row per path label with its counts in column order. Empty
    /// when nothing was checked.
    pub fn language_confusion(&self) -> (Vec<Language>, Vec<(Language, Vec<u64>)>) {
        let mut columns: Vec<Language> = self
            .languages
            .iter()
            .flat_map(|l| l.langid_by_content.keys().copied())
            .collect();
        columns.sort();
        columns.dedup();
        let rows = self
            .languages
            .iter()
            .filter(|l| l.langid_checked > 0)
            .map(|l| {
                let counts = columns
                    .iter()
                    .map(|c| l.langid_by_content.get(c).copied().unwrap_or(0))
                    .collect();
                (l.language, counts)
            })
            .collect();
        (columns, rows)
    }

    /// Assembles the report.
    pub fn build(inputs: ReportInputs<'_>) -> DataReport {
        let stats = inputs.stats;
        let c = inputs.collector;
        let t = c.totals();
        let written = stats.written;

        let syntax_ran = stats.stages.iter().any(|s| s.name == "syntax");
        let targets = vec![
            TargetRow::new(
                "Data Quality",
                Goal::Above(0.85),
                ratio(t.above_threshold, t.scored),
                format!(
                    "share of written documents whose quality score is ≥ {} ({} of {} scored)",
                    inputs.quality_threshold, t.above_threshold, t.scored
                ),
            ),
            {
                let residual = ratio(c.exact_duplicates(), written.docs);
                let (measured, method) = match &inputs.dedup {
                    Some(d) => (
                        residual,
                        format!(
                            "duplicates left in the written data: {} exact (independent 64-bit hash check); \
                             near duplicates at Jaccard ≥ {} were removed by the dedup stage, which found {:.2}% of its input duplicated",
                            c.exact_duplicates(),
                            d.threshold,
                            100.0 * d.duplication_rate
                        ),
                    ),
                    None => (
                        residual,
                        format!(
                            "dedup stage off: only exact duplicates in the written data are counted ({})",
                            c.exact_duplicates()
                        ),
                    ),
                };
                TargetRow::new("Duplication Rate", Goal::Below(0.05), measured, method)
            },
            TargetRow::new(
                "Language Accuracy",
                Goal::Above(0.95),
                ratio(t.langid_agree, t.langid_checked),
                format!(
                    "agreement of the content classifier with the file-name/extension label on {} written documents \
                     (all of the first {LANGID_CHECK_ALL}, then 1 in {LANGID_SAMPLE_RATE} by id): the same language, or one \
                     the label's language extends (a .tsx file that is plain JavaScript, an .mdx file with no MDX syntax); \
                     a lower bound: disagreements include the classifier's own errors",
                    t.langid_checked
                ),
            ),
            TargetRow::new(
                "Syntax Validity",
                Goal::Above(0.90),
                ratio(t.syntax_valid, t.syntax_checked),
                if syntax_ran {
                    format!(
                        "written documents that parse without error, of {} with a parser (oxc for JS/TS, cssparser, html5ever, quick-xml, markdown-rs, serde_json)",
                        t.syntax_checked
                    )
                } else {
                    "syntax stage off".into()
                },
            ),
            TargetRow::new(
                "Semantic Coherence",
                Goal::Above(0.75),
                None,
                "needs a model to judge meaning; no heuristic stands in for it here".into(),
            ),
        ];

        let obs = c.languages();
        let input_langs = &stats.read.output_by_language;
        let output_langs = stats
            .stages
            .last()
            .map(|s| &s.output_by_language)
            .unwrap_or(input_langs);
        let mut langs: Vec<Language> = input_langs
            .keys()
            .chain(output_langs.keys())
            .chain(obs.keys())
            .copied()
            .collect();
        langs.sort();
        langs.dedup();
        let languages = langs
            .into_iter()
            .map(|l| {
                let o = obs.get(&l).cloned().unwrap_or_default();
                LanguageRow {
                    language: l,
                    input: input_langs.get(&l).copied().unwrap_or_default(),
                    output: output_langs.get(&l).copied().unwrap_or_default(),
                    output_lines: o.lines,
                    above_quality_threshold: o.above_threshold,
                    syntax_checked: o.syntax_checked,
                    syntax_valid: o.syntax_valid,
                    langid_checked: o.langid_checked,
                    langid_agree: o.langid_agree,
                    langid_by_content: o.langid_by_content,
                }
            })
            .collect();

        let all = std::iter::once(&stats.read).chain(&stats.stages);
        let stages = all
            .clone()
            .map(|s| StageRow {
                stage: s.name.clone(),
                input: s.input,
                output: s.output,
                seconds: s.wall_seconds,
            })
            .collect();
        let drops = all
            .flat_map(|s| {
                s.dropped.iter().map(|(r, t)| DropRow {
                    stage: s.name.clone(),
                    reason: r.to_string(),
                    dropped: *t,
                })
            })
            .collect();

        DataReport {
            input: inputs.input,
            documents_read: stats.read.input.docs,
            documents_written: written.docs,
            bytes_read: stats.read.input.bytes,
            bytes_written: written.bytes,
            targets,
            languages,
            stages,
            drops,
            bytes_histogram: c.bytes_histogram().buckets(),
            lines_histogram: c.lines_histogram().buckets(),
            quality_score_bins: c.score_bins().to_vec(),
            quality_threshold: inputs.quality_threshold,
            residual_exact_duplicates: c.exact_duplicates(),
            dedup: inputs.dedup,
            tokens: inputs.tokens,
            tables: inputs.tables,
        }
    }

    /// The report as Markdown (`report.md`).
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// The report as one self-contained HTML page with inline SVG charts (`report.html`).
    pub fn to_html(&self) -> String {
        html::render(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_goal() {
        let r = TargetRow::new("x", Goal::Above(0.9), Some(0.95), String::new());
        assert_eq!(r.status, Status::Pass);
        assert_eq!(r.target_label(), ">90%");
        let r = TargetRow::new("x", Goal::Below(0.05), Some(0.05), String::new());
        assert_eq!(r.status, Status::Fail);
        let r = TargetRow::new("x", Goal::Below(0.05), None, String::new());
        assert_eq!(r.status, Status::NotMeasured);
        assert_eq!(r.measured_label(), "—");
    }
}
