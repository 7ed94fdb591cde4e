//! # sheikh-core
//!
//! The shared base of the sheikh workspace, a toolkit that turns raw web-language source
//! code (JavaScript, TypeScript, JSX/TSX, HTML, XML/SVG, MDX) into training data for code
//! models.
//!
//! - [`Document`] and [`Language`]: the unit of data and its language, with per-document
//!   [`Provenance`] and typed drop [`Reason`]s.
//! - [`LanguageIdentifier`]: file name and extension first, content when needed, with a
//!   confidence.
//! - [`io`]: streaming readers (source trees, JSONL, Parquet in The Stack v2 layout) and
//!   sharded, atomically committed writers (Parquet, JSONL).
//! - [`Stage`], [`Filter`], [`Pipeline`]: the pipeline spine, with statistics collected
//!   for every stage ([`PipelineStats`]).
//! - [`config`]: YAML configuration sections with documented defaults.
//!
//! ```no_run
//! use sheikh_core::config::{InputConfig, OutputConfig};
//! use sheikh_core::{FilterStage, LanguageConfig, LanguageFilter, Pipeline, Sinks};
//!
//! let input = InputConfig { path: "fixtures/corpus".into(), repo_from_top_dir: true, ..Default::default() };
//! let output = OutputConfig::default();
//! let mut pipeline = Pipeline::new()
//!     .with_stage(FilterStage::new(LanguageFilter::new(LanguageConfig::default())));
//! let sinks = Sinks::new(output.open_writer()).with_rejected(output.open_rejected_writer());
//! let (stats, files) = pipeline.run(input.open()?, sinks, |_| {})?;
//! println!("{}", stats.to_markdown());
//! # Ok::<(), sheikh_core::CoreError>(())
//! ```

pub mod config;
mod document;
mod error;
pub mod io;
pub mod langid;
mod language;
mod language_stage;
mod pipeline;
mod provenance;
mod redact;
mod stage;
mod stats;
pub mod store;

pub use document::{Document, Metadata};
pub use error::{CoreError, Result};
pub use langid::{Detection, LanguageIdentifier};
pub use language::{Language, UnknownLanguage};
pub use language_stage::{JsxInJs, LanguageConfig, LanguageFilter};
pub use pipeline::{
    write_json_atomic, Pipeline, Progress, RejectedPolicy, Sinks, DEFAULT_REJECTED_MAX_BYTES,
};
pub use provenance::{Action, Provenance, ProvenanceEvent, Reason, Rejection};
pub use redact::{
    redact_document, redact_json, strip_content, Redact, RejectedContent, SharedRedactor,
};
pub use stage::{Emit, Filter, FilterStage, Outcome, Stage, StageError};
pub use stats::{PipelineStats, StageStats, Tally};
