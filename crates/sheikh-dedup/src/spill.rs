//! Documents held by [`DedupStage`](crate::DedupStage) until the end of the stream live
//! on disk, not in memory: an anonymous temporary file of JSON lines plus one offset
//! per document.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use sheikh_core::Document;

use crate::error::{DedupError, Result};

/// An append-only, random-access store of documents in a temporary file (deleted by
/// the operating system when dropped).
pub(crate) struct Spill {
    writer: Option<BufWriter<File>>,
    reader: Option<Mutex<File>>,
    /// Start offset of each document; one more entry marks the end.
    offsets: Vec<u64>,
}

const SPILL: &str = "<dedup spill file>";

fn io(e: std::io::Error) -> DedupError {
    DedupError::Io {
        path: SPILL.into(),
        source: e,
    }
}

fn json(e: serde_json::Error) -> DedupError {
    DedupError::Json {
        path: SPILL.into(),
        source: e,
    }
}

impl Spill {
    /// A new, empty spill file in the system's temporary directory.
    pub(crate) fn new() -> Result<Self> {
        let file = tempfile::tempfile().map_err(io)?;
        Ok(Spill {
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
            reader: None,
            offsets: vec![0],
        })
    }

    /// Number of documents stored.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Appends documents.
    pub(crate) fn extend(&mut self, docs: &[Document]) -> Result<()> {
        let w = self.writer.as_mut().ok_or_else(|| {
            DedupError::Config("documents added after the spill was sealed".into())
        })?;
        let mut end = *self.offsets.last().expect("offsets start with 0");
        for d in docs {
            let line = serde_json::to_vec(d).map_err(json)?;
            w.write_all(&line).map_err(io)?;
            w.write_all(b"\n").map_err(io)?;
            end += line.len() as u64 + 1;
            self.offsets.push(end);
        }
        Ok(())
    }

    /// Ends writing; the store becomes readable.
    pub(crate) fn seal(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            let file = w.into_inner().map_err(|e| io(e.into_error()))?;
            self.reader = Some(Mutex::new(file));
        }
        Ok(())
    }

    fn file(&self) -> Result<std::sync::MutexGuard<'_, File>> {
        let m = self
            .reader
            .as_ref()
            .ok_or_else(|| DedupError::Config("spill read before it was sealed".into()))?;
        Ok(m.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Document `i`, read back from disk.
    pub(crate) fn get(&self, i: usize) -> Result<Document> {
        let (start, end) = (self.offsets[i], self.offsets[i + 1]);
        let mut buf = vec![0u8; (end - start) as usize];
        {
            let mut f = self.file()?;
            f.seek(SeekFrom::Start(start)).map_err(io)?;
            f.read_exact(&mut buf).map_err(io)?;
        }
        serde_json::from_slice(&buf).map_err(json)
    }

    /// Reads every document back in order, `batch` at a time.
    pub(crate) fn for_each_batch(
        &self,
        batch: usize,
        mut f: impl FnMut(usize, Vec<Document>) -> Result<()>,
    ) -> Result<()> {
        let mut file = self.file()?.try_clone().map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut lines = BufReader::with_capacity(1 << 20, file).lines();
        let mut first = 0;
        while first < self.len() {
            let n = batch.min(self.len() - first);
            let mut docs = Vec::with_capacity(n);
            for _ in 0..n {
                let line = lines
                    .next()
                    .ok_or_else(|| DedupError::Config("spill file ended early".into()))?
                    .map_err(io)?;
                docs.push(serde_json::from_str(&line).map_err(json)?);
            }
            f(first, docs)?;
            first += n;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sheikh_core::Language;

    #[test]
    fn round_trip_random_and_sequential() {
        let docs: Vec<Document> = (0..25)
            .map(|i| Document::new(format!("doc {i}\nline é"), Language::JavaScript))
            .collect();
        let mut s = Spill::new().unwrap();
        s.extend(&docs[..10]).unwrap();
        s.extend(&docs[10..]).unwrap();
        s.seal().unwrap();
        assert_eq!(s.len(), 25);
        assert_eq!(s.get(17).unwrap(), docs[17]);
        assert_eq!(s.get(0).unwrap(), docs[0]);
        let mut back = Vec::new();
        s.for_each_batch(7, |first, batch| {
            assert_eq!(first, back.len());
            back.extend(batch);
            Ok(())
        })
        .unwrap();
        assert_eq!(back, docs);
    }
}
