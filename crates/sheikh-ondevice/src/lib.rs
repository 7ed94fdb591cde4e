//! # sheikh-ondevice
//!
//! On-device memory budgets, latency estimates and INT8/INT4 safetensors weight
//! quantization for small code models, and the link back to the data: which context
//! length the prepared corpus needs.
//!
//! - [`ModelConfig`]: a HuggingFace `config.json` (Qwen2, Llama, Mistral, Phi, Phi-3,
//!   StarCoder2) with its exact tensor layout and [`ParamCount`].
//! - [`memory`]: weights per dtype ([`WeightFormat`]) with group-wise scale overhead, KV
//!   cache, activations, runtime overhead; the largest context for a budget
//!   ([`MemoryPlanner`]).
//! - [`latency`]: memory-bound decode and compute-bound prefill on [`DeviceProfile`]s
//!   shipped as data (`devices.yaml`), and the seed's targets as pass/fail
//!   ([`SeedTargets`]).
//! - [`quant`]: symmetric/asymmetric INT8 per channel and INT4 per group, safetensors in
//!   and out ([`quantize_file`], [`QuantizedFile`]), error statistics.
//! - [`coverage`]: share of documents and tokens that fit each context length, from the
//!   tokenizer's length buckets ([`ContextCoverage`]).
//!
//! ```
//! use sheikh_ondevice::{MemoryPlanner, ModelConfig, WeightFormat};
//! let json = r#"{"model_type": "qwen2", "hidden_size": 2048, "num_hidden_layers": 36,
//!   "num_attention_heads": 16, "num_key_value_heads": 2, "intermediate_size": 11008,
//!   "vocab_size": 151936, "tie_word_embeddings": true, "max_position_embeddings": 32768}"#;
//! let model = ModelConfig::from_hf_json(json).unwrap();
//! let planner = MemoryPlanner::new(&model, Default::default());
//! let m = planner.estimate(&WeightFormat::int8(), 32_768, 1);
//! assert_eq!(m.kv_cache, 2 * 36 * 2 * 128 * 32_768 * 2); // fp16 KV, 1.125 GiB
//! assert!(m.total() < 8_000_000_000);
//! ```

#![warn(missing_docs)]

pub mod coverage;
mod dtype;
mod error;
pub mod latency;
pub mod memory;
mod model;
pub mod quant;
pub mod report;

pub use coverage::{ContextCoverage, CoverageRow};
pub use dtype::FloatDtype;
pub use error::{OnDeviceError, Result};
pub use latency::{DeviceProfile, DeviceProfiles, LatencyEstimate, LatencyModel, SeedTargets};
pub use memory::{MemoryEstimate, MemoryPlanner, PlannerConfig, WeightFormat};
pub use model::{Component, Family, ModelConfig, ParamCount, TensorSpec};
pub use quant::file::{
    compare_files, quantize_file, QuantMetadata, QuantizeConfig, QuantizeReport, QuantizedFile,
    SafetensorsFile, TensorAction, TensorReport,
};
pub use quant::kernel::{error_stats, quantize_tensor, ErrorStats, QuantizedTensor, TensorData};
pub use quant::scheme::{Bits, QuantBytes, QuantScheme, ScaleDtype};
pub use report::OnDeviceConfig;
