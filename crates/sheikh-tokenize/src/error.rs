//! The crate's error type.

use std::path::PathBuf;

/// Errors that stop tokenization or dataset writing. A single bad record (an instruction
/// example longer than a sequence, a malformed JSONL line) is counted, not an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenizeError {
    /// The tokenizer file could not be loaded or a tokenizer operation failed.
    #[error("tokenizer {path}: {message}")]
    Tokenizer {
        /// The tokenizer file (or `<memory>`).
        path: PathBuf,
        /// What the `tokenizers` crate reported.
        message: String,
    },
    /// A special token the operation needs is not in the tokenizer's vocabulary.
    #[error("special token {token:?} is not in the tokenizer's vocabulary")]
    MissingSpecialToken {
        /// The token text, e.g. `<|fim_prefix|>`.
        token: String,
    },
    /// An invalid configuration value.
    #[error("config: {0}")]
    Config(String),
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
    /// An Arrow error while building record batches.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// A JSON error.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// An error from the shared I/O layer (atomic files, readers).
    #[error(transparent)]
    Core(#[from] sheikh_core::CoreError),
    /// A writer was used after `finish`.
    #[error("writer already finished")]
    Finished,
}

impl TokenizeError {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TokenizeError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn tokenizer(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        TokenizeError::Tokenizer {
            path: path.into(),
            message: e.to_string(),
        }
    }
}

/// Result with [`TokenizeError`].
pub type Result<T, E = TokenizeError> = std::result::Result<T, E>;
