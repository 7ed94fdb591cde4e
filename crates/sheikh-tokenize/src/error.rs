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
    /// An error of the shared I/O layer: I/O and Parquet errors with their path, Arrow
    /// and JSON errors (`sheikh_core::CoreError`'s variants).
    #[error(transparent)]
    Core(#[from] sheikh_core::CoreError),
    /// A writer was used after `finish`.
    #[error("writer already finished")]
    Finished,
}

impl TokenizeError {
    /// Wraps an I/O error with its path (as `CoreError::Io`).
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TokenizeError::Core(sheikh_core::CoreError::io(path, source))
    }

    /// Wraps a Parquet error with its path (as `CoreError::Parquet`).
    pub(crate) fn parquet(path: impl Into<PathBuf>, source: parquet::errors::ParquetError) -> Self {
        TokenizeError::Core(sheikh_core::CoreError::Parquet {
            path: path.into(),
            source,
        })
    }

    pub(crate) fn tokenizer(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        TokenizeError::Tokenizer {
            path: path.into(),
            message: e.to_string(),
        }
    }
}

impl From<arrow_schema::ArrowError> for TokenizeError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        TokenizeError::Core(e.into())
    }
}

impl From<serde_json::Error> for TokenizeError {
    fn from(e: serde_json::Error) -> Self {
        TokenizeError::Core(e.into())
    }
}

/// Result with [`TokenizeError`].
pub type Result<T, E = TokenizeError> = std::result::Result<T, E>;
