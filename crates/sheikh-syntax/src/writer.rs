//! Sharded, atomically committed output of [`CodePair`]s as JSONL or Parquet.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, ListArray, RecordBatch, StringArray, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use sheikh_core::io::AtomicFile;

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
pub fn pairs_to_record_batch(pairs: &[CodePair]) -> Result<RecordBatch, SyntaxError> {
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
    Ok(RecordBatch::try_new(pair_schema(), columns)?)
}

/// Open state of one shard.
enum Shard {
    Jsonl(AtomicFile),
    Parquet(Box<ArrowWriter<AtomicFile>>),
}

/// Writes pairs into `dir/PREFIX-00000.EXT`, … starting a new shard once the current
/// one holds `shard_bytes` of code and docstring text. Boundaries depend only on the
/// pairs, never on batch boundaries or thread count; each shard is committed by rename
/// when complete, and unfinished shards vanish on drop.
pub(crate) struct PairWriter {
    dir: PathBuf,
    prefix: String,
    format: PairFormat,
    shard_bytes: u64,
    current: Option<(Shard, u64)>,
    next_index: usize,
    written: Vec<PathBuf>,
}

impl PairWriter {
    pub(crate) fn new(dir: &Path, prefix: &str, format: PairFormat, shard_bytes: u64) -> Self {
        PairWriter {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            format,
            shard_bytes: shard_bytes.max(1),
            current: None,
            next_index: 0,
            written: Vec::new(),
        }
    }

    fn open(&mut self) -> Result<Shard, SyntaxError> {
        let ext = match self.format {
            PairFormat::Jsonl => "jsonl",
            PairFormat::Parquet => "parquet",
        };
        let path = self
            .dir
            .join(format!("{}-{:05}.{ext}", self.prefix, self.next_index));
        self.next_index += 1;
        let file = AtomicFile::create(&path)?;
        Ok(match self.format {
            PairFormat::Jsonl => Shard::Jsonl(file),
            PairFormat::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::ZSTD(ZstdLevel::default()))
                    .set_created_by(concat!("sheikh-syntax ", env!("CARGO_PKG_VERSION")).into())
                    .build();
                let w = ArrowWriter::try_new(file, pair_schema(), Some(props))
                    .map_err(|source| SyntaxError::Parquet { path, source })?;
                Shard::Parquet(Box::new(w))
            }
        })
    }

    fn append(shard: &mut Shard, pairs: &[CodePair]) -> Result<(), SyntaxError> {
        match shard {
            Shard::Jsonl(file) => {
                for p in pairs {
                    serde_json::to_writer(&mut *file, p)?;
                    file.write_all(b"\n").map_err(|source| SyntaxError::Io {
                        path: file.final_path().to_path_buf(),
                        source,
                    })?;
                }
                Ok(())
            }
            Shard::Parquet(w) => {
                let batch = pairs_to_record_batch(pairs)?;
                let path = w.inner().final_path().to_path_buf();
                let mut res = w.write(&batch);
                if res.is_ok() && w.in_progress_size() >= 32 << 20 {
                    res = w.flush();
                }
                res.map_err(|source| SyntaxError::Parquet { path, source })
            }
        }
    }

    fn close_current(&mut self) -> Result<(), SyntaxError> {
        if let Some((shard, _)) = self.current.take() {
            let file = match shard {
                Shard::Jsonl(f) => f,
                Shard::Parquet(w) => {
                    let path = w.inner().final_path().to_path_buf();
                    w.into_inner()
                        .map_err(|source| SyntaxError::Parquet { path, source })?
                }
            };
            self.written.push(file.commit()?);
        }
        Ok(())
    }

    /// Writes pairs, in order.
    pub(crate) fn write(&mut self, pairs: &[CodePair]) -> Result<(), SyntaxError> {
        let mut start = 0;
        while start < pairs.len() {
            if self.current.is_none() {
                let shard = self.open()?;
                self.current = Some((shard, 0));
            }
            let limit = self.shard_bytes;
            let (shard, bytes) = self.current.as_mut().expect("opened above");
            let mut end = start;
            while end < pairs.len() && (end == start || *bytes < limit) {
                *bytes += pair_bytes(&pairs[end]);
                end += 1;
            }
            Self::append(shard, &pairs[start..end])?;
            let full = *bytes >= limit;
            start = end;
            if full {
                self.close_current()?;
            }
        }
        Ok(())
    }

    /// Commits the open shard and returns every file written, in order.
    pub(crate) fn finish(&mut self) -> Result<Vec<PathBuf>, SyntaxError> {
        self.close_current()?;
        Ok(std::mem::take(&mut self.written))
    }
}

fn pair_bytes(p: &CodePair) -> u64 {
    (p.original_string.len() + p.code.len() + p.docstring.len()) as u64
}
