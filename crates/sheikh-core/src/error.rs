//! The crate's error type.

use std::path::PathBuf;

/// Errors that stop a reader, writer or pipeline. Problems with single documents or
/// records are not errors: they become counted [`Rejection`](crate::Rejection)s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A Parquet error on a path.
    #[error("{path}: parquet: {source}")]
    Parquet {
        /// The path involved.
        path: PathBuf,
        /// The Parquet error.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// An Arrow error (schema or array building).
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// A JSON serialisation error.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// A configuration file that cannot be read or is invalid.
    #[error("config {path}: {message}")]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The input path does not exist or is of the wrong kind.
    #[error("input {path}: {message}")]
    Input {
        /// The path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The output directory cannot be used (not empty, not owned by a previous run,
    /// overlapping the input) or an output name is not a plain file name.
    #[error("output {path}: {message}")]
    Output {
        /// The output directory or file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An object-store request failed (after its retries) on a URL.
    #[cfg(feature = "object-store")]
    #[error("{url}: {source}")]
    Store {
        /// The object's or prefix's URL.
        url: String,
        /// The `object_store` error.
        #[source]
        source: object_store::Error,
    },
    /// A stage failed.
    #[error(transparent)]
    Stage(#[from] crate::stage::StageError),
}

impl CoreError {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CoreError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with [`CoreError`].
pub type Result<T, E = CoreError> = std::result::Result<T, E>;
