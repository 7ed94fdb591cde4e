//! Memory planner: weights per storage format, KV cache, activations and runtime
//! overhead, and the largest context that fits a budget.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dtype::FloatDtype;
use crate::model::{Component, ModelConfig};
use crate::quant::scheme::QuantScheme;

/// How the weights are stored.
///
/// With a quantization scheme, every 2-D weight is quantized (codes + scales + zero
/// points, exactly as [`crate::quantize_file`] writes them) except those kept; 1-D
/// tensors (norms, biases) and kept tensors stay in `float`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeightFormat {
    /// Storage of unquantized tensors. Default bf16.
    pub float: FloatDtype,
    /// Quantization of 2-D weights (`None`, the default: everything in `float`).
    pub quant: Option<QuantScheme>,
    /// Keep the embedding table in `float` (tied: also the output projection). Default false.
    pub keep_embeddings: bool,
    /// Keep an untied `lm_head` in `float`. Default false.
    pub keep_lm_head: bool,
}

impl Default for WeightFormat {
    fn default() -> Self {
        WeightFormat::float(FloatDtype::Bf16)
    }
}

impl WeightFormat {
    /// Every tensor in one float type.
    pub fn float(d: FloatDtype) -> Self {
        WeightFormat {
            float: d,
            quant: None,
            keep_embeddings: false,
            keep_lm_head: false,
        }
    }

    /// 2-D weights quantized with `scheme`, the rest bf16.
    pub fn quantized(scheme: QuantScheme) -> Self {
        WeightFormat {
            quant: Some(scheme),
            ..WeightFormat::float(FloatDtype::Bf16)
        }
    }

    /// Symmetric INT8 per output channel, fp16 scales; the rest bf16.
    pub fn int8() -> Self {
        Self::quantized(QuantScheme::int8())
    }

    /// Symmetric INT4, one fp16 scale per `group` columns; the rest bf16.
    pub fn int4(group: usize) -> Self {
        Self::quantized(QuantScheme::int4(group))
    }

    /// The same format with the embedding table (and `lm_head`) kept in `float`.
    pub fn keeping_embeddings(mut self) -> Self {
        self.keep_embeddings = true;
        self.keep_lm_head = true;
        self
    }

    /// Stored bytes of one tensor of `shape` belonging to `component`.
    pub fn tensor_bytes(&self, shape: &[usize], component: Component) -> u64 {
        let numel: u64 = shape.iter().map(|&d| d as u64).product();
        let kept = match component {
            Component::Embedding => self.keep_embeddings,
            Component::LmHead => self.keep_lm_head,
            _ => false,
        };
        match (self.quant, shape) {
            (Some(q), &[rows, cols]) if !kept => q.tensor_bytes(rows, cols).total(),
            _ => numel * self.float.bytes(),
        }
    }
}

impl fmt::Display for WeightFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.quant {
            None => write!(f, "{}", self.float),
            Some(q) => {
                write!(f, "{q}")?;
                if self.keep_embeddings || self.keep_lm_head {
                    write!(f, " (emb {})", self.float)?;
                }
                Ok(())
            }
        }
    }
}

/// Settings of the KV cache, activation and overhead model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlannerConfig {
    /// KV cache element type. Default fp16 (llama.cpp, MLC and ExecuTorch defaults).
    pub kv_dtype: FloatDtype,
    /// Activation element type. Default fp32 (CPU kernels accumulate and keep
    /// activations in fp32).
    pub activation_dtype: FloatDtype,
    /// Tokens per forward pass during prefill (llama.cpp's `ubatch`). Default 512.
    pub prefill_chunk: u64,
    /// Fused/tiled attention: scores exist for one tile of `attention_tile` keys at a
    /// time instead of the whole context. Default true.
    pub flash_attention: bool,
    /// Keys per attention tile with `flash_attention`. Default 256.
    pub attention_tile: u64,
    /// Fixed runtime overhead: engine code, tokenizer, allocator slack, graph. Default
    /// 256 MiB.
    pub runtime_overhead_bytes: u64,
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig {
            kv_dtype: FloatDtype::F16,
            activation_dtype: FloatDtype::F32,
            prefill_chunk: 512,
            flash_attention: true,
            attention_tile: 256,
            runtime_overhead_bytes: 256 << 20,
        }
    }
}

/// Peak memory of inference at one context length and batch, by part (bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryEstimate {
    /// Format label.
    pub format: String,
    /// Context length (prompt + generated tokens).
    pub context: u64,
    /// Sequences decoded together.
    pub batch: u64,
    /// All weights.
    pub weights: u64,
    /// KV cache: `2 · layers · kv_heads · head_dim · context · batch · bytes(kv)`.
    pub kv_cache: u64,
    /// Peak activation working set (a prefill chunk).
    pub activations: u64,
    /// Fixed runtime overhead.
    pub runtime: u64,
}

impl MemoryEstimate {
    /// Sum of the parts.
    pub fn total(&self) -> u64 {
        self.weights + self.kv_cache + self.activations + self.runtime
    }

    /// The sum written out in GB (10^9 bytes).
    pub fn arithmetic(&self) -> String {
        format!(
            "{} weights + {} KV + {} activations + {} runtime = {}",
            gb(self.weights),
            gb(self.kv_cache),
            gb(self.activations),
            gb(self.runtime),
            gb(self.total())
        )
    }
}

/// Formats bytes as GB (10^9) with two decimals.
pub fn gb(bytes: u64) -> String {
    format!("{:.2} GB", bytes as f64 / 1e9)
}

/// Memory arithmetic for one model.
#[derive(Debug, Clone)]
pub struct MemoryPlanner {
    model: ModelConfig,
    config: PlannerConfig,
}

impl MemoryPlanner {
    /// A planner for `model`.
    pub fn new(model: &ModelConfig, config: PlannerConfig) -> Self {
        MemoryPlanner {
            model: model.clone(),
            config,
        }
    }

    /// The model.
    pub fn model(&self) -> &ModelConfig {
        &self.model
    }

    /// The settings.
    pub fn config(&self) -> &PlannerConfig {
        &self.config
    }

    /// Weight bytes per component, in [`Component`] order, and their total.
    pub fn weight_bytes(&self, format: &WeightFormat) -> (Vec<(Component, u64)>, u64) {
        let mut parts: Vec<(Component, u64)> = Vec::new();
        let mut total = 0;
        for t in self.model.tensors() {
            let b = format.tensor_bytes(&t.shape, t.component);
            total += b;
            match parts.iter_mut().find(|(c, _)| *c == t.component) {
                Some((_, v)) => *v += b,
                None => parts.push((t.component, b)),
            }
        }
        parts.sort_by_key(|(c, _)| *c);
        (parts, total)
    }

    /// KV cache bytes per token of context and sequence.
    pub fn kv_bytes_per_token(&self) -> u64 {
        self.model.kv_elements_per_token() * self.config.kv_dtype.bytes()
    }

    /// KV cache bytes for `context` tokens and `batch` sequences.
    pub fn kv_cache_bytes(&self, context: u64, batch: u64) -> u64 {
        self.kv_bytes_per_token() * context * batch
    }

    /// Peak activation bytes while prefilling a chunk at context `context`: the residual
    /// stream (input and normed copy) plus the larger of the attention stage (q, k, v,
    /// output, scores) and the MLP stage, plus fp32 logits for one position per sequence.
    pub fn activation_bytes(&self, context: u64, batch: u64) -> u64 {
        let m = &self.model;
        let c = self.config.prefill_chunk.min(context).max(1) * batch;
        let a = self.config.activation_dtype.bytes();
        let (h, q, kv) = (m.hidden_size as u64, m.q_dim() as u64, m.kv_dim() as u64);
        let keys = if self.config.flash_attention {
            self.config.attention_tile.min(context)
        } else {
            context
        };
        let residual = 2 * c * h * a;
        let attention = c * (2 * q + 2 * kv) * a + m.num_heads as u64 * c * keys * 4;
        let mlp_width = if m.family.gated_mlp() { 2 } else { 1 } * m.intermediate_size as u64;
        let mlp = c * mlp_width * a;
        let logits = batch * m.vocab_size as u64 * 4;
        residual + attention.max(mlp) + logits
    }

    /// The full estimate at one context and batch.
    pub fn estimate(&self, format: &WeightFormat, context: u64, batch: u64) -> MemoryEstimate {
        MemoryEstimate {
            format: format.to_string(),
            context,
            batch,
            weights: self.weight_bytes(format).1,
            kv_cache: self.kv_cache_bytes(context, batch),
            activations: self.activation_bytes(context, batch),
            runtime: self.config.runtime_overhead_bytes,
        }
    }

    /// The largest context (tokens) whose estimate fits `budget` bytes, searched up to
    /// 2^26 tokens; `None` when not even one token fits.
    pub fn largest_context(&self, format: &WeightFormat, batch: u64, budget: u64) -> Option<u64> {
        let fits = |n: u64| self.estimate(format, n, batch).total() <= budget;
        if !fits(1) {
            return None;
        }
        let (mut lo, mut hi) = (1u64, 1u64 << 26);
        if fits(hi) {
            return Some(hi);
        }
        // Total is non-decreasing in the context: binary search the last fitting value.
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(lo)
    }

    /// A Markdown table: one row per format, one column per context, each cell the total
    /// in GB with ✅/❌ against `budget`.
    pub fn context_table(
        &self,
        formats: &[WeightFormat],
        contexts: &[u64],
        batch: u64,
        budget: u64,
    ) -> String {
        let mut s = String::from("| weights | weight bytes |");
        for c in contexts {
            s.push_str(&format!(" {} ctx |", ctx_label(*c)));
        }
        s.push_str(&format!(" largest ctx ≤ {} |\n|---|---:|", gb(budget)));
        for _ in contexts {
            s.push_str("---:|");
        }
        s.push_str("---:|\n");
        for f in formats {
            let (_, w) = self.weight_bytes(f);
            s.push_str(&format!("| {f} | {} |", gb(w)));
            for &c in contexts {
                let t = self.estimate(f, c, batch).total();
                s.push_str(&format!(
                    " {} {} |",
                    gb(t),
                    if t <= budget { "✅" } else { "❌" }
                ));
            }
            let largest = match self.largest_context(f, batch, budget) {
                Some(n) if n >= 1 << 26 => "≥ 64M".to_string(),
                Some(n) => n.to_string(),
                None => "none".to_string(),
            };
            s.push_str(&format!(" {largest} |\n"));
        }
        s
    }

    /// A Markdown table of the KV cache and activations per context (batch 1).
    pub fn kv_table(&self, contexts: &[u64]) -> String {
        let mut s = format!(
            "KV cache = 2 · {} layers · {} kv heads · {} head dim · context · batch · {} B ({}) = {} bytes per token.\n\n",
            self.model.num_layers,
            self.model.num_kv_heads,
            self.model.head_dim,
            self.config.kv_dtype.bytes(),
            self.config.kv_dtype,
            self.kv_bytes_per_token()
        );
        s.push_str("| context | KV cache | activations (prefill chunk) |\n|---:|---:|---:|\n");
        for &c in contexts {
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                ctx_label(c),
                gb(self.kv_cache_bytes(c, 1)),
                gb(self.activation_bytes(c, 1))
            ));
        }
        s
    }
}

/// `32768` → `32K`.
pub fn ctx_label(c: u64) -> String {
    if c >= 1024 && c.is_multiple_of(1024) {
        format!("{}K", c / 1024)
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> ModelConfig {
        ModelConfig::from_hf_json(
            r#"{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,
            "num_attention_heads":4,"num_key_value_heads":2,"intermediate_size":128,
            "vocab_size":100,"tie_word_embeddings":false}"#,
        )
        .unwrap()
    }

    #[test]
    fn weights_by_hand() {
        let p = MemoryPlanner::new(&tiny(), PlannerConfig::default());
        // Matrices: emb 100·64, per layer q 64·64, k,v 32·64, o 64·64, 3 · 128·64; lm_head.
        // Norm vectors: 2 per layer + final, 64 each.
        let per_layer = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 128 * 64;
        let mats = 2 * 100 * 64 + 2 * per_layer;
        let norms = 5 * 64;
        assert_eq!(
            p.weight_bytes(&WeightFormat::float(FloatDtype::F32)).1,
            4 * (mats + norms) as u64
        );
        // INT8 per channel: 1 B per weight + 2 B per row; norms stay bf16.
        let rows = 2 * 100 + 2 * (64 + 32 + 32 + 64 + 128 + 128 + 64);
        assert_eq!(
            p.weight_bytes(&WeightFormat::int8()).1,
            (mats + 2 * rows + 2 * norms) as u64
        );
        // INT4 g32: half a byte per weight + 2 B per 32 weights.
        assert_eq!(
            p.weight_bytes(&WeightFormat::int4(32)).1,
            (mats / 2 + 2 * mats / 32 + 2 * norms) as u64
        );
        // Keeping embeddings: emb and lm_head at 2 B per weight.
        let kept = WeightFormat::int8().keeping_embeddings();
        let emb_rows = 200;
        assert_eq!(
            p.weight_bytes(&kept).1,
            (mats + 2 * rows + 2 * norms) as u64
                + (2 * 100 * 64 * 2 - 2 * 100 * 64 - 2 * emb_rows) as u64
        );
    }

    #[test]
    fn kv_and_largest_context() {
        let cfg = PlannerConfig {
            runtime_overhead_bytes: 0,
            ..Default::default()
        };
        let p = MemoryPlanner::new(&tiny(), cfg);
        // 2 · 2 layers · 2 kv heads · 16 head dim · 2 B = 256 B per token.
        assert_eq!(p.kv_bytes_per_token(), 256);
        assert_eq!(p.kv_cache_bytes(1000, 3), 768_000);
        let f = WeightFormat::float(FloatDtype::F16);
        let n = p.largest_context(&f, 1, 10_000_000).unwrap();
        assert!(p.estimate(&f, n, 1).total() <= 10_000_000);
        assert!(p.estimate(&f, n + 1, 1).total() > 10_000_000);
        assert_eq!(p.largest_context(&f, 1, 1000), None);
    }

    #[test]
    fn activations_by_hand() {
        let cfg = PlannerConfig {
            prefill_chunk: 8,
            flash_attention: false,
            ..Default::default()
        };
        let p = MemoryPlanner::new(&tiny(), cfg);
        // chunk 8, ctx 1000: residual 2·8·64·4, attention 8·(128+64)·4 + 4·8·1000·4,
        // MLP 8·256·4, logits 100·4.
        let attention = 8 * (2 * 64 + 2 * 32) * 4 + 4 * 8 * 1000 * 4;
        assert_eq!(
            p.activation_bytes(1000, 1),
            2 * 8 * 64 * 4 + attention + 400
        );
    }
}
