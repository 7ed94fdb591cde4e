//! The Stack v2 as published: Parquet rows without content, each file fetched by its
//! `blob_id` from a content store.

use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;

use futures::StreamExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::error::{CoreError, Result};
use crate::io::record::{FieldNames, RawContent, RecordCtx, RecordParts};
use crate::io::{has_suffix, ParquetReader, PathFlags, ReadBatch, ReadOptions, RejectedInput};
use crate::provenance::{Reason, Rejection};
use crate::store::{is_url, ObjectPath, Store, StoreConfig};

/// Settings of [`StackV2Reader`]. Every field has a default: the Software Heritage
/// bucket's layout, as The Stack v2's dataset card fetches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StackV2Config {
    /// Where the blobs are (default `s3://softwareheritage/content`).
    pub content_url: String,
    /// The key of a blob under `content_url`; `{blob_id}` is replaced by the row's
    /// `blob_id` (default `{blob_id}`).
    pub key_template: String,
    /// Blobs are gzip-compressed (default `true`, as in the Software Heritage bucket).
    pub gzip: bool,
    /// Blob fetches in flight at most (default 64). Memory: this many blobs.
    pub in_flight: usize,
    /// Pre-filter before any fetch: keep only rows whose `language` column is one of
    /// these (ignoring ASCII case; default empty: every language).
    pub languages: Vec<String>,
    /// Pre-filter before any fetch: keep only rows whose `path` ends in one of these
    /// (ignoring ASCII case, e.g. `.tsx`; default empty: every path). With both
    /// pre-filters a row must pass both.
    pub extensions: Vec<String>,
    /// How to reach the content store, and the rows when they are at a URL
    /// (credentials from the environment).
    pub store: StoreConfig,
}

impl StackV2Config {
    /// Checks the settings: `in_flight` at least 1, `key_template` containing
    /// `{blob_id}`, valid store settings. The error names the key.
    pub fn validate(&self) -> Result<()> {
        let bad = |message: String| CoreError::Config {
            path: "input.stack_v2".into(),
            message,
        };
        if self.in_flight == 0 {
            return Err(bad("input.stack_v2.in_flight must be at least 1".into()));
        }
        if !self.key_template.contains("{blob_id}") {
            return Err(bad(format!(
                "input.stack_v2.key_template {:?} does not contain {{blob_id}}",
                self.key_template
            )));
        }
        self.store.validate("input.stack_v2").map_err(bad)
    }
}

impl Default for StackV2Config {
    fn default() -> Self {
        StackV2Config {
            content_url: "s3://softwareheritage/content".into(),
            key_template: "{blob_id}".into(),
            gzip: true,
            in_flight: 64,
            languages: Vec::new(),
            extensions: Vec::new(),
            store: StoreConfig::default(),
        }
    }
}

/// The column mapping of The Stack v2's metadata rows: the row's `blob_id` stands in
/// the content slot until the blob is fetched; `license_type` is the license; every
/// other column (`src_encoding`, `detected_licenses`, `is_vendor`, `is_generated`,
/// `star_events_count`, …) is kept as typed metadata.
fn row_fields() -> FieldNames {
    FieldNames {
        id: Vec::new(),
        content: vec!["blob_id".into()],
        language: vec!["language".into()],
        path: vec!["path".into()],
        repo_name: vec!["repo_name".into()],
        license: vec!["license_type".into()],
    }
}

/// Reads The Stack v2 (`bigcode/the-stack-v2`, `-dedup`, `-train-*`): Parquet rows in
/// the published schema, which hold no content, each turned into a document by
/// fetching its blob (`content_url/{blob_id}`, gzip) and decoding it with the row's
/// `src_encoding`. The rows are read by [`ParquetReader`] (local files or an object
/// store, by range requests), so a corrupt footer or row group is counted as there.
///
/// - The row's `language` and `license_type` become the document's; `blob_id` its id;
///   `path`, `repo_name` its own; every other column is metadata with its type
///   (`is_vendor: true`, `star_events_count: 12`, `detected_licenses: ["MIT"]`).
/// - `is_vendor` / `is_generated` join the path flags (`vendored`, `generated_path`)
///   under the reader's vendored-path policy.
/// - Optional pre-filters on the `language` and `path` columns drop rows before any
///   fetch, as counted `language_not_selected` rejections.
/// - At most `in_flight` blobs are fetched at once; documents keep the rows' order.
/// - A blob that cannot be fetched is a `fetch_failed` rejection, one that cannot be
///   decompressed or decoded a `decode_failed` one, each naming the blob's URL; a
///   blob larger than `max_doc_bytes` (checked while decompressing) is `too_large`.
pub struct StackV2Reader {
    rows: ParquetReader,
    rows_done: bool,
    content: Store,
    prefix: ObjectPath,
    config: StackV2Config,
    ctx: RecordCtx,
    queue: VecDeque<Document>,
}

impl StackV2Reader {
    /// Opens the metadata rows at `rows` (a Parquet file, a directory of them, or an
    /// object-store URL of either) and the content store of `config`. Fails when the
    /// options or settings are invalid or the rows cannot be listed.
    pub fn open(rows: &Path, config: StackV2Config, options: ReadOptions) -> Result<Self> {
        config.validate()?;
        let rows = if is_url(rows) {
            let url = rows.to_string_lossy();
            // The rows are read with the content store's settings.
            let (store, path) = Store::open(&url, &config.store)?;
            ParquetReader::open_store(&store, &path, row_fields(), options.clone())?
        } else {
            ParquetReader::open(rows, row_fields(), options.clone())?
        };
        let (content, prefix) = Store::open(&config.content_url, &config.store)?;
        Ok(StackV2Reader {
            rows,
            rows_done: false,
            content,
            prefix,
            config,
            ctx: RecordCtx::new(FieldNames::default(), options),
            queue: VecDeque::new(),
        })
    }

    /// The key of a blob, or `None` for a `blob_id` that is not a plain hex-like name
    /// (letters and digits only), which is never fetched.
    fn blob_key(&self, blob_id: &str) -> Option<ObjectPath> {
        if blob_id.is_empty() || !blob_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let key = self.config.key_template.replace("{blob_id}", blob_id);
        let mut path = self.prefix.clone();
        for part in key.split('/').filter(|p| !p.is_empty()) {
            path = path.join(part);
        }
        Some(path)
    }

    /// The pre-filters' verdict on a row.
    fn prefilter(&self, row: &Document) -> Option<Rejection> {
        if !self.config.languages.is_empty() {
            let lang = row
                .metadata
                .get("source_language")
                .and_then(|v| v.as_str())
                .unwrap_or(row.language.name());
            if !self
                .config
                .languages
                .iter()
                .any(|l| l.eq_ignore_ascii_case(lang))
            {
                return Some(Rejection::new(
                    Reason::LanguageNotSelected,
                    format!("pre-filter: language {lang}"),
                ));
            }
        }
        if !self.config.extensions.is_empty() {
            let path = row.path.as_deref().unwrap_or("");
            if !self
                .config
                .extensions
                .iter()
                .any(|e| has_suffix(path, &[e.as_str()]))
            {
                return Some(Rejection::new(
                    Reason::LanguageNotSelected,
                    format!("pre-filter: extension of {path:?}"),
                ));
            }
        }
        None
    }

    /// Fetches the blobs of `rows` (at most `in_flight` at once, order kept) and turns
    /// each row into a document or a rejection.
    fn fetch(&self, rows: Vec<Document>) -> Vec<std::result::Result<Document, RejectedInput>> {
        let store = self.content.object_store();
        let keyed: Vec<(Document, Option<ObjectPath>)> = rows
            .into_iter()
            .map(|d| {
                let key = self.blob_key(&d.content);
                (d, key)
            })
            .collect();
        // A blob stored larger than the document limit (plus 64 KiB for gzip's framing,
        // which adds a few bytes per 64 KiB block even to incompressible text) can not
        // become a document: it is refused from its size, before its body is read, so
        // one hostile object can not fill memory.
        let max_stored = self.ctx.options.max_doc_bytes as u64 + 64 * 1024;
        let fetched: Vec<(Document, Option<ObjectPath>, Fetched)> = self.content.block_on(
            futures::stream::iter(keyed)
                .map(|(d, key)| {
                    let store = store.clone();
                    async move {
                        let got = match &key {
                            None => Err((Reason::FetchFailed, "not a valid blob_id".to_string())),
                            Some(k) => match object_store::ObjectStoreExt::get(&*store, k).await {
                                Ok(r) if r.meta.size > max_stored => Err((
                                    Reason::TooLarge,
                                    format!(
                                        "stored blob of {} bytes, over the limit of {max_stored}",
                                        r.meta.size
                                    ),
                                )),
                                Ok(r) => r
                                    .bytes()
                                    .await
                                    .map_err(|e| (Reason::FetchFailed, e.to_string())),
                                Err(e) => Err((Reason::FetchFailed, e.to_string())),
                            },
                        };
                        (d, key, got)
                    }
                })
                .buffered(self.config.in_flight)
                .collect(),
        );
        let (content, ctx, gzip) = (&self.content, &self.ctx, self.config.gzip);
        fetched
            .into_par_iter()
            .map(|(row, key, got)| {
                let source = match &key {
                    Some(k) => content.url(k),
                    None => format!("blob_id {:?}", row.content),
                };
                let reject = |bytes: u64, reason: Reason, detail: String| RejectedInput {
                    source: source.clone(),
                    bytes,
                    rejection: Rejection::new(reason, detail),
                };
                let blob = match (key, got) {
                    (None, _) => {
                        return Err(reject(
                            0,
                            Reason::MalformedRecord,
                            "blob_id is not a plain name of letters and digits".into(),
                        ))
                    }
                    (_, Err((reason, e))) => return Err(reject(0, reason, e)),
                    (_, Ok(b)) => b,
                };
                let size = blob.len() as u64;
                let raw = if gzip {
                    let limit = ctx.options.max_doc_bytes as u64 + 1;
                    let mut out = Vec::new();
                    let read = flate2::read::MultiGzDecoder::new(&blob[..])
                        .take(limit)
                        .read_to_end(&mut out);
                    if let Err(e) = read {
                        return Err(reject(size, Reason::DecodeFailed, format!("gzip: {e}")));
                    }
                    if out.len() as u64 >= limit {
                        return Err(reject(
                            size,
                            Reason::TooLarge,
                            format!("more than {} bytes decompressed", ctx.options.max_doc_bytes),
                        ));
                    }
                    out
                } else {
                    blob.to_vec()
                };
                row_document(ctx, row, raw).map_err(|r| {
                    let reason = if r.reason == Reason::InvalidUtf8 {
                        Reason::DecodeFailed
                    } else {
                        r.reason
                    };
                    reject(size, reason, r.detail)
                })
            })
            .collect()
    }
}

/// A blob's bytes, or why it was not fetched (the rejection's reason and detail).
type Fetched = std::result::Result<bytes::Bytes, (Reason, String)>;

/// The document of a row with its blob's bytes.
fn row_document(
    ctx: &RecordCtx,
    row: Document,
    raw: Vec<u8>,
) -> std::result::Result<Document, Rejection> {
    let mut metadata = row.metadata;
    // The language as the row states it; identified from the content when absent.
    let language = if metadata.remove("language_detection").is_some() {
        None
    } else {
        match metadata.remove("source_language") {
            Some(serde_json::Value::String(s)) => Some(s),
            _ => Some(row.language.name().to_string()),
        }
    };
    metadata.remove("path_flags");
    let flag = |key: &str| metadata.get(key).and_then(|v| v.as_bool()) == Some(true);
    let (is_vendor, is_generated) = (flag("is_vendor"), flag("is_generated"));
    let parts = RecordParts {
        id: Some(row.content),
        content: Some(RawContent::Bytes(raw)),
        language,
        path: row.path,
        repo_name: row.repo_name,
        license: row.license,
        metadata,
        provenance: Some(row.provenance),
    };
    let mut doc = parts.into_document(&ctx.options, &ctx.identifier)?;
    if is_vendor || is_generated {
        let mut flags = PathFlags::of(doc.path.as_deref().unwrap_or(""));
        flags.vendored |= is_vendor;
        flags.generated_path |= is_generated;
        if let Some(r) = ctx.options.apply_path_flags(&mut doc, flags) {
            return Err(r);
        }
    }
    Ok(doc)
}

impl Iterator for StackV2Reader {
    type Item = Result<ReadBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut out = ReadBatch::default();
        let mut bytes = 0usize;
        let opts = &self.ctx.options;
        let (batch_size, batch_bytes) = (opts.batch_size, opts.batch_bytes);
        while out.documents.len() < batch_size && bytes < batch_bytes {
            if self.queue.is_empty() {
                if self.rows_done {
                    break;
                }
                match self.rows.next() {
                    None => {
                        self.rows_done = true;
                        break;
                    }
                    Some(Err(e)) => return Some(Err(e)),
                    Some(Ok(batch)) => {
                        out.rejected.extend(batch.rejected);
                        for row in batch.documents {
                            match self.prefilter(&row) {
                                Some(rejection) => out.rejected.push(RejectedInput {
                                    source: format!("blob_id {}", row.content),
                                    bytes: 0,
                                    rejection,
                                }),
                                None => self.queue.push_back(row),
                            }
                        }
                        continue;
                    }
                }
            }
            let n = self
                .queue
                .len()
                .min(self.config.in_flight)
                .min(batch_size - out.documents.len());
            let window: Vec<Document> = self.queue.drain(..n).collect();
            for r in self.fetch(window) {
                match r {
                    Ok(d) => {
                        bytes += d.content.len();
                        out.documents.push(d);
                    }
                    Err(r) => out.rejected.push(r),
                }
            }
        }
        (!out.is_empty()).then_some(Ok(out))
    }
}
