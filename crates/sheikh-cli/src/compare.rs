//! Checking a staged run against a reference (single-process) run.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use arrow_array::{Array, LargeStringArray, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::{Deserialize, Serialize};
use sheikh_core::io::{
    BoxReader, FieldNames, JsonlReader, ParquetReader, ReadOptions, VendoredPolicy,
};
use sheikh_core::Document;
use sheikh_tokenize::{DatasetWriter, TokenizeConfig};

use crate::error::{CliError, Result};

/// What [`compare_outputs`] found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Kept documents of the staged run.
    pub staged_documents: u64,
    /// Kept documents of the reference run.
    pub reference_documents: u64,
    /// Content bytes compared.
    pub bytes: u64,
    /// The first position where the two differ (id or content), if any.
    pub first_difference: Option<u64>,
    /// What differs there.
    pub difference: Option<String>,
    /// Tokens of the staged run's flat files (when tokens were compared).
    pub staged_tokens: Option<u64>,
    /// Tokens of the reference output, tokenized in one pass with the same config.
    pub reference_tokens: Option<u64>,
    /// True when the token streams are identical.
    pub tokens_identical: Option<bool>,
}

impl Comparison {
    /// True when the kept documents (and tokens, if compared) are identical.
    pub fn identical(&self) -> bool {
        self.first_difference.is_none()
            && self.staged_documents == self.reference_documents
            && self.tokens_identical != Some(false)
    }
}

/// The record files of a `data/` directory in name order, and whether they are Parquet
/// (else JSONL).
fn record_files(dir: &Path) -> Result<(Vec<PathBuf>, bool)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| CliError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            !n.starts_with('.') && (n.ends_with(".parquet") || n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    let parquet = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .count();
    if parquet != 0 && parquet != files.len() {
        return Err(CliError::Plan(format!(
            "{}: both Parquet and JSONL files; cannot tell the output format",
            dir.display()
        )));
    }
    Ok((files, parquet != 0))
}

/// One raw record: a JSONL line (without its newline) or a Parquet row.
enum RawRecord {
    Line(Vec<u8>),
    Row(RecordBatch, usize),
}

impl RawRecord {
    /// The record's `id`, for messages.
    fn id(&self) -> String {
        match self {
            RawRecord::Line(l) => serde_json::from_slice::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string))
                .unwrap_or_else(|| "?".into()),
            RawRecord::Row(b, i) => b
                .column_by_name("id")
                .and_then(|c| string_at(c, *i))
                .unwrap_or_else(|| "?".into()),
        }
    }

    /// Bytes of the record's `content`.
    fn content_bytes(&self) -> u64 {
        match self {
            RawRecord::Line(l) => serde_json::from_slice::<serde_json::Value>(l)
                .ok()
                .and_then(|v| {
                    v.get("content")
                        .and_then(|c| c.as_str())
                        .map(|c| c.len() as u64)
                })
                .unwrap_or(0),
            RawRecord::Row(b, i) => b
                .column_by_name("content")
                .and_then(|c| string_at(c, *i))
                .map_or(0, |c| c.len() as u64),
        }
    }
}

fn string_at(col: &dyn Array, i: usize) -> Option<String> {
    if col.is_null(i) {
        return None;
    }
    if let Some(a) = col.as_any().downcast_ref::<StringArray>() {
        return Some(a.value(i).to_string());
    }
    col.as_any()
        .downcast_ref::<LargeStringArray>()
        .map(|a| a.value(i).to_string())
}

/// The column (JSON field) not compared: a document's processing history, which
/// differs by design between the single-process and the staged run (the in-memory
/// dedup stage notes cluster representatives).
const NOT_COMPARED: &str = "provenance";

/// What differs between two raw records, if anything: every field of a JSONL line
/// (as stored, parsed as JSON, not through a document reader) and every column
/// (schema included) of a Parquet row, except [`NOT_COMPARED`].
fn record_difference(a: &RawRecord, b: &RawRecord) -> Option<String> {
    let (ia, ib) = (a.id(), b.id());
    if ia != ib {
        return Some(format!("id {ia} vs {ib}"));
    }
    match (a, b) {
        (RawRecord::Line(x), RawRecord::Line(y)) => {
            if x == y {
                return None;
            }
            let parse = |l: &[u8]| serde_json::from_slice::<serde_json::Value>(l).ok();
            match (parse(x), parse(y)) {
                (
                    Some(serde_json::Value::Object(mut u)),
                    Some(serde_json::Value::Object(mut v)),
                ) => {
                    u.remove(NOT_COMPARED);
                    v.remove(NOT_COMPARED);
                    let keys: std::collections::BTreeSet<&String> =
                        u.keys().chain(v.keys()).collect();
                    keys.into_iter()
                        .find(|k| u.get(*k) != v.get(*k))
                        .map(|k| format!("{k} of {ia}"))
                }
                _ => Some(format!("record of {ia} (not a JSON object)")),
            }
        }
        (RawRecord::Row(x, i), RawRecord::Row(y, j)) => {
            if x.schema() != y.schema() {
                return Some(format!("schema of the row of {ia}"));
            }
            let names = x.schema();
            (0..x.num_columns())
                .filter(|&c| names.field(c).name() != NOT_COMPARED)
                .find(|&c| {
                    let (u, v) = (x.column(c).slice(*i, 1), y.column(c).slice(*j, 1));
                    u.as_ref() != v.as_ref()
                })
                .map(|c| format!("{} of {ia}", names.field(c).name()))
        }
        _ => Some("output formats differ (Parquet vs JSONL)".into()),
    }
}

/// The raw records of a `data/` directory in order: JSONL lines byte for byte, Parquet
/// rows as stored — no reader in between, so nothing a reader would reject, normalise
/// or skip (an oversized document, a bad record) can hide a difference.
fn raw_records(dir: &Path) -> Result<Box<dyn Iterator<Item = Result<RawRecord>>>> {
    let (files, parquet) = record_files(dir)?;
    if parquet {
        let rows = files.into_iter().flat_map(|path| {
            let opened = std::fs::File::open(&path)
                .map_err(|e| CliError::io(&path, e))
                .and_then(|f| {
                    ParquetRecordBatchReaderBuilder::try_new(f)
                        .and_then(|b| b.build())
                        .map_err(|e| CliError::Plan(format!("{}: parquet: {e}", path.display())))
                });
            let it: Box<dyn Iterator<Item = Result<RawRecord>>> = match opened {
                Err(e) => Box::new(std::iter::once(Err(e))),
                Ok(reader) => Box::new(reader.flat_map(move |batch| {
                    let it: Box<dyn Iterator<Item = Result<RawRecord>>> = match batch {
                        Err(e) => Box::new(std::iter::once(Err(CliError::Plan(format!(
                            "{}: arrow: {e}",
                            path.display()
                        ))))),
                        Ok(b) => Box::new(
                            (0..b.num_rows()).map(move |i| Ok(RawRecord::Row(b.clone(), i))),
                        ),
                    };
                    it
                })),
            };
            it
        });
        Ok(Box::new(rows))
    } else {
        let lines = files.into_iter().flat_map(|path| {
            let it: Box<dyn Iterator<Item = Result<RawRecord>>> = match std::fs::File::open(&path) {
                Err(e) => Box::new(std::iter::once(Err(CliError::io(&path, e)))),
                Ok(f) => Box::new(
                    BufReader::new(f)
                        .split(b'\n')
                        .map(move |l| l.map(RawRecord::Line).map_err(|e| CliError::io(&path, e))),
                ),
            };
            it
        });
        Ok(Box::new(lines))
    }
}

/// The reference run's documents, for tokenizing: read with no size limit and no path
/// policy, and any record the reader cannot turn into a document is an error (a
/// comparison never skips what it cannot read).
fn reference_documents(dir: &Path) -> Result<impl Iterator<Item = Result<Document>>> {
    let (_, parquet) = record_files(dir)?;
    let options = ReadOptions {
        max_doc_bytes: usize::MAX,
        vendored: VendoredPolicy::Keep,
        ..ReadOptions::default()
    };
    let reader: BoxReader = if parquet {
        Box::new(ParquetReader::open(dir, FieldNames::default(), options)?)
    } else {
        Box::new(JsonlReader::open(dir, FieldNames::default(), options)?)
    };
    Ok(
        reader.flat_map(|b| -> Box<dyn Iterator<Item = Result<Document>>> {
            match b {
                Ok(b) if !b.rejected.is_empty() => {
                    Box::new(std::iter::once(Err(CliError::Plan(format!(
                        "reference record {} cannot be read as a document: {:?}",
                        b.rejected[0].source, b.rejected[0].rejection
                    )))))
                }
                Ok(b) => Box::new(b.documents.into_iter().map(Ok)),
                Err(e) => Box::new(std::iter::once(Err(e.into()))),
            }
        }),
    )
}

/// Compares the kept documents of two output directories (`DIR/data/*.parquet`, or
/// `*.jsonl` for JSONL output; files in name order) record by record, in order,
/// streaming: the stored JSONL lines and Parquet rows themselves, field by field
/// (every field but the processing history `provenance`), so two outputs are
/// identical only when every stored record is — also those a document reader would
/// reject (over its size limit) or normalise. With a tokenize config,
/// also tokenizes the reference output in one pass (flat output only, under `scratch`)
/// and compares its token stream with the concatenation of the staged run's per-shard
/// flat files (`STAGED/tokens/shard-*/flat/NAME.bin`).
pub fn compare_outputs(
    staged: &Path,
    reference: &Path,
    tokenize: Option<&TokenizeConfig>,
    scratch: &Path,
) -> Result<Comparison> {
    let mut c = Comparison::default();
    let mut a = raw_records(&staged.join("data"))?;
    let mut b = raw_records(&reference.join("data"))?;
    loop {
        let (x, y) = (a.next().transpose()?, b.next().transpose()?);
        if x.is_none() && y.is_none() {
            break;
        }
        if x.is_some() {
            c.staged_documents += 1;
        }
        if let Some(y) = &y {
            c.reference_documents += 1;
            c.bytes += y.content_bytes();
        }
        if c.first_difference.is_none() {
            let diff = match (&x, &y) {
                (Some(x), Some(y)) => record_difference(x, y),
                (Some(x), None) => Some(format!("extra staged document {}", x.id())),
                (None, Some(y)) => Some(format!("missing document {}", y.id())),
                (None, None) => None,
            };
            if diff.is_some() {
                c.first_difference = Some(c.reference_documents.max(c.staged_documents) - 1);
                c.difference = diff;
            }
        }
    }
    if let Some(t) = tokenize {
        let mut t = t.clone();
        t.outputs.megatron = false;
        t.outputs.parquet = false;
        t.outputs.copy_tokenizer = false;
        let mut w = DatasetWriter::new(&t, scratch).map_err(CliError::from)?;
        let mut batch = Vec::new();
        for doc in reference_documents(&reference.join("data"))? {
            batch.push(doc?);
            if batch.len() >= 1024 {
                w.write_batch(&batch).map_err(CliError::from)?;
                batch.clear();
            }
        }
        w.write_batch(&batch).map_err(CliError::from)?;
        let summary = w.finish().map_err(CliError::from)?;
        let flat = summary
            .flat
            .ok_or_else(|| CliError::Plan("no flat token file".into()))?;
        let width = summary.flat_dtype.map_or(2, |d| d.size() as u64);
        let name = format!("{}.bin", t.outputs.name);
        let mut shards: Vec<PathBuf> = std::fs::read_dir(staged.join("tokens"))
            .map_err(|e| CliError::io(staged.join("tokens"), e))?
            .filter_map(|e| e.ok().map(|e| e.path().join("flat").join(&name)))
            .filter(|p| p.exists())
            .collect();
        shards.sort();
        let (identical, staged_bytes) = same_concatenation(&shards, &flat)?;
        c.staged_tokens = Some(staged_bytes / width);
        c.reference_tokens = Some(
            std::fs::metadata(&flat)
                .map_err(|e| CliError::io(&flat, e))?
                .len()
                / width,
        );
        c.tokens_identical = Some(identical);
    }
    Ok(c)
}

/// Whether the concatenation of `parts` equals `whole`, byte for byte (streaming);
/// also returns the parts' total size.
fn same_concatenation(parts: &[PathBuf], whole: &Path) -> Result<(bool, u64)> {
    let mut w =
        std::io::BufReader::new(std::fs::File::open(whole).map_err(|e| CliError::io(whole, e))?);
    let mut same = true;
    let mut total = 0u64;
    let (mut pa, mut pb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    for p in parts {
        let mut r =
            std::io::BufReader::new(std::fs::File::open(p).map_err(|e| CliError::io(p, e))?);
        loop {
            let n = r.read(&mut pa).map_err(|e| CliError::io(p, e))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if same {
                match w.read_exact(&mut pb[..n]) {
                    Ok(()) => same = pa[..n] == pb[..n],
                    Err(_) => same = false,
                }
            }
        }
    }
    if same {
        let mut rest = [0u8; 1];
        same = w.read(&mut rest).map_err(|e| CliError::io(whole, e))? == 0;
    }
    Ok((same, total))
}
