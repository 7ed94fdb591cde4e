//! Latency estimates: memory-bound decode, compute-bound prefill, on device profiles
//! shipped as data; the seed's on-device targets as pass/fail.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{OnDeviceError, Result};
use crate::memory::{ctx_label, gb, MemoryPlanner, WeightFormat};
use crate::model::Component;

/// The profiles shipped with the crate (`devices.yaml`).
pub const BUILTIN_DEVICES_YAML: &str = include_str!("../devices.yaml");

/// One device: memory bandwidth and compute, with where the figures come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceProfile {
    /// Short id (`phone-sd8g3`).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Published peak DRAM bandwidth, GB/s (10^9 B/s).
    pub peak_bandwidth_gbs: f64,
    /// Share of the peak streamed by a decode loop, in (0, 1].
    pub bandwidth_efficiency: f64,
    /// Dense fp16 throughput of the unit running prefill, TFLOPS (10^12 FLOP/s).
    pub peak_tflops: f64,
    /// Share of the peak reached on GEMMs, in (0, 1].
    pub compute_efficiency: f64,
    /// Installed memory, GB.
    pub memory_gb: f64,
    /// Memory one app can realistically use, GB.
    pub memory_budget_gb: f64,
    /// Sources of the figures (vendor documents; estimates marked as such).
    pub source: String,
}

impl DeviceProfile {
    /// Usable bandwidth in bytes/s.
    pub fn usable_bandwidth(&self) -> f64 {
        self.peak_bandwidth_gbs * self.bandwidth_efficiency * 1e9
    }

    /// Usable compute in FLOP/s.
    pub fn usable_flops(&self) -> f64 {
        self.peak_tflops * self.compute_efficiency * 1e12
    }

    fn validate(&self) -> Result<()> {
        let ok = |v: f64| v.is_finite() && v > 0.0;
        let eff = |v: f64| v > 0.0 && v <= 1.0;
        if !(ok(self.peak_bandwidth_gbs)
            && ok(self.peak_tflops)
            && ok(self.memory_budget_gb)
            && eff(self.bandwidth_efficiency)
            && eff(self.compute_efficiency))
        {
            return Err(OnDeviceError::Invalid(format!(
                "device {}: bandwidth, TFLOPS and budget must be > 0, efficiencies in (0, 1]",
                self.id
            )));
        }
        Ok(())
    }
}

/// A list of device profiles (the YAML file's root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceProfiles {
    /// The devices.
    pub devices: Vec<DeviceProfile>,
}

impl DeviceProfiles {
    /// The profiles shipped with the crate.
    pub fn builtin() -> Self {
        Self::from_yaml(BUILTIN_DEVICES_YAML).expect("the shipped devices.yaml is valid")
    }

    /// Parses YAML text.
    pub fn from_yaml(text: &str) -> Result<Self> {
        let p: DeviceProfiles =
            sheikh_core::config::from_yaml_str(text).map_err(|message| OnDeviceError::Parse {
                path: "<devices.yaml>".into(),
                message,
            })?;
        p.devices.iter().try_for_each(DeviceProfile::validate)?;
        Ok(p)
    }

    /// Reads a YAML file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| OnDeviceError::io(path, e))?;
        Self::from_yaml(&text).map_err(|e| match e {
            OnDeviceError::Parse { message, .. } => OnDeviceError::Parse {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })
    }

    /// A profile by id.
    pub fn get(&self, id: &str) -> Option<&DeviceProfile> {
        self.devices.iter().find(|d| d.id == id)
    }
}

/// Roofline-style latency arithmetic for one model in one weight format.
///
/// - decode of the token at position `p` reads every weight once (the embedding table
///   only for one row unless it doubles as the output projection) plus the KV cache of
///   `p` positions: `seconds = bytes / usable bandwidth`;
/// - prefill of `T` tokens costs `2 · matmul params · T` FLOPs (the output projection for
///   the last position only) plus attention `2 · layers · q_dim · T · (T + 1)`, and reads
///   the weights once per chunk: `seconds = max(FLOPs / usable compute, bytes / usable
///   bandwidth)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencyModel {
    /// Format label.
    pub format: String,
    /// Weight bytes read per decoded token.
    pub weight_bytes_per_token: u64,
    /// KV bytes read per cached position.
    pub kv_bytes_per_position: u64,
    /// Matmul parameters per token, output projection excluded.
    pub body_params: u64,
    /// Output projection parameters.
    pub head_params: u64,
    /// `layers · q_dim`, for the attention FLOPs.
    pub layers_q_dim: u64,
    /// Prefill chunk (tokens per forward pass).
    pub prefill_chunk: u64,
}

impl LatencyModel {
    /// Builds the model from a planner and a weight format.
    pub fn new(planner: &MemoryPlanner, format: &WeightFormat) -> Self {
        let m = planner.model();
        let (parts, total) = planner.weight_bytes(format);
        let emb = parts
            .iter()
            .find(|(c, _)| *c == Component::Embedding)
            .map_or(0, |p| p.1);
        let weight_bytes_per_token = if m.tie_word_embeddings {
            total
        } else {
            total - emb + emb / m.vocab_size as u64
        };
        let p = m.parameters();
        let head_params = if m.tie_word_embeddings {
            p.embedding
        } else {
            p.lm_head
        };
        LatencyModel {
            format: format.to_string(),
            weight_bytes_per_token,
            kv_bytes_per_position: planner.kv_bytes_per_token(),
            body_params: m.matmul_params_per_token() - head_params,
            head_params,
            layers_q_dim: (m.num_layers * m.q_dim()) as u64,
            prefill_chunk: planner.config().prefill_chunk.max(1),
        }
    }

    /// Bytes read to decode the token at `position` (positions before it are cached).
    pub fn decode_bytes(&self, position: u64) -> u64 {
        self.weight_bytes_per_token + self.kv_bytes_per_position * position
    }

    /// Bytes read to decode `n` tokens after a prompt of `prompt` tokens.
    pub fn decode_bytes_total(&self, prompt: u64, n: u64) -> u64 {
        n * self.weight_bytes_per_token
            + self.kv_bytes_per_position * (n * prompt + n * n.saturating_sub(1) / 2)
    }

    /// Seconds to decode the token at `position`.
    pub fn decode_token_seconds(&self, dev: &DeviceProfile, position: u64) -> f64 {
        self.decode_bytes(position) as f64 / dev.usable_bandwidth()
    }

    /// Seconds to decode `n` tokens after `prompt`.
    pub fn decode_seconds(&self, dev: &DeviceProfile, prompt: u64, n: u64) -> f64 {
        self.decode_bytes_total(prompt, n) as f64 / dev.usable_bandwidth()
    }

    /// FLOPs of prefilling `tokens`.
    pub fn prefill_flops(&self, tokens: u64) -> f64 {
        let t = tokens as f64;
        2.0 * self.body_params as f64 * t
            + 2.0 * self.head_params as f64
            + 2.0 * self.layers_q_dim as f64 * t * (t + 1.0)
    }

    /// Seconds to prefill `tokens` (time to first token).
    pub fn prefill_seconds(&self, dev: &DeviceProfile, tokens: u64) -> f64 {
        let compute = self.prefill_flops(tokens) / dev.usable_flops();
        let chunks = tokens.div_ceil(self.prefill_chunk).max(1);
        let memory = (chunks * self.weight_bytes_per_token) as f64 / dev.usable_bandwidth();
        compute.max(memory)
    }

    /// The estimate for one device: `prompt` tokens in, `new_tokens` out.
    pub fn estimate(
        &self,
        dev: &DeviceProfile,
        prompt: u64,
        new_tokens: u64,
        long_context: u64,
    ) -> LatencyEstimate {
        let prefill = self.prefill_seconds(dev, prompt);
        let decode = self.decode_seconds(dev, prompt, new_tokens);
        LatencyEstimate {
            device: dev.id.clone(),
            format: self.format.clone(),
            prompt,
            new_tokens,
            prefill_ms: prefill * 1e3,
            decode_ms: decode * 1e3,
            tokens_per_s_short: 1.0 / self.decode_token_seconds(dev, prompt),
            tokens_per_s_long: 1.0 / self.decode_token_seconds(dev, long_context),
            long_context,
        }
    }
}

/// Latency of one completion on one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencyEstimate {
    /// Device id.
    pub device: String,
    /// Weight format label.
    pub format: String,
    /// Prompt tokens.
    pub prompt: u64,
    /// Generated tokens.
    pub new_tokens: u64,
    /// Prefill (time to first token), ms.
    pub prefill_ms: f64,
    /// Generating `new_tokens`, ms.
    pub decode_ms: f64,
    /// Decode speed right after the prompt, tokens/s.
    pub tokens_per_s_short: f64,
    /// Decode speed at position `long_context`, tokens/s.
    pub tokens_per_s_long: f64,
    /// The long position.
    pub long_context: u64,
}

impl LatencyEstimate {
    /// Prefill + decode, ms.
    pub fn completion_ms(&self) -> f64 {
        self.prefill_ms + self.decode_ms
    }
}

/// The seed's on-device requirements, as checkable numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedTargets {
    /// Memory footprint limit, bytes. Default 8·10^9 ("< 8 GB", read as decimal GB, the
    /// stricter reading).
    pub memory_budget_bytes: u64,
    /// Weight format the memory target is stated for. Default INT8 per channel.
    pub format: WeightFormat,
    /// Context length. Default 32768 ("32K tokens").
    pub context: u64,
    /// Tokens of the completion. Default 512.
    pub completion_tokens: u64,
    /// Prompt before the completion. Default 512.
    pub prompt_tokens: u64,
    /// Latency limit, ms. Default 100.
    pub latency_ms: f64,
}

impl Default for SeedTargets {
    fn default() -> Self {
        SeedTargets {
            memory_budget_bytes: 8_000_000_000,
            format: WeightFormat::int8(),
            context: 32_768,
            completion_tokens: 512,
            prompt_tokens: 512,
            latency_ms: 100.0,
        }
    }
}

/// One pass/fail line with its arithmetic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCheck {
    /// What is checked.
    pub target: String,
    /// Device id, for device-dependent checks.
    pub device: Option<String>,
    /// Whether it holds.
    pub pass: bool,
    /// The numbers.
    pub arithmetic: String,
}

impl SeedTargets {
    /// Checks every target: memory and context on the model, the three readings of the
    /// latency target on every device.
    pub fn check(&self, planner: &MemoryPlanner, devices: &DeviceProfiles) -> Vec<TargetCheck> {
        let mut out = Vec::new();
        let m = planner.model();
        let est = planner.estimate(&self.format, self.context, 1);
        out.push(TargetCheck {
            target: format!(
                "memory < {} with {} at {} context",
                gb(self.memory_budget_bytes),
                self.format,
                ctx_label(self.context)
            ),
            device: None,
            pass: est.total() < self.memory_budget_bytes,
            arithmetic: est.arithmetic(),
        });
        let trained = m.max_position_embeddings.unwrap_or(0);
        out.push(TargetCheck {
            target: format!("{} context supported by the model", ctx_label(self.context)),
            device: None,
            pass: trained >= self.context,
            arithmetic: format!("max_position_embeddings = {trained}"),
        });
        let lat = LatencyModel::new(planner, &self.format);
        let budget_s = self.latency_ms / 1e3;
        let n = self.completion_tokens;
        for d in &devices.devices {
            let fits = est.total() as f64 <= d.memory_budget_gb * 1e9;
            out.push(TargetCheck {
                target: format!("fits the app memory budget at {}", ctx_label(self.context)),
                device: Some(d.id.clone()),
                pass: fits,
                arithmetic: format!("{} vs {} GB budget", gb(est.total()), d.memory_budget_gb),
            });
            let bytes = lat.decode_bytes_total(self.prompt_tokens, n);
            let dec = lat.decode_seconds(d, self.prompt_tokens, n);
            let need = bytes as f64 / budget_s;
            out.push(TargetCheck {
                target: format!("{n} generated tokens in < {} ms", self.latency_ms),
                device: Some(d.id.clone()),
                pass: dec < budget_s,
                arithmetic: format!(
                    "{n} tokens × {:.2} GB read per token = {:.0} GB / ({} GB/s × {}) = {:.1} s; \
                     needs {:.0} GB/s usable = {:.0} GB/s peak ({:.0}× this device)",
                    lat.weight_bytes_per_token as f64 / 1e9,
                    bytes as f64 / 1e9,
                    d.peak_bandwidth_gbs,
                    d.bandwidth_efficiency,
                    dec,
                    need / 1e9,
                    need / 1e9 / d.bandwidth_efficiency,
                    need / d.usable_bandwidth()
                ),
            });
            let pre = lat.prefill_seconds(d, self.prompt_tokens);
            let flops = lat.prefill_flops(self.prompt_tokens);
            out.push(TargetCheck {
                target: format!(
                    "first token after a {}-token prompt in < {} ms",
                    self.prompt_tokens, self.latency_ms
                ),
                device: Some(d.id.clone()),
                pass: pre < budget_s,
                arithmetic: format!(
                    "{:.2} TFLOP / ({} TFLOPS × {}) = {:.0} ms; needs {:.1} TFLOPS usable = {:.1} TFLOPS peak",
                    flops / 1e12,
                    d.peak_tflops,
                    d.compute_efficiency,
                    pre * 1e3,
                    flops / budget_s / 1e12,
                    flops / budget_s / 1e12 / d.compute_efficiency
                ),
            });
            let tok = lat.decode_token_seconds(d, self.context);
            out.push(TargetCheck {
                target: format!(
                    "one token per < {} ms at position {}",
                    self.latency_ms,
                    ctx_label(self.context)
                ),
                device: Some(d.id.clone()),
                pass: tok < budget_s,
                arithmetic: format!(
                    "({:.2} GB weights + {:.2} GB KV) / {:.1} GB/s usable = {:.0} ms ({:.1} tokens/s)",
                    lat.weight_bytes_per_token as f64 / 1e9,
                    (lat.kv_bytes_per_position * self.context) as f64 / 1e9,
                    d.usable_bandwidth() / 1e9,
                    tok * 1e3,
                    1.0 / tok
                ),
            });
        }
        out
    }
}

/// Renders checks as a Markdown table.
pub fn checks_markdown(checks: &[TargetCheck]) -> String {
    let mut s = String::from("| target | device | result | arithmetic |\n|---|---|---|---|\n");
    for c in checks {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.target,
            c.device.as_deref().unwrap_or("—"),
            if c.pass { "✅ pass" } else { "❌ fail" },
            c.arithmetic
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::PlannerConfig;
    use crate::model::ModelConfig;

    fn dev(bw: f64, tf: f64) -> DeviceProfile {
        DeviceProfile {
            id: "d".into(),
            name: "d".into(),
            peak_bandwidth_gbs: bw,
            bandwidth_efficiency: 0.5,
            peak_tflops: tf,
            compute_efficiency: 0.5,
            memory_gb: 8.0,
            memory_budget_gb: 4.0,
            source: "test".into(),
        }
    }

    #[test]
    fn builtin_profiles_parse() {
        let p = DeviceProfiles::builtin();
        assert!(p.devices.len() >= 5);
        assert!(p.get("apple-m2").is_some());
        assert!(p.devices.iter().all(|d| !d.source.is_empty()));
        assert!(DeviceProfiles::from_yaml("devices: [{id: x}]").is_err());
    }

    #[test]
    fn decode_by_hand() {
        let m = ModelConfig::from_hf_json(
            r#"{"model_type":"mistral","hidden_size":64,"num_hidden_layers":2,
            "num_attention_heads":4,"num_key_value_heads":2,"intermediate_size":128,
            "vocab_size":100,"tie_word_embeddings":true}"#,
        )
        .unwrap();
        let p = MemoryPlanner::new(&m, PlannerConfig::default());
        let f = WeightFormat::float(crate::FloatDtype::F32);
        let l = LatencyModel::new(&p, &f);
        // Tied: the whole table is read as the output projection.
        assert_eq!(l.weight_bytes_per_token, p.weight_bytes(&f).1);
        assert_eq!(l.kv_bytes_per_position, 256);
        // Sum over positions 10..13 of (W + 256 p) = 4 W + 256 · 46.
        assert_eq!(
            l.decode_bytes_total(10, 4),
            4 * l.weight_bytes_per_token + 256 * 46
        );
        let d = dev(1.0, 1.0);
        let s = l.decode_token_seconds(&d, 0);
        assert!((s - l.weight_bytes_per_token as f64 / 0.5e9).abs() < 1e-12);
        // Prefill FLOPs: 2 · body · T + 2 · head + 2 · L · q_dim · T (T + 1).
        let body = 2 * (64 * 64 * 2 + 2 * 32 * 64 + 3 * 128 * 64);
        assert_eq!(l.body_params, body as u64);
        assert_eq!(
            l.prefill_flops(3),
            (2 * body * 3 + 2 * 6400 + 2 * 2 * 64 * 3 * 4) as f64
        );
    }
}
