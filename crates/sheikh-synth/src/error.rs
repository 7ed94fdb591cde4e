//! [`SynthError`], the crate's error type.

use thiserror::Error;

/// What can go wrong while generating synthetic data.
#[derive(Debug, Error)]
pub enum SynthError {
    /// A setting is out of range or inconsistent.
    #[error("synth config: {0}")]
    Config(String),
    /// A generator was asked for a family it does not know.
    #[error("unknown family `{family}` for kind {kind}")]
    UnknownFamily {
        /// The kind asked for.
        kind: String,
        /// The family asked for.
        family: String,
    },
    /// The deduplication settings were rejected.
    #[error(transparent)]
    Dedup(#[from] sheikh_dedup::DedupError),
    /// A model endpoint failed (transport, HTTP status, malformed response).
    #[error("model endpoint: {0}")]
    Model(String),
    /// An instruction task could not build a checked answer.
    #[error("instruction task `{task}`: {message}")]
    Task {
        /// The task.
        task: String,
        /// Why.
        message: String,
    },
}

/// `Result` with [`SynthError`].
pub type Result<T> = std::result::Result<T, SynthError>;
