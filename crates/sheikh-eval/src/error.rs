//! Errors of the evaluation API.

use std::path::PathBuf;

use sheikh_core::Language;

/// Errors reading generations or setting up an evaluation. A prediction that does not
/// parse or fails its tests is a measurement, never an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A file cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A JSONL line is not a valid generation record.
    #[error("{path}:{line}: {message}")]
    Record {
        /// The file (`<input>` for readers without a path).
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// CodeBLEU is only defined here for JavaScript, JSX, TypeScript and TSX.
    #[error("CodeBLEU is not available for {0} (JavaScript, JSX, TypeScript, TSX only)")]
    UnsupportedLanguage(Language),
    /// Execution was asked for but the sandbox cannot be set up (no network isolation
    /// without `allow_network`, no resource limits): untrusted code is not run.
    #[error("sandbox unavailable: {0}")]
    SandboxUnavailable(String),
    /// A setting is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
}
