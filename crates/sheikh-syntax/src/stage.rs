//! Pipeline stages: [`SyntaxFilter`] (validation, annotation, optional drop) and
//! [`PairStage`] (code-comment pairs written as a second output).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::{Document, Filter, FilterStage, Outcome, Reason, Rejection, Stage, StageError};

use crate::error::SyntaxError;
use crate::pairs::extract_pairs;
use crate::report::Verdict;
use crate::validate::{ValidateOptions, Validator};
use crate::writer::PairWriter;

/// The `syntax` configuration section.
///
/// ```
/// let c: sheikh_syntax::SyntaxConfig = serde_json::from_str(r#"{"drop_invalid": true}"#).unwrap();
/// assert!(c.enabled && c.drop_invalid && c.timeout_ms == 5000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyntaxConfig {
    /// Run the validation stage (default `true`).
    pub enabled: bool,
    /// Drop documents whose verdict is `invalid` (reason `syntax_error`); when `false`
    /// they are only annotated (default `false`).
    pub drop_invalid: bool,
    /// Drop documents that could not be checked — `timeout`, `too_large`, `too_deep` —
    /// (reason `parse_timeout`) (default `false`).
    pub drop_unchecked: bool,
    /// Parse time limit per document in milliseconds, `0` for none (default `5000`).
    pub timeout_ms: u64,
    /// Documents larger than this are not parsed: verdict `too_large` (default 16 MiB).
    pub max_bytes: usize,
    /// Issues kept per report; all are counted (default `16`).
    pub max_issues: usize,
    /// Nesting limit for Markdown/MDX (recursive parser): deeper documents get the
    /// verdict `too_deep` (default `256`).
    pub max_nesting: u32,
    /// Markdown/MDX with more consecutive non-blank lines than this (one paragraph or
    /// table; the parser is quadratic in that length) gets the verdict `too_large`
    /// (default `5000`).
    pub max_block_lines: usize,
}

impl Default for SyntaxConfig {
    fn default() -> Self {
        let v = ValidateOptions::default();
        SyntaxConfig {
            enabled: true,
            drop_invalid: false,
            drop_unchecked: false,
            timeout_ms: v.timeout_ms,
            max_bytes: v.max_bytes,
            max_issues: v.max_issues,
            max_nesting: v.max_nesting,
            max_block_lines: v.max_block_lines,
        }
    }
}

impl SyntaxConfig {
    /// The validator limits of this configuration.
    pub fn validate_options(&self) -> ValidateOptions {
        ValidateOptions {
            timeout_ms: self.timeout_ms,
            max_bytes: self.max_bytes,
            max_issues: self.max_issues,
            max_nesting: self.max_nesting,
            max_block_lines: self.max_block_lines,
        }
    }
}

/// Validates every document and writes the compact report
/// ([`SyntaxReport::summary`](crate::SyntaxReport::summary)) to `doc.metadata["syntax"]`;
/// drops per [`SyntaxConfig`]. Run it with [`FilterStage`] (parallel, order-preserving).
///
/// ```
/// use sheikh_core::{Document, Language, Outcome, Stage};
/// use sheikh_syntax::{SyntaxConfig, SyntaxFilter};
/// let mut stage = SyntaxFilter::stage(SyntaxConfig { drop_invalid: true, ..Default::default() });
/// let out = stage.process(vec![
///     Document::new("const a = 1;", Language::JavaScript),
///     Document::new("const a = ;", Language::JavaScript),
/// ]).unwrap();
/// assert!(matches!(out[0], Outcome::Keep(_)));
/// assert!(matches!(out[1], Outcome::Drop(_, _)));
/// ```
#[derive(Debug, Clone)]
pub struct SyntaxFilter {
    config: SyntaxConfig,
    validator: Validator,
}

impl SyntaxFilter {
    /// The metadata key the report is written to.
    pub const METADATA_KEY: &'static str = "syntax";

    /// A filter with this configuration.
    pub fn new(config: SyntaxConfig) -> Self {
        SyntaxFilter {
            validator: Validator::new(config.validate_options()),
            config,
        }
    }

    /// The filter wrapped as a parallel stage.
    pub fn stage(config: SyntaxConfig) -> FilterStage<SyntaxFilter> {
        FilterStage::new(SyntaxFilter::new(config))
    }

    /// The configuration.
    pub fn config(&self) -> &SyntaxConfig {
        &self.config
    }
}

impl Filter for SyntaxFilter {
    fn name(&self) -> &str {
        "syntax"
    }

    fn filter(&self, doc: &mut Document) -> Option<Rejection> {
        if !self.config.enabled {
            return None;
        }
        let report = self.validator.validate_document(doc);
        doc.metadata
            .insert(Self::METADATA_KEY.to_string(), report.summary());
        match report.verdict {
            Verdict::Invalid if self.config.drop_invalid => {
                let detail = report.first_issue().map_or_else(
                    || "invalid".to_string(),
                    |i| {
                        format!(
                            "{}:{}: {}: {}",
                            i.line,
                            i.column,
                            i.kind.as_str(),
                            i.message
                        )
                    },
                );
                Some(Rejection::new(Reason::SyntaxError, detail))
            }
            v @ (Verdict::Timeout | Verdict::TooLarge | Verdict::TooDeep)
                if self.config.drop_unchecked =>
            {
                Some(Rejection::new(Reason::ParseTimeout, v.as_str()))
            }
            _ => None,
        }
    }
}

/// Output format of the pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PairFormat {
    /// One JSON object per line (`pairs-00000.jsonl`).
    #[default]
    Jsonl,
    /// zstd-compressed Parquet (`pairs-00000.parquet`).
    Parquet,
}

/// The `pairs` configuration section.
///
/// ```
/// let c: sheikh_syntax::PairsConfig = serde_json::from_str(r#"{"enabled": true, "format": "parquet"}"#).unwrap();
/// assert_eq!(c.min_docstring_tokens, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PairsConfig {
    /// Extract and write pairs (default `false`: the stage passes documents through).
    pub enabled: bool,
    /// `jsonl` or `parquet` (default `jsonl`).
    pub format: PairFormat,
    /// Minimum tokens in the docstring summary, CodeSearchNet's rule (default `3`).
    pub min_docstring_tokens: usize,
    /// Minimum lines of the function, CodeSearchNet's rule (default `3`).
    pub min_lines: usize,
    /// Functions whose code is longer are skipped (default `100000` bytes).
    pub max_code_bytes: usize,
    /// Accept runs of `//` line comments as docstrings, not only JSDoc (default `true`).
    pub line_comments: bool,
    /// Skip test files (`__tests__/`, `test/`, `*.test.js`, `*.spec.ts`, …) (default `true`).
    pub skip_test_files: bool,
    /// Documents larger than this are not parsed (default 16 MiB).
    pub max_bytes: usize,
    /// Parse time limit per document in milliseconds, `0` for none (default `5000`).
    pub timeout_ms: u64,
    /// Start a new output shard after this many bytes of pair text (default 256 MiB).
    pub shard_bytes: u64,
    /// Output file name prefix (default `"pairs"`: `pairs-00000.jsonl`).
    pub prefix: String,
}

impl Default for PairsConfig {
    fn default() -> Self {
        PairsConfig {
            enabled: false,
            format: PairFormat::Jsonl,
            min_docstring_tokens: 3,
            min_lines: 3,
            max_code_bytes: 100_000,
            line_comments: true,
            skip_test_files: true,
            max_bytes: 16 << 20,
            timeout_ms: 5000,
            shard_bytes: 256 << 20,
            prefix: "pairs".into(),
        }
    }
}

/// Counters of a [`PairStage`], shared through an `Arc` so they can be read after the
/// stage has been boxed into a pipeline and run.
#[derive(Debug, Default)]
pub struct PairStats {
    pairs: AtomicU64,
    documents: AtomicU64,
    files: Mutex<Vec<PathBuf>>,
}

impl PairStats {
    /// Pairs written so far.
    pub fn pairs(&self) -> u64 {
        self.pairs.load(Ordering::Relaxed)
    }

    /// Documents that gave at least one pair.
    pub fn documents_with_pairs(&self) -> u64 {
        self.documents.load(Ordering::Relaxed)
    }

    /// Files committed by [`Stage::finish`], in order.
    pub fn files(&self) -> Vec<PathBuf> {
        self.files.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

/// Extracts code-comment pairs from every document and writes them, sharded, to an
/// output directory; documents pass through unchanged. Files are committed (renamed
/// from their temporary names) when full and in [`finish`](Stage::finish).
///
/// ```
/// use sheikh_core::{Document, Language, Stage};
/// use sheikh_syntax::{PairStage, PairsConfig};
/// let dir = tempfile::tempdir().unwrap();
/// let config = PairsConfig { enabled: true, ..Default::default() };
/// let mut stage = PairStage::new(config, dir.path()).unwrap();
/// let stats = stage.stats();
/// let src = "// Returns the larger of two numbers.\nfunction max(a, b) {\n  return a > b ? a : b;\n}\n";
/// let out = stage.process(vec![Document::new(src, Language::JavaScript).with_repo_name("a/b")]).unwrap();
/// assert_eq!(out.len(), 1);
/// stage.finish().unwrap();
/// assert_eq!(stats.pairs(), 1);
/// assert!(dir.path().join("pairs-00000.jsonl").exists());
/// ```
pub struct PairStage {
    config: PairsConfig,
    writer: PairWriter,
    stats: Arc<PairStats>,
}

impl PairStage {
    /// A stage writing into `output_dir` (created on the first write).
    pub fn new(
        config: PairsConfig,
        output_dir: impl AsRef<Path>,
    ) -> Result<PairStage, SyntaxError> {
        let dir = output_dir.as_ref();
        if dir.exists() && !dir.is_dir() {
            return Err(SyntaxError::Config(format!(
                "pairs output {} exists and is not a directory",
                dir.display()
            )));
        }
        if config.prefix.is_empty() || config.prefix.contains(['/', '\\']) {
            return Err(SyntaxError::Config(format!(
                "pairs prefix {:?} must be a non-empty file name",
                config.prefix
            )));
        }
        if config.shard_bytes == 0 {
            return Err(SyntaxError::Config("pairs shard_bytes must be > 0".into()));
        }
        Ok(PairStage {
            writer: PairWriter::new(dir, &config.prefix, config.format, config.shard_bytes),
            config,
            stats: Arc::new(PairStats::default()),
        })
    }

    /// The shared counters; take this before boxing the stage.
    pub fn stats(&self) -> Arc<PairStats> {
        Arc::clone(&self.stats)
    }
}

impl Stage for PairStage {
    fn name(&self) -> &str {
        "pairs"
    }

    fn process(&mut self, batch: Vec<Document>) -> Result<Vec<Outcome>, StageError> {
        if self.config.enabled {
            let config = &self.config;
            let per_doc: Vec<_> = batch.par_iter().map(|d| extract_pairs(d, config)).collect();
            let docs = per_doc.iter().filter(|p| !p.is_empty()).count() as u64;
            let pairs: Vec<_> = per_doc.into_iter().flatten().collect();
            self.writer
                .write(&pairs)
                .map_err(|e| StageError::wrap("pairs", e))?;
            self.stats
                .pairs
                .fetch_add(pairs.len() as u64, Ordering::Relaxed);
            self.stats.documents.fetch_add(docs, Ordering::Relaxed);
        }
        Ok(batch.into_iter().map(Outcome::Keep).collect())
    }

    fn finish(&mut self) -> Result<Vec<Outcome>, StageError> {
        let files = self
            .writer
            .finish()
            .map_err(|e| StageError::wrap("pairs", e))?;
        if let Ok(mut f) = self.stats.files.lock() {
            f.extend(files);
        }
        Ok(Vec::new())
    }
}
