//! [`TokenizeStage`]: the pipeline's last stage.

use std::path::Path;
use std::sync::{Arc, Mutex};

use sheikh_core::{Document, Outcome, Stage, StageError};

use crate::config::TokenizeConfig;
use crate::dataset::{DatasetSummary, DatasetWriter};
use crate::error::Result;

/// Handle to the summary a [`TokenizeStage`] produces in `finish`.
pub type SummaryHandle = Arc<Mutex<Option<DatasetSummary>>>;

/// Tokenizes every kept document into a training dataset (see [`DatasetWriter`]);
/// documents pass through unchanged. Outputs are committed in [`Stage::finish`]; the
/// summary is then available through [`summary`](Self::summary).
///
/// ```
/// use sheikh_core::{Document, Language, Stage};
/// use sheikh_tokenize::{TokenizeConfig, TokenizeStage};
/// let dir = tempfile::tempdir().unwrap();
/// let config = TokenizeConfig::default()
///     .rebase(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")));
/// let mut stage = TokenizeStage::new(&config, dir.path()).unwrap();
/// let summary = stage.summary();
/// let out = stage.process(vec![Document::new("let a = 1;\n", Language::JavaScript)]).unwrap();
/// assert_eq!(out.len(), 1);
/// stage.finish().unwrap();
/// assert_eq!(summary.lock().unwrap().as_ref().unwrap().stats.as_ref().unwrap().documents, 1);
/// ```
pub struct TokenizeStage {
    writer: Option<DatasetWriter>,
    summary: SummaryHandle,
}

impl TokenizeStage {
    /// A stage writing under `dir` (for the pipeline: `OUTPUT/tokens`).
    pub fn new(config: &TokenizeConfig, dir: impl AsRef<Path>) -> Result<Self> {
        Ok(TokenizeStage {
            writer: Some(DatasetWriter::new(config, dir)?),
            summary: Arc::default(),
        })
    }

    /// The summary, filled in by `finish`; take it before boxing the stage.
    pub fn summary(&self) -> SummaryHandle {
        Arc::clone(&self.summary)
    }
}

impl Stage for TokenizeStage {
    fn name(&self) -> &str {
        "tokenize"
    }

    fn process(&mut self, batch: Vec<Document>) -> Result<Vec<Outcome>, StageError> {
        let w = self
            .writer
            .as_mut()
            .ok_or_else(|| StageError::new("tokenize", "process after finish"))?;
        w.write_batch(&batch)
            .map_err(|e| StageError::wrap("tokenize", e))?;
        Ok(batch.into_iter().map(Outcome::Keep).collect())
    }

    fn finish(&mut self) -> Result<Vec<Outcome>, StageError> {
        if let Some(w) = self.writer.take() {
            let s = w.finish().map_err(|e| StageError::wrap("tokenize", e))?;
            *self
                .summary
                .lock()
                .map_err(|_| StageError::new("tokenize", "summary lock poisoned"))? = Some(s);
        }
        Ok(Vec::new())
    }
}
