//! [`CodeTokenizer`]: a HuggingFace `tokenizer.json` loaded from a local path, with the
//! ids of the special tokens the rest of the crate inserts.

use std::path::{Path, PathBuf};

use tokenizers::{AddedToken, Tokenizer};

use crate::error::{Result, TokenizeError};
use crate::fast::{EncodePath, FastPath};

/// End of text / document separator (GPT-2, StarCoder, Qwen2.5-Coder).
pub const EOS_TOKEN: &str = "<|endoftext|>";
/// Fill-in-the-middle: start of the prefix.
pub const FIM_PREFIX: &str = "<|fim_prefix|>";
/// Fill-in-the-middle: start of the middle (the part the model learns to infill).
pub const FIM_MIDDLE: &str = "<|fim_middle|>";
/// Fill-in-the-middle: start of the suffix.
pub const FIM_SUFFIX: &str = "<|fim_suffix|>";
/// Fill-in-the-middle padding.
pub const FIM_PAD: &str = "<|fim_pad|>";
/// Repository-level format: start of the repository name.
pub const REPO_NAME: &str = "<|repo_name|>";
/// Repository-level format: start of one file (path, newline, content).
pub const FILE_SEP: &str = "<|file_sep|>";
/// ChatML: start of a turn.
pub const IM_START: &str = "<|im_start|>";
/// ChatML: end of a turn.
pub const IM_END: &str = "<|im_end|>";

/// The code-model special tokens, in the order [`train_bpe`](crate::train_bpe) gives them ids
/// 0..7 (the Qwen2.5-Coder names).
pub const CODE_SPECIAL_TOKENS: [&str; 7] = [
    EOS_TOKEN, FIM_PREFIX, FIM_MIDDLE, FIM_SUFFIX, FIM_PAD, REPO_NAME, FILE_SEP,
];

/// The ChatML turn markers used by [`ChatTemplate`](crate::ChatTemplate).
pub const CHATML_SPECIAL_TOKENS: [&str; 2] = [IM_START, IM_END];

/// Ids of the special tokens present in a tokenizer (`None` when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct SpecialTokenIds {
    /// `<|endoftext|>` (or the configured EOS token).
    pub eos: Option<u32>,
    /// `<|fim_prefix|>`.
    pub fim_prefix: Option<u32>,
    /// `<|fim_middle|>`.
    pub fim_middle: Option<u32>,
    /// `<|fim_suffix|>`.
    pub fim_suffix: Option<u32>,
    /// `<|fim_pad|>`.
    pub fim_pad: Option<u32>,
    /// `<|repo_name|>`.
    pub repo_name: Option<u32>,
    /// `<|file_sep|>`.
    pub file_sep: Option<u32>,
    /// `<|im_start|>`.
    pub im_start: Option<u32>,
    /// `<|im_end|>`.
    pub im_end: Option<u32>,
}

/// A HuggingFace tokenizer (any `tokenizer.json`: byte-level BPE of GPT-2, RoBERTa /
/// CodeBERT, Qwen2.5-Coder, phi-2…) loaded from a local file — never from a hub.
///
/// Document text is encoded with added-token matching **off**: a file that contains the
/// literal text `<|endoftext|>` or `<|fim_prefix|>` gets ordinary text tokens, never the
/// special id (tiktoken's `disallowed_special` problem). This covers tokens a
/// `tokenizer.json` marks non-special too — Qwen2.5-Coder's FIM and repository markers
/// are `"special": false` and plain `encode` would match them inside code. Special tokens
/// are inserted by id only, by this crate. No post-processor tokens (BOS/CLS), no
/// truncation or padding from the file apply to document text either.
///
/// Byte-level BPE tokenizers (GPT-2, RoBERTa, Llama-3, Qwen, StarCoder layouts) encode
/// through a faster path with identical output ([`encode_path`](Self::encode_path) says
/// which); others use the generic `tokenizers` pipeline, with a warning in the log.
///
/// ```
/// let tok = sheikh_tokenize::CodeTokenizer::from_file(
///     concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tokenizer/tokenizer.json"),
/// ).unwrap();
/// let ids = tok.encode("export const x = 1;\n").unwrap();
/// assert_eq!(tok.decode(&ids).unwrap(), "export const x = 1;\n");
/// // Special-token text inside a document is just text.
/// let eos = tok.special().eos.unwrap();
/// assert!(!tok.encode("a <|endoftext|> b").unwrap().contains(&eos));
/// ```
#[derive(Clone)]
pub struct CodeTokenizer {
    inner: Tokenizer,
    fast: Option<std::sync::Arc<FastPath>>,
    encode_path: EncodePath,
    path: PathBuf,
    special: SpecialTokenIds,
    vocab_size: usize,
}

impl std::fmt::Debug for CodeTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeTokenizer")
            .field("path", &self.path)
            .field("vocab_size", &self.vocab_size)
            .field("encode_path", &self.encode_path)
            .field("special", &self.special)
            .finish()
    }
}

impl CodeTokenizer {
    /// Loads a `tokenizer.json` from a local path.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(TokenizeError::tokenizer(
                path,
                "no such file (tokenizers are loaded from local paths only)",
            ));
        }
        let inner = Tokenizer::from_file(path).map_err(|e| TokenizeError::tokenizer(path, e))?;
        Ok(Self::new(inner, path))
    }

    /// Loads a byte-level BPE from a `vocab.json` + `merges.txt` pair, the layout of GPT-2,
    /// RoBERTa and CodeBERT: GPT-2's split regex, no prefix space, byte-level decoder. The
    /// vocabulary's own special entries (`<s>`, `</s>`, `<|endoftext|>`…) keep their ids;
    /// as with [`from_file`](Self::from_file), their text in a document is plain text.
    pub fn from_vocab_merges(vocab: impl AsRef<Path>, merges: impl AsRef<Path>) -> Result<Self> {
        let (vocab, merges) = (vocab.as_ref(), merges.as_ref());
        for p in [vocab, merges] {
            if !p.is_file() {
                return Err(TokenizeError::tokenizer(
                    p,
                    "no such file (tokenizers are loaded from local paths only)",
                ));
            }
        }
        let utf8 = |p: &Path| {
            p.to_str()
                .map(str::to_string)
                .ok_or_else(|| TokenizeError::tokenizer(p, "path is not UTF-8"))
        };
        let bpe = tokenizers::models::bpe::BPE::from_file(&utf8(vocab)?, &utf8(merges)?)
            .build()
            .map_err(|e| TokenizeError::tokenizer(vocab, e))?;
        let byte_level = tokenizers::pre_tokenizers::byte_level::ByteLevel::default()
            .add_prefix_space(false)
            .use_regex(true);
        let mut inner = Tokenizer::new(bpe);
        inner
            .with_pre_tokenizer(Some(byte_level))
            .with_decoder(Some(byte_level));
        Ok(Self::new(inner, vocab))
    }

    /// Wraps an already built tokenizer (e.g. one just trained); `origin` names it in
    /// errors and statistics.
    pub fn new(mut inner: Tokenizer, origin: impl Into<PathBuf>) -> Self {
        // Document text never produces added-token ids; see the type's docs. Marking every
        // added token special (same id) makes `encode_special_tokens` skip them all.
        let non_special: Vec<AddedToken> = inner
            .get_added_tokens_decoder()
            .into_values()
            .filter(|t| !t.special)
            .map(|t| t.special(true))
            .collect();
        if !non_special.is_empty() {
            // Re-adding existing contents keeps their ids; it cannot fail for them.
            let _ = inner.add_special_tokens(non_special);
        }
        inner.set_encode_special_tokens(true);
        let _ = inner.with_truncation(None);
        inner.with_padding(None);
        let origin = origin.into();
        let (fast, encode_path) = match FastPath::detect(&inner) {
            Ok((fast, path)) => (Some(std::sync::Arc::new(fast)), path),
            Err(reason) => (None, EncodePath::Generic { reason }),
        };
        match &encode_path {
            EncodePath::Fast { .. } => {
                tracing::debug!(tokenizer = %origin.display(), path = %encode_path, "encode path")
            }
            _ => tracing::warn!(
                tokenizer = %origin.display(),
                path = %encode_path,
                "tokenizer layout not fully supported by the fast encoder: slower path, same ids"
            ),
        }
        let id = |t: &str| inner.token_to_id(t);
        let special = SpecialTokenIds {
            eos: id(EOS_TOKEN),
            fim_prefix: id(FIM_PREFIX),
            fim_middle: id(FIM_MIDDLE),
            fim_suffix: id(FIM_SUFFIX),
            fim_pad: id(FIM_PAD),
            repo_name: id(REPO_NAME),
            file_sep: id(FILE_SEP),
            im_start: id(IM_START),
            im_end: id(IM_END),
        };
        // The largest id + 1, not the vocabulary's entry count: added tokens may leave gaps.
        let vocab_size = inner
            .get_vocab(true)
            .values()
            .copied()
            .max()
            .map_or(0, |m| m as usize + 1)
            .max(inner.get_vocab_size(true));
        CodeTokenizer {
            inner,
            fast,
            encode_path,
            path: origin,
            special,
            vocab_size,
        }
    }

    /// Where the tokenizer came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying `tokenizers` tokenizer.
    pub fn inner(&self) -> &Tokenizer {
        &self.inner
    }

    /// Number of ids (largest id + 1, added tokens included): what an embedding matrix
    /// needs, and what decides the on-disk token width.
    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// Ids of the known special tokens.
    pub fn special(&self) -> &SpecialTokenIds {
        &self.special
    }

    /// The id of a token, or [`TokenizeError::MissingSpecialToken`].
    pub fn require(&self, token: &str) -> Result<u32> {
        self.inner
            .token_to_id(token)
            .ok_or_else(|| TokenizeError::MissingSpecialToken {
                token: token.to_string(),
            })
    }

    /// Encodes text to ids: no special tokens added, special-token text treated as text,
    /// no truncation.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        self.encode_into(text, &mut out)?;
        Ok(out)
    }

    /// Encodes text and appends the ids to `out`.
    pub fn encode_into(&self, text: &str, out: &mut Vec<u32>) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        match &self.fast {
            Some(fast) => fast
                .encode_into(text, out)
                .map_err(|e| TokenizeError::tokenizer(&self.path, e)),
            None => self.encode_generic_into(text, out),
        }
    }

    /// Whether a fast byte-level BPE path ([`EncodePath::Fast`] or
    /// [`EncodePath::FastRegex`]) is in use.
    pub fn has_fast_path(&self) -> bool {
        self.fast.is_some()
    }

    /// Which path [`encode`](Self::encode) runs, and why not the fastest one.
    pub fn encode_path(&self) -> &EncodePath {
        &self.encode_path
    }

    /// Encodes with the generic `tokenizers` pipeline only (the reference the fast path
    /// is tested against).
    pub fn encode_generic(&self, text: &str) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        self.encode_generic_into(text, &mut out)?;
        Ok(out)
    }

    fn encode_generic_into(&self, text: &str, out: &mut Vec<u32>) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let enc = self
            .inner
            .encode_fast(text, false)
            .map_err(|e| TokenizeError::tokenizer(&self.path, e))?;
        out.extend_from_slice(enc.get_ids());
        Ok(())
    }

    /// Decodes ids back to text, special tokens included.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        self.inner
            .decode(ids, false)
            .map_err(|e| TokenizeError::tokenizer(&self.path, e))
    }
}
