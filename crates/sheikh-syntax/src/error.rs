//! The crate's error type.

/// Errors that stop a stage or writer. Bad documents are never errors: they get a
/// [`SyntaxReport`](crate::SyntaxReport).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyntaxError {
    /// Writing the pair output failed (I/O, Parquet: sheikh-core's writer reports it).
    #[error("writing pairs: {0}")]
    Core(#[from] sheikh_core::CoreError),
    /// An invalid configuration value.
    #[error("invalid configuration: {0}")]
    Config(String),
}
