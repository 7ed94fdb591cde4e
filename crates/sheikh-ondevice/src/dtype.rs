//! Floating-point storage types of weights and caches.

use std::fmt;
use std::str::FromStr;

use half::{bf16, f16};
use serde::{Deserialize, Serialize};

/// A floating-point storage type: of unquantized weights, of the KV cache, of inputs to
/// the quantizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FloatDtype {
    /// IEEE binary32.
    F32,
    /// IEEE binary16.
    F16,
    /// bfloat16.
    Bf16,
}

impl FloatDtype {
    /// Bytes per element.
    pub fn bytes(self) -> u64 {
        match self {
            FloatDtype::F32 => 4,
            FloatDtype::F16 | FloatDtype::Bf16 => 2,
        }
    }

    /// The safetensors dtype, and back.
    pub fn to_safetensors(self) -> safetensors::Dtype {
        match self {
            FloatDtype::F32 => safetensors::Dtype::F32,
            FloatDtype::F16 => safetensors::Dtype::F16,
            FloatDtype::Bf16 => safetensors::Dtype::BF16,
        }
    }

    /// The float type of a safetensors dtype, `None` for the others.
    pub fn from_safetensors(d: safetensors::Dtype) -> Option<Self> {
        match d {
            safetensors::Dtype::F32 => Some(FloatDtype::F32),
            safetensors::Dtype::F16 => Some(FloatDtype::F16),
            safetensors::Dtype::BF16 => Some(FloatDtype::Bf16),
            _ => None,
        }
    }

    /// Decodes little-endian bytes into `out` (`bytes.len() == out.len() · self.bytes()`).
    pub fn decode(self, bytes: &[u8], out: &mut [f32]) {
        match self {
            FloatDtype::F32 => {
                for (o, c) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                    *o = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                }
            }
            FloatDtype::F16 => {
                // Slice conversion uses F16C (x86) / FP16 (aarch64) vector instructions
                // when available; bytes may be unaligned, so go through a small buffer.
                use half::slice::HalfFloatSliceExt;
                let mut tmp = [f16::ZERO; 64];
                for (o, c) in out.chunks_mut(64).zip(bytes.chunks(128)) {
                    let t = &mut tmp[..o.len()];
                    for (h, b) in t.iter_mut().zip(c.chunks_exact(2)) {
                        *h = f16::from_bits(u16::from_le_bytes([b[0], b[1]]));
                    }
                    t.convert_to_f32_slice(o);
                }
            }
            FloatDtype::Bf16 => {
                for (o, c) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                    *o = f32::from_bits((u16::from_le_bytes([c[0], c[1]]) as u32) << 16);
                }
            }
        }
    }

    /// Encodes values as little-endian bytes (round to nearest even), appended to `out`.
    pub fn encode(self, values: &[f32], out: &mut Vec<u8>) {
        out.reserve(values.len() * self.bytes() as usize);
        match self {
            FloatDtype::F32 => values
                .iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
            FloatDtype::F16 => values
                .iter()
                .for_each(|v| out.extend_from_slice(&f16::from_f32(*v).to_le_bytes())),
            FloatDtype::Bf16 => values
                .iter()
                .for_each(|v| out.extend_from_slice(&bf16::from_f32(*v).to_le_bytes())),
        }
    }
}

impl fmt::Display for FloatDtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FloatDtype::F32 => "fp32",
            FloatDtype::F16 => "fp16",
            FloatDtype::Bf16 => "bf16",
        })
    }
}

impl FromStr for FloatDtype {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "f32" | "fp32" | "float32" => Ok(FloatDtype::F32),
            "f16" | "fp16" | "float16" => Ok(FloatDtype::F16),
            "bf16" | "bfloat16" => Ok(FloatDtype::Bf16),
            other => Err(format!("unknown float dtype {other:?} (fp32, fp16, bf16)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let v = [0.0f32, 1.5, -2.25, 1024.0];
        for d in [FloatDtype::F32, FloatDtype::F16, FloatDtype::Bf16] {
            let mut bytes = Vec::new();
            d.encode(&v, &mut bytes);
            assert_eq!(bytes.len(), v.len() * d.bytes() as usize);
            let mut back = [0f32; 4];
            d.decode(&bytes, &mut back);
            assert_eq!(back, v, "{d}");
        }
        // Longer than one 64-element block, odd length: same as element-wise.
        let v: Vec<f32> = (0..203).map(|i| (i as f32 - 100.0) * 0.37).collect();
        let mut bytes = Vec::new();
        FloatDtype::F16.encode(&v, &mut bytes);
        let mut back = vec![0f32; v.len()];
        FloatDtype::F16.decode(&bytes, &mut back);
        let expect: Vec<f32> = v.iter().map(|x| f16::from_f32(*x).to_f32()).collect();
        assert_eq!(back, expect);
    }
}
