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
//!
//! The AVX2 kernel skips the last step of the reduction: with `b + 1` in place of `b`,
//! one fold of the sum gives `r ≡ v + 1 (mod P)` with `r < 2^61 + 6`, and whenever bit
//! 61 of `r` is clear, `r = v + 1` exactly, so the minimum of `r` is the minimum of
//! `v` plus one. The kernel ORs every `r` into a flag; if bit 61 was ever set (a
//! probability of at most 4/P ≈ 2^-59 per value), the document is recomputed with the fully
//! reducing portable kernel. The minimum itself is one `vminpd` on the bit patterns:
//! non-negative integers below 2^62 order like the doubles they encode. Together with
//! the mask tokenizer this made signatures 1.41× faster on the npm corpus
//! (docs/BENCHMARKS.md, "Before and after").

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
    /// `2·a1`, so the AVX2 kernel gets `2·a1·h1` from one multiply.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    a1x2: Vec<[u64; LANES]>,
    b: Vec<[u64; LANES]>,
    /// `b + 1`, for the AVX2 kernel's lazy reduction.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    b1: Vec<[u64; LANES]>,
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
        let a1x2 = a1.iter().map(|blk| blk.map(|x| 2 * x)).collect();
        let b1 = b.iter().map(|blk| blk.map(|x| x + 1)).collect();
        MinHasher {
            num_perm,
            a0,
            a1,
            a1x2,
            b,
            b1,
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
        if shingles.is_empty() {
            out.truncate(self.num_perm);
            return;
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `avx2` is true only when the CPU reports AVX2 at run time.
        if self.avx2 && unsafe { sign_avx2(self, shingles, out) } {
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

/// Whether the CPU has AVX2 (checked at run time; false off x86-64).
pub(crate) fn detect_avx2() -> bool {
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

/// Start value of the AVX2 kernel's minima: above every lazily reduced value
/// (`< 2^61 + 6`), and an ordinary positive double as a bit pattern.
#[cfg(target_arch = "x86_64")]
const LAZY_START: u64 = 1 << 62;

/// AVX2 kernel: [`mul_add_mod`] on 4 × 64-bit lanes with the lazy final reduction
/// described in the module docs; 16 permutations (four vectors) per pass, minima kept
/// in registers across a chunk of shingles whose hashes are reduced and split once.
/// `shingles` must not be empty. Returns false, with `out` unspecified, when a value
/// needed the full reduction; the caller then uses the portable kernel.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sign_avx2(m: &MinHasher, shingles: &[u64], out: &mut [u64]) -> bool {
    use std::arch::x86_64::*;
    const _: () = assert!(LANES == 8);

    /// `r ≡ (a·h + b) + 1 (mod P)`, `r < 2^61 + 6`; `b1 = b + 1`, `a1x2 = 2·a1`.
    #[inline(always)]
    unsafe fn lazy(
        a0: __m256i,
        a1: __m256i,
        a1x2: __m256i,
        b1: __m256i,
        h0: __m256i,
        h1: __m256i,
    ) -> __m256i {
        let p = _mm256_set1_epi64x(MERSENNE_PRIME as i64);
        let m30 = _mm256_set1_epi64x(MASK30 as i64);
        let lo = _mm256_mul_epu32(a0, h0);
        let mid = _mm256_add_epi64(_mm256_mul_epu32(a0, h1), _mm256_mul_epu32(a1, h0));
        let hi2 = _mm256_mul_epu32(a1x2, h1);
        let s = _mm256_add_epi64(
            _mm256_add_epi64(_mm256_add_epi64(lo, b1), hi2),
            _mm256_add_epi64(
                _mm256_srli_epi64::<30>(mid),
                _mm256_slli_epi64::<31>(_mm256_and_si256(mid, m30)),
            ),
        );
        _mm256_add_epi64(_mm256_and_si256(s, p), _mm256_srli_epi64::<61>(s))
    }

    /// One pass over a chunk of shingles for `V` vectors (`V / 2` blocks of 8
    /// permutations starting at block `first`): minima and flags stay in registers.
    #[inline(always)]
    unsafe fn pass<const V: usize>(
        m: &MinHasher,
        first: usize,
        h0s: &[u64],
        h1s: &[u64],
        mins: *mut u64,
        flag: &mut __m256i,
    ) {
        // SAFETY: the caller passes `mins` pointing at `4·V` values of the output and
        // blocks `first..first + V / 2` that exist; parameter blocks are arrays of 8
        // u64 read as two unaligned 256-bit vectors.
        unsafe {
            let ld = |x: &[[u64; LANES]], v: usize| {
                _mm256_loadu_si256(x[first + v / 2].as_ptr().add(4 * (v % 2)) as *const __m256i)
            };
            let a0: [__m256i; V] = std::array::from_fn(|v| ld(&m.a0, v));
            let a1: [__m256i; V] = std::array::from_fn(|v| ld(&m.a1, v));
            let a1x2: [__m256i; V] = std::array::from_fn(|v| ld(&m.a1x2, v));
            let b1: [__m256i; V] = std::array::from_fn(|v| ld(&m.b1, v));
            let mut mn: [__m256d; V] =
                std::array::from_fn(|v| _mm256_loadu_pd(mins.add(4 * v) as *const f64));
            let mut fl: [__m256i; 2] = [*flag, _mm256_setzero_si256()];
            for (&x0, &x1) in h0s.iter().zip(h1s) {
                let x0 = _mm256_set1_epi64x(x0 as i64);
                let x1 = _mm256_set1_epi64x(x1 as i64);
                for v in 0..V {
                    let r = lazy(a0[v], a1[v], a1x2[v], b1[v], x0, x1);
                    fl[v % 2] = _mm256_or_si256(fl[v % 2], r);
                    // Values below 2^62 order as their bit patterns read as doubles.
                    mn[v] = _mm256_min_pd(mn[v], _mm256_castsi256_pd(r));
                }
            }
            *flag = _mm256_or_si256(fl[0], fl[1]);
            for (v, x) in mn.iter().enumerate() {
                _mm256_storeu_pd(mins.add(4 * v) as *mut f64, *x);
            }
        }
    }

    out.fill(LAZY_START);
    const CHUNK: usize = 256;
    let mut h0s = [0u64; CHUNK];
    let mut h1s = [0u64; CHUNK];
    let blocks = out.len() / LANES;
    // SAFETY (whole block): AVX2 is available (the caller's contract); `out` holds
    // `blocks · 8` values and the parameter vectors `blocks` blocks.
    unsafe {
        let mut flag = _mm256_setzero_si256();
        for chunk in shingles.chunks(CHUNK) {
            for (i, &h) in chunk.iter().enumerate() {
                let h = reduce(h);
                h0s[i] = h & MASK31;
                h1s[i] = h >> 31;
            }
            let (h0s, h1s) = (&h0s[..chunk.len()], &h1s[..chunk.len()]);
            // 16 permutations per pass (4 vectors), then an odd block of 8 if any.
            let mut blk = 0;
            while blk + 2 <= blocks {
                pass::<4>(
                    m,
                    blk,
                    h0s,
                    h1s,
                    out.as_mut_ptr().add(blk * LANES),
                    &mut flag,
                );
                blk += 2;
            }
            if blk < blocks {
                pass::<2>(
                    m,
                    blk,
                    h0s,
                    h1s,
                    out.as_mut_ptr().add(blk * LANES),
                    &mut flag,
                );
            }
        }
        let mut lanes = [0u64; 4];
        _mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, flag);
        if lanes.iter().any(|&f| f >> 61 != 0) {
            return false;
        }
    }
    // Every minimum is v + 1 with v < P.
    for v in out.iter_mut() {
        *v -= 1;
    }
    true
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
        // 64 permutations: 16-permutation passes only; 72 and 100: an odd block of 8
        // and a partly used block.
        for num_perm in [64, 72, 100] {
            let m = MinHasher::new(num_perm, 7);
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
            assert_eq!(sig.len(), num_perm);
            for (i, &s) in sig.iter().enumerate() {
                let (a, b) = m.permutation(i);
                let want = hs
                    .iter()
                    .map(|&h| mul_add_mod_u128(a, h % MERSENNE_PRIME, b))
                    .min()
                    .unwrap();
                assert_eq!(s, want, "{num_perm} permutations: perm {i}");
            }
            let mut portable = vec![EMPTY; num_perm.div_ceil(LANES) * LANES];
            sign_portable(&m, &hs, &mut portable);
            portable.truncate(num_perm);
            assert_eq!(portable, sig);
        }
    }

    fn pow_mod(mut x: u64, mut e: u64) -> u64 {
        let mut acc = 1u64;
        while e > 0 {
            if e & 1 == 1 {
                acc = mul_add_mod_u128(acc, x, 0);
            }
            x = mul_add_mod_u128(x, x, 0);
            e >>= 1;
        }
        acc
    }

    #[test]
    fn values_that_need_the_full_reduction_fall_back_exactly() {
        // For each permutation, the shingle whose value is 0 (a·h + b ≡ 0): the lazy
        // kernel's single fold leaves such values at 2^61 about half of the time.
        let m = MinHasher::new(128, 5);
        let mut state = 3u64;
        let noise: Vec<u64> = (0..300).map(|_| splitmix64(&mut state)).collect();
        #[allow(unused_mut)] // only counted on x86-64
        let mut fallbacks = 0;
        for j in 0..128 {
            let (a, b) = m.permutation(j);
            let h = mul_add_mod_u128(MERSENNE_PRIME - b, pow_mod(a, MERSENNE_PRIME - 2), 0);
            assert_eq!(mul_add_mod_u128(a, h, b), 0);
            let mut set = noise.clone();
            set.insert(150, h);
            let sig = m.signature(&set);
            assert_eq!(sig[j], 0, "perm {j}");
            let mut portable = vec![EMPTY; 128];
            sign_portable(&m, &set, &mut portable);
            assert_eq!(sig, portable, "perm {j}");
            #[cfg(target_arch = "x86_64")]
            if m.avx2 {
                let mut out = vec![EMPTY; 128];
                // SAFETY: the CPU reports AVX2.
                if !unsafe { sign_avx2(&m, &set, &mut out) } {
                    fallbacks += 1;
                }
            }
        }
        if m.avx2 {
            assert!(
                fallbacks > 10,
                "only {fallbacks} of 128 sets needed the fallback"
            );
        }
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
