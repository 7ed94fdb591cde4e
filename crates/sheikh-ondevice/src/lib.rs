//! # sheikh-ondevice
//!
//! On-device memory budgets, latency estimates and INT8/INT4 safetensors weight quantization for small code models.

#![warn(missing_docs)]
