//! MinHash signatures: `num_perm` permutations `(a·h + b) mod (2^61 − 1)` of each
//! shingle's 64-bit xxh3 hash, keeping the minimum per permutation.
//!
//! The permutation parameters come from a seeded SplitMix64 stream, so the same seed
//! gives the same signatures on every machine and thread count: `a` is drawn from
//! `[1, P)` and `b` from `[0, P)`. The product `a·h` is computed from 31 + 30-bit halves
//! of `a` and `h` with four 32 × 32-bit multiplies whose partial sums never overflow 64
//! bits, so there is no 128-bit arithmetic and the inner loop vectorises. The loop runs over blocks of
//! [`LANES`] permutations held in fixed arrays; on x86-64 an AVX2 kernel is picked at
//! run time, otherwise a portable one. Both are bit-identical to the plain `u128`
//! definition (tested).

/// The Mersenne prime `2^61 − 1`.
pub const MERSENNE_PRIME: u64 = (1 << 61) - 1;

/// The signature value of a permutation over an empty shingle set (above any value
/// mod P, and positive as an `i64`, which the vectorised comparison relies on).
pub const EMPTY: u64 = i64::MAX as u64;

/// Permutations processed together in the inner loop.
pub const LANES: usize = 8;

const MASK30: u64 = (1 << 30) - 1;
const MASK31: u64 = (1 << 31) - 1;

/// SplitMix64: the seeded stream the permutation parameters are drawn from.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `x mod P` for any `x < 2^64`.
#[inline(always)]
pub fn reduce(x: u64) -> u64 {
    let r = (x & MERSENNE_PRIME) + (x >> 61);
    // r < 2^61 + 8: one conditional subtraction, written branch-free.
    let d = r.wrapping_sub(MERSENNE_PRIME);
    if (d as i64) < 0 {
        r
    } else {
        d
    }
}

/// `(a·h + b) mod P` for `a, h, b < P`, with `a = a1·2^31 + a0`, `h = h1·2^31 + h0`.
#[inline(always)]
fn mul_add_mod(a0: u64, a1: u64, h0: u64, h1: u64, b: u64) -> u64 {
    // a·h = hi·2^62 + mid·2^31 + lo, with lo = a0·h0 < 2^62, mid = a0·h1 + a1·h0 < 2^62,
    // hi = a1·h1 < 2^60. Since 2^61 ≡ 1 (mod P): 2^62 ≡ 2 and
    // mid·2^31 ≡ (mid >> 30) + ((mid & (2^30 − 1)) << 31).
    let lo = a0 * h0;
    let mid = a0 * h1 + a1 * h0;
    let hi = a1 * h1;
    let s = lo + b + 2 * hi + (mid >> 30) + ((mid & MASK30) << 31); // < 5·2^61 + 2^32
    reduce(s)
}

/// The reference `(a·h + b) mod P` with a 128-bit product (used in tests).
pub fn mul_add_mod_u128(a: u64, h: u64, b: u64) -> u64 {
    ((a as u128 * h as u128 + b as u128) % MERSENNE_PRIME as u128) as u64
}

/// Computes MinHash signatures for a fixed number of seeded permutations.
#[derive(Debug, Clone)]
pub struct MinHasher {
    num_perm: usize,
    a0: Vec<[u64; LANES]>,
    a1: Vec<[u64; LANES]>,
    b: Vec<[u64; LANES]>,
    avx2: bool,
}

impl MinHasher {
    /// `num_perm` permutations drawn from `seed` (`a` in `[1, P)`, `b` in `[0, P)`).
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let blocks = num_perm.div_ceil(LANES).max(1);
        let mut state = seed;
        let (mut a0, mut a1, mut b) = (
            vec![[0; LANES]; blocks],
            vec![[0; LANES]; blocks],
            vec![[0; LANES]; blocks],
        );
        for p in 0..blocks * LANES {
            let av = loop {
                let v = splitmix64(&mut state) & MERSENNE_PRIME;
                if v != 0 && v != MERSENNE_PRIME {
                    break v;
                }
            };
            let bv = loop {
                let v = splitmix64(&mut state) & MERSENNE_PRIME;
                if v != MERSENNE_PRIME {
                    break v;
                }
            };
            a0[p / LANES][p % LANES] = av & MASK31;
            a1[p / LANES][p % LANES] = av >> 31;
            b[p / LANES][p % LANES] = bv;
        }
        MinHasher {
            num_perm,
            a0,
            a1,
            b,
            avx2: detect_avx2(),
        }
    }

    /// Number of permutations (the signature length).
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// The `(a, b)` parameters of permutation `i`.
    pub fn permutation(&self, i: usize) -> (u64, u64) {
        let (blk, lane) = (i / LANES, i % LANES);
        (
            self.a0[blk][lane] | (self.a1[blk][lane] << 31),
            self.b[blk][lane],
        )
    }

    /// Writes the signature of a set of shingle hashes into `out` (resized to
    /// `num_perm`). An empty set gives all [`EMPTY`].
    pub fn signature_into(&self, shingles: &[u64], out: &mut Vec<u64>) {
        out.clear();
        out.resize(self.a0.len() * LANES, EMPTY);
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is true only when the CPU reports AVX2 at run time.
            unsafe { sign_avx2(self, shingles, out) };
            out.truncate(self.num_perm);
            return;
        }
        sign_portable(self, shingles, out);
        out.truncate(self.num_perm);
    }

    /// The signature of a set of shingle hashes, as a new vector.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.a0.len() * LANES);
        self.signature_into(shingles, &mut out);
        out
    }
}

fn detect_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Portable kernel: blocks of [`LANES`] permutations outside (their minima stay in
/// registers), shingles inside.
fn sign_portable(m: &MinHasher, shingles: &[u64], out: &mut [u64]) {
    for (blk, mins_out) in out.chunks_exact_mut(LANES).enumerate() {
        let (a0, a1, b) = (&m.a0[blk], &m.a1[blk], &m.b[blk]);
        let mut mins = [EMPTY; LANES];
        for &h in shingles {
            let h = reduce(h);
            let (h0, h1) = (h & MASK31, h >> 31);
            for l in 0..LANES {
                mins[l] = mins[l].min(mul_add_mod(a0[l], a1[l], h0, h1, b[l]));
            }
        }
        mins_out.copy_from_slice(&mins);
    }
}

/// AVX2 kernel: the same arithmetic as [`mul_add_mod`] on 4 × 64-bit lanes, two
/// vectors per block of 8 permutations, minima kept in registers across a chunk of
/// shingles whose hashes are reduced and split once.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sign_avx2(m: &MinHasher, shingles: &[u64], out: &mut [u64]) {
    use std::arch::x86_64::*;
    const _: () = assert!(LANES == 8);

    #[inline(always)]
    unsafe fn step(
        a0: __m256i,
        a1: __m256i,
        b: __m256i,
        h0: __m256i,
        h1: __m256i,
        mins: __m256i,
    ) -> __m256i {
        let p = _mm256_set1_epi64x(MERSENNE_PRIME as i64);
        let m30 = _mm256_set1_epi64x(MASK30 as i64);
        let lo = _mm256_mul_epu32(a0, h0);
        let mid = _mm256_add_epi64(_mm256_mul_epu32(a0, h1), _mm256_mul_epu32(a1, h0));
        let hi = _mm256_mul_epu32(a1, h1);
        let s = _mm256_add_epi64(
            _mm256_add_epi64(_mm256_add_epi64(lo, b), _mm256_add_epi64(hi, hi)),
            _mm256_add_epi64(
                _mm256_srli_epi64::<30>(mid),
                _mm256_slli_epi64::<31>(_mm256_and_si256(mid, m30)),
            ),
        );
        let r = _mm256_add_epi64(_mm256_and_si256(s, p), _mm256_srli_epi64::<61>(s));
        let d = _mm256_sub_epi64(r, p);
        // d < 0 (sign bit set) ⇔ r < P: keep r, else d.
        let v = _mm256_castpd_si256(_mm256_blendv_pd(
            _mm256_castsi256_pd(d),
            _mm256_castsi256_pd(r),
            _mm256_castsi256_pd(d),
        ));
        // Values are below 2^62, so the signed comparison is the unsigned one.
        _mm256_blendv_epi8(mins, v, _mm256_cmpgt_epi64(mins, v))
    }

    const CHUNK: usize = 256;
    let mut h0s = [0u64; CHUNK];
    let mut h1s = [0u64; CHUNK];
    for chunk in shingles.chunks(CHUNK) {
        for (i, &h) in chunk.iter().enumerate() {
            let h = reduce(h);
            h0s[i] = h & MASK31;
            h1s[i] = h >> 31;
        }
        let (h0s, h1s) = (&h0s[..chunk.len()], &h1s[..chunk.len()]);
        for (blk, mins_out) in out.chunks_exact_mut(LANES).enumerate() {
            // SAFETY: each parameter block is an array of 8 u64, read as two unaligned
            // 256-bit vectors; `mins_out` holds exactly 8 u64.
            unsafe {
                let ld = |x: &[u64; LANES], half: usize| {
                    _mm256_loadu_si256(x.as_ptr().add(4 * half) as *const __m256i)
                };
                let (a00, a01) = (ld(&m.a0[blk], 0), ld(&m.a0[blk], 1));
                let (a10, a11) = (ld(&m.a1[blk], 0), ld(&m.a1[blk], 1));
                let (b0, b1) = (ld(&m.b[blk], 0), ld(&m.b[blk], 1));
                let out0 = mins_out.as_mut_ptr() as *mut __m256i;
                let out1 = mins_out.as_mut_ptr().add(4) as *mut __m256i;
                let mut m0 = _mm256_loadu_si256(out0);
                let mut m1 = _mm256_loadu_si256(out1);
                for (&x0, &x1) in h0s.iter().zip(h1s) {
                    let x0 = _mm256_set1_epi64x(x0 as i64);
                    let x1 = _mm256_set1_epi64x(x1 as i64);
                    m0 = step(a00, a10, b0, x0, x1, m0);
                    m1 = step(a01, a11, b1, x0, x1, m1);
                }
                _mm256_storeu_si256(out0, m0);
                _mm256_storeu_si256(out1, m1);
            }
        }
    }
}

/// The signature-estimated Jaccard similarity: the fraction of equal values.
pub fn estimated_jaccard(a: &[u64], b: &[u64]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n as f64
}

/// The compact form of a signature kept for verification: the low 8 bits of each
/// value ("b-bit MinHash" with b = 8).
pub fn compact(signature: &[u64], out: &mut Vec<u8>) {
    out.extend(signature.iter().map(|&v| v as u8));
}

/// Jaccard estimated from two compact signatures, corrected for the 1/256 chance
/// that two different values agree in their low 8 bits.
pub fn estimated_jaccard_compact(a: &[u8], b: &[u8]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let eq = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n as f64;
    const C: f64 = 1.0 / 256.0;
    ((eq - C) / (1.0 - C)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_product_matches_u128_reference() {
        let m = MinHasher::new(64, 7);
        let mut state = 99u64;
        let mut hs: Vec<u64> = (0..500).map(|_| splitmix64(&mut state)).collect();
        hs.extend([
            0,
            1,
            u64::MAX,
            MERSENNE_PRIME,
            MERSENNE_PRIME - 1,
            MERSENNE_PRIME + 1,
            1 << 63,
        ]);
        let sig = m.signature(&hs);
        for (i, &s) in sig.iter().enumerate() {
            let (a, b) = m.permutation(i);
            let want = hs
                .iter()
                .map(|&h| mul_add_mod_u128(a, h % MERSENNE_PRIME, b))
                .min()
                .unwrap();
            assert_eq!(s, want, "perm {i}");
        }
        let mut portable = vec![EMPTY; 64];
        sign_portable(&m, &hs, &mut portable);
        assert_eq!(portable, sig);
    }

    #[test]
    fn same_seed_same_signature_and_jaccard_estimate() {
        let a: Vec<u64> = (0..1000).collect();
        let b: Vec<u64> = (200..1200).collect(); // Jaccard 800/1200
        let m = MinHasher::new(256, 1);
        assert_eq!(m.signature(&a), MinHasher::new(256, 1).signature(&a));
        assert_ne!(m.signature(&a), MinHasher::new(256, 2).signature(&a));
        let est = estimated_jaccard(&m.signature(&a), &m.signature(&b));
        assert!((est - 2.0 / 3.0).abs() < 0.1, "{est}");
        let (mut ca, mut cb) = (Vec::new(), Vec::new());
        compact(&m.signature(&a), &mut ca);
        compact(&m.signature(&b), &mut cb);
        let est8 = estimated_jaccard_compact(&ca, &cb);
        assert!((est8 - 2.0 / 3.0).abs() < 0.1, "{est8}");
        assert_eq!(estimated_jaccard_compact(&ca, &ca), 1.0);
        assert_eq!(m.signature(&[]), vec![EMPTY; 256]);
        assert_eq!(MinHasher::new(100, 3).signature(&a).len(), 100);
    }
}
