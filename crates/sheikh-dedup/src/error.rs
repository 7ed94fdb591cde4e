//! The crate's error type.

use std::path::PathBuf;

/// Errors that stop deduplication. Problem documents are never errors: they are kept
/// and counted (see [`DedupReport`](crate::DedupReport)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DedupError {
    /// The configuration is invalid (the message says which field and why).
    #[error("dedup config: {0}")]
    Config(String),
    /// A reader or writer from `sheikh-core` failed.
    #[error(transparent)]
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
    /// A staged-mode file that is missing, truncated, corrupt or from another config.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A JSON (de)serialisation error on a path.
    #[error("{path}: json: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

impl DedupError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DedupError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn format(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        DedupError::Format {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Result with [`DedupError`].
pub type Result<T, E = DedupError> = std::result::Result<T, E>;
