//! Parquet in The Stack v2 layout: reading any such dataset, writing our document schema.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
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

/// A streaming Parquet reader over one file or a directory of `*.parquet` files, in The
/// Stack v2 layout or ours (see [`FieldNames`] for the column mapping).
///
/// Reads one record batch of `batch_size` rows at a time. `content` may be a string or a
/// binary column (binary is checked for UTF-8). A file whose footer is unreadable is one
/// `corrupt_file` rejection; a file that fails part-way keeps the rows already read and
/// records a `corrupt_file` rejection for the rest; either way the next file is read.
pub struct ParquetReader {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<(PathBuf, ParquetRecordBatchReader, Vec<Part>, u64)>,
    ctx: RecordCtx,
}

impl ParquetReader {
    /// Opens `path` (a file or a directory of `*.parquet`).
    pub fn open(path: impl AsRef<Path>, fields: FieldNames, options: ReadOptions) -> Result<Self> {
        let files = list_files(path.as_ref(), PARQUET_SUFFIXES)?;
        Ok(ParquetReader {
            files: files.into_iter(),
            current: None,
            ctx: RecordCtx::new(fields, options),
        })
    }

    fn open_file(
        &self,
        path: &Path,
    ) -> std::result::Result<(ParquetRecordBatchReader, Vec<Part>), String> {
        let file = File::open(path).map_err(|e| e.to_string())?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
        let schema = builder.schema().clone();
        let parts = self
            .ctx
            .fields
            .assign(schema.fields().iter().map(|f| f.name().as_str()));
        if !parts.contains(&Part::Content) {
            return Err(format!(
                "no content column (looked for {:?})",
                self.ctx.fields.content
            ));
        }
        let reader = builder
            .with_batch_size(self.ctx.options.batch_size.max(1))
            .build()
            .map_err(|e| e.to_string())?;
        Ok((reader, parts))
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
                        Some(RawContent::Text(s)) => s.len(),
                        Some(RawContent::Bytes(b)) => b.len(),
                        None => 0,
                    } as u64;
                    rec.content = raw;
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

fn cell_content(col: &ArrayRef, row: usize) -> Option<RawContent> {
    Some(match col.data_type() {
        DataType::Utf8 => RawContent::Text(col.as_string::<i32>().value(row).to_string()),
        DataType::LargeUtf8 => RawContent::Text(col.as_string::<i64>().value(row).to_string()),
        DataType::Utf8View => RawContent::Text(col.as_string_view().value(row).to_string()),
        DataType::Binary => RawContent::Bytes(col.as_binary::<i32>().value(row).to_vec()),
        DataType::LargeBinary => RawContent::Bytes(col.as_binary::<i64>().value(row).to_vec()),
        DataType::BinaryView => RawContent::Bytes(col.as_binary_view().value(row).to_vec()),
        _ => return None,
    })
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
            if self.current.is_none() {
                let path = self.files.next()?;
                match self.open_file(&path) {
                    Ok((reader, parts)) => self.current = Some((path, reader, parts, 0)),
                    Err(msg) => {
                        return Some(Ok(ReadBatch {
                            documents: Vec::new(),
                            rejected: vec![RejectedInput {
                                source: path.display().to_string(),
                                bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
                                rejection: Rejection::new(Reason::CorruptFile, msg),
                            }],
                        }))
                    }
                }
            }
            let (path, reader, parts, rows_read) = self.current.as_mut().expect("set above");
            match reader.next() {
                None => {
                    self.current = None;
                }
                Some(Err(e)) => {
                    let rejected = RejectedInput {
                        source: format!("{}#{}", path.display(), rows_read),
                        bytes: 0,
                        rejection: Rejection::new(
                            Reason::CorruptFile,
                            format!("stopped reading this file after {rows_read} rows: {e}"),
                        ),
                    };
                    self.current = None;
                    return Some(Ok(ReadBatch {
                        documents: Vec::new(),
                        rejected: vec![rejected],
                    }));
                }
                Some(Ok(batch)) => {
                    let first = *rows_read;
                    *rows_read += batch.num_rows() as u64;
                    let path = path.clone();
                    let parts = parts.clone();
                    let ctx = &self.ctx;
                    let results: Vec<_> = (0..batch.num_rows())
                        .into_par_iter()
                        .map(|row| {
                            let source = format!("{}#{}", path.display(), first + row as u64);
                            ctx.row_to_document(&batch, &parts, row, source)
                        })
                        .collect();
                    return Some(Ok(ReadBatch::from_results(results, Vec::new())));
                }
            }
        }
    }
}
