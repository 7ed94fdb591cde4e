//! Row kernels: scales, encoding, decoding and error statistics, parallel over rows.

use half::f16;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::scheme::{Bits, QuantScheme, ScaleDtype};
use crate::dtype::FloatDtype;
use crate::error::{OnDeviceError, Result};

/// The rows of a 2-D float tensor: `f32` values or raw little-endian bytes of a float
/// dtype (as mapped from a safetensors file).
#[derive(Debug, Clone, Copy)]
pub enum TensorData<'a> {
    /// Row-major f32 values.
    F32(&'a [f32]),
    /// Row-major little-endian bytes of `dtype`.
    Bytes {
        /// The bytes.
        bytes: &'a [u8],
        /// Their type.
        dtype: FloatDtype,
    },
}

impl TensorData<'_> {
    fn len(&self) -> usize {
        match self {
            TensorData::F32(v) => v.len(),
            TensorData::Bytes { bytes, dtype } => bytes.len() / dtype.bytes() as usize,
        }
    }

    /// Row `r` of `cols` values into `out`.
    fn row(&self, r: usize, cols: usize, out: &mut [f32]) {
        match self {
            TensorData::F32(v) => out.copy_from_slice(&v[r * cols..(r + 1) * cols]),
            TensorData::Bytes { bytes, dtype } => {
                let b = dtype.bytes() as usize;
                dtype.decode(&bytes[r * cols * b..(r + 1) * cols * b], out)
            }
        }
    }
}

/// Reconstruction error of one tensor.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorStats {
    /// Elements compared.
    pub n: u64,
    /// Mean squared error.
    pub mse: f64,
    /// Largest absolute error.
    pub max_abs_err: f64,
    /// Signal-to-noise ratio `10·log10(Σw² / Σ(w − ŵ)²)` in dB (infinite when exact).
    pub snr_db: f64,
    /// Root mean square of the original values.
    pub rms: f64,
}

/// Sums from which [`ErrorStats`] are made; combined in row order so results do not
/// depend on the thread count.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ErrorSums {
    pub n: u64,
    pub sum_sq_err: f64,
    pub sum_sq: f64,
    pub max_abs_err: f64,
}

impl ErrorSums {
    pub fn add(&mut self, x: f32, y: f32) {
        let e = (x as f64) - (y as f64);
        self.n += 1;
        self.sum_sq_err += e * e;
        self.sum_sq += (x as f64) * (x as f64);
        self.max_abs_err = self.max_abs_err.max(e.abs());
    }

    /// Adds equally long slices in a fixed order of four interleaved lanes (vectorisable,
    /// same result whatever the thread count).
    #[inline(always)]
    pub fn accumulate(&mut self, x: &[f32], y: &[f32]) {
        let (mut a, mut b, mut m) = ([0f64; 4], [0f64; 4], [0f64; 4]);
        let mut xc = x.chunks_exact(4);
        let mut yc = y.chunks_exact(4);
        for (xs, ys) in (&mut xc).zip(&mut yc) {
            for l in 0..4 {
                let (xv, yv) = (xs[l] as f64, ys[l] as f64);
                let e = xv - yv;
                a[l] += e * e;
                b[l] += xv * xv;
                let ae = e.abs();
                m[l] = if ae > m[l] { ae } else { m[l] };
            }
        }
        self.n += (x.len() - xc.remainder().len()) as u64;
        self.sum_sq_err += (a[0] + a[1]) + (a[2] + a[3]);
        self.sum_sq += (b[0] + b[1]) + (b[2] + b[3]);
        self.max_abs_err = self.max_abs_err.max(m[0].max(m[1]).max(m[2].max(m[3])));
        for (&xv, &yv) in xc.remainder().iter().zip(yc.remainder()) {
            self.add(xv, yv);
        }
    }

    pub fn merge(&mut self, o: &ErrorSums) {
        self.n += o.n;
        self.sum_sq_err += o.sum_sq_err;
        self.sum_sq += o.sum_sq;
        self.max_abs_err = self.max_abs_err.max(o.max_abs_err);
    }

    pub fn stats(&self) -> ErrorStats {
        let n = self.n.max(1) as f64;
        ErrorStats {
            n: self.n,
            mse: self.sum_sq_err / n,
            max_abs_err: self.max_abs_err,
            snr_db: if self.sum_sq_err == 0.0 {
                f64::INFINITY
            } else {
                10.0 * (self.sum_sq / self.sum_sq_err).log10()
            },
            rms: (self.sum_sq / n).sqrt(),
        }
    }
}

/// Compares two equally long slices.
pub fn error_stats(original: &[f32], reconstructed: &[f32]) -> ErrorStats {
    let mut s = ErrorSums::default();
    for (&x, &y) in original.iter().zip(reconstructed) {
        s.add(x, y);
    }
    s.stats()
}

/// A quantized 2-D tensor in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantizedTensor {
    /// Output rows.
    pub rows: usize,
    /// Input columns (of the original tensor).
    pub cols: usize,
    /// The scheme.
    pub scheme: QuantScheme,
    /// Codes, `rows × scheme.row_bytes(cols)` bytes: `i8` (symmetric INT8), `u8`
    /// (asymmetric INT8) or packed nibbles (INT4: `q + 8` when symmetric, `q` when
    /// asymmetric; column `2j` in the low nibble of byte `j`).
    pub data: Vec<u8>,
    /// Scales as stored (exact fp16 values when the scale dtype is fp16), `rows × groups`.
    pub scales: Vec<f32>,
    /// Zero points, `rows × groups` (empty when symmetric).
    pub zeros: Vec<u8>,
}

/// Rounds a positive scale up to a value of the scale dtype (so `|w / s| ≤ qmax` still
/// holds); `None` when out of range.
fn store_scale(s: f32, d: ScaleDtype) -> Option<f32> {
    match d {
        ScaleDtype::F32 => Some(s),
        ScaleDtype::F16 => {
            if s == 0.0 {
                return Some(0.0);
            }
            let mut h = f16::from_f32(s);
            if h.to_f32() < s {
                h = f16::from_bits(h.to_bits() + 1);
            }
            h.is_finite().then(|| h.to_f32())
        }
    }
}

/// Minimum (≤ 0), maximum (≥ 0) and whether all values are finite, in eight fixed
/// lanes so the loop vectorises (the result does not depend on the lane split).
#[inline(always)]
fn min_max(x: &[f32]) -> (f32, f32, bool) {
    let (mut lo, mut hi, mut bad) = ([0f32; 8], [0f32; 8], [0f32; 8]);
    let mut it = x.chunks_exact(8);
    for c in &mut it {
        for l in 0..8 {
            let v = c[l];
            lo[l] = if v < lo[l] { v } else { lo[l] };
            hi[l] = if v > hi[l] { v } else { hi[l] };
            // v · 0 is NaN exactly when v is NaN or infinite.
            bad[l] += v * 0.0;
        }
    }
    let (mut l, mut h, mut b) = (0f32, 0f32, 0f32);
    for k in 0..8 {
        l = if lo[k] < l { lo[k] } else { l };
        h = if hi[k] > h { hi[k] } else { h };
        b += bad[k];
    }
    for &v in it.remainder() {
        l = if v < l { v } else { l };
        h = if v > h { v } else { h };
        b += v * 0.0;
    }
    (l, h, !b.is_nan())
}

/// Runs `$body` (an expression using only its arguments) through an AVX2-compiled copy
/// when the CPU has it: same IEEE operations, so the same results, just wider vectors.
macro_rules! dispatch {
    ($avx:ident, $plain:ident, fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn $avx($($arg: $ty),*) $(-> $ret)? {
            $plain($($arg),*)
        }

        pub(crate) fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { $avx($($arg),*) };
            }
            $plain($($arg),*)
        }
    };
}

dispatch!(row_scales_avx2, row_scales_plain, fn row_scales(x: &[f32], scheme: &QuantScheme, scales: &mut [f32], zeros: &mut [u8], name: &str, r: usize) -> Result<()>);
dispatch!(encode_row_avx2, encode_row_plain, fn encode_row(sc: &mut Scratch, scheme: &QuantScheme, scales: &[f32], zeros: &[u8], out: &mut [u8], sums: &mut ErrorSums));
dispatch!(decode_row_avx2, decode_row_plain, fn decode_row(data: &[u8], scheme: &QuantScheme, scales: &[f32], zeros: &[u8], out: &mut [f32]));

/// Scales (and zero points) of one row. Errors carry the row index `r`.
#[inline(always)]
fn row_scales_plain(
    x: &[f32],
    scheme: &QuantScheme,
    scales: &mut [f32],
    zeros: &mut [u8],
    name: &str,
    r: usize,
) -> Result<()> {
    let g = scheme.group_len(x.len());
    let qmax = scheme.qmax();
    for (gi, group) in x.chunks(g).enumerate() {
        let (lo, hi, finite) = min_max(group);
        if !finite {
            return Err(OnDeviceError::NonFinite {
                tensor: name.to_string(),
                row: r,
            });
        }
        let raw = if scheme.symmetric {
            hi.max(-lo) / qmax
        } else {
            (hi - lo) / qmax
        };
        let s =
            store_scale(raw, scheme.scale_dtype).ok_or_else(|| OnDeviceError::ScaleOverflow {
                tensor: name.to_string(),
                row: r,
                scale: raw,
            })?;
        scales[gi] = s;
        if !scheme.symmetric {
            zeros[gi] = if s > 0.0 {
                (-lo / s).round_ties_even().clamp(0.0, qmax) as u8
            } else {
                0
            };
        }
    }
    Ok(())
}

/// `(v + MAGIC) - MAGIC` rounds `v` to the nearest integer, ties to even, for
/// `|v| < 2^22` in the default rounding mode: a vectorisable `round_ties_even`.
const MAGIC: f32 = 12_582_912.0; // 1.5 · 2^23

/// Per-row scratch of the encoder.
#[derive(Default)]
pub(crate) struct Scratch {
    x: Vec<f32>,
    y: Vec<f32>,
    codes: Vec<u8>,
}

impl Scratch {
    fn new(cols: usize) -> Self {
        Scratch {
            x: vec![0.0; cols],
            y: vec![0.0; cols],
            codes: vec![0; cols],
        }
    }
}

/// Encodes the row held in `sc.x` with its scales into `out` (`row_bytes` bytes),
/// accumulating the reconstruction error.
#[inline(always)]
fn encode_row_plain(
    sc: &mut Scratch,
    scheme: &QuantScheme,
    scales: &[f32],
    zeros: &[u8],
    out: &mut [u8],
    sums: &mut ErrorSums,
) {
    let cols = sc.x.len();
    let g = scheme.group_len(cols);
    let qmax = scheme.qmax();
    let sym = scheme.symmetric;
    // Code stored = q + bias (symmetric INT4 is offset by 8; INT8 keeps two's complement).
    let bias = if sym && scheme.bits == Bits::Int4 {
        8.0
    } else {
        0.0
    };
    let (lo, hi) = if sym { (-qmax, qmax) } else { (0.0, qmax) };
    let codes = if scheme.bits == Bits::Int8 {
        &mut out[..]
    } else {
        &mut sc.codes[..]
    };
    for (gi, ((xg, yg), cg)) in
        sc.x.chunks(g)
            .zip(sc.y.chunks_mut(g))
            .zip(codes.chunks_mut(g))
            .enumerate()
    {
        let s = scales[gi];
        let inv = if s > 0.0 { 1.0 / s } else { 0.0 };
        let z = if sym { 0.0 } else { zeros[gi] as f32 };
        for ((&v, y), c) in xg.iter().zip(yg.iter_mut()).zip(cg.iter_mut()) {
            let r = ((v * inv) + MAGIC) - MAGIC;
            let q = (r + z).max(lo).min(hi);
            *y = (q - z) * s;
            // q + bias is an integer in [-127, 255]: its low byte sits in the low
            // mantissa bits of q + bias + MAGIC (two's complement for negatives).
            *c = (q + bias + MAGIC).to_bits() as u8;
        }
    }
    if scheme.bits == Bits::Int4 {
        let (pairs, tail) = sc.codes.split_at(cols & !1);
        for (o, p) in out.iter_mut().zip(pairs.chunks_exact(2)) {
            *o = p[0] | (p[1] << 4);
        }
        if let Some(&t) = tail.first() {
            out[cols / 2] = t;
        }
    }
    sums.accumulate(&sc.x, &sc.y);
}

/// Decodes one row into `out` (`cols` values).
#[inline(always)]
fn decode_row_plain(
    data: &[u8],
    scheme: &QuantScheme,
    scales: &[f32],
    zeros: &[u8],
    out: &mut [f32],
) {
    let cols = out.len();
    let g = scheme.group_len(cols);
    let sym = scheme.symmetric;
    for (gi, og) in out.chunks_mut(g).enumerate() {
        let s = scales[gi];
        let z = if sym { 0.0 } else { zeros[gi] as f32 };
        let base = gi * g;
        match scheme.bits {
            Bits::Int8 => {
                let d = &data[base..base + og.len()];
                if sym {
                    og.iter_mut()
                        .zip(d)
                        .for_each(|(o, &b)| *o = (b as i8 as f32) * s);
                } else {
                    og.iter_mut()
                        .zip(d)
                        .for_each(|(o, &b)| *o = (b as f32 - z) * s);
                }
            }
            Bits::Int4 => {
                let off = if sym { 8.0 } else { z };
                for (k, o) in og.iter_mut().enumerate() {
                    let j = base + k;
                    let code = (data[j / 2] >> ((j & 1) * 4)) & 0xF;
                    *o = (code as f32 - off) * s;
                }
            }
        }
    }
}

/// Scales and zero points of a whole tensor (the first pass of the file quantizer),
/// parallel over rows.
pub(crate) fn tensor_scales(
    name: &str,
    input: TensorData<'_>,
    rows: usize,
    cols: usize,
    scheme: &QuantScheme,
) -> Result<(Vec<f32>, Vec<u8>)> {
    let groups = scheme.groups_per_row(cols);
    let mut scales = vec![0f32; rows * groups];
    let mut zeros = vec![0u8; rows * groups];
    if rows * cols > 0 {
        scales
            .par_chunks_mut(groups)
            .zip(zeros.par_chunks_mut(groups))
            .enumerate()
            .try_for_each_init(
                || vec![0f32; cols],
                |buf, (r, (s, z))| {
                    input.row(r, cols, buf);
                    row_scales(buf, scheme, s, z, name, r)
                },
            )?;
    }
    if scheme.symmetric {
        zeros = Vec::new();
    }
    Ok((scales, zeros))
}

/// Encodes a whole tensor with known scales (the second pass), parallel over rows.
pub(crate) fn tensor_encode(
    input: TensorData<'_>,
    rows: usize,
    cols: usize,
    scheme: &QuantScheme,
    scales: &[f32],
    zeros: &[u8],
) -> (Vec<u8>, ErrorStats) {
    let groups = scheme.groups_per_row(cols);
    let rb = scheme.row_bytes(cols);
    let mut data = vec![0u8; rows * rb];
    if rows * cols == 0 {
        return (data, ErrorSums::default().stats());
    }
    let row_sums: Vec<ErrorSums> = data
        .par_chunks_mut(rb)
        .enumerate()
        .map_init(
            || Scratch::new(cols),
            |sc, (r, out)| {
                input.row(r, cols, &mut sc.x);
                let z = if scheme.symmetric {
                    &[][..]
                } else {
                    &zeros[r * groups..(r + 1) * groups]
                };
                let mut sums = ErrorSums::default();
                encode_row(
                    sc,
                    scheme,
                    &scales[r * groups..(r + 1) * groups],
                    z,
                    out,
                    &mut sums,
                );
                sums
            },
        )
        .collect();
    let mut total = ErrorSums::default();
    row_sums.iter().for_each(|s| total.merge(s));
    (data, total.stats())
}

/// Quantizes a `[rows, cols]` tensor, parallel over rows; returns the tensor and its
/// reconstruction error.
///
/// ```
/// use sheikh_ondevice::{quantize_tensor, QuantScheme, TensorData};
/// let w: Vec<f32> = (0..256).map(|i| (i as f32 * 0.37).sin()).collect();
/// let (q, err) = quantize_tensor("w", TensorData::F32(&w), 2, 128, &QuantScheme::int4(32)).unwrap();
/// assert_eq!(q.data.len(), 2 * 64);
/// assert_eq!(q.scales.len(), 2 * 4);
/// assert!(err.max_abs_err <= 1.0 / 7.0 / 2.0 * 1.001);
/// let back = q.dequantize();
/// assert_eq!(back.len(), 256);
/// ```
pub fn quantize_tensor(
    name: &str,
    input: TensorData<'_>,
    rows: usize,
    cols: usize,
    scheme: &QuantScheme,
) -> Result<(QuantizedTensor, ErrorStats)> {
    scheme.validate()?;
    if input.len() != rows * cols {
        return Err(OnDeviceError::Invalid(format!(
            "tensor {name}: {} values for shape [{rows}, {cols}]",
            input.len()
        )));
    }
    let (scales, zeros) = tensor_scales(name, input, rows, cols, scheme)?;
    let (data, stats) = tensor_encode(input, rows, cols, scheme, &scales, &zeros);
    Ok((
        QuantizedTensor {
            rows,
            cols,
            scheme: *scheme,
            data,
            scales,
            zeros,
        },
        stats,
    ))
}

impl QuantizedTensor {
    /// The values the codes stand for, row-major, parallel over rows.
    pub fn dequantize(&self) -> Vec<f32> {
        let mut out = vec![0f32; self.rows * self.cols];
        if out.is_empty() {
            return out;
        }
        let groups = self.scheme.groups_per_row(self.cols);
        let rb = self.scheme.row_bytes(self.cols);
        out.par_chunks_mut(self.cols)
            .enumerate()
            .for_each(|(r, row)| {
                let z = if self.scheme.symmetric {
                    &[][..]
                } else {
                    &self.zeros[r * groups..(r + 1) * groups]
                };
                decode_row(
                    &self.data[r * rb..(r + 1) * rb],
                    &self.scheme,
                    &self.scales[r * groups..(r + 1) * groups],
                    z,
                    row,
                )
            });
        out
    }

    /// Scale of the group holding element `(r, c)`.
    pub fn scale_at(&self, r: usize, c: usize) -> f32 {
        let groups = self.scheme.groups_per_row(self.cols);
        self.scales[r * groups + c / self.scheme.group_len(self.cols)]
    }

    /// Stored bytes.
    pub fn bytes(&self) -> super::scheme::QuantBytes {
        self.scheme.tensor_bytes(self.rows, self.cols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_exact_on_grid_values() {
        // Values on the grid k · (1/127) reconstruct within f16-rounded scale error.
        let w: Vec<f32> = (-127..=127).map(|k| k as f32 / 127.0).collect();
        let (q, e) =
            quantize_tensor("w", TensorData::F32(&w), 1, w.len(), &QuantScheme::int8()).unwrap();
        assert!(e.max_abs_err <= q.scales[0] as f64 / 2.0);
        assert_eq!(q.data[0] as i8, -127);
        assert_eq!(q.data[254] as i8, 127);
    }

    #[test]
    fn int4_packing_layout() {
        // Row [-7s, 7s, 0, ...]: symmetric codes -7+8=1 and 7+8=15 share byte 0.
        let w = [-7.0f32, 7.0, 0.0, 0.0];
        let s = QuantScheme::int4(4).with_scale_dtype(ScaleDtype::F32);
        let (q, e) = quantize_tensor("w", TensorData::F32(&w), 1, 4, &s).unwrap();
        assert_eq!(q.scales, vec![1.0]);
        assert_eq!(q.data, vec![0xF1, 0x88]);
        assert_eq!(e.max_abs_err, 0.0);
        assert_eq!(q.dequantize(), w.to_vec());
    }

    #[test]
    fn asymmetric_uses_zero_point() {
        let w = [0.0f32, 1.0, 2.0, 15.0];
        let s = QuantScheme::int4(4)
            .asymmetric()
            .with_scale_dtype(ScaleDtype::F32);
        let (q, e) = quantize_tensor("w", TensorData::F32(&w), 1, 4, &s).unwrap();
        assert_eq!(q.zeros, vec![0]);
        assert_eq!(q.scales, vec![1.0]);
        assert_eq!(e.max_abs_err, 0.0);
    }

    #[test]
    fn zero_rows_and_nonfinite() {
        let w = [0.0f32; 8];
        let (q, e) = quantize_tensor("w", TensorData::F32(&w), 2, 4, &QuantScheme::int8()).unwrap();
        assert_eq!(q.dequantize(), w.to_vec());
        assert_eq!(e.snr_db, f64::INFINITY);
        let w = [0.0f32, f32::NAN, 1.0, 2.0];
        assert!(matches!(
            quantize_tensor("w", TensorData::F32(&w), 2, 2, &QuantScheme::int8()),
            Err(OnDeviceError::NonFinite { row: 0, .. })
        ));
        // Infinity in the vectorised part of a long row.
        let mut w = vec![0.5f32; 3 * 100];
        w[150] = f32::INFINITY;
        assert!(matches!(
            quantize_tensor("w", TensorData::F32(&w), 3, 100, &QuantScheme::int4(32)),
            Err(OnDeviceError::NonFinite { row: 1, .. })
        ));
        let w = [1e8f32, 1.0];
        assert!(matches!(
            quantize_tensor("w", TensorData::F32(&w), 1, 2, &QuantScheme::int8()),
            Err(OnDeviceError::ScaleOverflow { .. })
        ));
        assert!(quantize_tensor("w", TensorData::F32(&w), 3, 2, &QuantScheme::int8()).is_err());
    }

    #[test]
    fn vector_and_plain_paths_agree() {
        // The AVX2 copy (when the CPU has it) must give the same bits as the plain one.
        let cols = 1000;
        let x: Vec<f32> = (0..cols)
            .map(|i| ((i * 7919 % 1000) as f32 - 500.0) * 0.013)
            .collect();
        for scheme in [
            QuantScheme::int8(),
            QuantScheme::int4(32).asymmetric(),
            QuantScheme::int4(128),
        ] {
            let g = scheme.groups_per_row(cols);
            let (mut s1, mut z1, mut s2, mut z2) =
                (vec![0.0; g], vec![0; g], vec![0.0; g], vec![0; g]);
            row_scales(&x, &scheme, &mut s1, &mut z1, "w", 0).unwrap();
            row_scales_plain(&x, &scheme, &mut s2, &mut z2, "w", 0).unwrap();
            assert_eq!((&s1, &z1), (&s2, &z2));
            let rb = scheme.row_bytes(cols);
            let (mut o1, mut o2) = (vec![0u8; rb], vec![0u8; rb]);
            let (mut e1, mut e2) = (ErrorSums::default(), ErrorSums::default());
            let mut sc = Scratch::new(cols);
            sc.x.copy_from_slice(&x);
            encode_row(&mut sc, &scheme, &s1, &z1, &mut o1, &mut e1);
            encode_row_plain(&mut sc, &scheme, &s1, &z1, &mut o2, &mut e2);
            assert_eq!(o1, o2);
            assert_eq!(e1.sum_sq_err.to_bits(), e2.sum_sq_err.to_bits());
            let (mut d1, mut d2) = (vec![0f32; cols], vec![0f32; cols]);
            decode_row(&o1, &scheme, &s1, &z1, &mut d1);
            decode_row_plain(&o1, &scheme, &s1, &z1, &mut d2);
            assert_eq!(d1, d2);
        }
    }

    #[test]
    fn fp16_scale_rounds_up() {
        // max/127 not representable in fp16: the stored scale is >= the exact one.
        let w = [0.123_456_7f32, -0.05];
        let (q, _) = quantize_tensor("w", TensorData::F32(&w), 1, 2, &QuantScheme::int8()).unwrap();
        assert!(q.scales[0] >= 0.123_456_7 / 127.0);
        assert_eq!(q.data[0] as i8, 127);
    }
}
