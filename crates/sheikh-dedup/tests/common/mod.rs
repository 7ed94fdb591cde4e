//! Shared corpus generators for the integration tests.
#![allow(dead_code)]

use sheikh_core::{Document, Language};

/// A small deterministic PRNG (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// `len` random identifier tokens joined by JavaScript-ish punctuation.
pub fn random_text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    for i in 0..len {
        s.push_str(&format!("t{}", rng.below(5000)));
        s.push_str(if i % 7 == 6 { ";\n" } else { " " });
    }
    s
}

/// `text` with `edits` tokens replaced.
pub fn edit(rng: &mut Rng, text: &str, edits: usize) -> String {
    let mut toks: Vec<String> = text.split(' ').map(str::to_string).collect();
    for _ in 0..edits {
        let i = rng.below(toks.len());
        toks[i] = format!("e{}", rng.below(100_000));
    }
    toks.join(" ")
}

/// A corpus of `families` originals of `len` tokens, each with `copies` near copies
/// (`edits` edits each) and every fifth original also copied exactly; shuffled
/// deterministically. Ids are `f{family}-{k}`.
pub fn corpus(
    seed: u64,
    families: usize,
    copies: usize,
    len: usize,
    edits: usize,
) -> Vec<Document> {
    let mut rng = Rng(seed | 1);
    let mut docs = Vec::new();
    for f in 0..families {
        let base = random_text(&mut rng, len);
        for k in 0..copies {
            let t = edit(&mut rng, &base, edits);
            docs.push(doc(&format!("f{f}-{k}"), t, rng.below(1000)));
        }
        if f % 5 == 0 {
            docs.push(doc(&format!("f{f}-exact"), base.clone(), rng.below(1000)));
        }
        docs.push(doc(&format!("f{f}-base"), base, rng.below(1000)));
    }
    for i in (1..docs.len()).rev() {
        let j = rng.below(i + 1);
        docs.swap(i, j);
    }
    docs
}

pub fn doc(id: &str, text: String, stars: usize) -> Document {
    Document::new(text, Language::JavaScript)
        .with_id(id)
        .with_metadata("stars", stars as u64)
}
