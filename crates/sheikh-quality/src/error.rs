//! The crate's error type.

use std::path::PathBuf;

/// Errors building a stage (reading the benchmark file, invalid settings). Problems with
/// single documents are never errors: they are drops with a reason.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QualityError {
    /// The benchmark file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of the benchmark file is not a valid record.
    #[error("{path}:{line}: {message}")]
    Benchmark {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
}
