//! A faster encoding path for byte-level BPE tokenizers (GPT-2, Qwen2.5-Coder, StarCoder,
//! the project's own), giving exactly the ids of `Tokenizer::encode`.
//!
//! The generic `tokenizers` pipeline keeps a `NormalizedString` with per-byte alignments
//! for every document, and allocates one split record per input byte and one `String` per
//! output token; that bookkeeping (offsets) is what a training-data writer never reads.
//! For the common layout — no normalizer (or NFC on ASCII text, where it is the identity),
//! a regex split then byte-level mapping, a BPE model without dropout — this module runs
//! the same steps on `&str`: the tokenizer's own regex engine (`SysRegex`, onig) splits,
//! the GPT-2 byte-to-unicode table maps, the tokenizer's own BPE model merges, and a
//! sharded cache remembers the ids of short pieces. Anything else falls back to the
//! generic path. `tests/encode.rs` checks both paths agree on every fixture document and
//! on random text; `scripts/tokenize/speed.py` checks them against Python `tokenizers`.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Mutex;

use tokenizers::models::ModelWrapper;
use tokenizers::utils::SysRegex;
use tokenizers::{Model, Tokenizer};

/// GPT-2's pre-tokenization regex (what `ByteLevel { use_regex: true }` splits with).
const GPT2_PATTERN: &str =
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

/// Pieces at least this long are not cached (as the BPE model's own cache).
const MAX_CACHED: usize = 256;
const SHARDS: usize = 16;
const SHARD_CAPACITY: usize = 1 << 14;

type Shard = Mutex<HashMap<Box<str>, Box<[u32]>>>;

pub(crate) struct FastPath {
    regex: SysRegex,
    ascii_only: bool,
    byte_char: [char; 256],
    cache: Vec<Shard>,
    hasher: std::collections::hash_map::RandomState,
}

impl std::fmt::Debug for FastPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastPath")
            .field("ascii_only", &self.ascii_only)
            .finish_non_exhaustive()
    }
}

/// GPT-2's `bytes_to_unicode`: printable bytes map to themselves, the others to U+0100….
fn byte_chars() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut next = 256u32;
    for b in 0..=255u8 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        table[b as usize] = if printable {
            b as char
        } else {
            let c = char::from_u32(next).expect("valid code point");
            next += 1;
            c
        };
    }
    table
}

impl FastPath {
    /// The fast path for `tok`, when its layout is one this module reproduces exactly.
    pub(crate) fn detect(tok: &Tokenizer) -> Option<Self> {
        let ModelWrapper::BPE(bpe) = tok.get_model() else {
            return None;
        };
        if bpe.dropout.is_some() {
            return None;
        }
        let ascii_only = match tok.get_normalizer() {
            None => false,
            Some(n) => {
                let v = serde_json::to_value(n).ok()?;
                match v["type"].as_str()? {
                    "NFC" => true,
                    "Sequence" if v["normalizers"].as_array().is_some_and(|a| a.is_empty()) => {
                        false
                    }
                    _ => return None,
                }
            }
        };
        let pre = serde_json::to_value(tok.get_pre_tokenizer()?).ok()?;
        let byte_level_ok = |v: &serde_json::Value, use_regex: bool| {
            v["type"] == "ByteLevel"
                && v["add_prefix_space"] == false
                && v["use_regex"] == use_regex
        };
        let pattern = if byte_level_ok(&pre, true) {
            GPT2_PATTERN.to_string()
        } else if pre["type"] == "Sequence" {
            let steps = pre["pretokenizers"].as_array()?;
            match steps.as_slice() {
                [split, bl]
                    if split["type"] == "Split"
                        && split["behavior"] == "Isolated"
                        && split["invert"] == false
                        && byte_level_ok(bl, false) =>
                {
                    split["pattern"]["Regex"].as_str()?.to_string()
                }
                _ => return None,
            }
        } else {
            return None;
        };
        Some(FastPath {
            regex: SysRegex::new(&pattern).ok()?,
            ascii_only,
            byte_char: byte_chars(),
            cache: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: Default::default(),
        })
    }

    /// Appends the ids of `text`; `None` when this text needs the generic path.
    pub(crate) fn encode_into(
        &self,
        model: &ModelWrapper,
        text: &str,
        out: &mut Vec<u32>,
    ) -> Option<tokenizers::Result<()>> {
        if self.ascii_only && !text.is_ascii() {
            return None;
        }
        let mut mapped = String::new();
        let mut prev = 0;
        let mut run = |piece: &str, out: &mut Vec<u32>| self.piece(model, piece, &mut mapped, out);
        for (start, end) in self.regex.find_iter(text) {
            if start > prev {
                if let Err(e) = run(&text[prev..start], out) {
                    return Some(Err(e));
                }
            }
            if end > start {
                if let Err(e) = run(&text[start..end], out) {
                    return Some(Err(e));
                }
            }
            prev = end;
        }
        if prev < text.len() {
            if let Err(e) = run(&text[prev..], out) {
                return Some(Err(e));
            }
        }
        Some(Ok(()))
    }

    fn piece(
        &self,
        model: &ModelWrapper,
        piece: &str,
        mapped: &mut String,
        out: &mut Vec<u32>,
    ) -> tokenizers::Result<()> {
        let cacheable = piece.len() < MAX_CACHED;
        let shard = if cacheable {
            let h = self.hasher.hash_one(piece) as usize;
            let shard = &self.cache[h % SHARDS];
            if let Some(ids) = shard.lock().ok().and_then(|m| m.get(piece).cloned()) {
                out.extend_from_slice(&ids);
                return Ok(());
            }
            Some(shard)
        } else {
            None
        };
        mapped.clear();
        mapped.extend(piece.bytes().map(|b| self.byte_char[b as usize]));
        let start = out.len();
        out.extend(model.tokenize(mapped)?.into_iter().map(|t| t.id));
        if let Some(shard) = shard {
            if let Ok(mut m) = shard.lock() {
                if m.len() >= SHARD_CAPACITY {
                    m.clear();
                }
                m.insert(piece.into(), out[start..].into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_table_is_gpt2s() {
        let t = byte_chars();
        assert_eq!(t[b' ' as usize], 'Ġ');
        assert_eq!(t[b'\n' as usize], 'Ċ');
        assert_eq!(t[b'a' as usize], 'a');
        assert_eq!(t[0], 'Ā');
        let mut all: Vec<char> = t.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 256);
    }
}
