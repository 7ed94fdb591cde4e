//! Byte-pair encoding of one pre-token with exactly the merges of a `tokenizers` BPE model
//! over a byte-level vocabulary: the ids `BPE::tokenize` gives for the piece's GPT-2
//! byte-to-unicode mapping, without building strings.
//!
//! The merge table is keyed by the pair of ids (`left << 32 | right`) in an FxHash map and
//! holds `rank << 32 | new_id`, so the smallest value is the pair HF merges first. HF's
//! rule — repeatedly merge the adjacent pair of lowest rank, leftmost among equals — is run
//! by a linear scan over the pairs for short pieces (almost all of them; no allocation,
//! cache-friendly) and by a binary heap over a linked list of symbols, `O(n log n)`, for
//! long ones, as `tokenizers`' own `Word::merge_all` does. `ignore_merges` (Llama-3) is
//! honoured: a piece that is itself in the vocabulary is one token.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;
use tokenizers::models::bpe::BPE;

/// Pieces of at most this many bytes use the quadratic scan; longer ones the heap.
const SCAN_MAX: usize = 48;
const NONE: u32 = u32::MAX;

/// GPT-2's `bytes_to_unicode`: printable bytes map to themselves, the others to U+0100….
pub(crate) fn byte_chars() -> [char; 256] {
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

/// A byte-level BPE model's vocabulary and merges, keyed for encoding raw bytes.
pub(crate) struct ByteBpe {
    byte_ids: [u32; 256],
    merges: FxHashMap<u64, u64>,
    /// The vocabulary by bytes, when `ignore_merges` is set.
    whole: Option<FxHashMap<Box<[u8]>, u32>>,
}

/// Reusable buffers for [`ByteBpe::encode`].
#[derive(Default)]
pub(crate) struct Scratch {
    ids: Vec<u32>,
    pairs: Vec<u64>,
    links: Vec<(u32, u32, u32)>,
    heap: BinaryHeap<Reverse<u64>>,
}

impl ByteBpe {
    /// Reads `model`'s vocabulary and merges; `Err` names the feature this module does not
    /// reproduce.
    pub(crate) fn from_model(model: &BPE) -> Result<Self, String> {
        // The serialised form is the only public view of the merges; it lists them by rank.
        let v = serde_json::to_value(model).map_err(|e| e.to_string())?;
        if !(v["dropout"].is_null() || v["dropout"] == 0.0) {
            return Err("BPE dropout".into());
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if !(v[key].is_null() || v[key] == "") {
                return Err(format!("BPE {key}"));
            }
        }
        let vocab = v["vocab"].as_object().ok_or("BPE vocab not a map")?;
        let chars = byte_chars();
        let mut byte_of = FxHashMap::default();
        for (b, c) in chars.iter().enumerate() {
            byte_of.insert(*c, b as u8);
        }
        let mut by_string: FxHashMap<&str, u32> = FxHashMap::default();
        let mut by_bytes: FxHashMap<Box<[u8]>, u32> = FxHashMap::default();
        for (token, id) in vocab {
            let id = id.as_u64().ok_or("BPE vocab id not a number")? as u32;
            by_string.insert(token.as_str(), id);
            // Tokens with characters outside the byte alphabet are never produced from
            // byte-level text.
            let bytes: Option<Vec<u8>> = token.chars().map(|c| byte_of.get(&c).copied()).collect();
            if let Some(bytes) = bytes {
                by_bytes.insert(bytes.into(), id);
            }
        }
        let mut byte_ids = [0u32; 256];
        for (b, c) in chars.iter().enumerate() {
            byte_ids[b] = *by_string
                .get(c.to_string().as_str())
                .ok_or_else(|| format!("byte {b:#04x} ({c:?}) not in the vocabulary"))?;
        }
        let list = v["merges"].as_array().ok_or("BPE merges not a list")?;
        let mut merges = FxHashMap::default();
        merges.reserve(list.len());
        for (rank, m) in list.iter().enumerate() {
            let (a, b) = match m {
                serde_json::Value::Array(p) if p.len() == 2 => (
                    p[0].as_str().ok_or("merge not a string")?,
                    p[1].as_str().ok_or("merge not a string")?,
                ),
                serde_json::Value::String(s) => s.split_once(' ').ok_or("merge without space")?,
                _ => return Err("merge of unknown form".into()),
            };
            let id = |t: &str| {
                by_string
                    .get(t)
                    .copied()
                    .ok_or_else(|| format!("merge token {t:?} not in the vocabulary"))
            };
            let key = (u64::from(id(a)?) << 32) | u64::from(id(b)?);
            let new = id(&format!("{a}{b}"))?;
            merges
                .entry(key)
                .or_insert(((rank as u64) << 32) | u64::from(new));
        }
        let ignore_merges = v["ignore_merges"].as_bool().unwrap_or(false);
        Ok(ByteBpe {
            byte_ids,
            merges,
            whole: ignore_merges.then_some(by_bytes),
        })
    }

    #[inline(always)]
    fn pair(&self, left: u32, right: u32) -> u64 {
        self.merges
            .get(&((u64::from(left) << 32) | u64::from(right)))
            .copied()
            .unwrap_or(u64::MAX)
    }

    /// Appends the ids of `piece` (raw bytes of one pre-token).
    pub(crate) fn encode(&self, piece: &[u8], out: &mut Vec<u32>, s: &mut Scratch) {
        match piece.len() {
            0 => return,
            1 => return out.push(self.byte_ids[piece[0] as usize]),
            _ => {}
        }
        if let Some(whole) = &self.whole {
            if let Some(&id) = whole.get(piece) {
                return out.push(id);
            }
        }
        if piece.len() <= SCAN_MAX {
            self.scan(piece, out, s)
        } else {
            self.heap(piece, out, s)
        }
    }

    /// The lowest pair first, leftmost among equals, by scanning all pairs each step.
    fn scan(&self, piece: &[u8], out: &mut Vec<u32>, s: &mut Scratch) {
        let ids = &mut s.ids;
        let pairs = &mut s.pairs;
        ids.clear();
        ids.extend(piece.iter().map(|&b| self.byte_ids[b as usize]));
        pairs.clear();
        pairs.extend(ids.windows(2).map(|w| self.pair(w[0], w[1])));
        loop {
            let mut best = u64::MAX;
            let mut at = 0;
            for (i, &p) in pairs.iter().enumerate() {
                if p < best {
                    best = p;
                    at = i;
                }
            }
            if best == u64::MAX {
                break;
            }
            ids[at] = best as u32;
            ids.remove(at + 1);
            pairs.remove(at);
            if at > 0 {
                pairs[at - 1] = self.pair(ids[at - 1], ids[at]);
            }
            if at < pairs.len() {
                pairs[at] = self.pair(ids[at], ids[at + 1]);
            }
        }
        out.extend_from_slice(ids);
    }

    /// The same merges with a heap of `(rank, position)` over a linked list of symbols.
    fn heap(&self, piece: &[u8], out: &mut Vec<u32>, s: &mut Scratch) {
        let n = piece.len();
        // (id, prev, next) per original position; id NONE once merged into its left.
        let links = &mut s.links;
        links.clear();
        links.extend(piece.iter().enumerate().map(|(i, &b)| {
            let prev = if i == 0 { NONE } else { i as u32 - 1 };
            let next = if i + 1 == n { NONE } else { i as u32 + 1 };
            (self.byte_ids[b as usize], prev, next)
        }));
        let heap = &mut s.heap;
        heap.clear();
        // rank (32 bits) · position (32 bits): min-heap order is HF's (rank, pos).
        let push = |heap: &mut BinaryHeap<Reverse<u64>>, pair: u64, pos: usize| {
            if pair != u64::MAX {
                heap.push(Reverse((pair & !0xffff_ffff) | pos as u64));
            }
        };
        for i in 0..n - 1 {
            push(heap, self.pair(links[i].0, links[i + 1].0), i);
        }
        while let Some(Reverse(top)) = heap.pop() {
            let pos = (top & 0xffff_ffff) as usize;
            let rank = top >> 32;
            let (id, prev, next) = links[pos];
            if id == NONE || next == NONE {
                continue;
            }
            let pair = self.pair(id, links[next as usize].0);
            if pair >> 32 != rank {
                continue; // stale: the pair at `pos` has changed since
            }
            let after = links[next as usize].2;
            links[pos] = (pair as u32, prev, after);
            links[next as usize].0 = NONE;
            if after != NONE {
                links[after as usize].1 = pos as u32;
                push(heap, self.pair(pair as u32, links[after as usize].0), pos);
            }
            if prev != NONE {
                push(
                    heap,
                    self.pair(links[prev as usize].0, pair as u32),
                    prev as usize,
                );
            }
        }
        let mut i = 0u32;
        while i != NONE {
            out.push(links[i as usize].0);
            i = links[i as usize].2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenizers::Model;

    fn fixture() -> BPE {
        let tok = tokenizers::Tokenizer::from_file(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/tokenizer/tokenizer.json"
        ))
        .unwrap();
        match tok.get_model() {
            tokenizers::models::ModelWrapper::BPE(b) => b.clone(),
            _ => unreachable!(),
        }
    }

    fn hf(model: &BPE, piece: &[u8]) -> Vec<u32> {
        let chars = byte_chars();
        let mapped: String = piece.iter().map(|&b| chars[b as usize]).collect();
        model
            .tokenize(&mapped)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect()
    }

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

    #[test]
    fn scan_and_heap_agree_with_the_model() {
        let model = fixture();
        let ours = ByteBpe::from_model(&model).unwrap();
        let mut s = Scratch::default();
        let long = "function reallyLongIdentifierName_withUnderscores() { return 42; }".repeat(3);
        for piece in [
            "a",
            "export",
            " const",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "                                                                        ",
            "ünïcödé",
            long.as_str(),
        ] {
            let want = hf(&model, piece.as_bytes());
            let (mut a, mut b) = (Vec::new(), Vec::new());
            ours.scan(piece.as_bytes(), &mut a, &mut s);
            ours.heap(piece.as_bytes(), &mut b, &mut s);
            assert_eq!(a, want, "{piece:?}");
            assert_eq!(b, want, "{piece:?}");
        }
    }

    #[test]
    fn unsupported_models_are_named() {
        let mut model = fixture();
        model.dropout = Some(0.1);
        assert_eq!(ByteBpe::from_model(&model).err().unwrap(), "BPE dropout");
        let mut model = fixture();
        model.continuing_subword_prefix = Some("##".into());
        assert!(ByteBpe::from_model(&model).is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_merge_as_the_model(piece in proptest::collection::vec(proptest::num::u8::ANY, 1..120)) {
            let model = fixture();
            let ours = ByteBpe::from_model(&model).unwrap();
            let mut s = Scratch::default();
            let want = hf(&model, &piece);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            ours.scan(&piece, &mut a, &mut s);
            ours.heap(&piece, &mut b, &mut s);
            proptest::prop_assert_eq!(&a, &want);
            proptest::prop_assert_eq!(&b, &want);
        }

        #[test]
        fn code_like_text_merges_as_the_model(piece in "[a-zA-Z_ ]{1,100}|[ \t\n]{1,100}|[-=+*/;(){}]{1,100}") {
            let model = fixture();
            let ours = ByteBpe::from_model(&model).unwrap();
            let mut s = Scratch::default();
            let want = hf(&model, piece.as_bytes());
            let (mut a, mut b) = (Vec::new(), Vec::new());
            ours.scan(piece.as_bytes(), &mut a, &mut s);
            ours.heap(piece.as_bytes(), &mut b, &mut s);
            proptest::prop_assert_eq!(&a, &want);
            proptest::prop_assert_eq!(&b, &want);
        }
    }
}
