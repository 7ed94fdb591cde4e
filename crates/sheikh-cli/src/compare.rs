//! Checking a staged run against a reference (single-process) run.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sheikh_core::io::{BoxReader, FieldNames, JsonlReader, ParquetReader, ReadOptions};
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

fn documents(dir: &Path) -> Result<impl Iterator<Item = Result<Document>>> {
    let parquet = std::fs::read_dir(dir)
        .map_err(|e| CliError::io(dir, e))?
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().ends_with(".parquet"));
    let reader: BoxReader = if parquet {
        Box::new(ParquetReader::open(
            dir,
            FieldNames::default(),
            ReadOptions::default(),
        )?)
    } else {
        Box::new(JsonlReader::open(
            dir,
            FieldNames::default(),
            ReadOptions::default(),
        )?)
    };
    Ok(
        reader.flat_map(|b| -> Box<dyn Iterator<Item = Result<Document>>> {
            match b {
                Ok(b) => Box::new(b.documents.into_iter().map(Ok)),
                Err(e) => Box::new(std::iter::once(Err(e.into()))),
            }
        }),
    )
}

/// Compares the kept documents of two output directories (`DIR/data/*.parquet`, or
/// `*.jsonl` for JSONL output; files in name order) by id and content, in order, streaming. With a tokenize config, also
/// tokenizes the reference output in one pass (flat output only, under `scratch`) and
/// compares its token stream with the concatenation of the staged run's per-shard flat
/// files (`STAGED/tokens/shard-*/flat/NAME.bin`).
pub fn compare_outputs(
    staged: &Path,
    reference: &Path,
    tokenize: Option<&TokenizeConfig>,
    scratch: &Path,
) -> Result<Comparison> {
    let mut c = Comparison::default();
    let mut a = documents(&staged.join("data"))?;
    let mut b = documents(&reference.join("data"))?;
    let mut writer = match tokenize {
        Some(t) => {
            let mut t = t.clone();
            t.outputs.megatron = false;
            t.outputs.parquet = false;
            t.outputs.copy_tokenizer = false;
            Some((
                DatasetWriter::new(&t, scratch)
                    .map_err(|e| CliError::Config(format!("tokenize: {e}")))?,
                t,
            ))
        }
        None => None,
    };
    let mut batch = Vec::new();
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
            c.bytes += y.content.len() as u64;
        }
        if c.first_difference.is_none() {
            let diff = match (&x, &y) {
                (Some(x), Some(y)) if x.id != y.id => Some(format!("id {} vs {}", x.id, y.id)),
                (Some(x), Some(y)) if x.content != y.content => {
                    Some(format!("content of {}", x.id))
                }
                (Some(_), Some(_)) => None,
                (Some(x), None) => Some(format!("extra staged document {}", x.id)),
                (None, Some(y)) => Some(format!("missing document {}", y.id)),
                (None, None) => None,
            };
            if diff.is_some() {
                c.first_difference = Some(c.reference_documents.max(c.staged_documents) - 1);
                c.difference = diff;
            }
        }
        if let (Some((w, _)), Some(y)) = (writer.as_mut(), y) {
            batch.push(y);
            if batch.len() >= 1024 {
                w.write_batch(&batch)
                    .map_err(|e| CliError::Config(format!("tokenize: {e}")))?;
                batch.clear();
            }
        }
    }
    if let Some((mut w, t)) = writer {
        w.write_batch(&batch)
            .map_err(|e| CliError::Config(format!("tokenize: {e}")))?;
        let summary = w
            .finish()
            .map_err(|e| CliError::Config(format!("tokenize: {e}")))?;
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
