//! Flat token files (nanoGPT's `train.bin`): every sample's ids back to back.

use std::io::Write;
use std::path::{Path, PathBuf};

use sheikh_core::io::AtomicFile;

use crate::error::{Result, TokenizeError};
use crate::indexed::TokenDtype;

/// Writes ids back to back in one dtype (`np.memmap(path, dtype=np.uint16, mode="r")`
/// reads it), under a temporary name until [`finish`](Self::finish).
///
/// ```
/// use sheikh_tokenize::{FlatTokenWriter, TokenDtype};
/// let dir = tempfile::tempdir().unwrap();
/// let mut w = FlatTokenWriter::create(dir.path().join("train.bin"), TokenDtype::U16).unwrap();
/// w.write(&[1, 2, 0]).unwrap();
/// let path = w.finish().unwrap();
/// assert_eq!(std::fs::read(path).unwrap(), [1, 0, 2, 0, 0, 0]);
/// ```
pub struct FlatTokenWriter {
    file: AtomicFile,
    dtype: TokenDtype,
    tokens: u64,
    buf: Vec<u8>,
}

impl FlatTokenWriter {
    /// Starts a flat token file.
    pub fn create(path: impl AsRef<Path>, dtype: TokenDtype) -> Result<Self> {
        Ok(FlatTokenWriter {
            file: AtomicFile::create(path)?,
            dtype,
            tokens: 0,
            buf: Vec::new(),
        })
    }

    /// Appends ids.
    pub fn write(&mut self, ids: &[u32]) -> Result<()> {
        self.buf.clear();
        self.dtype.encode(ids, &mut self.buf)?;
        self.file
            .write_all(&self.buf)
            .map_err(|e| TokenizeError::io(self.file.tmp_path(), e))?;
        self.tokens += ids.len() as u64;
        Ok(())
    }

    /// Tokens written so far.
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// The dtype.
    pub fn dtype(&self) -> TokenDtype {
        self.dtype
    }

    /// Commits the file.
    pub fn finish(self) -> Result<PathBuf> {
        Ok(self.file.commit()?)
    }
}
