//! [`TokenizeConfig`]: the `tokenize` configuration section.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Result, TokenizeError};
use crate::fim::FimConfig;
use crate::pack::PackingMode;
use crate::sample::RepoLevelConfig;
use crate::tokenizer::{CodeTokenizer, EOS_TOKEN};

/// Which files a dataset writer produces (all by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputsConfig {
    /// Megatron-LM / NeMo indexed dataset `megatron/{name}_text_document.{bin,idx}`, one
    /// sequence per sample (default `true`).
    pub megatron: bool,
    /// nanoGPT-style flat token file `flat/{name}.bin` plus `flat/meta.json` (default `true`).
    pub flat: bool,
    /// Packed sequences as Parquet `parquet/{name}-00000.parquet…` with `input_ids`,
    /// `labels`, `attention_mask` (default `true`).
    pub parquet: bool,
    /// Base name of every output (default `train`).
    pub name: String,
    /// Parquet rows per file (default `65536`).
    pub rows_per_file: usize,
    /// Parquet rows per row group (default `1024`).
    pub row_group_rows: usize,
    /// Copy `tokenizer.json` next to the data, so the dataset carries its tokenizer
    /// (default `true`).
    pub copy_tokenizer: bool,
}

impl Default for OutputsConfig {
    fn default() -> Self {
        OutputsConfig {
            megatron: true,
            flat: true,
            parquet: true,
            name: "train".into(),
            rows_per_file: 65_536,
            row_group_rows: 1024,
            copy_tokenizer: true,
        }
    }
}

/// The `tokenize` section: how documents become training data.
///
/// ```
/// let c: sheikh_tokenize::TokenizeConfig = serde_json::from_str(r#"{"seq_len": 4096}"#).unwrap();
/// assert_eq!(c.seq_len, 4096);
/// assert_eq!(c.fim.rate, 0.5);
/// assert_eq!(c.tokenizer, std::path::PathBuf::from("fixtures/tokenizer/tokenizer.json"));
/// assert!(serde_json::from_str::<sheikh_tokenize::TokenizeConfig>(r#"{"seqlen": 1}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenizeConfig {
    /// Run the tokenize stage in the pipeline (default `true`).
    pub enabled: bool,
    /// A HuggingFace `tokenizer.json`, read from this local path (default
    /// `fixtures/tokenizer/tokenizer.json`, the project's own small BPE).
    pub tokenizer: PathBuf,
    /// Seed of every random decision (FIM), combined with each document's id (default `42`).
    pub seed: u64,
    /// Token appended to every sample; `null` for none (default `<|endoftext|>`).
    pub eos_token: Option<String>,
    /// Padding token of padded sequences; padding is masked out of attention and
    /// labels, so the id only matters to readers (default `<|endoftext|>`, as Qwen2.5-Coder).
    pub pad_token: String,
    /// Truncate samples to this many tokens, EOS included; `null` never truncates (default).
    pub max_doc_tokens: Option<usize>,
    /// Fill-in-the-middle rate and PSM/SPM share.
    pub fim: FimConfig,
    /// Repository-level samples.
    pub repo_level: RepoLevelConfig,
    /// Length of packed sequences (default `2048`; 4096–32768 for long-context stages).
    pub seq_len: usize,
    /// `concat` (default) or `pad`.
    pub packing: PackingMode,
    /// Drop the last incomplete `concat` sequence instead of padding it (default `false`).
    pub drop_remainder: bool,
    /// Output files.
    pub outputs: OutputsConfig,
    /// Instruction data: the ChatML system prompt; `null` for no system turn (default).
    pub system_prompt: Option<String>,
}

impl Default for TokenizeConfig {
    fn default() -> Self {
        TokenizeConfig {
            enabled: true,
            tokenizer: PathBuf::from("fixtures/tokenizer/tokenizer.json"),
            seed: 42,
            eos_token: Some(EOS_TOKEN.into()),
            pad_token: EOS_TOKEN.into(),
            max_doc_tokens: None,
            fim: FimConfig::default(),
            repo_level: RepoLevelConfig::default(),
            seq_len: 2048,
            packing: PackingMode::Concat,
            drop_remainder: false,
            outputs: OutputsConfig::default(),
            system_prompt: None,
        }
    }
}

impl TokenizeConfig {
    /// The id of `eos_token` in `tok` (`None` when no EOS is configured); an error when
    /// the tokenizer lacks it.
    pub fn eos_id(&self, tok: &CodeTokenizer) -> Result<Option<u32>> {
        self.eos_token
            .as_deref()
            .map(|t| tok.require(t))
            .transpose()
    }

    /// Checks values that serde cannot.
    pub fn validate(&self) -> Result<()> {
        self.fim.validate()?;
        if self.seq_len == 0 {
            return Err(TokenizeError::Config("seq_len must be > 0".into()));
        }
        // The name becomes file names (`megatron/{name}_text_document.bin`, …): one
        // plain path component, never `..` or a path.
        sheikh_core::io::validate_file_name("tokenize.outputs.name", &self.outputs.name)
            .map_err(TokenizeError::Config)?;
        if self.outputs.rows_per_file == 0 || self.outputs.row_group_rows == 0 {
            return Err(TokenizeError::Config(
                "outputs.rows_per_file and outputs.row_group_rows must be > 0".into(),
            ));
        }
        if self.repo_level.enabled && self.repo_level.max_bytes == 0 {
            return Err(TokenizeError::Config(
                "repo_level.max_bytes must be > 0".into(),
            ));
        }
        Ok(())
    }

    /// Makes a relative tokenizer path relative to `base`.
    pub fn rebase(mut self, base: &std::path::Path) -> Self {
        if self.tokenizer.is_relative() {
            self.tokenizer = base.join(&self.tokenizer);
        }
        self
    }
}
