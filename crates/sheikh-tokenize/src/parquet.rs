//! Parquet output of packed sequences, as HuggingFace `datasets` loads it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Int32Builder, Int8Builder, ListBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use sheikh_core::io::AtomicFile;

use crate::error::{Result, TokenizeError};
use crate::pack::PackedRow;

/// The schema: `input_ids`, `labels` (`-100` where not trained on) as `list<int32>`,
/// `attention_mask` as `list<int8>` — the column names `transformers`' `Trainer` reads.
pub fn sequence_schema() -> SchemaRef {
    let list = |name: &str, t: DataType| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", t, false))),
            false,
        )
    };
    Arc::new(Schema::new(vec![
        list("input_ids", DataType::Int32),
        list("labels", DataType::Int32),
        list("attention_mask", DataType::Int8),
    ]))
}

/// Writes [`PackedRow`]s to `DIR/PREFIX-00000.parquet`, `-00001`, … (zstd), a new
/// file every `rows_per_file` rows, a row group every `row_group_rows`. Each file is
/// written under a temporary name and renamed when complete.
pub struct SequenceParquetWriter {
    dir: PathBuf,
    prefix: String,
    rows_per_file: usize,
    row_group_rows: usize,
    schema: SchemaRef,
    writer: Option<ArrowWriter<AtomicFile>>,
    pending: Vec<PackedRow>,
    rows_in_file: usize,
    files: Vec<PathBuf>,
    rows: u64,
}

impl SequenceParquetWriter {
    /// A writer into `dir` (created on the first file).
    pub fn new(
        dir: impl AsRef<Path>,
        prefix: &str,
        rows_per_file: usize,
        row_group_rows: usize,
    ) -> Result<Self> {
        if prefix.is_empty() || prefix.contains(['/', '\\']) {
            return Err(TokenizeError::Config(format!(
                "parquet prefix {prefix:?} must be a non-empty file name"
            )));
        }
        Ok(SequenceParquetWriter {
            dir: dir.as_ref().to_path_buf(),
            prefix: prefix.to_string(),
            rows_per_file: rows_per_file.max(1),
            row_group_rows: row_group_rows.max(1),
            schema: sequence_schema(),
            writer: None,
            pending: Vec::new(),
            rows_in_file: 0,
            files: Vec::new(),
            rows: 0,
        })
    }

    /// Adds rows.
    pub fn write(&mut self, rows: impl IntoIterator<Item = PackedRow>) -> Result<()> {
        for row in rows {
            self.pending.push(row);
            self.rows += 1;
            if self.pending.len() >= self.row_group_rows
                || self.rows_in_file + self.pending.len() >= self.rows_per_file
            {
                self.flush_pending()?;
            }
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        if self.writer.is_none() {
            let path = self
                .dir
                .join(format!("{}-{:05}.parquet", self.prefix, self.files.len()));
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).expect("valid")))
                .set_max_row_group_row_count(Some(self.row_group_rows))
                .build();
            let file = AtomicFile::create(&path)?;
            let w = ArrowWriter::try_new(file, self.schema.clone(), Some(props))
                .map_err(|e| TokenizeError::parquet(path, e))?;
            self.writer = Some(w);
        }
        let batch = rows_to_batch(&self.schema, &self.pending)?;
        let n = self.pending.len();
        self.pending.clear();
        let w = self.writer.as_mut().expect("opened above");
        let path = w.inner().final_path().to_path_buf();
        w.write(&batch)
            .and_then(|_| w.flush())
            .map_err(|e| TokenizeError::parquet(path, e))?;
        self.rows_in_file += n;
        if self.rows_in_file >= self.rows_per_file {
            self.close_file()?;
        }
        Ok(())
    }

    fn close_file(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            let path = w.inner().final_path().to_path_buf();
            let file = w
                .into_inner()
                .map_err(|e| TokenizeError::parquet(path, e))?;
            self.files.push(file.commit()?);
        }
        self.rows_in_file = 0;
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes what is pending and commits the open file; returns every file written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>> {
        self.flush_pending()?;
        self.close_file()?;
        Ok(std::mem::take(&mut self.files))
    }
}

fn rows_to_batch(schema: &SchemaRef, rows: &[PackedRow]) -> Result<RecordBatch> {
    let total: usize = rows.iter().map(|r| r.input_ids.len()).sum();
    let field = |t: DataType| Arc::new(Field::new("item", t, false));
    let mut ids = ListBuilder::with_capacity(Int32Builder::with_capacity(total), rows.len())
        .with_field(field(DataType::Int32));
    let mut labels = ListBuilder::with_capacity(Int32Builder::with_capacity(total), rows.len())
        .with_field(field(DataType::Int32));
    let mut mask = ListBuilder::with_capacity(Int8Builder::with_capacity(total), rows.len())
        .with_field(field(DataType::Int8));
    for r in rows {
        for &t in &r.input_ids {
            ids.values().append_value(t as i32);
        }
        ids.append(true);
        labels.values().append_slice(&r.labels());
        labels.append(true);
        mask.values().append_slice(&r.attention_mask());
        mask.append(true);
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(ids.finish()),
        Arc::new(labels.finish()),
        Arc::new(mask.finish()),
    ];
    Ok(RecordBatch::try_new(schema.clone(), cols)?)
}

/// One row of a sequence Parquet file, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceRecord {
    /// `input_ids`.
    pub input_ids: Vec<i32>,
    /// `labels` (`-100` where not trained on).
    pub labels: Vec<i32>,
    /// `attention_mask`.
    pub attention_mask: Vec<i8>,
}

/// Reads every row of a file written by [`SequenceParquetWriter`] (for tests and checks).
pub fn read_sequences(path: impl AsRef<Path>) -> Result<Vec<SequenceRecord>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int32Type, Int8Type};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let path = path.as_ref();
    let f = std::fs::File::open(path).map_err(|e| TokenizeError::io(path, e))?;
    let perr = |e| TokenizeError::parquet(path, e);
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .map_err(perr)?
        .build()
        .map_err(perr)?;
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch?;
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| TokenizeError::Config(format!("no column {name}")))
                .map(|c| c.as_list::<i32>().clone())
        };
        let (ids, labels, mask) = (col("input_ids")?, col("labels")?, col("attention_mask")?);
        for i in 0..batch.num_rows() {
            out.push(SequenceRecord {
                input_ids: ids.value(i).as_primitive::<Int32Type>().values().to_vec(),
                labels: labels
                    .value(i)
                    .as_primitive::<Int32Type>()
                    .values()
                    .to_vec(),
                attention_mask: mask.value(i).as_primitive::<Int8Type>().values().to_vec(),
            });
        }
    }
    Ok(out)
}
