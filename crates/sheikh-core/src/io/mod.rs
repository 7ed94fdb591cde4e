//! Streaming corpus readers and writers.
//!
//! Every reader is an iterator of [`ReadBatch`]es: a bounded number of documents plus the
//! inputs that could not become documents, each with a typed [`Rejection`]. A reader
//! never holds more than one batch (plus one Parquet row group or one file) in memory.
//! Every writer writes under a temporary name and renames when a file is complete.

mod atomic;
mod decode;
mod dir;
mod jsonl;
mod parquet;
mod paths;
mod record;
mod writer;

pub use atomic::AtomicFile;
pub use decode::{decode_content, looks_binary};
pub use dir::{source_walk, DirectoryReader, DirectoryReaderBuilder};
pub use jsonl::{list_files, JsonlFormat, JsonlReader, JSONL_SUFFIXES, PARQUET_SUFFIXES};
pub use parquet::{document_schema, documents_to_record_batch, ParquetFormat, ParquetReader};
pub use paths::{PathFlags, VendoredPolicy};
pub use record::FieldNames;
pub use writer::{DocumentWriter, Record, ShardFormat, ShardedWriter, WriterOptions};

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::error::Result;
use crate::langid::LanguageIdentifier;
use crate::provenance::Rejection;

/// An input (a file, a JSONL line, a Parquet row) that did not become a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedInput {
    /// Where it came from: a path, `file:line`, or `file#row`.
    pub source: String,
    /// Size in bytes, as far as known.
    pub bytes: u64,
    /// Why.
    pub rejection: Rejection,
}

/// One batch from a reader.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReadBatch {
    /// Documents read, in input order.
    pub documents: Vec<Document>,
    /// Inputs rejected while reading this batch.
    pub rejected: Vec<RejectedInput>,
}

impl ReadBatch {
    /// A batch from per-record results in input order, after `rejected` found earlier.
    pub fn from_results(
        results: Vec<std::result::Result<Document, RejectedInput>>,
        mut rejected: Vec<RejectedInput>,
    ) -> Self {
        let mut documents = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(d) => documents.push(d),
                Err(r) => rejected.push(r),
            }
        }
        ReadBatch {
            documents,
            rejected,
        }
    }

    /// True when the batch carries nothing.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty() && self.rejected.is_empty()
    }
}

/// A boxed reader: any iterator of batches.
pub type BoxReader = Box<dyn Iterator<Item = Result<ReadBatch>> + Send>;

/// Options shared by all readers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadOptions {
    /// Documents per batch (default 1024).
    pub batch_size: usize,
    /// Upper bound on the content bytes of one batch (default 64 MiB).
    pub batch_bytes: usize,
    /// Documents larger than this are rejected as `too_large` (default 10 MiB).
    pub max_doc_bytes: usize,
    /// What to do with vendored / build-output paths (default `flag`).
    pub vendored: VendoredPolicy,
    /// Bytes of content language identification reads (default 16 KiB).
    pub langid_window: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            batch_size: 1024,
            batch_bytes: 64 << 20,
            max_doc_bytes: 10 << 20,
            vendored: VendoredPolicy::Flag,
            langid_window: 16 * 1024,
        }
    }
}

impl ReadOptions {
    pub(crate) fn identifier(&self) -> LanguageIdentifier {
        LanguageIdentifier::with_window(self.langid_window)
    }

    /// Applies the vendored-path policy; returns a rejection when the path must be dropped.
    pub(crate) fn apply_path_policy(&self, doc: &mut Document) -> Option<Rejection> {
        let flags = PathFlags::of(doc.path.as_deref()?);
        if flags.is_empty() {
            return None;
        }
        match self.vendored {
            VendoredPolicy::Keep => None,
            VendoredPolicy::Flag => {
                doc.metadata
                    .insert("path_flags".into(), serde_json::json!(flags.names()));
                None
            }
            VendoredPolicy::Drop => Some(Rejection::new(
                crate::Reason::VendoredPath,
                flags.names().join(","),
            )),
        }
    }
}
