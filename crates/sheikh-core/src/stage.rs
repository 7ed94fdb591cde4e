//! The pipeline's building blocks: [`Stage`] over batches, and [`Filter`] for the common
//! one-document-at-a-time case.

use rayon::prelude::*;

use crate::document::Document;
use crate::provenance::Rejection;

/// What a stage decided for one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Keep the (possibly modified) document.
    Keep(Document),
    /// Drop it, with the reason.
    Drop(Document, Rejection),
}

impl Outcome {
    /// The document, whatever the decision.
    pub fn document(&self) -> &Document {
        match self {
            Outcome::Keep(d) | Outcome::Drop(d, _) => d,
        }
    }
}

/// Error a stage returns when it cannot go on (not for bad documents: those are drops).
#[derive(Debug, thiserror::Error)]
#[error("stage {stage}: {message}")]
pub struct StageError {
    /// The stage's name.
    pub stage: String,
    /// What went wrong.
    pub message: String,
    /// The underlying error, if any.
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StageError {
    /// A stage error with a message.
    pub fn new(stage: impl Into<String>, message: impl Into<String>) -> Self {
        StageError {
            stage: stage.into(),
            message: message.into(),
            source: None,
        }
    }

    /// A stage error wrapping another error.
    pub fn wrap(
        stage: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StageError {
            stage: stage.into(),
            message: source.to_string(),
            source: Some(Box::new(source)),
        }
    }
}

/// One step of the pipeline, over batches of documents.
///
/// A stage returns one [`Outcome`] per document it releases. Stateless stages release
/// each batch at once, in order; stateful ones (a global deduplicator choosing the
/// longest member of a cluster) may hold documents back and release them from
/// [`finish`](Stage::finish). The pipeline counts what goes in and out, records drops
/// in each document's provenance, and times the stage: the stage's code need not.
pub trait Stage: Send {
    /// A short, stable name used in statistics and provenance (`"language"`, `"dedup"`).
    fn name(&self) -> &str;

    /// Processes one batch.
    fn process(&mut self, batch: Vec<Document>) -> Result<Vec<Outcome>, StageError>;

    /// Called once after the last batch; releases anything held back.
    fn finish(&mut self) -> Result<Vec<Outcome>, StageError> {
        Ok(Vec::new())
    }

    /// Like [`finish`](Stage::finish), but hands what is released to `emit` in batches,
    /// so a stage that held back a large corpus (spilled to disk) never materialises it.
    /// The pipeline calls this one; the default calls `finish` and emits its result once.
    fn finish_into(&mut self, emit: &mut Emit<'_>) -> Result<(), StageError> {
        let out = self.finish()?;
        if out.is_empty() {
            Ok(())
        } else {
            emit(out)
        }
    }
}

/// The receiver of batches released by [`Stage::finish_into`].
pub type Emit<'a> = dyn FnMut(Vec<Outcome>) -> Result<(), StageError> + 'a;

/// Keep or drop one document, like a datatrove filter. A filter may also change the
/// document it keeps (redaction, annotations in metadata).
///
/// ```
/// use sheikh_core::{Document, Filter, FilterStage, Language, Reason, Rejection, Stage};
///
/// struct NonEmpty;
/// impl Filter for NonEmpty {
///     fn name(&self) -> &str { "non_empty" }
///     fn filter(&self, doc: &mut Document) -> Option<Rejection> {
///         doc.content.trim().is_empty().then(|| Rejection::new(Reason::Empty, "blank"))
///     }
/// }
///
/// let mut stage = FilterStage::new(NonEmpty);
/// let out = stage.process(vec![
///     Document::new("x", Language::Other),
///     Document::new("  ", Language::Other),
/// ]).unwrap();
/// assert!(matches!(out[1], sheikh_core::Outcome::Drop(_, _)));
/// ```
pub trait Filter: Send + Sync {
    /// The filter's name, used as the stage name.
    fn name(&self) -> &str;

    /// `None` keeps the document; `Some(rejection)` drops it.
    fn filter(&self, doc: &mut Document) -> Option<Rejection>;
}

/// Runs a [`Filter`] as a [`Stage`], in parallel over the batch with rayon; the order of
/// the batch is kept, so the output does not depend on the thread count.
pub struct FilterStage<F> {
    filter: F,
}

impl<F: Filter> FilterStage<F> {
    /// Wraps a filter.
    pub fn new(filter: F) -> Self {
        FilterStage { filter }
    }

    /// The wrapped filter.
    pub fn inner(&self) -> &F {
        &self.filter
    }
}

impl<F: Filter> Stage for FilterStage<F> {
    fn name(&self) -> &str {
        self.filter.name()
    }

    fn process(&mut self, batch: Vec<Document>) -> Result<Vec<Outcome>, StageError> {
        let filter = &self.filter;
        Ok(batch
            .into_par_iter()
            .map(|mut doc| match filter.filter(&mut doc) {
                None => Outcome::Keep(doc),
                Some(r) => Outcome::Drop(doc, r),
            })
            .collect())
    }
}
