//! Sharded output with atomic file commits.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::error::Result;
use crate::io::AtomicFile;

/// A record that can be written into size-bounded shards.
pub trait Record: Send + Sync {
    /// The bytes this record counts for against a shard's `shard_bytes`.
    fn shard_bytes(&self) -> u64;
}

impl Record for Document {
    /// The content length.
    fn shard_bytes(&self) -> u64 {
        self.content.len() as u64
    }
}

/// A file format that records (by default documents) can be written in, one shard at a
/// time. Other crates implement it for their own records (code-comment pairs, token
/// sequences) and reuse [`ShardedWriter`]'s sharding and atomic commits.
pub trait ShardFormat<R: Record = Document>: Send {
    /// The open state of one shard.
    type Encoder: Send;

    /// File extension without the dot (`"parquet"`, `"jsonl"`).
    fn extension(&self) -> &'static str;

    /// Starts a shard in a temporary file.
    fn open(&self, file: AtomicFile) -> Result<Self::Encoder>;

    /// Appends records to the shard.
    fn write(&self, enc: &mut Self::Encoder, records: &[R]) -> Result<()>;

    /// Finishes the shard's encoding and hands back the file to commit.
    fn close(&self, enc: Self::Encoder) -> Result<AtomicFile>;
}

/// Anything documents can be written to.
pub trait DocumentWriter: Send {
    /// Writes a batch, in order.
    fn write_batch(&mut self, docs: &[Document]) -> Result<()>;

    /// Completes the output and returns the files written, in order.
    fn finish(&mut self) -> Result<Vec<PathBuf>>;
}

/// Options of a [`ShardedWriter`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WriterOptions {
    /// Shard file name prefix (default `"part"`: `part-00000.parquet`, …).
    pub prefix: String,
    /// Start a new shard once this many content bytes are in the current one (default 256 MiB).
    pub shard_bytes: u64,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            prefix: "part".into(),
            shard_bytes: 256 << 20,
        }
    }
}

impl WriterOptions {
    /// Checks the options: `prefix` must be one plain file name (no `/`, `\`, `..`,
    /// `.`, NUL, not empty), so shards stay inside their directory. `section` names the
    /// config section in the message (`output.shards`).
    pub fn validate(&self, section: &str) -> std::result::Result<(), String> {
        crate::io::validate_file_name(&format!("{section}.prefix"), &self.prefix)
    }
}

/// Writes documents into `dir/PREFIX-00000.EXT`, `dir/PREFIX-00001.EXT`, … starting a new
/// shard once the current one holds `shard_bytes` of content. Shard boundaries depend
/// only on the documents' sizes, never on batch boundaries or thread count. Each shard
/// is committed by rename when complete; unfinished shards vanish on drop.
///
/// ```
/// use sheikh_core::io::{JsonlFormat, ShardedWriter, WriterOptions, DocumentWriter};
/// use sheikh_core::{Document, Language};
/// let dir = tempfile::tempdir().unwrap();
/// let opts = WriterOptions { shard_bytes: 10, ..Default::default() };
/// let mut w = ShardedWriter::new(dir.path(), JsonlFormat, opts);
/// let docs: Vec<_> = (0..3).map(|i| Document::new(format!("doc number {i}"), Language::Other)).collect();
/// w.write_batch(&docs).unwrap();
/// let files = w.finish().unwrap();
/// assert_eq!(files.len(), 3); // 12 bytes each, 10-byte shards
/// ```
pub struct ShardedWriter<F: ShardFormat<R>, R: Record = Document> {
    dir: PathBuf,
    format: F,
    options: WriterOptions,
    current: Option<(F::Encoder, u64)>,
    next_index: usize,
    written: Vec<PathBuf>,
    _records: std::marker::PhantomData<fn(&R)>,
}

impl<F: ShardFormat<R>, R: Record> ShardedWriter<F, R> {
    /// A writer into `dir` (created on first write).
    pub fn new(dir: impl AsRef<Path>, format: F, options: WriterOptions) -> Self {
        ShardedWriter {
            dir: dir.as_ref().to_path_buf(),
            format,
            options,
            current: None,
            next_index: 0,
            written: Vec::new(),
            _records: std::marker::PhantomData,
        }
    }

    fn shard_path(&self, index: usize) -> PathBuf {
        self.dir.join(format!(
            "{}-{index:05}.{}",
            self.options.prefix,
            self.format.extension()
        ))
    }

    fn close_current(&mut self) -> Result<()> {
        if let Some((enc, _)) = self.current.take() {
            let file = self.format.close(enc)?;
            self.written.push(file.commit()?);
        }
        Ok(())
    }

    /// Writes records, in order, starting new shards as they fill.
    pub fn write_records(&mut self, records: &[R]) -> Result<()> {
        let mut start = 0;
        while start < records.len() {
            if self.current.is_none() {
                // Never a shard outside `dir`, whoever built the options.
                crate::io::validate_file_name("shard prefix", &self.options.prefix).map_err(
                    |message| crate::CoreError::Output {
                        path: self.dir.clone(),
                        message,
                    },
                )?;
                let path = self.shard_path(self.next_index);
                self.next_index += 1;
                let enc = self.format.open(AtomicFile::create(path)?)?;
                self.current = Some((enc, 0));
            }
            let (enc, bytes) = self.current.as_mut().expect("opened above");
            // Take records until the shard is full (at least one per shard).
            let mut end = start;
            while end < records.len() && (end == start || *bytes < self.options.shard_bytes) {
                *bytes += records[end].shard_bytes();
                end += 1;
            }
            self.format.write(enc, &records[start..end])?;
            let full = *bytes >= self.options.shard_bytes;
            start = end;
            if full {
                self.close_current()?;
            }
        }
        Ok(())
    }

    /// Commits the open shard and returns every file written, in order.
    pub fn finish_records(&mut self) -> Result<Vec<PathBuf>> {
        self.close_current()?;
        Ok(std::mem::take(&mut self.written))
    }
}

impl<F: ShardFormat<Document>> DocumentWriter for ShardedWriter<F, Document> {
    fn write_batch(&mut self, docs: &[Document]) -> Result<()> {
        self.write_records(docs)
    }

    fn finish(&mut self) -> Result<Vec<PathBuf>> {
        self.finish_records()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::JsonlFormat;
    use crate::Language;

    #[test]
    fn a_prefix_that_is_not_a_file_name_writes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        let opts = WriterOptions {
            prefix: "../../x".into(),
            ..Default::default()
        };
        assert!(opts
            .validate("output.shards")
            .unwrap_err()
            .contains("output.shards.prefix"));
        let mut w = ShardedWriter::new(&dir, JsonlFormat, opts);
        let err = w
            .write_batch(&[Document::new("x".to_string(), Language::Other)])
            .unwrap_err();
        assert!(err.to_string().contains("../../x"), "{err}");
        assert!(!root.path().join("x-00000.jsonl").exists());
        assert!(!root.path().join(".x-00000.jsonl.tmp").exists());
    }
}
