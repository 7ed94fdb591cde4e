//! A faster encoding path for byte-level BPE tokenizers (GPT-2, RoBERTa / CodeBERT,
//! Llama-3, Qwen2.5 / Qwen3, StarCoder, the project's own), giving exactly the ids of
//! `Tokenizer::encode`.
//!
//! The generic `tokenizers` pipeline keeps a `NormalizedString` with per-byte alignments
//! for every document, splits with a backtracking regex engine, and allocates one split
//! record per input byte and one `String` per output token; none of that is needed for a
//! training-data writer, which reads ids only. For the common layout — no normalizer (or
//! NFC), a regex split then byte-level mapping, a BPE model without dropout — this module
//! runs the same steps on `&str`:
//!
//! - split: a hand-written matcher ([`crate::pretokenize`]) when the tokenizer's regex is
//!   exactly GPT-2's, Llama-3's or Qwen2's, else the tokenizer's own regex engine (onig);
//! - merge: [`ByteBpe`], the model's own vocabulary and merges keyed by id pairs, on raw
//!   bytes (no byte-to-unicode strings), with a per-thread cache of short pieces;
//! - NFC: text that `is_nfc_quick` (the normalizer's own tables) says is NFC already is
//!   used as is; other text is normalised by the tokenizer's normalizer first.
//!
//! Anything else falls back to the generic pipeline, with a log line and the reason in
//! [`EncodePath`] (also in the dataset statistics). `tests/encode.rs` checks the paths
//! agree on every fixture document and on random text for GPT-2-, Llama-3- and Qwen2-style
//! tokenizers; `scripts/tokenize/speed.py` checks them against Python `tokenizers`.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tokenizers::models::ModelWrapper;
use tokenizers::normalizers::NormalizerWrapper;
use tokenizers::utils::SysRegex;
use tokenizers::{NormalizedString, Normalizer, Tokenizer};
use unicode_normalization_alignments::{is_nfc_quick, IsNormalized};

use crate::bpe::{ByteBpe, Scratch};
use crate::pretokenize::{Pattern, GPT2};

/// Pieces at least this long are not cached.
const MAX_CACHED: usize = 128;
/// Cached pieces per thread and tokenizer before the cache is emptied.
const CACHE_CAPACITY: usize = 1 << 16;
/// Tokenizers with a cache on one thread before that thread's caches are emptied.
const CACHES_PER_THREAD: usize = 8;

/// Which code encodes document text for a [`CodeTokenizer`](crate::CodeTokenizer): all
/// give the same ids; the first two are faster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "path", rename_all = "snake_case")]
pub enum EncodePath {
    /// Hand-written pre-tokenizer for a known split regex, then this crate's byte-level
    /// BPE.
    Fast {
        /// The split regex: `gpt2`, `llama3` or `qwen2`.
        pattern: String,
    },
    /// The tokenizer's own regex engine splits (the regex is not one the hand-written
    /// pre-tokenizer reproduces), then this crate's byte-level BPE.
    FastRegex {
        /// Why the hand-written pre-tokenizer is not used.
        reason: String,
    },
    /// The generic `tokenizers` pipeline.
    Generic {
        /// The feature of the `tokenizer.json` the fast paths do not reproduce.
        reason: String,
    },
}

impl std::fmt::Display for EncodePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EncodePath::Fast { pattern } => write!(f, "fast ({pattern} pre-tokenizer, byte BPE)"),
            EncodePath::FastRegex { reason } => {
                write!(f, "fast with the tokenizer's regex engine ({reason})")
            }
            EncodePath::Generic { reason } => write!(f, "generic tokenizers pipeline ({reason})"),
        }
    }
}

enum Splitter {
    Hand(Pattern),
    Regex(SysRegex),
}

pub(crate) struct FastPath {
    splitter: Splitter,
    /// The NFC normalizer, when the tokenizer has one.
    nfc: Option<NormalizerWrapper>,
    bpe: ByteBpe,
    /// Key of this tokenizer's per-thread cache.
    id: u64,
}

impl std::fmt::Debug for FastPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastPath")
            .field("nfc", &self.nfc.is_some())
            .finish_non_exhaustive()
    }
}

struct ThreadCache {
    id: u64,
    pieces: FxHashMap<Box<[u8]>, Box<[u32]>>,
    scratch: Scratch,
}

thread_local! {
    static CACHES: RefCell<Vec<ThreadCache>> = const { RefCell::new(Vec::new()) };
}

impl FastPath {
    /// The fast path for `tok` and which path it is, or the reason there is none.
    pub(crate) fn detect(tok: &Tokenizer) -> Result<(Self, EncodePath), String> {
        let ModelWrapper::BPE(model) = tok.get_model() else {
            return Err("model is not BPE".into());
        };
        let nfc = match tok.get_normalizer() {
            None => None,
            Some(n) => {
                let v = serde_json::to_value(n).map_err(|e| e.to_string())?;
                match v["type"].as_str() {
                    Some("NFC") => Some(n.clone()),
                    Some("Sequence")
                        if v["normalizers"].as_array().is_some_and(|a| a.is_empty()) =>
                    {
                        None
                    }
                    _ => return Err(format!("normalizer {v}")),
                }
            }
        };
        let pre = tok
            .get_pre_tokenizer()
            .ok_or("no pre-tokenizer (not byte-level)")?;
        let pre = serde_json::to_value(pre).map_err(|e| e.to_string())?;
        let byte_level_ok = |v: &serde_json::Value, use_regex: bool| {
            v["type"] == "ByteLevel"
                && v["add_prefix_space"] == false
                && v["use_regex"] == use_regex
        };
        let regex = if byte_level_ok(&pre, true) {
            GPT2.to_string()
        } else {
            let steps = pre["pretokenizers"].as_array();
            match (pre["type"].as_str(), steps.map(Vec::as_slice)) {
                (Some("Sequence"), Some([split, bl]))
                    if split["type"] == "Split"
                        && split["behavior"] == "Isolated"
                        && split["invert"] == false
                        && byte_level_ok(bl, false) =>
                {
                    split["pattern"]["Regex"]
                        .as_str()
                        .ok_or("Split pattern is not a regex")?
                        .to_string()
                }
                _ => return Err(format!("pre-tokenizer {pre}")),
            }
        };
        let bpe = ByteBpe::from_model(model)?;
        let (splitter, path) = match Pattern::recognise(&regex) {
            Some(p) => (
                Splitter::Hand(p),
                EncodePath::Fast {
                    pattern: p.name().to_string(),
                },
            ),
            None => (
                Splitter::Regex(SysRegex::new(&regex).map_err(|e| e.to_string())?),
                EncodePath::FastRegex {
                    reason: format!("split regex {regex:?} is not GPT-2's, Llama-3's or Qwen2's"),
                },
            ),
        };
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Ok((
            FastPath {
                splitter,
                nfc,
                bpe,
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            },
            path,
        ))
    }

    /// Appends the ids of `text`.
    pub(crate) fn encode_into(&self, text: &str, out: &mut Vec<u32>) -> tokenizers::Result<()> {
        if let Some(nfc) = &self.nfc {
            if !text.is_ascii() && is_nfc_quick(text.chars()) != IsNormalized::Yes {
                let mut normalized = NormalizedString::from(text);
                nfc.normalize(&mut normalized)?;
                self.encode_normalized(normalized.get(), out);
                return Ok(());
            }
        }
        self.encode_normalized(text, out);
        Ok(())
    }

    fn encode_normalized(&self, text: &str, out: &mut Vec<u32>) {
        CACHES.with(|caches| {
            let mut caches = caches.borrow_mut();
            let at = match caches.iter().position(|c| c.id == self.id) {
                Some(i) => i,
                None => {
                    if caches.len() >= CACHES_PER_THREAD {
                        caches.clear();
                    }
                    caches.push(ThreadCache {
                        id: self.id,
                        pieces: FxHashMap::default(),
                        scratch: Scratch::default(),
                    });
                    caches.len() - 1
                }
            };
            let cache = &mut caches[at];
            match &self.splitter {
                Splitter::Hand(p) => {
                    for piece in p.split(text) {
                        self.piece(piece.as_bytes(), out, cache);
                    }
                }
                Splitter::Regex(re) => {
                    // `Isolated` split: matches and the text between them are pieces.
                    let mut prev = 0;
                    for (start, end) in re.find_iter(text) {
                        if start > prev {
                            self.piece(&text.as_bytes()[prev..start], out, cache);
                        }
                        self.piece(&text.as_bytes()[start..end], out, cache);
                        prev = end;
                    }
                    self.piece(&text.as_bytes()[prev..], out, cache);
                }
            }
        })
    }

    #[inline]
    fn piece(&self, piece: &[u8], out: &mut Vec<u32>, cache: &mut ThreadCache) {
        if piece.len() <= 1 || piece.len() >= MAX_CACHED {
            return self.bpe.encode(piece, out, &mut cache.scratch);
        }
        if let Some(ids) = cache.pieces.get(piece) {
            return out.extend_from_slice(ids);
        }
        let start = out.len();
        self.bpe.encode(piece, out, &mut cache.scratch);
        if cache.pieces.len() >= CACHE_CAPACITY {
            cache.pieces.clear();
        }
        cache.pieces.insert(piece.into(), out[start..].into());
    }
}
