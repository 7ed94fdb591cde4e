//! INT8 / INT4 weight quantization: schemes, row kernels and safetensors files.

pub mod file;
pub mod kernel;
pub mod scheme;
