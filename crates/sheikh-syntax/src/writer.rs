//! Sharded, atomically committed output of [`CodePair`]s as JSONL or Parquet.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, ListArray, RecordBatch, StringArray, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use sheikh_core::io::{AtomicFile, JsonlFormat, Record, ShardFormat, ShardedWriter, WriterOptions};
use sheikh_core::CoreError;

use crate::error::SyntaxError;
use crate::pairs::CodePair;
use crate::stage::PairFormat;

fn tag_fields() -> Fields {
    Fields::from(vec![
        Field::new("tag", DataType::Utf8, false),
        Field::new("type", DataType::Utf8, true),
        Field::new("name", DataType::Utf8, true),
        Field::new("description", DataType::Utf8, false),
    ])
}

fn string_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, false)))
}

/// The Arrow schema of the Parquet pair output: the CodeSearchNet columns (token
/// columns as `list<utf8>`) plus `docstring_tags: list<struct<tag, type, name,
/// description>>`.
pub fn pair_schema() -> SchemaRef {
    let s = |n: &str| Field::new(n, DataType::Utf8, false);
    Arc::new(Schema::new(vec![
        s("repo"),
        s("path"),
        s("func_name"),
        s("original_string"),
        s("language"),
        s("code"),
        Field::new("code_tokens", string_list(), false),
        s("docstring"),
        Field::new("docstring_tokens", string_list(), false),
        s("partition"),
        Field::new(
            "docstring_tags",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(tag_fields()),
                false,
            ))),
            false,
        ),
    ]))
}

fn list_of_strings<'a>(rows: impl Iterator<Item = &'a [String]>) -> ArrayRef {
    let mut offsets = vec![0i32];
    let mut values = StringBuilder::new();
    for row in rows {
        for v in row {
            values.append_value(v);
        }
        offsets.push(offsets.last().copied().unwrap_or(0) + row.len() as i32);
    }
    Arc::new(ListArray::new(
        Arc::new(Field::new("item", DataType::Utf8, false)),
        OffsetBuffer::new(offsets.into()),
        Arc::new(values.finish()),
        None,
    ))
}

/// Builds one record batch of pairs in [`pair_schema`].
pub fn pairs_to_record_batch(pairs: &[CodePair]) -> Result<RecordBatch, ArrowError> {
    let col = |f: &dyn Fn(&CodePair) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(pairs.iter().map(f)))
    };
    let tags: Vec<_> = pairs.iter().flat_map(|p| &p.docstring_tags).collect();
    let tag_struct = StructArray::try_new(
        tag_fields(),
        vec![
            Arc::new(StringArray::from_iter_values(tags.iter().map(|t| &t.tag))),
            Arc::new(StringArray::from_iter(
                tags.iter().map(|t| t.type_expr.as_deref()),
            )),
            Arc::new(StringArray::from_iter(
                tags.iter().map(|t| t.name.as_deref()),
            )),
            Arc::new(StringArray::from_iter_values(
                tags.iter().map(|t| &t.description),
            )),
        ],
        None,
    )?;
    let mut offsets = vec![0i32];
    for p in pairs {
        offsets.push(offsets.last().copied().unwrap_or(0) + p.docstring_tags.len() as i32);
    }
    let tag_list = ListArray::try_new(
        Arc::new(Field::new("item", DataType::Struct(tag_fields()), false)),
        OffsetBuffer::new(offsets.into()),
        Arc::new(tag_struct),
        None,
    )?;
    let columns: Vec<ArrayRef> = vec![
        col(&|p| &p.repo),
        col(&|p| &p.path),
        col(&|p| &p.func_name),
        col(&|p| &p.original_string),
        col(&|p| &p.language),
        col(&|p| &p.code),
        list_of_strings(pairs.iter().map(|p| p.code_tokens.as_slice())),
        col(&|p| &p.docstring),
        list_of_strings(pairs.iter().map(|p| p.docstring_tokens.as_slice())),
        col(&|p| &p.partition),
        Arc::new(tag_list),
    ];
    RecordBatch::try_new(pair_schema(), columns)
}

impl Record for CodePair {
    /// Code and docstring text.
    fn shard_bytes(&self) -> u64 {
        (self.original_string.len() + self.code.len() + self.docstring.len()) as u64
    }
}

/// Parquet output of pairs in [`pair_schema`], zstd-compressed, row groups closed at
/// 32 MiB of buffered data.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairParquetFormat;

impl ShardFormat<CodePair> for PairParquetFormat {
    type Encoder = Box<ArrowWriter<AtomicFile>>;

    fn extension(&self) -> &'static str {
        "parquet"
    }

    fn open(&self, file: AtomicFile) -> sheikh_core::Result<Self::Encoder> {
        let path = file.final_path().to_path_buf();
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_created_by(concat!("sheikh-syntax ", env!("CARGO_PKG_VERSION")).into())
            .build();
        let w = ArrowWriter::try_new(file, pair_schema(), Some(props))
            .map_err(|source| CoreError::Parquet { path, source })?;
        Ok(Box::new(w))
    }

    fn write(&self, enc: &mut Self::Encoder, pairs: &[CodePair]) -> sheikh_core::Result<()> {
        let batch = pairs_to_record_batch(pairs)?;
        let path = enc.inner().final_path().to_path_buf();
        let mut res = enc.write(&batch);
        if res.is_ok() && enc.in_progress_size() >= 32 << 20 {
            res = enc.flush();
        }
        res.map_err(|source| CoreError::Parquet { path, source })
    }

    fn close(&self, enc: Self::Encoder) -> sheikh_core::Result<AtomicFile> {
        let path = enc.inner().final_path().to_path_buf();
        enc.into_inner()
            .map_err(|source| CoreError::Parquet { path, source })
    }
}

/// Writes pairs into `dir/PREFIX-00000.EXT`, … with sheikh-core's [`ShardedWriter`]: a
/// new shard once the current one holds `shard_bytes` of code and docstring text,
/// boundaries independent of batches and thread count, each shard committed by rename
/// when complete.
pub(crate) enum PairWriter {
    Jsonl(ShardedWriter<JsonlFormat, CodePair>),
    Parquet(ShardedWriter<PairParquetFormat, CodePair>),
}

impl PairWriter {
    pub(crate) fn new(dir: &Path, prefix: &str, format: PairFormat, shard_bytes: u64) -> Self {
        let options = WriterOptions {
            prefix: prefix.to_string(),
            shard_bytes: shard_bytes.max(1),
        };
        match format {
            PairFormat::Jsonl => PairWriter::Jsonl(ShardedWriter::new(dir, JsonlFormat, options)),
            PairFormat::Parquet => {
                PairWriter::Parquet(ShardedWriter::new(dir, PairParquetFormat, options))
            }
        }
    }

    /// Writes pairs, in order.
    pub(crate) fn write(&mut self, pairs: &[CodePair]) -> Result<(), SyntaxError> {
        match self {
            PairWriter::Jsonl(w) => w.write_records(pairs)?,
            PairWriter::Parquet(w) => w.write_records(pairs)?,
        }
        Ok(())
    }

    /// Commits the open shard and returns every file written, in order.
    pub(crate) fn finish(&mut self) -> Result<Vec<PathBuf>, SyntaxError> {
        Ok(match self {
            PairWriter::Jsonl(w) => w.finish_records()?,
            PairWriter::Parquet(w) => w.finish_records()?,
        })
    }
}
