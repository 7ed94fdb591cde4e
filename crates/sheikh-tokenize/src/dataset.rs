//! Streaming dataset writers: [`DatasetWriter`] for pretraining documents,
//! [`SftDatasetWriter`] for instruction records.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::Document;

use crate::chat::{ChatTemplate, InstructRecord, SftExample};
use crate::config::TokenizeConfig;
use crate::error::{Result, TokenizeError};
use crate::flat::FlatTokenWriter;
use crate::indexed::{IndexedDatasetWriter, TokenDtype};
use crate::pack::{ExamplePacker, PackedRow, PackingMode, TokenPacker};
use crate::parquet::SequenceParquetWriter;
use crate::sample::{RepoGrouper, Sample, SampleBuilder, SampleKind, Unit};
use crate::stats::{SftStats, TokenStats};
use crate::tokenizer::CodeTokenizer;

/// What a dataset writer produced: written to `DIR/dataset.json` by `finish`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// `pretraining` or `instruction`.
    pub kind: String,
    /// The output directory.
    pub dir: PathBuf,
    /// The tokenizer used (the copy under `dir` when `copy_tokenizer`).
    pub tokenizer: PathBuf,
    /// Ids in the tokenizer (largest id + 1).
    pub vocab_size: usize,
    /// EOS id appended to samples, if any.
    pub eos_id: Option<u32>,
    /// Padding id.
    pub pad_id: u32,
    /// Packed sequence length.
    pub seq_len: usize,
    /// Packing mode.
    pub packing: PackingMode,
    /// Megatron prefix (`--data-path`), without extension.
    pub megatron_prefix: Option<PathBuf>,
    /// Megatron dtype.
    pub megatron_dtype: Option<TokenDtype>,
    /// The flat token file.
    pub flat: Option<PathBuf>,
    /// The flat file's dtype.
    pub flat_dtype: Option<TokenDtype>,
    /// Parquet files of packed sequences.
    pub parquet: Vec<PathBuf>,
    /// Every file written.
    pub files: Vec<PathBuf>,
    /// Pretraining statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<TokenStats>,
    /// Instruction statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sft: Option<SftStats>,
    /// The configuration used.
    pub config: TokenizeConfig,
}

impl DatasetSummary {
    /// Tokens in the dataset's samples (pretraining) or examples (instruction).
    pub fn tokens(&self) -> u64 {
        match (&self.stats, &self.sft) {
            (Some(s), _) => s.tokens,
            (None, Some(s)) => s.tokens,
            _ => 0,
        }
    }

    /// Packed sequences written (Parquet rows), or `0` without Parquet output.
    pub fn sequences(&self) -> u64 {
        match (&self.stats, &self.sft) {
            (Some(s), _) => s.sequences,
            (None, Some(s)) => s.sequences,
            _ => 0,
        }
    }
}

fn pad_id(tok: &CodeTokenizer, config: &TokenizeConfig) -> Result<u32> {
    tok.require(&config.pad_token)
}

fn copy_tokenizer(
    tok: &CodeTokenizer,
    dir: &Path,
    copy: bool,
) -> Result<(PathBuf, Option<PathBuf>)> {
    if !copy {
        return Ok((tok.path().to_path_buf(), None));
    }
    let dest = dir.join("tokenizer.json");
    // The file as given (byte for byte) when there is one; a trained tokenizer is serialised.
    let bytes = match std::fs::read(tok.path()) {
        Ok(b) if tok.path().is_file() => b,
        _ => tok
            .inner()
            .to_string(false)
            .map_err(|e| TokenizeError::tokenizer(tok.path(), e))?
            .into_bytes(),
    };
    let mut f = sheikh_core::io::AtomicFile::create(&dest)?;
    std::io::Write::write_all(&mut f, &bytes).map_err(|e| TokenizeError::io(&dest, e))?;
    let p = f.commit()?;
    Ok((p.clone(), Some(p)))
}

/// Tokenizes batches of documents and streams every configured output under one
/// directory:
///
/// ```text
/// DIR/megatron/{name}_text_document.bin|.idx   Megatron-LM / NeMo indexed dataset
/// DIR/flat/{name}.bin, DIR/flat/meta.json      nanoGPT-style flat tokens
/// DIR/parquet/{name}-00000.parquet             packed sequences (input_ids, labels, attention_mask)
/// DIR/tokenizer.json                           the tokenizer used
/// DIR/dataset.json                             DatasetSummary: files, dtypes, statistics, config
/// ```
///
/// Each batch is encoded in parallel on the current rayon pool; samples are written in
/// input order and every random choice is keyed by `(seed, document id)`, so the output is
/// byte-identical for any thread count or batch size. Memory is one batch (plus an open
/// repository group and one Parquet row group).
///
/// ```
/// use sheikh_core::{Document, Language};
/// use sheikh_tokenize::{DatasetWriter, TokenizeConfig};
/// let dir = tempfile::tempdir().unwrap();
/// let config = TokenizeConfig {
///     tokenizer: concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tokenizer/tokenizer.json").into(),
///     seq_len: 16,
///     ..Default::default()
/// };
/// let mut w = DatasetWriter::new(&config, dir.path()).unwrap();
/// w.write_batch(&[Document::new("export const x = 1;\n", Language::JavaScript)]).unwrap();
/// let summary = w.finish().unwrap();
/// let stats = summary.stats.unwrap();
/// assert_eq!(stats.documents, 1);
/// assert_eq!(stats.languages[&Language::JavaScript].tokens, stats.tokens);
/// assert!(dir.path().join("megatron/train_text_document.idx").exists());
/// ```
pub struct DatasetWriter {
    config: TokenizeConfig,
    tok: Arc<CodeTokenizer>,
    dir: PathBuf,
    eos: Option<u32>,
    pad: u32,
    grouper: Option<RepoGrouper>,
    megatron: Option<(PathBuf, IndexedDatasetWriter)>,
    flat: Option<FlatTokenWriter>,
    parquet: Option<SequenceParquetWriter>,
    packer: TokenPacker,
    rows: Vec<PackedRow>,
    stats: TokenStats,
}

/// The packed-sequence Parquet output under `dir/parquet/`, as the config names it.
fn open_parquet(config: &TokenizeConfig, dir: &Path) -> Result<SequenceParquetWriter> {
    SequenceParquetWriter::new(
        dir.join("parquet"),
        &config.outputs.name,
        config.outputs.rows_per_file,
        config.outputs.row_group_rows,
    )
}

impl DatasetWriter {
    /// Loads the configured tokenizer and opens the outputs under `dir`.
    pub fn new(config: &TokenizeConfig, dir: impl AsRef<Path>) -> Result<Self> {
        let tok = Arc::new(CodeTokenizer::from_file(&config.tokenizer)?);
        Self::with_tokenizer(config, tok, dir)
    }

    /// Like [`new`](Self::new) with an already loaded tokenizer.
    pub fn with_tokenizer(
        config: &TokenizeConfig,
        tok: Arc<CodeTokenizer>,
        dir: impl AsRef<Path>,
    ) -> Result<Self> {
        config.validate()?;
        let dir = dir.as_ref().to_path_buf();
        let eos = config.eos_id(&tok)?;
        let pad = pad_id(&tok, config)?;
        // Checks the markers FIM / repo-level need before any file is created.
        SampleBuilder::from_config(&tok, config)?;
        let name = &config.outputs.name;
        let vocab = tok.vocab_size();
        let megatron = if config.outputs.megatron {
            let prefix = dir.join("megatron").join(format!("{name}_text_document"));
            let w = IndexedDatasetWriter::create(&prefix, TokenDtype::megatron(vocab))?;
            Some((prefix, w))
        } else {
            None
        };
        let flat = if config.outputs.flat {
            Some(FlatTokenWriter::create(
                dir.join("flat").join(format!("{name}.bin")),
                TokenDtype::flat(vocab),
            )?)
        } else {
            None
        };
        let parquet = if config.outputs.parquet {
            Some(open_parquet(config, &dir)?)
        } else {
            None
        };
        let stats = TokenStats {
            encode_path: Some(tok.encode_path().clone()),
            ..TokenStats::default()
        };
        Ok(DatasetWriter {
            grouper: config
                .repo_level
                .enabled
                .then(|| RepoGrouper::new(config.repo_level.max_bytes)),
            packer: TokenPacker::new(config.packing, config.seq_len, pad, config.drop_remainder),
            config: config.clone(),
            tok,
            dir,
            eos,
            pad,
            megatron,
            flat,
            parquet,
            rows: Vec::new(),
            stats,
        })
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Arc<CodeTokenizer> {
        &self.tok
    }

    /// Statistics so far.
    pub fn stats(&self) -> &TokenStats {
        &self.stats
    }

    fn builder(&self) -> Result<SampleBuilder<'_>> {
        SampleBuilder::from_config(&self.tok, &self.config)
    }

    /// Encodes one batch (in parallel) and writes its samples.
    pub fn write_batch(&mut self, docs: &[Document]) -> Result<()> {
        let samples = if let Some(grouper) = self.grouper.as_mut() {
            let mut units = Vec::new();
            for d in docs {
                grouper.push(d.clone(), &mut units);
            }
            self.encode_units(&units)?
        } else {
            let b = self.builder()?;
            docs.par_iter()
                .map(|d| b.document(d))
                .collect::<Result<Vec<_>>>()?
        };
        self.consume(samples)
    }

    fn encode_units(&self, units: &[Unit]) -> Result<Vec<Sample>> {
        let b = self.builder()?;
        units
            .par_iter()
            .map(|u| match u {
                Unit::Document(d) => b.document(d),
                Unit::Repository(repo, docs) => b.repository(repo, docs),
            })
            .collect()
    }

    fn consume(&mut self, samples: Vec<Sample>) -> Result<()> {
        for s in samples {
            let n = s.tokens.len() as u64;
            let st = &mut self.stats;
            st.samples += 1;
            st.documents += s.documents as u64;
            st.tokens += n;
            st.truncated_tokens += s.truncated;
            st.histogram.record(n);
            match s.kind {
                SampleKind::Plain => st.plain += 1,
                SampleKind::Fim(m) | SampleKind::RepoFim(m) => match m {
                    crate::FimMode::Psm => st.fim_psm += 1,
                    crate::FimMode::Spm => st.fim_spm += 1,
                },
                SampleKind::Repo => {}
            }
            if matches!(s.kind, SampleKind::Repo | SampleKind::RepoFim(_)) {
                st.repo_samples += 1;
            }
            for (lang, c) in &s.languages {
                let e = st.languages.entry(*lang).or_default();
                e.documents += c.documents;
                e.tokens += c.tokens;
            }
            if let Some((_, w)) = self.megatron.as_mut() {
                w.add_document(&s.tokens)?;
            }
            if let Some(w) = self.flat.as_mut() {
                w.write(&s.tokens)?;
            }
            if self.parquet.is_some() {
                self.packer.push(&s.tokens, &mut self.rows);
            }
        }
        self.flush_rows()
    }

    fn flush_rows(&mut self) -> Result<()> {
        if let Some(p) = self.parquet.as_mut() {
            for r in &self.rows {
                self.stats.sequences += 1;
                self.stats.padding_tokens += r.padding() as u64;
            }
            p.write(self.rows.drain(..))?;
        }
        Ok(())
    }

    /// Releases held-back repository groups, closes and commits every output, writes
    /// `dataset.json`, and returns the summary.
    pub fn finish(mut self) -> Result<DatasetSummary> {
        if let Some(mut g) = self.grouper.take() {
            let mut units = Vec::new();
            g.flush(&mut units);
            let samples = self.encode_units(&units)?;
            self.consume(samples)?;
        }
        if self.parquet.is_some() {
            self.packer.finish(&mut self.rows);
            self.stats.dropped_tokens = self.packer.dropped_tokens();
            self.flush_rows()?;
        }
        let mut files = Vec::new();
        let vocab = self.tok.vocab_size();
        let (megatron_prefix, megatron_dtype) = match self.megatron.take() {
            Some((prefix, w)) => {
                files.extend(w.finish()?);
                (Some(prefix), Some(TokenDtype::megatron(vocab)))
            }
            None => (None, None),
        };
        let (flat, flat_dtype) = match self.flat.take() {
            Some(w) => {
                let dtype = w.dtype();
                let tokens = w.tokens();
                let path = w.finish()?;
                let meta = serde_json::json!({
                    "dtype": dtype.numpy(),
                    "vocab_size": vocab,
                    "eos_id": self.eos,
                    "tokens": tokens,
                    "tokenizer": "../tokenizer.json",
                });
                let meta_path = path.with_file_name("meta.json");
                files.push(write_json(&meta_path, &meta)?);
                files.push(path.clone());
                (Some(path), Some(dtype))
            }
            None => (None, None),
        };
        let parquet = match self.parquet.take() {
            Some(w) => w.finish()?,
            None => Vec::new(),
        };
        files.extend(parquet.iter().cloned());
        let (tokenizer, copied) =
            copy_tokenizer(&self.tok, &self.dir, self.config.outputs.copy_tokenizer)?;
        files.extend(copied);
        let mut summary = DatasetSummary {
            kind: "pretraining".into(),
            dir: self.dir.clone(),
            tokenizer,
            vocab_size: vocab,
            eos_id: self.eos,
            pad_id: self.pad,
            seq_len: self.config.seq_len,
            packing: self.config.packing,
            megatron_prefix,
            megatron_dtype,
            flat,
            flat_dtype,
            parquet,
            files,
            stats: Some(std::mem::take(&mut self.stats)),
            sft: None,
            config: self.config.clone(),
        };
        let manifest = self.dir.join("dataset.json");
        summary.files.push(manifest.clone());
        write_json(&manifest, &summary)?;
        Ok(summary)
    }
}

pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> Result<PathBuf> {
    let mut f = sheikh_core::io::AtomicFile::create(path)?;
    serde_json::to_writer_pretty(&mut f, value)?;
    std::io::Write::write_all(&mut f, b"\n").map_err(|e| TokenizeError::io(path, e))?;
    Ok(f.commit()?)
}

/// Tokenizes instruction records through the ChatML template and writes packed
/// sequences (`input_ids`, `labels` with `-100` outside responses, `attention_mask`) to
/// `DIR/parquet/{name}-00000.parquet…`, plus `DIR/tokenizer.json` and `DIR/dataset.json`.
/// Examples are never split across sequences; longer ones are counted and skipped.
///
/// ```
/// use sheikh_tokenize::{InstructRecord, SftDatasetWriter, TokenizeConfig};
/// let dir = tempfile::tempdir().unwrap();
/// let config = TokenizeConfig {
///     tokenizer: concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tokenizer/tokenizer.json").into(),
///     seq_len: 256,
///     ..Default::default()
/// };
/// let mut w = SftDatasetWriter::new(&config, dir.path()).unwrap();
/// let r: InstructRecord = serde_json::from_str(r#"{"input": "Add 1 and 2 in JS.", "output": "1 + 2"}"#).unwrap();
/// w.write_batch(&[r.clone(), r]).unwrap();
/// let s = w.finish().unwrap();
/// assert_eq!(s.sft.as_ref().unwrap().examples, 2);
/// assert_eq!(s.sft.unwrap().sequences, 1); // both fit one sequence
/// ```
pub struct SftDatasetWriter {
    config: TokenizeConfig,
    tok: Arc<CodeTokenizer>,
    dir: PathBuf,
    pad: u32,
    packer: ExamplePacker,
    parquet: SequenceParquetWriter,
    rows: Vec<PackedRow>,
    stats: SftStats,
}

impl SftDatasetWriter {
    /// Loads the configured tokenizer (it must know `<|im_start|>` / `<|im_end|>`) and
    /// opens the Parquet output under `dir`.
    pub fn new(config: &TokenizeConfig, dir: impl AsRef<Path>) -> Result<Self> {
        let tok = Arc::new(CodeTokenizer::from_file(&config.tokenizer)?);
        Self::with_tokenizer(config, tok, dir)
    }

    /// Like [`new`](Self::new) with an already loaded tokenizer.
    pub fn with_tokenizer(
        config: &TokenizeConfig,
        tok: Arc<CodeTokenizer>,
        dir: impl AsRef<Path>,
    ) -> Result<Self> {
        config.validate()?;
        ChatTemplate::new(&tok, None)?;
        let dir = dir.as_ref().to_path_buf();
        let pad = pad_id(&tok, config)?;
        Ok(SftDatasetWriter {
            packer: ExamplePacker::new(config.packing, config.seq_len, pad),
            parquet: open_parquet(config, &dir)?,
            config: config.clone(),
            tok,
            dir,
            pad,
            rows: Vec::new(),
            stats: SftStats::default(),
        })
    }

    /// Counts malformed input lines (reported by [`InstructReader`](crate::InstructReader)).
    pub fn add_bad_lines(&mut self, n: u64) {
        self.stats.bad_lines += n;
    }

    /// Encodes records in parallel and packs them in input order.
    pub fn write_batch(&mut self, records: &[InstructRecord]) -> Result<()> {
        let template = ChatTemplate::new(&self.tok, self.config.system_prompt.clone())?;
        let examples: Vec<SftExample> = records
            .par_iter()
            .map(|r| template.encode(r))
            .collect::<Result<_>>()?;
        for ex in &examples {
            self.stats.records += 1;
            if self.packer.push(ex, &mut self.rows) {
                self.stats.examples += 1;
                self.stats.tokens += ex.len() as u64;
                self.stats.response_tokens += ex.response_tokens() as u64;
                self.stats.histogram.record(ex.len() as u64);
            } else {
                self.stats.too_long += 1;
            }
        }
        self.flush_rows()
    }

    fn flush_rows(&mut self) -> Result<()> {
        for r in &self.rows {
            self.stats.sequences += 1;
            self.stats.padding_tokens += r.padding() as u64;
        }
        self.parquet.write(self.rows.drain(..))
    }

    /// Closes the open sequence, commits the files, writes `dataset.json`.
    pub fn finish(mut self) -> Result<DatasetSummary> {
        self.packer.finish(&mut self.rows);
        self.flush_rows()?;
        let parquet = self.parquet.finish()?;
        let mut files = parquet.clone();
        let (tokenizer, copied) =
            copy_tokenizer(&self.tok, &self.dir, self.config.outputs.copy_tokenizer)?;
        files.extend(copied);
        let mut summary = DatasetSummary {
            kind: "instruction".into(),
            dir: self.dir.clone(),
            tokenizer,
            vocab_size: self.tok.vocab_size(),
            eos_id: None,
            pad_id: self.pad,
            seq_len: self.config.seq_len,
            packing: self.config.packing,
            megatron_prefix: None,
            megatron_dtype: None,
            flat: None,
            flat_dtype: None,
            parquet,
            files,
            stats: None,
            sft: Some(self.stats),
            config: self.config,
        };
        let manifest = self.dir.join("dataset.json");
        summary.files.push(manifest.clone());
        write_json(&manifest, &summary)?;
        Ok(summary)
    }
}
