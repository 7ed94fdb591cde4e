//! Megatron-LM / NeMo indexed datasets (`.bin` + `.idx`, the `MMIDIDX` layout of
//! Megatron-Core's `indexed_dataset.py`).

use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sheikh_core::io::AtomicFile;

use crate::error::{Result, TokenizeError};

/// The first 9 bytes of every `.idx` file (`_INDEX_HEADER`).
pub const INDEX_HEADER: &[u8; 9] = b"MMIDIDX\x00\x00";
/// The index version written (`<Q` 1).
pub const INDEX_VERSION: u64 = 1;

/// On-disk width of token ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenDtype {
    /// `uint16` (numpy `<u2`): vocabularies up to 65,536 ids.
    U16,
    /// `int32` (numpy `<i4`): Megatron's choice above 65,500 ids.
    I32,
    /// `uint32` (numpy `<u4`): flat token files above 65,536 ids.
    U32,
}

impl TokenDtype {
    /// Megatron's `DType.optimal_dtype`: `uint16` when the vocabulary has fewer than
    /// 65,500 ids, `int32` otherwise.
    pub fn megatron(vocab_size: usize) -> Self {
        if vocab_size < 65_500 {
            TokenDtype::U16
        } else {
            TokenDtype::I32
        }
    }

    /// nanoGPT-style flat files: `uint16` when every id fits, `uint32` otherwise.
    pub fn flat(vocab_size: usize) -> Self {
        if vocab_size <= 1 << 16 {
            TokenDtype::U16
        } else {
            TokenDtype::U32
        }
    }

    /// Megatron's dtype code (`DType`: 4 = int32, 8 = uint16; uint32 has none).
    pub fn megatron_code(self) -> Option<u8> {
        match self {
            TokenDtype::U16 => Some(8),
            TokenDtype::I32 => Some(4),
            TokenDtype::U32 => None,
        }
    }

    /// Bytes per token.
    pub fn size(self) -> usize {
        match self {
            TokenDtype::U16 => 2,
            TokenDtype::I32 | TokenDtype::U32 => 4,
        }
    }

    /// The numpy dtype string (`"<u2"`, `"<i4"`, `"<u4"`).
    pub fn numpy(self) -> &'static str {
        match self {
            TokenDtype::U16 => "<u2",
            TokenDtype::I32 => "<i4",
            TokenDtype::U32 => "<u4",
        }
    }

    /// Appends ids little-endian; fails when an id does not fit.
    pub(crate) fn encode(self, ids: &[u32], buf: &mut Vec<u8>) -> Result<()> {
        buf.reserve(ids.len() * self.size());
        match self {
            TokenDtype::U16 => {
                for &t in ids {
                    let v = u16::try_from(t).map_err(|_| too_large(t, self))?;
                    buf.extend_from_slice(&v.to_le_bytes());
                }
            }
            TokenDtype::I32 => {
                for &t in ids {
                    let v = i32::try_from(t).map_err(|_| too_large(t, self))?;
                    buf.extend_from_slice(&v.to_le_bytes());
                }
            }
            TokenDtype::U32 => {
                for &t in ids {
                    buf.extend_from_slice(&t.to_le_bytes());
                }
            }
        }
        Ok(())
    }
}

fn too_large(id: u32, dtype: TokenDtype) -> TokenizeError {
    TokenizeError::Config(format!("token id {id} does not fit {dtype:?}"))
}

/// Writes a Megatron indexed dataset: `PREFIX.bin` (token ids back to back) and
/// `PREFIX.idx`:
///
/// | bytes | content |
/// | --- | --- |
/// | 9 | `MMIDIDX\0\0` |
/// | 8 | version, `<Q` = 1 |
/// | 1 | dtype code, `<B` (8 = uint16, 4 = int32) |
/// | 8 | sequence count, `<Q` |
/// | 8 | document count, `<Q` (sequences + 1: the document indices start with 0) |
/// | 4 × sequences | sequence lengths in tokens, int32 |
/// | 8 × sequences | sequence start offsets in **bytes** into `.bin`, int64 |
/// | 8 × documents | document indices (sequence index where each document starts, then the total), int64 |
///
/// One sample is one sequence and one document, as `tools/preprocess_data.py` writes
/// without sentence splitting; Megatron's `GPTDataset` packs them into `seq_length`
/// windows at training time. Both files are written under temporary names and renamed
/// on [`finish`](Self::finish); sequence lengths are spilled to a temporary file, so
/// memory stays constant whatever the corpus size.
pub struct IndexedDatasetWriter {
    prefix: PathBuf,
    dtype: TokenDtype,
    code: u8,
    bin: Option<AtomicFile>,
    sizes_path: PathBuf,
    sizes: Option<BufWriter<File>>,
    sequences: u64,
    tokens: u64,
    buf: Vec<u8>,
}

impl IndexedDatasetWriter {
    /// Starts `PREFIX.bin` / `PREFIX.idx` (the prefix is a path without extension, as
    /// Megatron's `--data-path` takes it).
    pub fn create(prefix: impl AsRef<Path>, dtype: TokenDtype) -> Result<Self> {
        let prefix = prefix.as_ref().to_path_buf();
        let code = dtype.megatron_code().ok_or_else(|| {
            TokenizeError::Config("Megatron indexed datasets have no uint32 dtype".into())
        })?;
        let bin = AtomicFile::create(with_ext(&prefix, "bin"))?;
        let sizes_path = hidden(&prefix, "sizes.tmp");
        let sizes = File::create(&sizes_path).map_err(|e| TokenizeError::io(&sizes_path, e))?;
        Ok(IndexedDatasetWriter {
            prefix,
            dtype,
            code,
            bin: Some(bin),
            sizes_path,
            sizes: Some(BufWriter::new(sizes)),
            sequences: 0,
            tokens: 0,
            buf: Vec::new(),
        })
    }

    /// Appends one document (one sequence).
    pub fn add_document(&mut self, ids: &[u32]) -> Result<()> {
        let len = i32::try_from(ids.len())
            .map_err(|_| TokenizeError::Config("sequence longer than i32::MAX".into()))?;
        self.buf.clear();
        self.dtype.encode(ids, &mut self.buf)?;
        let bin = self.bin.as_mut().ok_or(TokenizeError::Finished)?;
        bin.write_all(&self.buf)
            .map_err(|e| TokenizeError::io(bin.tmp_path(), e))?;
        let sizes = self.sizes.as_mut().ok_or(TokenizeError::Finished)?;
        sizes
            .write_all(&len.to_le_bytes())
            .map_err(|e| TokenizeError::io(&self.sizes_path, e))?;
        self.sequences += 1;
        self.tokens += ids.len() as u64;
        Ok(())
    }

    /// Documents written so far.
    pub fn documents(&self) -> u64 {
        self.sequences
    }

    /// Writes the index and commits both files; returns `[bin, idx]`.
    pub fn finish(mut self) -> Result<Vec<PathBuf>> {
        let sizes = self.sizes.take().ok_or(TokenizeError::Finished)?;
        let sizes_path = self.sizes_path.clone();
        let file = sizes
            .into_inner()
            .map_err(|e| TokenizeError::io(&sizes_path, e.into_error()))?;
        drop(file);
        let idx_path = with_ext(&self.prefix, "idx");
        let mut idx = AtomicFile::create(&idx_path)?;
        let io = |e| TokenizeError::io(&idx_path, e);
        idx.write_all(INDEX_HEADER).map_err(io)?;
        idx.write_all(&INDEX_VERSION.to_le_bytes()).map_err(io)?;
        idx.write_all(&[self.code]).map_err(io)?;
        idx.write_all(&self.sequences.to_le_bytes()).map_err(io)?;
        idx.write_all(&(self.sequences + 1).to_le_bytes())
            .map_err(io)?;
        // Lengths, copied from the spill file.
        let open = || -> Result<BufReader<File>> {
            Ok(BufReader::new(
                File::open(&sizes_path).map_err(|e| TokenizeError::io(&sizes_path, e))?,
            ))
        };
        std::io::copy(&mut open()?, &mut idx).map_err(io)?;
        // Byte offsets: a running sum of length × width.
        let mut reader = open()?;
        let mut pointer: i64 = 0;
        let mut word = [0u8; 4];
        for _ in 0..self.sequences {
            reader
                .read_exact(&mut word)
                .map_err(|e| TokenizeError::io(&sizes_path, e))?;
            idx.write_all(&pointer.to_le_bytes()).map_err(io)?;
            pointer += i32::from_le_bytes(word) as i64 * self.dtype.size() as i64;
        }
        // Document indices: every sequence starts a document.
        for d in 0..=self.sequences {
            idx.write_all(&(d as i64).to_le_bytes()).map_err(io)?;
        }
        let bin = self.bin.take().ok_or(TokenizeError::Finished)?.commit()?;
        let idx = idx.commit()?;
        let _ = fs::remove_file(&sizes_path);
        Ok(vec![bin, idx])
    }
}

impl Drop for IndexedDatasetWriter {
    fn drop(&mut self) {
        self.sizes.take();
        let _ = fs::remove_file(&self.sizes_path);
    }
}

pub(crate) fn with_ext(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn hidden(prefix: &Path, suffix: &str) -> PathBuf {
    let name = prefix
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    prefix.with_file_name(format!(".{name}.{suffix}"))
}

/// Reads an indexed dataset back (for tests and checks): dtype, and every sequence.
/// Nothing in the files is trusted: the counts must match the `.idx` size exactly
/// (checked arithmetic), lengths and offsets must be non-negative and every sequence
/// must lie inside `.bin`, so a damaged or crafted index is an error, never a panic or
/// a huge allocation.
pub fn read_indexed_dataset(prefix: impl AsRef<Path>) -> Result<(TokenDtype, Vec<Vec<u32>>)> {
    let prefix = prefix.as_ref();
    let idx_path = with_ext(prefix, "idx");
    let idx = fs::read(&idx_path).map_err(|e| TokenizeError::io(&idx_path, e))?;
    let bad = |m: &str| TokenizeError::Config(format!("{}: {m}", idx_path.display()));
    if idx.len() < 34 || &idx[..9] != INDEX_HEADER {
        return Err(bad("not an MMIDIDX index"));
    }
    let u64_at = |o: usize| u64::from_le_bytes(idx[o..o + 8].try_into().expect("8 bytes"));
    if u64_at(9) != INDEX_VERSION {
        return Err(bad("unsupported version"));
    }
    let dtype = match idx[17] {
        8 => TokenDtype::U16,
        4 => TokenDtype::I32,
        _ => return Err(bad("unsupported dtype code")),
    };
    let (n, docs) = (u64_at(18), u64_at(26));
    let expected = n
        .checked_mul(12)
        .zip(docs.checked_mul(8))
        .and_then(|(a, b)| a.checked_add(b))
        .and_then(|x| x.checked_add(34));
    if expected != Some(idx.len() as u64) {
        return Err(bad("index size does not match its counts"));
    }
    // Both counts are now bounded by the index size, so they fit in memory.
    let n = n as usize;
    let bin_path = with_ext(prefix, "bin");
    let bin = fs::read(&bin_path).map_err(|e| TokenizeError::io(&bin_path, e))?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let len = i32::from_le_bytes(idx[34 + 4 * i..38 + 4 * i].try_into().expect("4"));
        let p = 34 + 4 * n + 8 * i;
        let ptr = i64::from_le_bytes(idx[p..p + 8].try_into().expect("8"));
        let (Ok(len), Ok(ptr)) = (usize::try_from(len), usize::try_from(ptr)) else {
            return Err(bad("negative sequence length or offset"));
        };
        let bytes = len
            .checked_mul(dtype.size())
            .and_then(|l| ptr.checked_add(l))
            .and_then(|end| bin.get(ptr..end))
            .ok_or_else(|| bad("sequence past the end of .bin"))?;
        out.push(match dtype {
            TokenDtype::U16 => bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]) as u32)
                .collect(),
            _ => bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        });
    }
    Ok((dtype, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_megatrons() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("train");
        let mut w = IndexedDatasetWriter::create(&prefix, TokenDtype::U16).unwrap();
        w.add_document(&[1, 2, 3]).unwrap();
        w.add_document(&[]).unwrap();
        w.add_document(&[65535, 0]).unwrap();
        let files = w.finish().unwrap();
        assert_eq!(files.len(), 2);
        let idx = fs::read(dir.path().join("train.idx")).unwrap();
        let mut expected = Vec::new();
        expected.extend_from_slice(b"MMIDIDX\x00\x00");
        expected.extend_from_slice(&1u64.to_le_bytes());
        expected.push(8);
        expected.extend_from_slice(&3u64.to_le_bytes());
        expected.extend_from_slice(&4u64.to_le_bytes());
        for l in [3i32, 0, 2] {
            expected.extend_from_slice(&l.to_le_bytes());
        }
        for p in [0i64, 6, 6] {
            expected.extend_from_slice(&p.to_le_bytes());
        }
        for d in [0i64, 1, 2, 3] {
            expected.extend_from_slice(&d.to_le_bytes());
        }
        assert_eq!(idx, expected);
        let bin = fs::read(dir.path().join("train.bin")).unwrap();
        assert_eq!(bin, [1, 0, 2, 0, 3, 0, 255, 255, 0, 0]);
        let (dtype, seqs) = read_indexed_dataset(&prefix).unwrap();
        assert_eq!(dtype, TokenDtype::U16);
        assert_eq!(seqs, vec![vec![1, 2, 3], vec![], vec![65535, 0]]);
        // Only the two committed files remain: no spill file, no temporaries.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn ids_that_do_not_fit_are_errors_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut w =
                IndexedDatasetWriter::create(dir.path().join("t"), TokenDtype::U16).unwrap();
            assert!(w.add_document(&[70_000]).is_err());
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(IndexedDatasetWriter::create(dir.path().join("t"), TokenDtype::U32).is_err());
    }

    #[test]
    fn dtype_choice_follows_megatron() {
        assert_eq!(TokenDtype::megatron(2048), TokenDtype::U16);
        assert_eq!(TokenDtype::megatron(65_500), TokenDtype::I32);
        assert_eq!(TokenDtype::megatron(151_669), TokenDtype::I32);
        assert_eq!(TokenDtype::flat(65_536), TokenDtype::U16);
        assert_eq!(TokenDtype::flat(151_669), TokenDtype::U32);
    }
}
