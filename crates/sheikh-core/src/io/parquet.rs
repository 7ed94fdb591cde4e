//! Parquet in The Stack v2 layout: reading any such dataset, writing our document schema.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;

use crate::document::Document;
use crate::error::{CoreError, Result};
use crate::io::jsonl::{list_files, PARQUET_SUFFIXES};
use crate::io::record::{FieldNames, Part, RawContent, RecordCtx, RecordParts};
use crate::io::writer::ShardFormat;
use crate::io::{AtomicFile, ReadBatch, ReadOptions, RejectedInput};
use crate::provenance::{Reason, Rejection};

/// The Arrow schema of documents written by [`ParquetFormat`]: `id`, `content`,
/// `language` (The Stack's names), `path`, `repo_name`, `license` as strings, and
/// `metadata` / `provenance` as JSON text. The column names are The Stack v2's where it
/// has them, so Stack tooling reads our output and our readers read The Stack.
pub fn document_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("content", DataType::Utf8, false),
        Field::new("language", DataType::Utf8, false),
        Field::new("path", DataType::Utf8, true),
        Field::new("repo_name", DataType::Utf8, true),
        Field::new("license", DataType::Utf8, true),
        Field::new("metadata", DataType::Utf8, true),
        Field::new("provenance", DataType::Utf8, true),
    ]))
}

/// Converts documents to a [`RecordBatch`] of [`document_schema`].
pub fn documents_to_record_batch(docs: &[Document]) -> Result<RecordBatch> {
    let col = |f: &dyn Fn(&Document) -> Option<String>| -> ArrayRef {
        Arc::new(docs.iter().map(f).collect::<StringArray>())
    };
    let json_col =
        |f: &dyn Fn(&Document) -> Option<serde_json::Result<String>>| -> Result<ArrayRef> {
            let values = docs
                .iter()
                .map(|d| f(d).transpose())
                .collect::<serde_json::Result<Vec<Option<String>>>>()?;
            Ok(Arc::new(StringArray::from(values)))
        };
    let columns = vec![
        col(&|d| Some(d.id.clone())),
        col(&|d| Some(d.content.clone())),
        col(&|d| Some(d.language.name().to_string())),
        col(&|d| d.path.clone()),
        col(&|d| d.repo_name.clone()),
        col(&|d| d.license.clone()),
        json_col(&|d| (!d.metadata.is_empty()).then(|| serde_json::to_string(&d.metadata)))?,
        json_col(&|d| (!d.provenance.is_empty()).then(|| serde_json::to_string(&d.provenance)))?,
    ];
    Ok(RecordBatch::try_new(document_schema(), columns)?)
}

/// Parquet output in [`document_schema`], zstd-compressed, with row groups closed at
/// `row_group_bytes` of buffered data so memory stays bounded whatever the shard size.
#[derive(Debug, Clone)]
pub struct ParquetFormat {
    /// zstd level (default 3).
    pub zstd_level: i32,
    /// Close a row group once this many bytes are buffered (default 32 MiB).
    pub row_group_bytes: usize,
}

impl Default for ParquetFormat {
    fn default() -> Self {
        ParquetFormat {
            zstd_level: 3,
            row_group_bytes: 32 << 20,
        }
    }
}

impl ShardFormat for ParquetFormat {
    type Encoder = ArrowWriter<AtomicFile>;

    fn extension(&self) -> &'static str {
        "parquet"
    }

    fn open(&self, file: AtomicFile) -> Result<Self::Encoder> {
        let path = file.final_path().to_path_buf();
        let level = ZstdLevel::try_new(self.zstd_level).map_err(|source| CoreError::Parquet {
            path: path.clone(),
            source,
        })?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_created_by(concat!("sheikh-core ", env!("CARGO_PKG_VERSION")).to_string())
            .build();
        ArrowWriter::try_new(file, document_schema(), Some(props))
            .map_err(|source| CoreError::Parquet { path, source })
    }

    fn write(&self, enc: &mut Self::Encoder, docs: &[Document]) -> Result<()> {
        let batch = documents_to_record_batch(docs)?;
        let path = enc_path(enc);
        let err = |source| CoreError::Parquet { path, source };
        let mut res = enc.write(&batch);
        if res.is_ok() && enc.in_progress_size() >= self.row_group_bytes {
            res = enc.flush();
        }
        res.map_err(err)
    }

    fn close(&self, enc: Self::Encoder) -> Result<AtomicFile> {
        let path = enc_path(&enc);
        enc.into_inner()
            .map_err(|source| CoreError::Parquet { path, source })
    }
}

fn enc_path(enc: &ArrowWriter<AtomicFile>) -> PathBuf {
    enc.inner().final_path().to_path_buf()
}

/// A streaming Parquet reader over one file or a directory of `*.parquet` files
/// (suffix matched ignoring case), in The Stack v2 layout or ours (see [`FieldNames`]
/// for the column mapping).
///
/// Reads one row group at a time, in Arrow batches of at most `batch_size` rows whose
/// size, estimated from the row group's uncompressed size, stays near `batch_bytes`;
/// each [`ReadBatch`] holds at most `batch_bytes` of content (or one document). String
/// fields may be any Arrow string or binary representation (`Utf8`, `LargeUtf8`,
/// `Utf8View`, dictionary-encoded as pyarrow/pandas write them, and the binary
/// counterparts; binary content is decoded like a file); a `content` column of any
/// other type rejects each row as `malformed_record` naming the type.
///
/// Nothing is lost silently. A file whose footer is unreadable is one `corrupt_file`
/// rejection (its row count is unknown). Otherwise the footer's row counts are the
/// books: a row group that fails part-way keeps the rows already read and rejects each
/// remaining row (`file#row`, `corrupt_file`), then the next row group is read; a file
/// without a content column rejects each of its rows as `malformed_record`. A panic of
/// the Parquet decoder on hostile bytes is caught and treated like a decoding error.
pub struct ParquetReader {
    files: std::vec::IntoIter<ParquetInput>,
    current: Option<FileState>,
    lost: Option<LostRows>,
    ctx: RecordCtx,
}

/// A Parquet object and the store it lives in.
#[cfg(feature = "object-store")]
struct RemoteObject {
    store: crate::store::Store,
    meta: crate::store::ObjectMeta,
}

/// One Parquet input: a local file or an object of a store.
enum ParquetInput {
    Local(PathBuf),
    #[cfg(feature = "object-store")]
    Object(Box<RemoteObject>),
}

impl ParquetInput {
    /// The name used in rejection sources: the path or the URL.
    fn name(&self) -> String {
        match self {
            ParquetInput::Local(p) => p.display().to_string(),
            #[cfg(feature = "object-store")]
            ParquetInput::Object(o) => o.store.url(&o.meta.location),
        }
    }

    /// The size in bytes, as far as known.
    fn size(&self) -> u64 {
        match self {
            ParquetInput::Local(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            #[cfg(feature = "object-store")]
            ParquetInput::Object(o) => o.meta.size,
        }
    }
}

/// An open Parquet input.
enum OpenInput {
    Local(File),
    #[cfg(feature = "object-store")]
    Object(Box<RemoteObject>),
}

#[cfg(feature = "object-store")]
impl OpenInput {
    /// The async reader of an object: range requests through `object_store`.
    fn object_reader(
        store: &crate::store::Store,
        meta: &crate::store::ObjectMeta,
    ) -> ObjectFileReader {
        ObjectFileReader {
            store: store.object_store(),
            meta: meta.clone(),
        }
    }
}

/// Parquet's async file reader over one object: the footer and the column chunks of a
/// row group are fetched by range requests (`get_range`, `get_ranges`, which coalesces
/// nearby ranges), never the whole object.
#[cfg(feature = "object-store")]
#[derive(Debug, Clone)]
struct ObjectFileReader {
    store: Arc<dyn object_store::ObjectStore>,
    meta: crate::store::ObjectMeta,
}

#[cfg(feature = "object-store")]
impl parquet::arrow::async_reader::AsyncFileReader for ObjectFileReader {
    fn get_bytes(
        &mut self,
        range: std::ops::Range<u64>,
    ) -> futures::future::BoxFuture<'_, parquet::errors::Result<bytes::Bytes>> {
        use futures::FutureExt;
        async move {
            object_store::ObjectStoreExt::get_range(&*self.store, &self.meta.location, range)
                .await
                .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))
        }
        .boxed()
    }

    fn get_byte_ranges(
        &mut self,
        ranges: Vec<std::ops::Range<u64>>,
    ) -> futures::future::BoxFuture<'_, parquet::errors::Result<Vec<bytes::Bytes>>> {
        use futures::FutureExt;
        async move {
            self.store
                .get_ranges(&self.meta.location, &ranges)
                .await
                .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))
        }
        .boxed()
    }

    fn get_metadata<'a>(
        &'a mut self,
        options: Option<&'a ArrowReaderOptions>,
    ) -> futures::future::BoxFuture<
        'a,
        parquet::errors::Result<Arc<parquet::file::metadata::ParquetMetaData>>,
    > {
        use futures::FutureExt;
        async move {
            let size = self.meta.size;
            let metadata = parquet::file::metadata::ParquetMetaDataReader::new()
                .with_arrow_reader_options(options)
                .load_and_finish(self, size)
                .await?;
            Ok(Arc::new(metadata))
        }
        .boxed()
    }
}

/// Arrow batches of one row group, from a local file or from a store (each batch
/// awaited on the store's runtime).
type GroupBatches =
    Box<dyn Iterator<Item = std::result::Result<RecordBatch, arrow_schema::ArrowError>> + Send>;

/// The file being read.
struct FileState {
    name: String,
    input: OpenInput,
    metadata: ArrowReaderMetadata,
    parts: Vec<Part>,
    next_group: usize,
    group: Option<GroupState>,
}

/// The row group being read.
struct GroupState {
    index: usize,
    reader: GroupBatches,
    /// File row number of the group's first row.
    first_row: u64,
    /// Rows in the group, by the footer.
    rows: u64,
    /// Rows handed out by the Arrow reader so far.
    read: u64,
    /// The Arrow batch being turned into documents, its content sizes and its next row.
    batch: Option<(RecordBatch, Vec<usize>, usize)>,
}

/// Rows known to exist (by the footer) that cannot be read: each becomes a rejection.
struct LostRows {
    source: String,
    next: u64,
    end: u64,
    reason: Reason,
    detail: String,
}

impl ParquetReader {
    /// Opens `path` (a file or a directory of `*.parquet`). Fails when the options are
    /// invalid ([`ReadOptions::validate`]), the path cannot be listed, or it is not a
    /// regular file (a pipe or process substitution: Parquet needs a seekable file).
    pub fn open(path: impl AsRef<Path>, fields: FieldNames, options: ReadOptions) -> Result<Self> {
        options.validate()?;
        let files = list_files(path.as_ref(), PARQUET_SUFFIXES)?;
        for f in &files {
            let meta = std::fs::metadata(f).map_err(|e| CoreError::io(f, e))?;
            if !meta.is_file() {
                return Err(CoreError::Input {
                    path: f.clone(),
                    message: "is not a regular file (a pipe or process substitution?); \
                              Parquet is read by seeking, so write it to a file first"
                        .into(),
                });
            }
        }
        Ok(ParquetReader {
            files: files
                .into_iter()
                .map(ParquetInput::Local)
                .collect::<Vec<_>>()
                .into_iter(),
            current: None,
            lost: None,
            ctx: RecordCtx::new(fields, options),
        })
    }

    /// Opens the Parquet objects at `path` in `store`: the objects under the prefix
    /// whose names end in `.parquet` (sorted by key), or the object itself. Footers and
    /// row groups are read by range requests (`ParquetObjectReader`): memory is one row
    /// group's column chunks plus one batch, as for local files, and the books are the
    /// same (a footer that cannot be fetched or decoded is one `corrupt_file`
    /// rejection, a row group failing after the store's retries rejects its rows).
    /// Fails when the options are invalid or the prefix cannot be listed.
    #[cfg(feature = "object-store")]
    pub fn open_store(
        store: &crate::store::Store,
        path: &crate::store::ObjectPath,
        fields: FieldNames,
        options: ReadOptions,
    ) -> Result<Self> {
        options.validate()?;
        let objects = store.list_files(path, PARQUET_SUFFIXES)?;
        Ok(ParquetReader {
            files: objects
                .into_iter()
                .map(|meta| {
                    ParquetInput::Object(Box::new(RemoteObject {
                        store: store.clone(),
                        meta,
                    }))
                })
                .collect::<Vec<_>>()
                .into_iter(),
            current: None,
            lost: None,
            ctx: RecordCtx::new(fields, options),
        })
    }

    /// Opens one file: its footer, checked for consistent row counts.
    fn open_file(&self, source: &ParquetInput) -> std::result::Result<FileState, String> {
        let (input, metadata) = match source {
            ParquetInput::Local(path) => {
                let file = File::open(path).map_err(|e| e.to_string())?;
                let metadata =
                    guard(|| ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()))
                        .map_err(|e| e.to_string())?
                        .map_err(|e| e.to_string())?;
                (OpenInput::Local(file), metadata)
            }
            #[cfg(feature = "object-store")]
            ParquetInput::Object(o) => {
                let (store, meta) = (&o.store, &o.meta);
                let mut reader = OpenInput::object_reader(store, meta);
                let metadata = guard(|| {
                    store.block_on(ArrowReaderMetadata::load_async(
                        &mut reader,
                        ArrowReaderOptions::new(),
                    ))
                })
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
                (
                    OpenInput::Object(Box::new(RemoteObject {
                        store: store.clone(),
                        meta: meta.clone(),
                    })),
                    metadata,
                )
            }
        };
        let pm = metadata.metadata();
        let mut sum = 0i64;
        for rg in pm.row_groups() {
            if rg.num_rows() < 0 {
                return Err(format!("row group with {} rows", rg.num_rows()));
            }
            sum = sum.saturating_add(rg.num_rows());
        }
        if sum != pm.file_metadata().num_rows() {
            return Err(format!(
                "footer says {} rows but its row groups hold {sum}",
                pm.file_metadata().num_rows()
            ));
        }
        let parts = self
            .ctx
            .fields
            .assign(metadata.schema().fields().iter().map(|f| f.name().as_str()));
        Ok(FileState {
            name: source.name(),
            input,
            metadata,
            parts,
            next_group: 0,
            group: None,
        })
    }

    /// Arrow rows per batch for row group `index`: about `batch_bytes` of uncompressed
    /// data, at most `batch_size` rows, at least one.
    fn group_batch_rows(&self, state: &FileState, index: usize) -> usize {
        let rg = state.metadata.metadata().row_group(index);
        let rows = rg.num_rows().max(1) as u128;
        let bytes: u128 = rg
            .columns()
            .iter()
            .map(|c| c.uncompressed_size().max(0) as u128)
            .sum::<u128>()
            .max(rg.total_byte_size().max(0) as u128)
            .max(1);
        let fit = (self.ctx.options.batch_bytes as u128 * rows / bytes).max(1);
        fit.min(self.ctx.options.batch_size as u128) as usize
    }

    /// Starts reading row group `index` of the current file.
    fn start_group(
        &self,
        state: &FileState,
        index: usize,
    ) -> std::result::Result<GroupState, String> {
        let pm = state.metadata.metadata();
        let first_row = pm.row_groups()[..index]
            .iter()
            .map(|rg| rg.num_rows() as u64)
            .sum();
        let rows = pm.row_group(index).num_rows() as u64;
        let batch_rows = self.group_batch_rows(state, index);
        let reader: GroupBatches = match &state.input {
            OpenInput::Local(file) => {
                let file = file.try_clone().map_err(|e| e.to_string())?;
                Box::new(
                    ParquetRecordBatchReaderBuilder::new_with_metadata(
                        file,
                        state.metadata.clone(),
                    )
                    .with_row_groups(vec![index])
                    .with_batch_size(batch_rows)
                    .build()
                    .map_err(|e| e.to_string())?,
                )
            }
            #[cfg(feature = "object-store")]
            OpenInput::Object(o) => {
                let (store, meta) = (&o.store, &o.meta);
                let stream = parquet::arrow::ParquetRecordBatchStreamBuilder::new_with_metadata(
                    OpenInput::object_reader(store, meta),
                    state.metadata.clone(),
                )
                .with_row_groups(vec![index])
                .with_batch_size(batch_rows)
                .build()
                .map_err(|e| e.to_string())?;
                let store = store.clone();
                let mut stream = Box::pin(stream);
                Box::new(std::iter::from_fn(move || {
                    use futures::StreamExt;
                    store.block_on(stream.next()).map(|r| {
                        r.map_err(|e| arrow_schema::ArrowError::ExternalError(Box::new(e)))
                    })
                }))
            }
        };
        Ok(GroupState {
            index,
            reader,
            first_row,
            rows,
            read: 0,
            batch: None,
        })
    }

    /// The next rejections of rows that cannot be read, at most `batch_size` of them.
    fn emit_lost(&mut self) -> Option<ReadBatch> {
        let lost = self.lost.as_mut()?;
        let end = lost
            .end
            .min(lost.next.saturating_add(self.ctx.options.batch_size as u64));
        let rejected = (lost.next..end)
            .map(|row| RejectedInput {
                source: format!("{}#{row}", lost.source),
                bytes: 0,
                rejection: Rejection::new(lost.reason, lost.detail.clone()),
            })
            .collect();
        lost.next = end;
        if lost.next >= lost.end {
            self.lost = None;
        }
        Some(ReadBatch {
            documents: Vec::new(),
            rejected,
        })
    }

    /// Documents from the next rows of the current Arrow batch: at most `batch_size`
    /// rows and `batch_bytes` of content (at least one row).
    fn emit_rows(&mut self) -> Option<ReadBatch> {
        let state = self.current.as_mut()?;
        let group = state.group.as_mut()?;
        let (batch, sizes, next) = group.batch.as_mut()?;
        let start = *next;
        let mut end = start;
        let mut bytes = 0usize;
        while end < sizes.len()
            && end - start < self.ctx.options.batch_size
            && (end == start || bytes + sizes[end] <= self.ctx.options.batch_bytes)
        {
            bytes += sizes[end];
            end += 1;
        }
        *next = end;
        let slice = normalize(&batch.slice(start, end - start), &state.parts);
        let first = group.first_row + group.read - batch.num_rows() as u64 + start as u64;
        if end >= sizes.len() {
            group.batch = None;
        }
        let path = state.name.clone();
        let parts = &state.parts;
        let ctx = &self.ctx;
        let results: Vec<_> = (0..slice.num_rows())
            .into_par_iter()
            .map(|row| {
                let source = format!("{path}#{}", first + row as u64);
                ctx.row_to_document(&slice, parts, row, source)
            })
            .collect();
        Some(ReadBatch::from_results(results, Vec::new()))
    }
}

/// A panic inside the Parquet decoder on hostile bytes, caught so that it becomes a
/// counted rejection instead of ending the run.
#[derive(Debug)]
struct DecoderPanic(String);

impl std::fmt::Display for DecoderPanic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the Parquet decoder failed: {}", self.0)
    }
}

/// Runs `f`, turning a panic into a [`DecoderPanic`].
fn guard<T>(f: impl FnOnce() -> T) -> std::result::Result<T, DecoderPanic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        DecoderPanic(
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into()),
        )
    })
}

/// Casts the string-like columns that feed document parts to `LargeUtf8` (binary ones
/// to `LargeBinary`): dictionary-encoded, view and 32-bit-offset arrays all become one
/// representation. Columns that cannot be cast are left as they are.
fn normalize(batch: &RecordBatch, parts: &[Part]) -> RecordBatch {
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .zip(parts)
        .map(|(col, part)| {
            if *part == Part::Extra {
                return col.clone();
            }
            let target = match value_type(col.data_type()) {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => DataType::LargeUtf8,
                DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
                    DataType::LargeBinary
                }
                _ => return col.clone(),
            };
            if col.data_type() == &target {
                return col.clone();
            }
            arrow_cast::cast(col, &target).unwrap_or_else(|_| col.clone())
        })
        .collect();
    let fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .zip(&columns)
        .map(|(f, c)| {
            f.as_ref()
                .clone()
                .with_data_type(c.data_type().clone())
                .with_nullable(true)
        })
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap_or_else(|_| batch.clone())
}

/// The value type of a dictionary type, or the type itself.
fn value_type(t: &DataType) -> &DataType {
    match t {
        DataType::Dictionary(_, v) => value_type(v),
        other => other,
    }
}

/// Byte length of each value of a string or binary column (0 for other types).
fn value_sizes(col: &dyn Array) -> Vec<usize> {
    let n = col.len();
    match col.data_type() {
        DataType::Utf8 => {
            let a = col.as_string::<i32>();
            (0..n).map(|i| a.value_length(i) as usize).collect()
        }
        DataType::LargeUtf8 => {
            let a = col.as_string::<i64>();
            (0..n).map(|i| a.value_length(i) as usize).collect()
        }
        DataType::Binary => {
            let a = col.as_binary::<i32>();
            (0..n).map(|i| a.value_length(i) as usize).collect()
        }
        DataType::LargeBinary => {
            let a = col.as_binary::<i64>();
            (0..n).map(|i| a.value_length(i) as usize).collect()
        }
        DataType::Utf8View => {
            let a = col.as_string_view();
            (0..n).map(|i| a.value(i).len()).collect()
        }
        DataType::BinaryView => {
            let a = col.as_binary_view();
            (0..n).map(|i| a.value(i).len()).collect()
        }
        DataType::Dictionary(_, _) => {
            let d = col.as_any_dictionary();
            let values = value_sizes(d.values().as_ref());
            d.normalized_keys()
                .into_iter()
                .map(|k| values.get(k).copied().unwrap_or(0))
                .collect()
        }
        _ => vec![0; n],
    }
}

impl RecordCtx {
    fn row_to_document(
        &self,
        batch: &RecordBatch,
        parts: &[Part],
        row: usize,
        source: String,
    ) -> std::result::Result<Document, RejectedInput> {
        let schema = batch.schema();
        let mut rec = RecordParts::default();
        let mut bytes = 0u64;
        for ((col, field), part) in batch.columns().iter().zip(schema.fields()).zip(parts) {
            if col.is_null(row) {
                continue;
            }
            match part {
                Part::Content => {
                    let raw = cell_content(col, row);
                    bytes = match &raw {
                        RawContent::Text(s) => s.len(),
                        RawContent::Bytes(b) => b.len(),
                        RawContent::WrongType(_) => 0,
                    } as u64;
                    rec.content = Some(raw);
                }
                Part::Id => rec.id = Some(cell_string(col, row)),
                Part::Language => rec.language = Some(cell_string(col, row)),
                Part::Path => rec.path = Some(cell_string(col, row)),
                Part::RepoName => rec.repo_name = Some(cell_string(col, row)),
                Part::License => rec.license = Some(cell_string(col, row)),
                Part::Metadata => {
                    let text = cell_string(col, row);
                    match serde_json::from_str::<serde_json::Value>(&text) {
                        Ok(serde_json::Value::Object(m)) => rec.metadata.extend(m),
                        _ => {
                            rec.metadata.insert(field.name().clone(), text.into());
                        }
                    }
                }
                Part::Provenance => {
                    let text = cell_string(col, row);
                    rec.provenance =
                        Some(serde_json::from_str(&text).map_err(|e| RejectedInput {
                            source: source.clone(),
                            bytes,
                            rejection: Rejection::new(
                                Reason::MalformedRecord,
                                format!("bad provenance: {e}"),
                            ),
                        })?);
                }
                Part::Extra => {
                    rec.metadata
                        .insert(field.name().clone(), cell_json(col, row));
                }
            }
        }
        rec.into_document(&self.options, &self.identifier)
            .map_err(|rejection| RejectedInput {
                source,
                bytes,
                rejection,
            })
    }
}

/// A content cell: text, bytes, or the name of a type that is neither.
fn cell_content(col: &ArrayRef, row: usize) -> RawContent {
    match col.data_type() {
        DataType::Utf8 => RawContent::Text(col.as_string::<i32>().value(row).to_string()),
        DataType::LargeUtf8 => RawContent::Text(col.as_string::<i64>().value(row).to_string()),
        DataType::Utf8View => RawContent::Text(col.as_string_view().value(row).to_string()),
        DataType::Binary => RawContent::Bytes(col.as_binary::<i32>().value(row).to_vec()),
        DataType::LargeBinary => RawContent::Bytes(col.as_binary::<i64>().value(row).to_vec()),
        DataType::BinaryView => RawContent::Bytes(col.as_binary_view().value(row).to_vec()),
        other => RawContent::WrongType(other.to_string()),
    }
}

/// A cell as text: strings as they are, lists of strings joined by `,`, anything else
/// in Arrow's display form.
fn cell_string(col: &ArrayRef, row: usize) -> String {
    match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().value(row).to_string(),
        DataType::LargeUtf8 => col.as_string::<i64>().value(row).to_string(),
        DataType::Utf8View => col.as_string_view().value(row).to_string(),
        DataType::List(_) => {
            let list = col.as_list::<i32>().value(row);
            (0..list.len())
                .filter(|&i| !list.is_null(i))
                .map(|i| cell_string(&list, i))
                .collect::<Vec<_>>()
                .join(",")
        }
        _ => arrow_cast::display::array_value_to_string(col, row).unwrap_or_default(),
    }
}

/// A cell as a JSON value, for metadata.
fn cell_json(col: &ArrayRef, row: usize) -> serde_json::Value {
    use arrow_array::types::*;
    use serde_json::Value;
    match col.data_type() {
        DataType::Boolean => Value::Bool(col.as_boolean().value(row)),
        DataType::Int8 => col.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => col.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => col.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => col.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => col.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => col.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => col.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => col.as_primitive::<UInt64Type>().value(row).into(),
        DataType::Float32 => f64::from(col.as_primitive::<Float32Type>().value(row)).into(),
        DataType::Float64 => col.as_primitive::<Float64Type>().value(row).into(),
        DataType::List(_) => {
            let list = col.as_list::<i32>().value(row);
            Value::Array(
                (0..list.len())
                    .map(|i| {
                        if list.is_null(i) {
                            Value::Null
                        } else {
                            cell_json(&list, i)
                        }
                    })
                    .collect(),
            )
        }
        _ => Value::String(cell_string(col, row)),
    }
}

impl Iterator for ParquetReader {
    type Item = Result<ReadBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(batch) = self.emit_lost() {
                return Some(Ok(batch));
            }
            if let Some(batch) = self.emit_rows() {
                return Some(Ok(batch));
            }
            let Some(mut state) = self.current.take() else {
                let input = self.files.next()?;
                match self.open_file(&input) {
                    Ok(state) => {
                        if !state.parts.contains(&Part::Content) {
                            let rows = state.metadata.metadata().file_metadata().num_rows();
                            self.lost = Some(LostRows {
                                source: input.name(),
                                next: 0,
                                end: rows as u64,
                                reason: Reason::MalformedRecord,
                                detail: format!(
                                    "no content field: the file has no content column \
                                     (looked for {:?})",
                                    self.ctx.fields.content
                                ),
                            });
                        } else {
                            self.current = Some(state);
                        }
                        continue;
                    }
                    Err(msg) => {
                        return Some(Ok(ReadBatch {
                            documents: Vec::new(),
                            rejected: vec![RejectedInput {
                                source: input.name(),
                                bytes: input.size(),
                                rejection: Rejection::new(
                                    Reason::CorruptFile,
                                    format!(
                                        "unreadable footer, an unknown number of rows lost: \
                                         {msg}"
                                    ),
                                ),
                            }],
                        }));
                    }
                }
            };
            let source = state.name.clone();
            match state.group.as_mut() {
                None => {
                    let index = state.next_group;
                    if index >= state.metadata.metadata().num_row_groups() {
                        continue; // file done: `current` stays empty
                    }
                    state.next_group += 1;
                    let started = guard(|| self.start_group(&state, index));
                    match started.unwrap_or_else(|e| Err(e.to_string())) {
                        Ok(group) => state.group = Some(group),
                        Err(e) => {
                            let pm = state.metadata.metadata();
                            let first: u64 = pm.row_groups()[..index]
                                .iter()
                                .map(|rg| rg.num_rows() as u64)
                                .sum();
                            let rows = pm.row_group(index).num_rows() as u64;
                            self.lost = Some(LostRows {
                                source,
                                next: first,
                                end: first + rows,
                                reason: Reason::CorruptFile,
                                detail: format!("row group {index} ({rows} rows) unreadable: {e}"),
                            });
                        }
                    }
                }
                Some(group) => match guard(|| group.reader.next()) {
                    Ok(Some(Ok(batch))) if batch.num_rows() > 0 => {
                        group.read += batch.num_rows() as u64;
                        let sizes = state
                            .parts
                            .iter()
                            .position(|p| *p == Part::Content)
                            .map(|i| value_sizes(batch.column(i).as_ref()))
                            .unwrap_or_else(|| vec![0; batch.num_rows()]);
                        group.batch = Some((batch, sizes, 0));
                    }
                    Ok(Some(Ok(_))) => {}
                    end => {
                        if group.read < group.rows {
                            let why = match end {
                                Ok(Some(Err(e))) => e.to_string(),
                                Err(e) => e.to_string(),
                                _ => "the row group ended early".to_string(),
                            };
                            self.lost = Some(LostRows {
                                source,
                                next: group.first_row + group.read,
                                end: group.first_row + group.rows,
                                reason: Reason::CorruptFile,
                                detail: format!(
                                    "row group {} unreadable after {} of its {} rows: {why}",
                                    group.index, group.read, group.rows
                                ),
                            });
                        }
                        state.group = None;
                    }
                },
            }
            self.current = Some(state);
        }
    }
}
