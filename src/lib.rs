//! # sheikh
//!
//! One dependency for the whole toolkit: re-exports the `sheikh-*` crates under short
//! names, and composes them into the full pipeline that `examples/full_pipeline.rs`
//! runs: read → language → … → write, configured by one YAML file
//! (`configs/pipeline.yaml`).
//!
//! ```no_run
//! let config = sheikh::PipelineConfig::load("configs/pipeline.yaml")?;
//! let summary = sheikh::run_pipeline(&config, |_progress| {})?;
//! println!("kept {} documents into {}", summary.stats.written.docs, summary.data_dir.display());
//! # Ok::<(), sheikh::core::CoreError>(())
//! ```

mod config;
pub mod report;
mod run;

pub use config::{DedupSection, PipelineConfig};
pub use run::{build_pipeline, run_pipeline, RunSummary, StageReports};
pub use sheikh_core as core;
pub use sheikh_dedup as dedup;
pub use sheikh_ondevice as ondevice;
pub use sheikh_quality as quality;
pub use sheikh_syntax as syntax;
pub use sheikh_synth as synth;
pub use sheikh_tokenize as tokenize;
