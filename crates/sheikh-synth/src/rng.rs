//! Per-sample random streams: [`Dice`], a ChaCha8 generator seeded from
//! `(seed, stream, index, attempt)`, with the few draws the grammars need.
//!
//! Every sample gets its own stream, so samples can be generated in any order and on
//! any number of threads with byte-identical results. The draws are implemented here on
//! top of `next_u64` (not with `rand`'s distributions), so the output does not change
//! when `rand` changes its sampling algorithms.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use xxhash_rust::xxh3::xxh3_128_with_seed;

/// The 256-bit ChaCha seed of one sample: xxh3-128 of `(seed, stream, index, attempt)`
/// under two different hash seeds. Changing any part changes the whole stream.
///
/// ```
/// use sheikh_synth::sample_seed;
/// assert_eq!(sample_seed(42, "xml", 7, 0), sample_seed(42, "xml", 7, 0));
/// assert_ne!(sample_seed(42, "xml", 7, 0), sample_seed(42, "xml", 7, 1));
/// assert_ne!(sample_seed(42, "xml", 7, 0), sample_seed(42, "mdx", 7, 0));
/// ```
pub fn sample_seed(seed: u64, stream: &str, index: u64, attempt: u32) -> [u8; 32] {
    let mut buf = Vec::with_capacity(24 + stream.len());
    buf.extend_from_slice(&seed.to_le_bytes());
    buf.extend_from_slice(&index.to_le_bytes());
    buf.extend_from_slice(&attempt.to_le_bytes());
    buf.extend_from_slice(stream.as_bytes());
    let a = xxh3_128_with_seed(&buf, 0x5eed_0001);
    let b = xxh3_128_with_seed(&buf, 0x5eed_0002);
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&a.to_le_bytes());
    out[16..].copy_from_slice(&b.to_le_bytes());
    out
}

/// The 64-bit form of [`sample_seed`], for APIs that take a `u64` seed (the `seed`
/// field of a chat-completions request).
pub fn sample_seed_u64(seed: u64, stream: &str, index: u64, attempt: u32) -> u64 {
    let s = sample_seed(seed, stream, index, attempt);
    u64::from_le_bytes(s[..8].try_into().expect("8 bytes"))
}

/// A seeded random stream with the draws the grammars use.
///
/// ```
/// use sheikh_synth::Dice;
/// let mut a = Dice::for_sample(1, "demo", 0, 0);
/// let mut b = Dice::for_sample(1, "demo", 0, 0);
/// assert_eq!(a.below(1000), b.below(1000));
/// let x = a.range(3, 5);
/// assert!((3..=5).contains(&x));
/// ```
#[derive(Debug)]
pub struct Dice {
    rng: ChaCha8Rng,
}

impl Dice {
    /// The stream of sample `index` (attempt `attempt`) of `stream` under `seed`.
    pub fn for_sample(seed: u64, stream: &str, index: u64, attempt: u32) -> Self {
        Dice {
            rng: ChaCha8Rng::from_seed(sample_seed(seed, stream, index, attempt)),
        }
    }

    /// A stream from a single `u64` (tests, helpers).
    pub fn from_u64(seed: u64) -> Self {
        Self::for_sample(seed, "", 0, 0)
    }

    /// The next raw 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// A uniform integer in `0..n` (`0` when `n == 0`), without modulo bias (Lemire).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let n = n as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi <= lo`).
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            lo
        } else {
            lo + self.below(hi - lo + 1)
        }
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniform float in `[lo, hi)`.
    pub fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// A uniform element of a non-empty slice, copied.
    ///
    /// # Panics
    /// On an empty slice (the grammars only pick from constant, non-empty lists).
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// A uniform element of a non-empty slice, by reference.
    ///
    /// # Panics
    /// On an empty slice.
    pub fn choose<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// An index drawn with the given weights (all-zero weights: uniform).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        if total == 0 {
            return self.below(weights.len());
        }
        let mut x = self.below(total as usize) as u64;
        for (i, &w) in weights.iter().enumerate() {
            if x < w as u64 {
                return i;
            }
            x -= w as u64;
        }
        weights.len() - 1
    }

    /// Between `lo` and `hi` (inclusive) distinct elements, in random order.
    pub fn some<T: Copy>(&mut self, xs: &[T], lo: usize, hi: usize) -> Vec<T> {
        let k = self.range(lo, hi);
        self.distinct(xs, k)
    }

    /// Shuffles in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }

    /// `k` distinct elements (fewer if the slice is shorter), in random order.
    pub fn distinct<T: Copy>(&mut self, xs: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..xs.len()).collect();
        let k = k.min(xs.len());
        for i in 0..k {
            let j = i + self.below(xs.len() - i);
            idx.swap(i, j);
        }
        idx[..k].iter().map(|&i| xs[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_is_in_range_and_covers_it() {
        let mut d = Dice::from_u64(3);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let x = d.below(7);
            assert!(x < 7);
            seen[x] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(d.below(0), 0);
        assert_eq!(d.range(5, 5), 5);
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut d = Dice::from_u64(9);
        for _ in 0..500 {
            assert_ne!(d.weighted(&[3, 0, 5]), 1);
        }
    }

    #[test]
    fn distinct_has_no_repeats() {
        let mut d = Dice::from_u64(1);
        let xs = [1, 2, 3, 4, 5];
        let mut got: Vec<i32> = d.distinct(&xs, 4);
        got.sort();
        got.dedup();
        assert_eq!(got.len(), 4);
    }
}
