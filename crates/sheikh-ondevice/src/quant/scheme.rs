//! Quantization schemes and their exact storage cost.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{OnDeviceError, Result};

/// Integer width of the quantized codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bits {
    /// 8-bit codes, one per byte.
    Int8,
    /// 4-bit codes, two per byte (even column in the low nibble).
    Int4,
}

impl Bits {
    /// Bits per code.
    pub fn bits(self) -> u32 {
        match self {
            Bits::Int8 => 8,
            Bits::Int4 => 4,
        }
    }
}

/// Storage type of the scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScaleDtype {
    /// fp16 scales (rounded *up* to the next fp16 value so no code overflows).
    F16,
    /// fp32 scales.
    F32,
}

impl ScaleDtype {
    /// Bytes per scale.
    pub fn bytes(self) -> u64 {
        match self {
            ScaleDtype::F16 => 2,
            ScaleDtype::F32 => 4,
        }
    }
}

/// How a 2-D weight `[out, in]` is quantized.
///
/// - **symmetric**: `q = round(w / s)` in `[-qmax, qmax]` (127 for INT8, 7 for INT4),
///   `s = max|w| / qmax` over the group, `ŵ = q · s`;
/// - **asymmetric**: `q = round(w / s) + z` in `[0, 2^bits − 1]`, `s = (max − min) / (2^bits − 1)`
///   over the group with the range widened to include 0, `z` an integer zero point stored as
///   one byte per group, `ŵ = (q − z) · s`.
///
/// In both, every element's error is at most `s / 2` (up to f32 rounding of `w / s`).
/// A group is `group_size` consecutive input columns of one output row; `None` means the
/// whole row (per output channel).
///
/// ```
/// use sheikh_ondevice::QuantScheme;
/// let s: QuantScheme = "int4-g128".parse().unwrap();
/// // [2048, 11008]: 4-bit codes + one fp16 scale per 128 weights.
/// let b = s.tensor_bytes(2048, 11008);
/// assert_eq!(b.data, 2048 * 5504);
/// assert_eq!(b.scales, 2048 * 86 * 2);
/// assert_eq!(s.to_string(), "int4-g128");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuantScheme {
    /// Code width. Default INT8.
    pub bits: Bits,
    /// Columns per scale; `None` (the default) = one scale per output row.
    pub group_size: Option<usize>,
    /// Symmetric (no zero point). Default true.
    pub symmetric: bool,
    /// Scale storage. Default fp16.
    pub scale_dtype: ScaleDtype,
}

impl Default for QuantScheme {
    fn default() -> Self {
        QuantScheme::int8()
    }
}

/// Bytes of one quantized tensor, by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QuantBytes {
    /// Codes.
    pub data: u64,
    /// Scales.
    pub scales: u64,
    /// Zero points (0 when symmetric).
    pub zeros: u64,
}

impl QuantBytes {
    /// Sum of the parts.
    pub fn total(&self) -> u64 {
        self.data + self.scales + self.zeros
    }
}

impl QuantScheme {
    /// Symmetric INT8, one fp16 scale per output channel.
    pub fn int8() -> Self {
        QuantScheme {
            bits: Bits::Int8,
            group_size: None,
            symmetric: true,
            scale_dtype: ScaleDtype::F16,
        }
    }

    /// Symmetric INT4 with one fp16 scale per `group_size` columns.
    pub fn int4(group_size: usize) -> Self {
        QuantScheme {
            bits: Bits::Int4,
            group_size: Some(group_size),
            symmetric: true,
            scale_dtype: ScaleDtype::F16,
        }
    }

    /// The same scheme with zero points (asymmetric).
    pub fn asymmetric(mut self) -> Self {
        self.symmetric = false;
        self
    }

    /// The same scheme with another scale type.
    pub fn with_scale_dtype(mut self, d: ScaleDtype) -> Self {
        self.scale_dtype = d;
        self
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if self.group_size == Some(0) {
            return Err(OnDeviceError::Invalid(
                "group_size must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// Columns per group for a row of `cols` (at least 1).
    pub fn group_len(&self, cols: usize) -> usize {
        self.group_size.unwrap_or(cols).max(1)
    }

    /// Groups (scales) per row.
    pub fn groups_per_row(&self, cols: usize) -> usize {
        cols.div_ceil(self.group_len(cols))
    }

    /// Bytes of codes per row (INT4 rows are padded to a whole byte).
    pub fn row_bytes(&self, cols: usize) -> usize {
        match self.bits {
            Bits::Int8 => cols,
            Bits::Int4 => cols.div_ceil(2),
        }
    }

    /// Largest code magnitude (symmetric) or largest code (asymmetric).
    pub fn qmax(&self) -> f32 {
        match (self.bits, self.symmetric) {
            (Bits::Int8, true) => 127.0,
            (Bits::Int4, true) => 7.0,
            (Bits::Int8, false) => 255.0,
            (Bits::Int4, false) => 15.0,
        }
    }

    /// Exact stored bytes of a `[rows, cols]` tensor.
    pub fn tensor_bytes(&self, rows: usize, cols: usize) -> QuantBytes {
        let groups = (rows * self.groups_per_row(cols)) as u64;
        QuantBytes {
            data: (rows * self.row_bytes(cols)) as u64,
            scales: groups * self.scale_dtype.bytes(),
            zeros: if self.symmetric { 0 } else { groups },
        }
    }

    /// Average bits per weight for rows of `cols` columns (codes + scales + zeros).
    pub fn bits_per_weight(&self, cols: usize) -> f64 {
        self.tensor_bytes(1, cols).total() as f64 * 8.0 / cols as f64
    }
}

impl fmt::Display for QuantScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.bits {
            Bits::Int8 => "int8",
            Bits::Int4 => "int4",
        })?;
        if let Some(g) = self.group_size {
            write!(f, "-g{g}")?;
        }
        if !self.symmetric {
            f.write_str("-asym")?;
        }
        if self.scale_dtype == ScaleDtype::F32 {
            f.write_str("-f32scale")?;
        }
        Ok(())
    }
}

impl FromStr for QuantScheme {
    type Err = OnDeviceError;

    /// Parses labels such as `int8`, `int8-g128`, `int4-g64-asym`, `int4-g128-f32scale`
    /// (INT4 without a group means `g128`).
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            OnDeviceError::Invalid(format!(
                "quantization scheme {s:?}: expected int8|int4[-gN][-asym][-f32scale]"
            ))
        };
        let mut parts = s.split('-');
        let mut scheme = match parts.next() {
            Some("int8") => QuantScheme::int8(),
            Some("int4") => QuantScheme::int4(128),
            _ => return Err(bad()),
        };
        for p in parts {
            match p {
                "asym" => scheme.symmetric = false,
                "sym" => scheme.symmetric = true,
                "pc" => scheme.group_size = None,
                "f32scale" => scheme.scale_dtype = ScaleDtype::F32,
                "f16scale" => scheme.scale_dtype = ScaleDtype::F16,
                g if g.starts_with('g') => {
                    scheme.group_size = Some(g[1..].parse().map_err(|_| bad())?);
                }
                _ => return Err(bad()),
            }
        }
        scheme.validate()?;
        Ok(scheme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for l in [
            "int8",
            "int8-g64",
            "int4-g32",
            "int4-g128-asym",
            "int8-asym-f32scale",
        ] {
            let s: QuantScheme = l.parse().unwrap();
            assert_eq!(s.to_string(), l);
        }
        assert!("int3".parse::<QuantScheme>().is_err());
        assert!("int4-g0".parse::<QuantScheme>().is_err());
    }

    #[test]
    fn bytes_by_hand() {
        // INT8 per channel on [4096, 2048]: 1 byte per weight + one fp16 per row.
        let b = QuantScheme::int8().tensor_bytes(4096, 2048);
        assert_eq!((b.data, b.scales, b.zeros), (4096 * 2048, 4096 * 2, 0));
        // INT4 g128 asymmetric on [10, 300]: 150 bytes per row, 3 groups per row.
        let b = QuantScheme::int4(128).asymmetric().tensor_bytes(10, 300);
        assert_eq!((b.data, b.scales, b.zeros), (1500, 60, 30));
        // 4 + 16/128 bits per weight for int4-g128 with fp16 scales.
        assert!((QuantScheme::int4(128).bits_per_weight(1280) - 4.125).abs() < 1e-9);
    }
}
