//! The crate's error type.

use std::path::PathBuf;

/// Errors of the model-config reader, the planners and the quantizer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OnDeviceError {
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON or YAML document that cannot be parsed into the expected type.
    #[error("{path}: {message}")]
    Parse {
        /// The file (or `<memory>`).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A `config.json` whose `model_type` has no parameter layout here.
    #[error(
        "unsupported model_type {0:?} (supported: qwen2, llama, mistral, phi, phi3, starcoder2)"
    )]
    UnsupportedModel(String),
    /// A model configuration with impossible values (zero sizes, heads not dividing, ...).
    #[error("invalid model config: {0}")]
    InvalidModel(String),
    /// An invalid planner, quantization or coverage setting or input.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// A safetensors file shorter than its header says.
    #[error("{path}: truncated safetensors file ({detail})")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What is missing.
        detail: String,
    },
    /// Any other malformed safetensors file.
    #[error("{path}: bad safetensors file: {source}")]
    Safetensors {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: safetensors::SafeTensorError,
    },
    /// A tensor whose dtype the operation does not accept.
    #[error("tensor {tensor}: dtype {dtype} not supported here (expected {expected})")]
    UnsupportedDtype {
        /// The tensor name.
        tensor: String,
        /// Its dtype.
        dtype: String,
        /// What would have been accepted.
        expected: &'static str,
    },
    /// A tensor that must be 2-D is not.
    #[error("tensor {tensor}: shape {shape:?} is not 2-D")]
    NotTwoDimensional {
        /// The tensor name.
        tensor: String,
        /// Its shape.
        shape: Vec<usize>,
    },
    /// A weight row holds NaN or infinity: no finite scale represents it.
    #[error("tensor {tensor}: row {row} holds a non-finite value")]
    NonFinite {
        /// The tensor name.
        tensor: String,
        /// The first bad row.
        row: usize,
    },
    /// A scale does not fit the scale dtype (|w| > 65504·qmax for fp16 scales).
    #[error(
        "tensor {tensor}: row {row} needs a scale of {scale:e}, beyond the scale dtype's range"
    )]
    ScaleOverflow {
        /// The tensor name.
        tensor: String,
        /// The row.
        row: usize,
        /// The scale that was needed.
        scale: f32,
    },
    /// A quantized file that does not describe its scheme (no or bad `__metadata__`).
    #[error("{path}: not a sheikh-ondevice quantized file: {detail}")]
    NotQuantized {
        /// The file.
        path: PathBuf,
        /// What is missing.
        detail: String,
    },
    /// An error from the shared writer (atomic output file).
    #[error(transparent)]
    Core(#[from] sheikh_core::CoreError),
}

impl OnDeviceError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        OnDeviceError::Io {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = OnDeviceError> = std::result::Result<T, E>;
