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
mod output_dir;
mod parquet;
mod paths;
mod record;
#[cfg(feature = "object-store")]
mod stack_v2;
mod writer;

pub use atomic::AtomicFile;
pub use decode::{
    decode_bytes, decode_bytes_declared, decode_content, looks_binary, DecodeOptions, Decoded,
};
pub use dir::{source_walk, source_walk_with, DirectoryReader, DirectoryReaderBuilder};
pub use jsonl::{
    has_suffix, list_files, JsonlFormat, JsonlReader, JSONL_SUFFIXES, PARQUET_SUFFIXES,
};
#[cfg(feature = "object-store")]
pub(crate) use output_dir::is_known_output;
pub use output_dir::{
    check_disjoint, claim_output_dir, paths_overlap, read_success, validate_file_name,
    verify_success, write_success, SuccessEntry, SuccessManifest, RUN_MARKER, SUCCESS_FILE,
};
pub use parquet::{document_schema, documents_to_record_batch, ParquetFormat, ParquetReader};
pub use paths::{PathFlags, VendoredPolicy};
pub use record::FieldNames;
#[cfg(feature = "object-store")]
pub use stack_v2::{StackV2Config, StackV2Reader};
pub use writer::{DocumentWriter, Record, ShardFormat, ShardedWriter, WriterOptions};

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::error::{CoreError, Result};
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

/// The default of a positive `ReadOptions` size key, for error messages.
fn default_of(key: &str) -> usize {
    let d = ReadOptions::default();
    match key {
        "batch_size" => d.batch_size,
        "batch_bytes" => d.batch_bytes,
        "max_doc_bytes" => d.max_doc_bytes,
        _ => d.langid_window,
    }
}

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
    /// Source trees: follow symbolic links (default `false`: each link is a counted
    /// `not_regular_file` rejection). Link loops are detected and counted as `unreadable`.
    pub follow_symlinks: bool,
    /// Raw bytes (source-tree files, binary content columns) that are not UTF-8 and not
    /// binary: detect a legacy encoding (Shift-JIS, ISO-8859-2, windows-1252…) and
    /// transcode, recording `metadata.source_encoding` (default `true`; `false` makes such
    /// input an `invalid_utf8` rejection). UTF-16 with a byte-order mark is always decoded.
    pub legacy_encodings: bool,
    /// With `legacy_encodings`, the largest share of replacement characters (U+FFFD, or
    /// C1 controls from single-byte encodings) in the decoded text that is still kept;
    /// above it the input is `invalid_utf8` (default 0.001).
    pub max_replacement_share: f64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            batch_size: 1024,
            batch_bytes: 64 << 20,
            max_doc_bytes: 10 << 20,
            vendored: VendoredPolicy::Flag,
            langid_window: 16 * 1024,
            follow_symlinks: false,
            legacy_encodings: true,
            max_replacement_share: 0.001,
        }
    }
}

impl ReadOptions {
    /// Checks the options make sense: `batch_size`, `batch_bytes`, `max_doc_bytes` and
    /// `langid_window` must be at least 1 (a zero would read nothing, or reject
    /// everything), and `max_replacement_share` must be in `0..=1`. The readers'
    /// constructors call it; the error is a [`CoreError::Config`] naming the key.
    ///
    /// ```
    /// use sheikh_core::io::ReadOptions;
    /// assert!(ReadOptions::default().validate().is_ok());
    /// let zero = ReadOptions { batch_size: 0, ..Default::default() };
    /// assert!(zero.validate().unwrap_err().to_string().contains("input.read.batch_size"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("batch_size", self.batch_size),
            ("batch_bytes", self.batch_bytes),
            ("max_doc_bytes", self.max_doc_bytes),
            ("langid_window", self.langid_window),
        ];
        let bad = |message: String| CoreError::Config {
            path: "input.read".into(),
            message,
        };
        for (key, value) in positive {
            if value == 0 {
                return Err(bad(format!(
                    "input.read.{key} is 0; it must be at least 1 (the default is {})",
                    default_of(key)
                )));
            }
        }
        if !(0.0..=1.0).contains(&self.max_replacement_share) {
            return Err(bad(format!(
                "input.read.max_replacement_share is {}; it must be between 0 and 1",
                self.max_replacement_share
            )));
        }
        Ok(())
    }

    /// The decoding settings of these options.
    pub fn decode_options(&self) -> DecodeOptions {
        DecodeOptions {
            legacy_encodings: self.legacy_encodings,
            max_replacement_share: self.max_replacement_share,
        }
    }

    pub(crate) fn identifier(&self) -> LanguageIdentifier {
        LanguageIdentifier::with_window(self.langid_window)
    }

    /// Applies the vendored-path policy; returns a rejection when the path must be dropped.
    pub(crate) fn apply_path_policy(&self, doc: &mut Document) -> Option<Rejection> {
        let flags = PathFlags::of(doc.path.as_deref()?);
        self.apply_path_flags(doc, flags)
    }

    /// Applies the vendored-path policy to the given flags.
    pub(crate) fn apply_path_flags(
        &self,
        doc: &mut Document,
        flags: PathFlags,
    ) -> Option<Rejection> {
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
