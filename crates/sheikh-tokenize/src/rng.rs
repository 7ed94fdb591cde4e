//! A small, stable, seedable random number generator for per-item decisions.
//!
//! Our own SplitMix64 (Steele, Lea & Flood 2014, the generator Java's `SplittableRandom`
//! and xoshiro's seeding use) rather than `rand`: its output is fixed by this file, so a
//! dependency upgrade can never change which documents get fill-in-the-middle.

/// SplitMix64, seeded per item with [`ItemRng::for_item`].
#[derive(Debug, Clone)]
pub struct ItemRng(u64);

impl ItemRng {
    /// The generator for one item: seeded from the run's `seed` and the item's stable key
    /// (a document id), so the draws do not depend on batching or thread count.
    pub fn for_item(seed: u64, key: &str) -> Self {
        ItemRng(xxhash_rust::xxh3::xxh3_64_with_seed(key.as_bytes(), seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)` (53 random bits).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p` (`p <= 0` never, `p >= 1` always).
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    /// A uniform integer in `[0, n)`, without modulo bias (Lemire's method with
    /// rejection). `n = 0` gives 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_keyed() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(ItemRng::for_item(1, "doc"), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(ItemRng::for_item(1, "doc"), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(
            ItemRng::for_item(1, "doc").next_u64(),
            ItemRng::for_item(2, "doc").next_u64()
        );
        assert_ne!(
            ItemRng::for_item(1, "doc").next_u64(),
            ItemRng::for_item(1, "dod").next_u64()
        );
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut r = ItemRng::for_item(7, "x");
        let mut counts = [0u32; 5];
        for _ in 0..50_000 {
            counts[r.below(5) as usize] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.below(1), 0);
    }

    #[test]
    fn bernoulli_rate() {
        let mut r = ItemRng::for_item(3, "y");
        let hits = (0..100_000).filter(|_| r.bernoulli(0.3)).count();
        assert!((29_000..31_000).contains(&hits), "{hits}");
        assert!(!r.bernoulli(0.0));
        assert!(r.bernoulli(1.0));
    }
}
