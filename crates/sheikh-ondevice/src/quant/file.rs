//! Safetensors in, safetensors out: streaming quantization and dequantization of whole
//! checkpoint files, with the scheme recorded in the file's `__metadata__`.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use memmap2::Mmap;
use rayon::prelude::*;
use safetensors::tensor::{Metadata, TensorInfo};
use safetensors::{Dtype, SafeTensorError, SafeTensors};
use serde::{Deserialize, Serialize};
use sheikh_core::io::AtomicFile;

use super::kernel::{
    tensor_encode, tensor_scales, ErrorStats, ErrorSums, QuantizedTensor, TensorData,
};
use super::scheme::{QuantScheme, ScaleDtype};
use crate::dtype::FloatDtype;
use crate::error::{OnDeviceError, Result};

/// The `__metadata__` key holding the quantization description (a JSON string).
pub const METADATA_KEY: &str = "sheikh.quantization";
/// The format tag written under [`METADATA_KEY`].
pub const FORMAT: &str = "sheikh-ondevice/quant-v1";
/// Suffix of a quantized tensor's scales (`NAME.scale`, `[rows, groups]`).
pub const SCALE_SUFFIX: &str = ".scale";
/// Suffix of a quantized tensor's zero points (`NAME.zero_point`, `[rows, groups]`, U8).
pub const ZERO_SUFFIX: &str = ".zero_point";

/// What to quantize in a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuantizeConfig {
    /// The scheme for every quantized tensor. Default: symmetric INT8 per output channel
    /// with fp16 scales.
    pub scheme: QuantScheme,
    /// Keep the token embedding table (`*embed_tokens*`, `*wte*`) in its original dtype.
    /// Default false (it is quantized like any 2-D weight, one scale per token row).
    pub keep_embeddings: bool,
    /// Keep `lm_head.*` in its original dtype. Default false.
    pub keep_lm_head: bool,
    /// Further name substrings whose tensors are kept as they are. Default empty.
    pub skip: Vec<String>,
    /// Bytes of codes produced together (tensors of a batch in parallel, each parallel
    /// over rows) before they are written; bounds memory. Default 256 MiB.
    pub batch_bytes: usize,
}

impl Default for QuantizeConfig {
    fn default() -> Self {
        QuantizeConfig {
            scheme: QuantScheme::int8(),
            keep_embeddings: false,
            keep_lm_head: false,
            skip: Vec::new(),
            batch_bytes: 256 << 20,
        }
    }
}

impl QuantizeConfig {
    /// Whether a tensor is kept unquantized by name.
    pub fn keeps(&self, name: &str) -> bool {
        (self.keep_embeddings && (name.contains("embed_tokens") || name.contains("wte")))
            || (self.keep_lm_head && name.starts_with("lm_head"))
            || self.skip.iter().any(|s| name.contains(s.as_str()))
    }
}

/// What happened to one tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TensorAction {
    /// Quantized (2-D float tensor).
    Quantized,
    /// Copied unchanged (1-D, not float, or kept by the configuration).
    Kept,
}

/// One tensor's line of a [`QuantizeReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorReport {
    /// Tensor name.
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// Input dtype (safetensors spelling).
    pub dtype: String,
    /// What was done.
    pub action: TensorAction,
    /// Input bytes.
    pub bytes_in: u64,
    /// Output bytes (codes + scales + zero points when quantized).
    pub bytes_out: u64,
    /// Reconstruction error (quantized tensors only).
    pub error: Option<ErrorStats>,
}

/// Result of [`quantize_file`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantizeReport {
    /// The scheme.
    pub scheme: QuantScheme,
    /// Per tensor, in name order.
    pub tensors: Vec<TensorReport>,
    /// Bytes of the input file.
    pub file_bytes_in: u64,
    /// Bytes of the output file.
    pub file_bytes_out: u64,
    /// Input bytes of the quantized tensors.
    pub quantized_bytes_in: u64,
    /// Wall-clock seconds of the whole call (read, two passes, write, sync).
    pub seconds: f64,
    /// Wall-clock seconds of the two compute passes alone (scales; codes and errors),
    /// without writing and syncing the output.
    pub compute_seconds: f64,
    /// Threads in the rayon pool.
    pub threads: usize,
}

impl QuantizeReport {
    /// Quantized input bytes per second, in GB/s (10^9), over the whole call.
    pub fn throughput_gbs(&self) -> f64 {
        self.quantized_bytes_in as f64 / self.seconds.max(1e-12) / 1e9
    }

    /// Quantized input bytes per second of the compute passes alone, GB/s.
    pub fn compute_throughput_gbs(&self) -> f64 {
        self.quantized_bytes_in as f64 / self.compute_seconds.max(1e-12) / 1e9
    }

    /// Error over all quantized elements (MSE and SNR pooled, max over tensors).
    pub fn overall(&self) -> ErrorStats {
        let mut sums = ErrorSums::default();
        for e in self.tensors.iter().filter_map(|t| t.error) {
            let n = e.n as f64;
            sums.merge(&ErrorSums {
                n: e.n,
                sum_sq_err: e.mse * n,
                sum_sq: e.rms * e.rms * n,
                max_abs_err: e.max_abs_err,
            });
        }
        sums.stats()
    }

    /// A Markdown table of the quantized tensors (the first `max_rows` in name order)
    /// with a pooled line over all of them, and the throughput.
    pub fn to_markdown(&self, max_rows: usize) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "Scheme `{}`, {} threads.\n\n",
            self.scheme, self.threads
        ));
        s.push_str("| tensor | shape | dtype | MSE | max abs err | SNR dB |\n|---|---|---|---:|---:|---:|\n");
        let q: Vec<&TensorReport> = self
            .tensors
            .iter()
            .filter(|t| t.action == TensorAction::Quantized)
            .collect();
        for t in q.iter().take(max_rows) {
            let e = t.error.unwrap_or_default();
            s.push_str(&format!(
                "| {} | {:?} | {} | {:.3e} | {:.3e} | {:.2} |\n",
                t.name, t.shape, t.dtype, e.mse, e.max_abs_err, e.snr_db
            ));
        }
        if q.len() > max_rows {
            s.push_str(&format!("| … {} more | | | | | |\n", q.len() - max_rows));
        }
        let o = self.overall();
        s.push_str(&format!(
            "| **all {} quantized** | | | {:.3e} | {:.3e} | {:.2} |\n\n",
            q.len(),
            o.mse,
            o.max_abs_err,
            o.snr_db
        ));
        s.push_str(&format!(
            "{:.1} MB in → {:.1} MB out ({} tensors kept as-is); {:.1} MB of weights quantized in {:.3} s end to end = **{:.2} GB/s** (read, quantize, write, fsync); compute passes alone {:.3} s = **{:.2} GB/s**.\n",
            self.file_bytes_in as f64 / 1e6,
            self.file_bytes_out as f64 / 1e6,
            self.tensors.len() - q.len(),
            self.quantized_bytes_in as f64 / 1e6,
            self.seconds,
            self.throughput_gbs(),
            self.compute_seconds,
            self.compute_throughput_gbs()
        ));
        s
    }
}

/// A memory-mapped, validated safetensors file.
pub struct SafetensorsFile {
    path: PathBuf,
    mmap: Mmap,
    header_len: usize,
    metadata: Metadata,
}

impl std::fmt::Debug for SafetensorsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SafetensorsFile")
            .field("path", &self.path)
            .field("bytes", &self.mmap.len())
            .finish()
    }
}

impl SafetensorsFile {
    /// Maps and validates a file: typed errors for a truncated file and any other
    /// malformed header.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = File::open(&path).map_err(|e| OnDeviceError::io(&path, e))?;
        // SAFETY: the map is read-only; like every safetensors reader we rely on the file
        // not being truncated or rewritten by another process while it is open.
        let mmap = unsafe { Mmap::map(&file) }.map_err(|e| OnDeviceError::io(&path, e))?;
        let (header_len, metadata) =
            SafeTensors::read_metadata(&mmap).map_err(|e| classify(&path, &mmap, e))?;
        Ok(SafetensorsFile {
            path,
            mmap,
            header_len,
            metadata,
        })
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// File size in bytes.
    pub fn len(&self) -> u64 {
        self.mmap.len() as u64
    }

    /// Whether the file holds no tensor.
    pub fn is_empty(&self) -> bool {
        self.metadata.tensors().is_empty()
    }

    /// Tensor names in name order.
    pub fn names(&self) -> Vec<String> {
        let mut n: Vec<String> = self.metadata.tensors().into_keys().collect();
        n.sort();
        n
    }

    /// A tensor's dtype, shape and offsets.
    pub fn info(&self, name: &str) -> Option<&TensorInfo> {
        self.metadata.info(name)
    }

    /// The `__metadata__` map (empty when absent).
    pub fn user_metadata(&self) -> HashMap<String, String> {
        self.metadata.metadata().clone().unwrap_or_default()
    }

    /// A tensor's raw bytes.
    pub fn bytes(&self, name: &str) -> Result<&[u8]> {
        let info = self.info(name).ok_or_else(|| OnDeviceError::Safetensors {
            path: self.path.clone(),
            source: SafeTensorError::TensorNotFound(name.to_string()),
        })?;
        let start = 8 + self.header_len;
        Ok(&self.mmap[start + info.data_offsets.0..start + info.data_offsets.1])
    }

    /// A float tensor's values as f32 (for tests and small tensors).
    pub fn to_f32(&self, name: &str) -> Result<Vec<f32>> {
        let info = self.info(name).ok_or_else(|| OnDeviceError::Safetensors {
            path: self.path.clone(),
            source: SafeTensorError::TensorNotFound(name.to_string()),
        })?;
        let d = float_dtype(name, info.dtype)?;
        let bytes = self.bytes(name)?;
        let mut out = vec![0f32; bytes.len() / d.bytes() as usize];
        d.decode(bytes, &mut out);
        Ok(out)
    }
}

impl SafetensorsFile {
    /// Quantizes one tensor of the file in memory. Typed errors for a tensor that is
    /// not 2-D or not F32/F16/BF16.
    pub fn quantize(
        &self,
        name: &str,
        scheme: &QuantScheme,
    ) -> Result<(QuantizedTensor, ErrorStats)> {
        let info = self.info(name).ok_or_else(|| OnDeviceError::Safetensors {
            path: self.path.clone(),
            source: SafeTensorError::TensorNotFound(name.to_string()),
        })?;
        let dtype = float_dtype(name, info.dtype)?;
        let &[rows, cols] = info.shape.as_slice() else {
            return Err(OnDeviceError::NotTwoDimensional {
                tensor: name.to_string(),
                shape: info.shape.clone(),
            });
        };
        let bytes = self.bytes(name)?;
        super::kernel::quantize_tensor(name, TensorData::Bytes { bytes, dtype }, rows, cols, scheme)
    }
}

fn float_dtype(name: &str, d: Dtype) -> Result<FloatDtype> {
    FloatDtype::from_safetensors(d).ok_or_else(|| OnDeviceError::UnsupportedDtype {
        tensor: name.to_string(),
        dtype: d.to_string(),
        expected: "F32, F16 or BF16",
    })
}

/// Tells a truncated file from other malformed ones.
fn classify(path: &Path, buf: &[u8], e: SafeTensorError) -> OnDeviceError {
    let truncated = |detail: String| OnDeviceError::Truncated {
        path: path.to_path_buf(),
        detail,
    };
    match e {
        SafeTensorError::HeaderTooSmall => truncated(format!(
            "{} bytes, shorter than the 8-byte length prefix",
            buf.len()
        )),
        SafeTensorError::InvalidHeaderLength => {
            let n = u64::from_le_bytes(buf[..8].try_into().unwrap_or([0; 8]));
            truncated(format!(
                "header of {n} bytes announced, {} present",
                buf.len().saturating_sub(8)
            ))
        }
        SafeTensorError::MetadataIncompleteBuffer => {
            // Find the data end the header promises to say which way it is off.
            let n = u64::from_le_bytes(buf[..8].try_into().unwrap_or([0; 8])) as usize;
            let end = std::str::from_utf8(&buf[8..8 + n])
                .ok()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
                .and_then(|v| {
                    v.as_object()?
                        .values()
                        .filter_map(|t| t.get("data_offsets")?.get(1)?.as_u64())
                        .max()
                })
                .unwrap_or(0) as usize;
            if 8 + n + end > buf.len() {
                truncated(format!(
                    "data section of {end} bytes announced, {} present",
                    buf.len() - 8 - n
                ))
            } else {
                OnDeviceError::Safetensors {
                    path: path.to_path_buf(),
                    source: e,
                }
            }
        }
        other => OnDeviceError::Safetensors {
            path: path.to_path_buf(),
            source: other,
        },
    }
}

/// How an output tensor's bytes are produced.
enum Src<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
    Job(usize),
}

struct OutEntry<'a> {
    name: String,
    dtype: Dtype,
    shape: Vec<usize>,
    len: usize,
    src: Src<'a>,
}

/// Writes a safetensors file atomically, in the layout the reference serializer uses
/// (descending dtype alignment, then name), producing `Job` tensors in parallel batches
/// of at most `batch_bytes` so only one batch of output is in memory.
fn write_safetensors<F>(
    path: &Path,
    metadata: HashMap<String, String>,
    mut entries: Vec<OutEntry<'_>>,
    batch_bytes: usize,
    job: F,
) -> Result<(u64, f64)>
where
    F: Fn(usize) -> Result<Vec<u8>> + Sync,
{
    let mut compute = 0f64;
    entries.sort_by(|a, b| b.dtype.cmp(&a.dtype).then(a.name.cmp(&b.name)));
    let mut header = serde_json::Map::new();
    if !metadata.is_empty() {
        let m: BTreeMap<String, String> = metadata.into_iter().collect();
        header.insert(
            "__metadata__".into(),
            serde_json::to_value(m).expect("strings"),
        );
    }
    let mut offset = 0usize;
    for e in &entries {
        header.insert(
            e.name.clone(),
            serde_json::json!({
                "dtype": e.dtype.to_string(),
                "shape": e.shape,
                "data_offsets": [offset, offset + e.len],
            }),
        );
        offset += e.len;
    }
    let mut hbytes =
        serde_json::to_vec(&header).map_err(|e| OnDeviceError::Invalid(e.to_string()))?;
    hbytes.resize(hbytes.len().next_multiple_of(8), b' ');
    let mut out = AtomicFile::create(path)?;
    let io = |e| OnDeviceError::io(path, e);
    out.write_all(&(hbytes.len() as u64).to_le_bytes())
        .map_err(io)?;
    out.write_all(&hbytes).map_err(io)?;
    let mut i = 0;
    while i < entries.len() {
        match &entries[i].src {
            Src::Borrowed(b) => out.write_all(b).map_err(io)?,
            Src::Owned(b) => out.write_all(b).map_err(io)?,
            Src::Job(_) => {
                let mut j = i;
                let mut bytes = 0;
                while j < entries.len()
                    && matches!(entries[j].src, Src::Job(_))
                    && (j == i || bytes + entries[j].len <= batch_bytes)
                {
                    bytes += entries[j].len;
                    j += 1;
                }
                let t = Instant::now();
                let produced: Vec<Result<Vec<u8>>> = entries[i..j]
                    .par_iter()
                    .map(|e| match e.src {
                        Src::Job(k) => job(k),
                        _ => unreachable!("batch holds jobs only"),
                    })
                    .collect();
                compute += t.elapsed().as_secs_f64();
                for (e, p) in entries[i..j].iter().zip(produced) {
                    let p = p?;
                    if p.len() != e.len {
                        return Err(OnDeviceError::Invalid(format!(
                            "tensor {}: produced {} bytes, header says {}",
                            e.name,
                            p.len(),
                            e.len
                        )));
                    }
                    out.write_all(&p).map_err(io)?;
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out.commit()?;
    Ok(((8 + hbytes.len() + offset) as u64, compute))
}

/// The description stored under [`METADATA_KEY`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantMetadata {
    /// [`FORMAT`].
    pub format: String,
    /// The scheme.
    pub scheme: QuantScheme,
    /// Layout notes for other readers.
    pub layout: String,
    /// Quantized tensors: name → original shape and dtype.
    pub tensors: BTreeMap<String, QuantTensorMeta>,
}

/// One quantized tensor's original form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantTensorMeta {
    /// `[rows, cols]` of the original tensor.
    pub shape: [usize; 2],
    /// Original dtype (safetensors spelling).
    pub dtype: String,
}

const LAYOUT: &str = "NAME holds the codes [rows, row_bytes]: I8 (symmetric int8), U8 (asymmetric int8), \
U8 packed int4 (column 2j in the low nibble of byte j; symmetric codes stored as q+8). NAME.scale [rows, groups] \
(F16 or F32); NAME.zero_point [rows, groups] U8 when asymmetric. w = q*scale (symmetric), (q-zero)*scale (asymmetric). \
Groups are group_size consecutive columns of a row, or the whole row when group_size is null.";

/// Quantizes every 2-D float tensor of a safetensors file (F32, F16 or BF16) and writes
/// a safetensors file with the codes, scales (and zero points) and the scheme in
/// `__metadata__`; other tensors are copied unchanged. Two passes, each parallel over
/// rows (and over tensors within a batch): scales first (they come first in the file's
/// alignment-sorted layout), then codes, streamed in batches of
/// [`QuantizeConfig::batch_bytes`].
pub fn quantize_file(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    config: &QuantizeConfig,
) -> Result<QuantizeReport> {
    let t0 = Instant::now();
    let scheme = config.scheme;
    scheme.validate()?;
    let src = SafetensorsFile::open(input)?;
    if src.user_metadata().contains_key(METADATA_KEY) {
        return Err(OnDeviceError::Invalid(format!(
            "{}: already quantized ({METADATA_KEY} in __metadata__)",
            src.path().display()
        )));
    }
    let names = src.names();
    struct Job<'a> {
        name: String,
        rows: usize,
        cols: usize,
        data: TensorData<'a>,
        scales: Vec<f32>,
        zeros: Vec<u8>,
    }
    let mut jobs: Vec<Job<'_>> = Vec::new();
    let mut entries = Vec::new();
    let mut reports = Vec::new();
    let mut meta = QuantMetadata {
        format: FORMAT.into(),
        scheme,
        layout: LAYOUT.into(),
        tensors: BTreeMap::new(),
    };
    let mut quantized_bytes_in = 0u64;
    let mut scale_seconds = 0f64;
    for name in &names {
        let info = src.info(name).expect("listed");
        let bytes = src.bytes(name)?;
        let is_float = FloatDtype::from_safetensors(info.dtype).is_some();
        let float_like = matches!(info.dtype, Dtype::F64 | Dtype::F8_E4M3 | Dtype::F8_E5M2);
        let quantize = info.shape.len() == 2 && !config.keeps(name) && (is_float || float_like);
        if !quantize {
            entries.push(OutEntry {
                name: name.clone(),
                dtype: info.dtype,
                shape: info.shape.clone(),
                len: bytes.len(),
                src: Src::Borrowed(bytes),
            });
            reports.push(TensorReport {
                name: name.clone(),
                shape: info.shape.clone(),
                dtype: info.dtype.to_string(),
                action: TensorAction::Kept,
                bytes_in: bytes.len() as u64,
                bytes_out: bytes.len() as u64,
                error: None,
            });
            continue;
        }
        let dtype = float_dtype(name, info.dtype)?;
        for suffix in [SCALE_SUFFIX, ZERO_SUFFIX] {
            if src.info(&format!("{name}{suffix}")).is_some() {
                return Err(OnDeviceError::Invalid(format!(
                    "tensor {name}{suffix} already exists: is the input already quantized?"
                )));
            }
        }
        let (rows, cols) = (info.shape[0], info.shape[1]);
        let data = TensorData::Bytes { bytes, dtype };
        let t = Instant::now();
        let (scales, zeros) = tensor_scales(name, data, rows, cols, &scheme)?;
        scale_seconds += t.elapsed().as_secs_f64();
        let qb = scheme.tensor_bytes(rows, cols);
        let groups = scheme.groups_per_row(cols);
        let sd = match scheme.scale_dtype {
            ScaleDtype::F16 => FloatDtype::F16,
            ScaleDtype::F32 => FloatDtype::F32,
        };
        let mut sbytes = Vec::new();
        sd.encode(&scales, &mut sbytes);
        entries.push(OutEntry {
            name: format!("{name}{SCALE_SUFFIX}"),
            dtype: sd.to_safetensors(),
            shape: vec![rows, groups],
            len: sbytes.len(),
            src: Src::Owned(sbytes),
        });
        if !scheme.symmetric {
            entries.push(OutEntry {
                name: format!("{name}{ZERO_SUFFIX}"),
                dtype: Dtype::U8,
                shape: vec![rows, groups],
                len: zeros.len(),
                src: Src::Owned(zeros.clone()),
            });
        }
        let code_dtype = if scheme.symmetric && scheme.bits == super::scheme::Bits::Int8 {
            Dtype::I8
        } else {
            Dtype::U8
        };
        entries.push(OutEntry {
            name: name.clone(),
            dtype: code_dtype,
            shape: vec![rows, scheme.row_bytes(cols)],
            len: qb.data as usize,
            src: Src::Job(jobs.len()),
        });
        meta.tensors.insert(
            name.clone(),
            QuantTensorMeta {
                shape: [rows, cols],
                dtype: info.dtype.to_string(),
            },
        );
        quantized_bytes_in += bytes.len() as u64;
        reports.push(TensorReport {
            name: name.clone(),
            shape: info.shape.clone(),
            dtype: info.dtype.to_string(),
            action: TensorAction::Quantized,
            bytes_in: bytes.len() as u64,
            bytes_out: qb.total(),
            error: None,
        });
        jobs.push(Job {
            name: name.clone(),
            rows,
            cols,
            data,
            scales,
            zeros,
        });
    }
    let stats: Mutex<Vec<Option<ErrorStats>>> = Mutex::new(vec![None; jobs.len()]);
    let mut user = src.user_metadata();
    user.insert(
        METADATA_KEY.into(),
        serde_json::to_string(&meta).map_err(|e| OnDeviceError::Invalid(e.to_string()))?,
    );
    let (written, encode_seconds) =
        write_safetensors(output.as_ref(), user, entries, config.batch_bytes, |k| {
            let j = &jobs[k];
            let (data, st) = tensor_encode(j.data, j.rows, j.cols, &scheme, &j.scales, &j.zeros);
            stats.lock().expect("no panic while locked")[k] = Some(st);
            Ok(data)
        })?;
    let stats = stats.into_inner().expect("no panic while locked");
    let by_name: HashMap<&str, ErrorStats> = jobs
        .iter()
        .zip(&stats)
        .filter_map(|(j, s)| Some((j.name.as_str(), (*s)?)))
        .collect();
    for r in &mut reports {
        r.error = by_name.get(r.name.as_str()).copied();
    }
    Ok(QuantizeReport {
        scheme,
        tensors: reports,
        file_bytes_in: src.len(),
        file_bytes_out: written,
        quantized_bytes_in,
        seconds: t0.elapsed().as_secs_f64(),
        compute_seconds: scale_seconds + encode_seconds,
        threads: rayon::current_num_threads(),
    })
}

/// A quantized safetensors file written by [`quantize_file`].
#[derive(Debug)]
pub struct QuantizedFile {
    file: SafetensorsFile,
    meta: QuantMetadata,
}

impl QuantizedFile {
    /// Opens a file and reads its quantization description.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let file = SafetensorsFile::open(path)?;
        let not = |detail: String| OnDeviceError::NotQuantized {
            path: file.path().to_path_buf(),
            detail,
        };
        let user = file.user_metadata();
        let text = user
            .get(METADATA_KEY)
            .ok_or_else(|| not(format!("no {METADATA_KEY} in __metadata__")))?;
        let meta: QuantMetadata =
            serde_json::from_str(text).map_err(|e| not(format!("{METADATA_KEY}: {e}")))?;
        if meta.format != FORMAT {
            return Err(not(format!(
                "format {:?}, expected {FORMAT:?}",
                meta.format
            )));
        }
        Ok(QuantizedFile { file, meta })
    }

    /// The description.
    pub fn metadata(&self) -> &QuantMetadata {
        &self.meta
    }

    /// The underlying file.
    pub fn file(&self) -> &SafetensorsFile {
        &self.file
    }

    /// One quantized tensor, checked against the description.
    pub fn tensor(&self, name: &str) -> Result<QuantizedTensor> {
        let scheme = self.meta.scheme;
        let m = self
            .meta
            .tensors
            .get(name)
            .ok_or_else(|| OnDeviceError::NotQuantized {
                path: self.file.path().to_path_buf(),
                detail: format!("tensor {name} is not listed as quantized"),
            })?;
        let [rows, cols] = m.shape;
        let groups = scheme.groups_per_row(cols);
        let bad = |what: &str| OnDeviceError::NotQuantized {
            path: self.file.path().to_path_buf(),
            detail: format!("tensor {name}: {what} does not match the scheme"),
        };
        let data = self.file.bytes(name)?;
        if data.len() != rows * scheme.row_bytes(cols) {
            return Err(bad("codes"));
        }
        let sname = format!("{name}{SCALE_SUFFIX}");
        let sinfo = self
            .file
            .info(&sname)
            .ok_or_else(|| bad("missing scales"))?;
        if sinfo.shape != [rows, groups] {
            return Err(bad("scale shape"));
        }
        let scales = self.file.to_f32(&sname)?;
        let zeros = if scheme.symmetric {
            Vec::new()
        } else {
            let z = self.file.bytes(&format!("{name}{ZERO_SUFFIX}"))?;
            if z.len() != rows * groups {
                return Err(bad("zero points"));
            }
            z.to_vec()
        };
        Ok(QuantizedTensor {
            rows,
            cols,
            scheme,
            data: data.to_vec(),
            scales,
            zeros,
        })
    }

    /// Writes a plain safetensors file with every quantized tensor dequantized (to
    /// `dtype`, or to its original dtype when `None`) under its original name, other
    /// tensors copied. Returns the bytes written.
    pub fn dequantize_to_file(
        &self,
        output: impl AsRef<Path>,
        dtype: Option<FloatDtype>,
        batch_bytes: usize,
    ) -> Result<u64> {
        let mut entries = Vec::new();
        let mut jobs: Vec<(String, FloatDtype)> = Vec::new();
        for name in self.file.names() {
            if let Some(m) = self.meta.tensors.get(&name) {
                let orig = FloatDtype::from_safetensors(
                    serde_json::from_value(serde_json::Value::String(m.dtype.clone()))
                        .unwrap_or(Dtype::F32),
                )
                .unwrap_or(FloatDtype::F32);
                let d = dtype.unwrap_or(orig);
                entries.push(OutEntry {
                    name: name.clone(),
                    dtype: d.to_safetensors(),
                    shape: m.shape.to_vec(),
                    len: m.shape[0] * m.shape[1] * d.bytes() as usize,
                    src: Src::Job(jobs.len()),
                });
                jobs.push((name, d));
                continue;
            }
            let owner = name
                .strip_suffix(SCALE_SUFFIX)
                .or_else(|| name.strip_suffix(ZERO_SUFFIX));
            if owner.is_some_and(|o| self.meta.tensors.contains_key(o)) {
                continue;
            }
            let info = self.file.info(&name).expect("listed");
            let bytes = self.file.bytes(&name)?;
            entries.push(OutEntry {
                name: name.clone(),
                dtype: info.dtype,
                shape: info.shape.clone(),
                len: bytes.len(),
                src: Src::Borrowed(bytes),
            });
        }
        let mut user = self.file.user_metadata();
        user.remove(METADATA_KEY);
        write_safetensors(output.as_ref(), user, entries, batch_bytes, |k| {
            let (name, d) = &jobs[k];
            let values = self.tensor(name)?.dequantize();
            let mut out = Vec::new();
            d.encode(&values, &mut out);
            Ok(out)
        })
        .map(|(bytes, _)| bytes)
    }
}

/// Per-tensor error between two safetensors files: every float tensor of `original`
/// present in `other` with the same number of elements (any float dtypes), in name order.
/// Streams in chunks, parallel within each tensor.
pub fn compare_files(
    original: impl AsRef<Path>,
    other: impl AsRef<Path>,
) -> Result<Vec<(String, ErrorStats)>> {
    let a = SafetensorsFile::open(original)?;
    let b = SafetensorsFile::open(other)?;
    let mut out = Vec::new();
    for name in a.names() {
        let (Some(ia), Some(ib)) = (a.info(&name), b.info(&name)) else {
            continue;
        };
        let (Some(da), Some(db)) = (
            FloatDtype::from_safetensors(ia.dtype),
            FloatDtype::from_safetensors(ib.dtype),
        ) else {
            continue;
        };
        let (xa, xb) = (a.bytes(&name)?, b.bytes(&name)?);
        let n = xa.len() / da.bytes() as usize;
        if n != xb.len() / db.bytes() as usize {
            continue;
        }
        const CHUNK: usize = 1 << 16;
        let sums: Vec<ErrorSums> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let (s, e) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
                let mut va = vec![0f32; e - s];
                let mut vb = vec![0f32; e - s];
                let (ba, bb) = (da.bytes() as usize, db.bytes() as usize);
                da.decode(&xa[s * ba..e * ba], &mut va);
                db.decode(&xb[s * bb..e * bb], &mut vb);
                let mut sum = ErrorSums::default();
                va.iter().zip(&vb).for_each(|(&x, &y)| sum.add(x, y));
                sum
            })
            .collect();
        let mut total = ErrorSums::default();
        sums.iter().for_each(|s| total.merge(s));
        out.push((name, total.stats()));
    }
    Ok(out)
}
