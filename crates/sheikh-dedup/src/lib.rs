//! # sheikh-dedup
//!
//! Exact and near-duplicate removal for code corpora, deterministic whatever the
//! thread count.
//!
//! - [`exact`]: 128-bit xxh3 of the content (optionally whitespace-normalised); the
//!   first document of each group is kept.
//! - [`shingle`] → [`minhash`] → [`lsh`] → [`unionfind`]: word (or character) n-gram
//!   shingles, MinHash signatures `(a·h + b) mod (2^61 − 1)`, LSH bands chosen like
//!   datasketch's `optimal_param` (with the S-curve), verification of candidates, and
//!   clusters whose kept member follows a [`KeepPolicy`].
//! - [`NearDedup`]: the in-memory index (one `u64` per band and document, plus a compact
//!   signature for verification).
//! - [`DedupStage`]: exact then near dedup as a pipeline [`Stage`](sheikh_core::Stage),
//!   configured by [`DedupConfig`], reporting a [`DedupReport`].
//! - [`staged`]: the same result as file-to-file steps for corpora larger than one
//!   machine.
//!
//! ```
//! use sheikh_core::{Document, Language, Outcome, Stage};
//! use sheikh_dedup::{DedupConfig, DedupStage};
//!
//! let base: String = (0..40).map(|i| format!("export const v{i} = compute({i}, {});\n", i * 7)).collect();
//! let docs = vec![
//!     Document::new(base.clone(), Language::JavaScript).with_path("a.js"),
//!     Document::new(base.clone(), Language::JavaScript).with_path("b.js"), // exact copy
//!     Document::new(format!("{base}// one more line\n"), Language::JavaScript).with_path("c.js"),
//!     Document::new("const unrelated = 42;\n", Language::JavaScript),
//! ];
//! let mut stage = DedupStage::new(DedupConfig::default())?;
//! let report = stage.report_handle();
//! let mut outcomes = stage.process(docs).unwrap();
//! outcomes.extend(stage.finish().unwrap());
//! let kept: Vec<_> = outcomes.iter().filter(|o| matches!(o, Outcome::Keep(_))).map(|o| o.document().path.clone()).collect();
//! assert_eq!(kept.len(), 2);
//! let report = report.lock().unwrap();
//! assert_eq!((report.exact_duplicates, report.near_duplicates, report.clusters), (1, 1, 1));
//! println!("{}", report.to_markdown());
//! # Ok::<(), sheikh_dedup::DedupError>(())
//! ```

#![warn(missing_docs)]

mod config;
mod error;
pub mod exact;
pub mod lsh;
pub mod minhash;
mod near;
mod report;
pub mod shingle;
mod spill;
mod stage;
pub mod staged;
mod tokens;
pub mod unionfind;

pub use config::{
    DedupConfig, KeepPolicy, ShingleKind, ShortDocuments, Verification,
    DEFAULT_FALSE_NEGATIVE_WEIGHT, DEFAULT_FALSE_POSITIVE_WEIGHT, MAX_NGRAM,
};
pub use error::{DedupError, Result};
pub use lsh::{optimal_param, LshParams, PairStats, SCurvePoint};
pub use near::{
    choose_keeper, keep_key, Cluster, NearDedup, NearResult, Removal, Scratch, Sketch, Sketcher,
};
pub use report::{DedupReport, ShingleCounts};
pub use stage::{DedupStage, STAGE_NAME};
