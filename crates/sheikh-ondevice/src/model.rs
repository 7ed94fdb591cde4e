//! Model configuration from a HuggingFace `config.json`, its tensor layout and an exact
//! parameter count.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{OnDeviceError, Result};

/// Decoder families whose tensor layout is known. The family decides the layer's
/// tensors (gated or plain MLP, RMSNorm or LayerNorm, fused projections) and which of
/// them carry biases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Qwen2 / Qwen2.5 (incl. Coder): SwiGLU, RMSNorm, biases on q/k/v only.
    Qwen2,
    /// Llama 2/3: SwiGLU, RMSNorm, biases only with `attention_bias` / `mlp_bias`.
    Llama,
    /// Mistral: the Llama layout without biases.
    Mistral,
    /// Phi-1/1.5/2: one LayerNorm per layer (parallel attention + MLP), biases everywhere,
    /// plain GELU MLP (`fc1`, `fc2`), `lm_head` with bias.
    Phi,
    /// Phi-3: fused `qkv_proj` and `gate_up_proj`, RMSNorm, no biases.
    Phi3,
    /// StarCoder2: LayerNorm, plain MLP (`c_fc`, `c_proj`), biases with `use_bias`.
    Starcoder2,
}

impl Family {
    /// Maps a `model_type` string.
    pub fn from_model_type(model_type: &str) -> Result<Self> {
        Ok(match model_type {
            "qwen2" => Family::Qwen2,
            "llama" => Family::Llama,
            "mistral" => Family::Mistral,
            "phi" => Family::Phi,
            "phi3" => Family::Phi3,
            "starcoder2" => Family::Starcoder2,
            other => return Err(OnDeviceError::UnsupportedModel(other.to_string())),
        })
    }

    /// Whether the MLP is gated (three matrices: gate, up, down) rather than plain (two).
    pub fn gated_mlp(self) -> bool {
        matches!(
            self,
            Family::Qwen2 | Family::Llama | Family::Mistral | Family::Phi3
        )
    }

    /// Whether norms are LayerNorm (weight + bias) rather than RMSNorm (weight only).
    pub fn layer_norm(self) -> bool {
        matches!(self, Family::Phi | Family::Starcoder2)
    }
}

/// The part of the model a tensor belongs to, for the parameter breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Token embedding table.
    Embedding,
    /// Attention projections (and their biases).
    Attention,
    /// MLP matrices (and their biases).
    Mlp,
    /// Norm weights and biases.
    Norm,
    /// Output projection when not tied to the embedding (and its bias).
    LmHead,
}

/// One tensor of the model: HuggingFace name, shape (`[out, in]` for matrices) and part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TensorSpec {
    /// The tensor name as in the HuggingFace checkpoint.
    pub name: String,
    /// The shape.
    pub shape: Vec<usize>,
    /// The component it belongs to.
    pub component: Component,
}

impl TensorSpec {
    /// Number of elements.
    pub fn numel(&self) -> u64 {
        self.shape.iter().map(|&d| d as u64).product()
    }
}

/// A decoder-only transformer's configuration, read from a HuggingFace `config.json`.
///
/// ```
/// let json = r#"{"model_type": "qwen2", "hidden_size": 2048, "num_hidden_layers": 36,
///   "num_attention_heads": 16, "num_key_value_heads": 2, "intermediate_size": 11008,
///   "vocab_size": 151936, "tie_word_embeddings": true, "max_position_embeddings": 32768}"#;
/// let cfg = sheikh_ondevice::ModelConfig::from_hf_json(json).unwrap();
/// assert_eq!(cfg.parameters().total, 3_085_938_688); // Qwen2.5-Coder-3B: "3.09B"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// The layout family (from `model_type`).
    pub family: Family,
    /// Model width (`hidden_size`).
    pub hidden_size: usize,
    /// Decoder layers (`num_hidden_layers`).
    pub num_layers: usize,
    /// Query heads (`num_attention_heads`).
    pub num_heads: usize,
    /// Key/value heads (`num_key_value_heads`; equal to `num_heads` when absent or null).
    pub num_kv_heads: usize,
    /// Per-head dimension (`head_dim` when present, else `hidden_size / num_heads`).
    pub head_dim: usize,
    /// MLP width (`intermediate_size`).
    pub intermediate_size: usize,
    /// Vocabulary (`vocab_size`).
    pub vocab_size: usize,
    /// Output projection shares the embedding table (`tie_word_embeddings`; when absent,
    /// the family's `transformers` default: true for StarCoder2, false otherwise).
    pub tie_word_embeddings: bool,
    /// Trained context (`max_position_embeddings`), if given.
    pub max_position_embeddings: Option<u64>,
    /// Biases on the q, k, v projections.
    pub qkv_bias: bool,
    /// Bias on the attention output projection.
    pub o_bias: bool,
    /// Biases on the MLP matrices.
    pub mlp_bias: bool,
}

/// The fields of `config.json` used here; everything else in the file is ignored (it is
/// a foreign format with dozens of fields).
#[derive(Deserialize)]
struct HfConfig {
    model_type: String,
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    num_key_value_heads: Option<usize>,
    head_dim: Option<usize>,
    intermediate_size: usize,
    vocab_size: usize,
    tie_word_embeddings: Option<bool>,
    max_position_embeddings: Option<u64>,
    attention_bias: Option<bool>,
    mlp_bias: Option<bool>,
    use_bias: Option<bool>,
}

/// Exact parameter counts per component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParamCount {
    /// Embedding table.
    pub embedding: u64,
    /// Attention projections and biases, all layers.
    pub attention: u64,
    /// MLP matrices and biases, all layers.
    pub mlp: u64,
    /// Norms, all layers and the final one.
    pub norm: u64,
    /// Untied output projection (0 when tied).
    pub lm_head: u64,
    /// Sum of the above.
    pub total: u64,
}

impl ParamCount {
    /// Parameters outside the embedding table (HuggingFace's "non-embedding" figure).
    pub fn non_embedding(&self) -> u64 {
        self.total - self.embedding
    }
}

impl ModelConfig {
    /// Parses the text of a HuggingFace `config.json`.
    pub fn from_hf_json(text: &str) -> Result<Self> {
        let raw: HfConfig = serde_json::from_str(text).map_err(|e| OnDeviceError::Parse {
            path: "<config.json>".into(),
            message: e.to_string(),
        })?;
        Self::from_raw(raw)
    }

    /// Reads a HuggingFace `config.json` file.
    pub fn from_hf_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| OnDeviceError::io(path, e))?;
        let raw: HfConfig = serde_json::from_str(&text).map_err(|e| OnDeviceError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: HfConfig) -> Result<Self> {
        let family = Family::from_model_type(&raw.model_type)?;
        for (name, v) in [
            ("hidden_size", raw.hidden_size),
            ("num_hidden_layers", raw.num_hidden_layers),
            ("num_attention_heads", raw.num_attention_heads),
            ("intermediate_size", raw.intermediate_size),
            ("vocab_size", raw.vocab_size),
        ] {
            if v == 0 {
                return Err(OnDeviceError::InvalidModel(format!("{name} is 0")));
            }
        }
        let num_kv_heads = raw.num_key_value_heads.unwrap_or(raw.num_attention_heads);
        if num_kv_heads == 0 || !raw.num_attention_heads.is_multiple_of(num_kv_heads) {
            return Err(OnDeviceError::InvalidModel(format!(
                "num_key_value_heads {num_kv_heads} does not divide num_attention_heads {}",
                raw.num_attention_heads
            )));
        }
        let head_dim = match raw.head_dim {
            Some(0) => return Err(OnDeviceError::InvalidModel("head_dim is 0".into())),
            Some(d) => d,
            None => {
                if !raw.hidden_size.is_multiple_of(raw.num_attention_heads) {
                    return Err(OnDeviceError::InvalidModel(format!(
                        "hidden_size {} not divisible by num_attention_heads {} and no head_dim",
                        raw.hidden_size, raw.num_attention_heads
                    )));
                }
                raw.hidden_size / raw.num_attention_heads
            }
        };
        let (qkv_bias, o_bias, mlp_bias) = match family {
            Family::Qwen2 => (true, false, false),
            Family::Llama => {
                let a = raw.attention_bias.unwrap_or(false);
                (a, a, raw.mlp_bias.unwrap_or(false))
            }
            Family::Mistral | Family::Phi3 => (false, false, false),
            Family::Phi => (true, true, true),
            Family::Starcoder2 => {
                let b = raw.use_bias.unwrap_or(true);
                (b, b, b)
            }
        };
        let tie_default = family == Family::Starcoder2;
        Ok(ModelConfig {
            family,
            hidden_size: raw.hidden_size,
            num_layers: raw.num_hidden_layers,
            num_heads: raw.num_attention_heads,
            num_kv_heads,
            head_dim,
            intermediate_size: raw.intermediate_size,
            vocab_size: raw.vocab_size,
            tie_word_embeddings: raw.tie_word_embeddings.unwrap_or(tie_default),
            max_position_embeddings: raw.max_position_embeddings,
            qkv_bias,
            o_bias,
            mlp_bias,
        })
    }

    /// Width of the query projection output (`num_heads · head_dim`).
    pub fn q_dim(&self) -> usize {
        self.num_heads * self.head_dim
    }

    /// Width of each of the key and value projection outputs (`num_kv_heads · head_dim`).
    pub fn kv_dim(&self) -> usize {
        self.num_kv_heads * self.head_dim
    }

    /// Key + value elements cached per token: `2 · layers · kv_heads · head_dim`.
    pub fn kv_elements_per_token(&self) -> u64 {
        2 * self.num_layers as u64 * self.num_kv_heads as u64 * self.head_dim as u64
    }

    /// Every tensor of the checkpoint, with HuggingFace names, in layer order.
    pub fn tensors(&self) -> Vec<TensorSpec> {
        let (h, i, v) = (self.hidden_size, self.intermediate_size, self.vocab_size);
        let (q, kv) = (self.q_dim(), self.kv_dim());
        let fam = self.family;
        let mut b = Builder(Vec::with_capacity(self.num_layers * 16 + 4));
        b.push(
            "model.embed_tokens.weight".into(),
            vec![v, h],
            Component::Embedding,
        );
        let (att, mlp) = (Component::Attention, Component::Mlp);
        for l in 0..self.num_layers {
            let p = format!("model.layers.{l}");
            b.norm(&p, "input_layernorm", h, fam.layer_norm());
            if fam == Family::Phi3 {
                b.linear(&p, "self_attn.qkv_proj", [q + 2 * kv, h], false, att);
            } else {
                b.linear(&p, "self_attn.q_proj", [q, h], self.qkv_bias, att);
                b.linear(&p, "self_attn.k_proj", [kv, h], self.qkv_bias, att);
                b.linear(&p, "self_attn.v_proj", [kv, h], self.qkv_bias, att);
            }
            let o_name = if fam == Family::Phi {
                "self_attn.dense"
            } else {
                "self_attn.o_proj"
            };
            b.linear(&p, o_name, [h, q], self.o_bias, att);
            if fam != Family::Phi {
                b.norm(&p, "post_attention_layernorm", h, fam.layer_norm());
            }
            match fam {
                Family::Phi3 => {
                    b.linear(&p, "mlp.gate_up_proj", [2 * i, h], false, mlp);
                    b.linear(&p, "mlp.down_proj", [h, i], false, mlp);
                }
                Family::Phi => {
                    b.linear(&p, "mlp.fc1", [i, h], true, mlp);
                    b.linear(&p, "mlp.fc2", [h, i], true, mlp);
                }
                Family::Starcoder2 => {
                    b.linear(&p, "mlp.c_fc", [i, h], self.mlp_bias, mlp);
                    b.linear(&p, "mlp.c_proj", [h, i], self.mlp_bias, mlp);
                }
                Family::Qwen2 | Family::Llama | Family::Mistral => {
                    b.linear(&p, "mlp.gate_proj", [i, h], self.mlp_bias, mlp);
                    b.linear(&p, "mlp.up_proj", [i, h], self.mlp_bias, mlp);
                    b.linear(&p, "mlp.down_proj", [h, i], self.mlp_bias, mlp);
                }
            }
        }
        let final_norm = if fam == Family::Phi {
            "model.final_layernorm"
        } else {
            "model.norm"
        };
        b.norm("", final_norm, h, fam.layer_norm());
        if !self.tie_word_embeddings {
            b.push("lm_head.weight".into(), vec![v, h], Component::LmHead);
            if fam == Family::Phi {
                b.push("lm_head.bias".into(), vec![v], Component::LmHead);
            }
        }
        b.0
    }

    /// Exact parameter count per component (the sum over [`tensors`](Self::tensors)).
    pub fn parameters(&self) -> ParamCount {
        let mut c = ParamCount::default();
        for t in self.tensors() {
            let n = t.numel();
            match t.component {
                Component::Embedding => c.embedding += n,
                Component::Attention => c.attention += n,
                Component::Mlp => c.mlp += n,
                Component::Norm => c.norm += n,
                Component::LmHead => c.lm_head += n,
            }
            c.total += n;
        }
        c
    }

    /// Elements of the matrices multiplied for every token in decode (all 2-D weights but
    /// the embedding lookup; the tied or untied output projection included).
    pub fn matmul_params_per_token(&self) -> u64 {
        let p = self.parameters();
        let lm_head = if self.tie_word_embeddings {
            p.embedding
        } else {
            p.lm_head
        };
        p.attention + p.mlp + lm_head
    }
}

struct Builder(Vec<TensorSpec>);

impl Builder {
    fn push(&mut self, name: String, shape: Vec<usize>, component: Component) {
        self.0.push(TensorSpec {
            name,
            shape,
            component,
        });
    }

    fn linear(&mut self, prefix: &str, name: &str, shape: [usize; 2], bias: bool, c: Component) {
        self.push(format!("{prefix}.{name}.weight"), shape.to_vec(), c);
        if bias {
            self.push(format!("{prefix}.{name}.bias"), vec![shape[0]], c);
        }
    }

    fn norm(&mut self, prefix: &str, name: &str, h: usize, with_bias: bool) {
        let full = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        self.push(format!("{full}.weight"), vec![h], Component::Norm);
        if with_bias {
            self.push(format!("{full}.bias"), vec![h], Component::Norm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qwen3b() -> ModelConfig {
        ModelConfig::from_hf_json(
            r#"{"model_type":"qwen2","hidden_size":2048,"num_hidden_layers":36,
            "num_attention_heads":16,"num_key_value_heads":2,"intermediate_size":11008,
            "vocab_size":151936,"tie_word_embeddings":true,"max_position_embeddings":32768,
            "rope_theta":1000000.0,"torch_dtype":"bfloat16"}"#,
        )
        .unwrap()
    }

    #[test]
    fn qwen_3b_hand_count() {
        let c = qwen3b();
        let p = c.parameters();
        // Per layer: q 2048·2048+2048, k and v 2048·256+256, o 2048·2048,
        // MLP 3·2048·11008, two RMSNorms 2·2048.
        let layer = (2048 * 2048 + 2048)
            + 2 * (2048 * 256 + 256)
            + 2048 * 2048
            + 3 * 2048 * 11008
            + 2 * 2048;
        assert_eq!(layer, 77_076_992);
        assert_eq!(p.embedding, 151_936 * 2048);
        assert_eq!(p.lm_head, 0);
        assert_eq!(p.total, 36 * layer + 151_936 * 2048 + 2048);
        assert_eq!(p.non_embedding(), 2_774_773_760);
        assert_eq!(c.kv_elements_per_token(), 2 * 36 * 2 * 128);
    }

    #[test]
    fn head_dim_field_wins() {
        let c = ModelConfig::from_hf_json(
            r#"{"model_type":"llama","hidden_size":1024,"num_hidden_layers":2,
            "num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,
            "intermediate_size":4096,"vocab_size":1000}"#,
        )
        .unwrap();
        assert_eq!(c.head_dim, 256);
        assert_eq!(c.q_dim(), 2048);
        let q = c
            .tensors()
            .into_iter()
            .find(|t| t.name == "model.layers.0.self_attn.q_proj.weight")
            .unwrap();
        assert_eq!(q.shape, vec![2048, 1024]);
        assert!(!c.tie_word_embeddings);
    }

    #[test]
    fn bad_configs_are_typed_errors() {
        assert!(matches!(
            ModelConfig::from_hf_json(r#"{"model_type":"gpt2"}"#),
            Err(OnDeviceError::Parse { .. })
        ));
        let base = r#""hidden_size":64,"num_hidden_layers":1,"num_attention_heads":6,
            "intermediate_size":128,"vocab_size":10"#;
        assert!(matches!(
            ModelConfig::from_hf_json(&format!(r#"{{"model_type":"bert",{base}}}"#)),
            Err(OnDeviceError::UnsupportedModel(_))
        ));
        // 64 is not divisible by 6 heads and there is no head_dim.
        assert!(matches!(
            ModelConfig::from_hf_json(&format!(r#"{{"model_type":"llama",{base}}}"#)),
            Err(OnDeviceError::InvalidModel(_))
        ));
    }
}
