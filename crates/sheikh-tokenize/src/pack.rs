//! Packing samples into fixed-length sequences.

use serde::{Deserialize, Serialize};

use crate::chat::SftExample;

/// How samples become fixed-length sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackingMode {
    /// Concatenate samples (each ends with EOS) and cut every `seq_len` tokens: no
    /// padding, a document may continue in the next sequence (GPT-style pretraining,
    /// HF `group_texts`). Instruction examples are never split: a sequence takes whole
    /// examples while they fit and is padded. (default)
    #[default]
    Concat,
    /// One sample per sequence, padded to `seq_len`; a longer pretraining sample
    /// continues in further sequences of its own (never mixed with another document).
    Pad,
}

/// One packed sequence. Padding is always at the end: tokens `valid..` are padding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackedRow {
    /// Token ids, `seq_len` of them except for a kept remainder.
    pub input_ids: Vec<u32>,
    /// `true` where the token is trained on (all real tokens for pretraining, the
    /// response for instruction data; never padding).
    pub loss_mask: Vec<bool>,
    /// Number of real (non-padding) tokens.
    pub valid: usize,
}

impl PackedRow {
    /// Labels in the HF convention: the token id where trained on, `-100` elsewhere
    /// (the model shifts them itself).
    pub fn labels(&self) -> Vec<i32> {
        self.input_ids
            .iter()
            .zip(&self.loss_mask)
            .map(|(&t, &m)| if m { t as i32 } else { -100 })
            .collect()
    }

    /// `1` on real tokens, `0` on padding.
    pub fn attention_mask(&self) -> Vec<i8> {
        (0..self.input_ids.len())
            .map(|i| (i < self.valid) as i8)
            .collect()
    }

    /// Padding tokens in the row.
    pub fn padding(&self) -> usize {
        self.input_ids.len() - self.valid
    }
}

fn padded(mut ids: Vec<u32>, mut mask: Vec<bool>, seq_len: usize, pad: u32) -> PackedRow {
    let valid = ids.len();
    if valid < seq_len {
        ids.resize(seq_len, pad);
        mask.resize(seq_len, false);
    }
    PackedRow {
        input_ids: ids,
        loss_mask: mask,
        valid,
    }
}

/// Packs pretraining samples (token ids, EOS already appended).
///
/// ```
/// use sheikh_tokenize::{PackingMode, TokenPacker};
/// let mut p = TokenPacker::new(PackingMode::Concat, 4, 0, false);
/// let mut rows = Vec::new();
/// p.push(&[1, 2, 3], &mut rows);
/// p.push(&[4, 5, 6], &mut rows);
/// p.finish(&mut rows);
/// assert_eq!(rows[0].input_ids, [1, 2, 3, 4]);
/// assert_eq!((rows[1].input_ids.as_slice(), rows[1].valid), (&[5, 6, 0, 0][..], 2));
/// ```
#[derive(Debug, Clone)]
pub struct TokenPacker {
    mode: PackingMode,
    seq_len: usize,
    pad: u32,
    drop_remainder: bool,
    buf: Vec<u32>,
    dropped: u64,
}

impl TokenPacker {
    /// A packer into sequences of `seq_len` (> 0) tokens, padding with `pad`. With
    /// `drop_remainder`, the last incomplete sequence of `Concat` mode is dropped
    /// (counted in [`dropped_tokens`](Self::dropped_tokens)) instead of padded.
    pub fn new(mode: PackingMode, seq_len: usize, pad: u32, drop_remainder: bool) -> Self {
        TokenPacker {
            mode,
            seq_len: seq_len.max(1),
            pad,
            drop_remainder,
            buf: Vec::new(),
            dropped: 0,
        }
    }

    /// Adds one sample; complete sequences are appended to `out`.
    pub fn push(&mut self, tokens: &[u32], out: &mut Vec<PackedRow>) {
        let n = self.seq_len;
        match self.mode {
            PackingMode::Concat => {
                self.buf.extend_from_slice(tokens);
                if self.buf.len() >= n {
                    let mut start = 0;
                    while self.buf.len() - start >= n {
                        let ids = self.buf[start..start + n].to_vec();
                        out.push(PackedRow {
                            loss_mask: vec![true; n],
                            input_ids: ids,
                            valid: n,
                        });
                        start += n;
                    }
                    self.buf.drain(..start);
                }
            }
            PackingMode::Pad => {
                for chunk in tokens.chunks(n) {
                    out.push(padded(chunk.to_vec(), vec![true; chunk.len()], n, self.pad));
                }
            }
        }
    }

    /// Releases the incomplete last sequence (padded), unless `drop_remainder`.
    pub fn finish(&mut self, out: &mut Vec<PackedRow>) {
        if self.buf.is_empty() {
            return;
        }
        let rest = std::mem::take(&mut self.buf);
        if self.drop_remainder {
            self.dropped += rest.len() as u64;
        } else {
            let len = rest.len();
            out.push(padded(rest, vec![true; len], self.seq_len, self.pad));
        }
    }

    /// Tokens dropped with the remainder.
    pub fn dropped_tokens(&self) -> u64 {
        self.dropped
    }
}

/// Packs instruction examples without ever splitting one: `Concat` fills a sequence with
/// whole examples while they fit, then pads; `Pad` puts one example per sequence.
/// Examples longer than `seq_len` are refused ([`push`](Self::push) returns `false`).
///
/// ```
/// use sheikh_tokenize::{ExamplePacker, PackingMode, SftExample};
/// let ex = |n: u32| SftExample { input_ids: (0..n).collect(), loss_mask: vec![true; n as usize] };
/// let mut p = ExamplePacker::new(PackingMode::Concat, 8, 99);
/// let mut rows = Vec::new();
/// assert!(p.push(&ex(5), &mut rows));
/// assert!(p.push(&ex(5), &mut rows)); // does not fit: the first row closes, padded
/// assert!(!p.push(&ex(9), &mut rows)); // longer than a sequence: refused
/// p.finish(&mut rows);
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[0].valid, 5);
/// ```
#[derive(Debug, Clone)]
pub struct ExamplePacker {
    mode: PackingMode,
    seq_len: usize,
    pad: u32,
    ids: Vec<u32>,
    mask: Vec<bool>,
}

impl ExamplePacker {
    /// A packer into sequences of `seq_len` tokens padded with `pad`.
    pub fn new(mode: PackingMode, seq_len: usize, pad: u32) -> Self {
        ExamplePacker {
            mode,
            seq_len: seq_len.max(1),
            pad,
            ids: Vec::new(),
            mask: Vec::new(),
        }
    }

    /// Adds one example; `false` (and nothing added) when it is longer than `seq_len`.
    pub fn push(&mut self, ex: &SftExample, out: &mut Vec<PackedRow>) -> bool {
        if ex.len() > self.seq_len {
            return false;
        }
        if self.mode == PackingMode::Pad || self.ids.len() + ex.len() > self.seq_len {
            self.close(out);
        }
        self.ids.extend_from_slice(&ex.input_ids);
        self.mask.extend_from_slice(&ex.loss_mask);
        if self.mode == PackingMode::Pad {
            self.close(out);
        }
        true
    }

    fn close(&mut self, out: &mut Vec<PackedRow>) {
        if !self.ids.is_empty() {
            out.push(padded(
                std::mem::take(&mut self.ids),
                std::mem::take(&mut self.mask),
                self.seq_len,
                self.pad,
            ));
        }
    }

    /// Releases the open sequence.
    pub fn finish(&mut self, out: &mut Vec<PackedRow>) {
        self.close(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid_tokens(rows: &[PackedRow]) -> Vec<u32> {
        rows.iter()
            .flat_map(|r| r.input_ids[..r.valid].iter().copied())
            .collect()
    }

    proptest! {
        #[test]
        fn concat_and_pad_lose_and_duplicate_nothing(
            docs in prop::collection::vec(prop::collection::vec(0u32..1000, 0..50), 0..30),
            seq_len in 1usize..64,
            pad_mode in any::<bool>(),
        ) {
            let mode = if pad_mode { PackingMode::Pad } else { PackingMode::Concat };
            let mut p = TokenPacker::new(mode, seq_len, 7777, false);
            let mut rows = Vec::new();
            for d in &docs { p.push(d, &mut rows); }
            p.finish(&mut rows);
            let all: Vec<u32> = docs.concat();
            prop_assert_eq!(valid_tokens(&rows), all);
            for r in &rows {
                prop_assert_eq!(r.input_ids.len(), seq_len);
                prop_assert!(r.input_ids[r.valid..].iter().all(|&t| t == 7777));
                prop_assert!(r.loss_mask[..r.valid].iter().all(|&m| m));
                prop_assert!(r.loss_mask[r.valid..].iter().all(|&m| !m));
            }
            if !pad_mode {
                // Only the last row may be padded.
                for r in rows.iter().rev().skip(1) { prop_assert_eq!(r.valid, seq_len); }
            } else {
                // Every row holds tokens of exactly one document.
                let expected: usize = docs.iter().map(|d| d.len().div_ceil(seq_len)).sum();
                prop_assert_eq!(rows.len(), expected);
            }
        }

        #[test]
        fn drop_remainder_accounts_for_every_token(
            docs in prop::collection::vec(prop::collection::vec(0u32..1000, 0..50), 0..30),
            seq_len in 1usize..64,
        ) {
            let mut p = TokenPacker::new(PackingMode::Concat, seq_len, 0, true);
            let mut rows = Vec::new();
            for d in &docs { p.push(d, &mut rows); }
            p.finish(&mut rows);
            let total: usize = docs.iter().map(Vec::len).sum();
            prop_assert_eq!(rows.len() * seq_len + p.dropped_tokens() as usize, total);
            prop_assert!(rows.iter().all(|r| r.valid == seq_len));
        }

        #[test]
        fn examples_are_never_split(
            lens in prop::collection::vec(1usize..40, 0..40),
            seq_len in 1usize..48,
            pad_mode in any::<bool>(),
        ) {
            let mode = if pad_mode { PackingMode::Pad } else { PackingMode::Concat };
            let mut p = ExamplePacker::new(mode, seq_len, 0);
            let mut rows = Vec::new();
            let mut kept = Vec::new();
            for (i, &n) in lens.iter().enumerate() {
                // Example i is made of the token i+1 repeated, mask alternating.
                let ex = SftExample {
                    input_ids: vec![i as u32 + 1; n],
                    loss_mask: (0..n).map(|j| j % 2 == 0).collect(),
                };
                let ok = p.push(&ex, &mut rows);
                prop_assert_eq!(ok, n <= seq_len);
                if ok { kept.push(ex); }
            }
            p.finish(&mut rows);
            // Concatenating the rows' real tokens gives the kept examples in order…
            let ids: Vec<u32> = kept.iter().flat_map(|e| e.input_ids.clone()).collect();
            let masks: Vec<bool> = kept.iter().flat_map(|e| e.loss_mask.clone()).collect();
            prop_assert_eq!(valid_tokens(&rows), ids);
            let row_masks: Vec<bool> = rows.iter().flat_map(|r| r.loss_mask[..r.valid].to_vec()).collect();
            prop_assert_eq!(row_masks, masks);
            // …and every example lies in exactly one row.
            for (i, e) in kept.iter().enumerate() {
                let id = e.input_ids[0];
                let holding = rows.iter().filter(|r| r.input_ids[..r.valid].contains(&id)).count();
                prop_assert_eq!(holding, 1, "example {} split", i);
            }
            for r in &rows { prop_assert_eq!(r.input_ids.len(), seq_len); }
        }
    }
}
