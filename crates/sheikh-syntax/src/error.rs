//! The crate's error type.

use std::path::PathBuf;

/// Errors that stop a stage or writer. Bad documents are never errors: they get a
/// [`SyntaxReport`](crate::SyntaxReport).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyntaxError {
    /// Writing the pair output failed.
    #[error("writing pairs: {0}")]
    Core(#[from] sheikh_core::CoreError),
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Encoding pairs as Parquet failed.
    #[error("{path}: parquet: {source}")]
    Parquet {
        /// The file being written.
        path: PathBuf,
        /// The Parquet error.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// Building an Arrow batch failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// Serialising a pair as JSON failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// An invalid configuration value.
    #[error("invalid configuration: {0}")]
    Config(String),
}
