//! The crate's error type.

use std::path::PathBuf;

/// Errors that stop a task. Problem documents are never errors: the stages turn them
/// into counted rejections.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// Reading, writing or a stage of the pipeline failed.
    #[error(transparent)]
    Core(#[from] sheikh_core::CoreError),
    /// A staged-deduplication step failed.
    #[error(transparent)]
    Dedup(#[from] sheikh_dedup::DedupError),
    /// Tokenizing or writing the training dataset failed.
    #[error("tokenize: {0}")]
    Tokenize(#[from] sheikh_tokenize::TokenizeError),
    /// The code-comment pair extraction failed.
    #[error("pairs: {0}")]
    Syntax(#[from] sheikh_syntax::SyntaxError),
    /// The on-device plan or its report failed.
    #[error("ondevice: {0}")]
    OnDevice(#[from] sheikh_ondevice::OnDeviceError),
    /// The worker thread pool could not be built.
    #[error("runtime.threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file that cannot be read or written.
    #[error("{path}: json: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The work directory does not match this run: no plan yet, a plan made with another
    /// config, an unknown shard, missing outputs of an earlier step.
    #[error("{0}")]
    Plan(String),
    /// A configuration this mode cannot run (only configuration: failures of the
    /// other crates keep their own typed variant and source).
    #[error("config: {0}")]
    Config(String),
}

impl CliError {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.into(),
            source,
        }
    }

    /// Wraps a JSON error with its path.
    pub fn json(path: impl Into<PathBuf>, source: serde_json::Error) -> Self {
        CliError::Json {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = CliError> = std::result::Result<T, E>;
