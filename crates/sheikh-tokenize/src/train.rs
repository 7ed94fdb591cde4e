//! Byte-level BPE training with the `tokenizers` trainer.

use serde::{Deserialize, Serialize};
use tokenizers::models::bpe::{BpeTrainerBuilder, BPE};
use tokenizers::models::TrainerWrapper;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::{AddedToken, Tokenizer};

use crate::error::{Result, TokenizeError};
use crate::tokenizer::{CodeTokenizer, CHATML_SPECIAL_TOKENS, CODE_SPECIAL_TOKENS};

/// Settings of [`train_bpe`].
///
/// ```
/// let c = sheikh_tokenize::TrainConfig::default();
/// assert_eq!(c.special_tokens[0], "<|endoftext|>");
/// assert_eq!(c.vocab_size, 2048);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Target vocabulary size, special tokens and the 256 byte symbols included
    /// (default `2048`, the shipped fixture tokenizer; production code models use 32k–152k).
    pub vocab_size: usize,
    /// A pair must occur at least this often to be merged (default `2`).
    pub min_frequency: u64,
    /// Special tokens, given ids 0, 1, … in this order (default: the code-model set
    /// [`CODE_SPECIAL_TOKENS`] — `<|endoftext|>`, `<|fim_prefix|>`, `<|fim_middle|>`,
    /// `<|fim_suffix|>`, `<|fim_pad|>`, `<|repo_name|>`, `<|file_sep|>` — followed by the
    /// ChatML markers `<|im_start|>`, `<|im_end|>` for instruction data).
    pub special_tokens: Vec<String>,
    /// Longest merged token in characters, `None` for no limit (default `Some(32)`).
    pub max_token_length: Option<usize>,
    /// Show the trainer's progress bar (default `false`).
    pub show_progress: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            vocab_size: 2048,
            min_frequency: 2,
            special_tokens: CODE_SPECIAL_TOKENS
                .iter()
                .chain(CHATML_SPECIAL_TOKENS.iter())
                .map(|s| s.to_string())
                .collect(),
            max_token_length: Some(32),
            show_progress: false,
        }
    }
}

/// Trains a byte-level BPE tokenizer (GPT-2 style: byte-level pre-tokenizer with the
/// GPT-2 split regex, no prefix space, byte-level decoder) on `texts`.
///
/// The trainer counts words in parallel on the current rayon pool; the merges it picks
/// do not depend on the order or the thread count (ties are broken by the pair itself).
///
/// ```
/// let texts = ["function add(a, b) { return a + b; }\n"; 50];
/// let config = sheikh_tokenize::TrainConfig { vocab_size: 300, ..Default::default() };
/// let tok = sheikh_tokenize::train_bpe(texts.iter(), &config).unwrap();
/// assert_eq!(tok.special().eos, Some(0));
/// let ids = tok.encode(texts[0]).unwrap();
/// assert_eq!(tok.decode(&ids).unwrap(), texts[0]);
/// ```
pub fn train_bpe<I, S>(texts: I, config: &TrainConfig) -> Result<CodeTokenizer>
where
    I: Iterator<Item = S> + Send,
    S: AsRef<str> + Send,
{
    let min_vocab = 256 + config.special_tokens.len();
    if config.vocab_size < min_vocab {
        return Err(TokenizeError::Config(format!(
            "vocab_size {} is below the 256 byte symbols plus {} special tokens",
            config.vocab_size,
            config.special_tokens.len()
        )));
    }
    let mut trainer: TrainerWrapper = BpeTrainerBuilder::new()
        .show_progress(config.show_progress)
        .vocab_size(config.vocab_size)
        .min_frequency(config.min_frequency)
        .special_tokens(
            config
                .special_tokens
                .iter()
                .map(|t| AddedToken::from(t.clone(), true))
                .collect(),
        )
        .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
        .max_token_length(config.max_token_length)
        .build()
        .into();
    let mut tokenizer = Tokenizer::new(BPE::default());
    tokenizer
        .with_pre_tokenizer(Some(
            ByteLevel::default().add_prefix_space(false).use_regex(true),
        ))
        .with_post_processor(Some(ByteLevel::default().trim_offsets(false)))
        .with_decoder(Some(ByteLevel::default()));
    tokenizer
        .train(&mut trainer, texts)
        .map_err(|e| TokenizeError::tokenizer("<training>", e))?;
    Ok(CodeTokenizer::new(tokenizer, "<trained>"))
}
