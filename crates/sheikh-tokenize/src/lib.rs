//! # sheikh-tokenize
//!
//! Turns kept documents into what a trainer reads, and proves nothing is lost on the way.
//!
//! - [`CodeTokenizer`]: any HuggingFace `tokenizer.json` from a local path (never a hub);
//!   [`train_bpe`] trains a byte-level BPE with the code-model special tokens.
//! - [`SampleBuilder`]: document → tokens + EOS, fill-in-the-middle ([`FimSplit`],
//!   [`encode_fim`], PSM/SPM) and the repository-level format ([`RepoGrouper`]).
//! - [`ChatTemplate`]: OpenCodeInstruct/Alpaca [`InstructRecord`]s through ChatML with a
//!   response-only loss mask.
//! - [`TokenPacker`] / [`ExamplePacker`]: fixed-length sequences ([`PackingMode`]).
//! - Outputs: [`IndexedDatasetWriter`] (Megatron `.bin`/`.idx`), [`FlatTokenWriter`]
//!   (nanoGPT), [`SequenceParquetWriter`] (HF `datasets`).
//! - [`DatasetWriter`] / [`SftDatasetWriter`]: all of the above, streaming, with
//!   [`TokenStats`] and a [`TokenLengthHistogram`]; [`TokenizeStage`] runs it in a
//!   [`sheikh_core::Pipeline`].
//! - [`prepare_training`]: a trainer configuration and a token budget per language.
//!
//! ```no_run
//! use sheikh_core::io::DirectoryReader;
//! use sheikh_tokenize::{prepare_training, DatasetWriter, TokenizeConfig, TrainingPrepConfig};
//!
//! let config = TokenizeConfig::default(); // fixtures/tokenizer/tokenizer.json, FIM 0.5, seq_len 2048
//! let mut writer = DatasetWriter::new(&config, "target/tokens")?;
//! for batch in DirectoryReader::builder("fixtures/corpus").repo_from_top_dir(true).build()? {
//!     writer.write_batch(&batch?.documents)?;
//! }
//! let summary = writer.finish()?;
//! println!("{}", summary.stats.as_ref().unwrap().language_table());
//! prepare_training(&summary, &TrainingPrepConfig::default(), "target/tokens")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod bpe;
mod chat;
mod config;
mod dataset;
mod error;
mod fast;
mod fim;
mod flat;
mod indexed;
mod pack;
mod parquet;
mod prepare;
mod pretokenize;
mod rng;
mod sample;
mod stage;
mod stats;
mod tokenizer;
mod train;

pub use chat::{BadLine, ChatTemplate, InstructReader, InstructRecord, SftExample};
pub use config::{OutputsConfig, TokenizeConfig};
pub use dataset::{DatasetSummary, DatasetWriter, SftDatasetWriter};
pub use error::{Result, TokenizeError};
pub use fast::EncodePath;
pub use fim::{draw_mode, encode_fim, FimConfig, FimMode, FimSplit, FimTokens};
pub use flat::FlatTokenWriter;
pub use indexed::{
    read_indexed_dataset, IndexedDatasetWriter, TokenDtype, INDEX_HEADER, INDEX_VERSION,
};
pub use pack::{ExamplePacker, PackedRow, PackingMode, TokenPacker};
pub use parquet::{read_sequences, sequence_schema, SequenceParquetWriter, SequenceRecord};
pub use prepare::{
    prepare_training, BudgetRow, ConfigFormat, PreparedTraining, TrainingData, TrainingPlan,
    TrainingPrepConfig,
};
pub use rng::ItemRng;
pub use sample::{RepoGrouper, RepoLevelConfig, Sample, SampleBuilder, SampleKind, Unit};
pub use stage::{SummaryHandle, TokenizeStage};
pub use stats::{HistogramBucket, LanguageTokens, SftStats, TokenLengthHistogram, TokenStats};
pub use tokenizer::{
    CodeTokenizer, SpecialTokenIds, CHATML_SPECIAL_TOKENS, CODE_SPECIAL_TOKENS, EOS_TOKEN,
    FILE_SEP, FIM_MIDDLE, FIM_PAD, FIM_PREFIX, FIM_SUFFIX, IM_END, IM_START, REPO_NAME,
};
pub use train::{train_bpe, TrainConfig};
