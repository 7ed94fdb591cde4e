//! Token scanning for word shingles: the byte ranges of the maximal runs of
//! `[A-Za-z0-9_]` in a text, found 64 bytes at a time from a bit mask.
//!
//! A byte-by-byte loop that branches on every byte mispredicts at almost every token
//! boundary (source code changes between identifiers and punctuation every few bytes);
//! on the npm corpus it took 4–5× longer than the rest of tokenisation. Here each
//! 64-byte block becomes a `u64` whose bit `i` says "byte `i` belongs to a token" (with
//! AVX2 when the CPU has it, otherwise a branch-free table loop), and token starts and
//! ends are read off the mask with `trailing_zeros`, so the branches follow tokens,
//! not bytes. Both paths give exactly the tokens of [`crate::shingle::tokens`]
//! (tested, including non-ASCII text: every byte ≥ 0x80 separates).

use crate::minhash::detect_avx2;

/// `TOKEN_BYTE[b]` is 1 for the bytes of a token, `[A-Za-z0-9_]`, else 0.
static TOKEN_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = (c.is_ascii_alphanumeric() || c == b'_') as u8;
        b += 1;
    }
    t
};

/// Bytes per mask block.
const BLOCK: usize = 64;

/// Finds token byte ranges; decides once whether the AVX2 classifier can be used.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenScanner {
    avx2: bool,
}

impl TokenScanner {
    /// A scanner for this CPU.
    pub(crate) fn new() -> Self {
        TokenScanner {
            avx2: detect_avx2(),
        }
    }

    /// A scanner that never uses SIMD (for tests of the portable path).
    #[cfg(test)]
    pub(crate) fn portable() -> Self {
        TokenScanner { avx2: false }
    }

    /// Calls `f(start, end)` for every token of `bytes`, in order.
    #[inline]
    pub(crate) fn for_each(self, bytes: &[u8], mut f: impl FnMut(usize, usize)) {
        let n = bytes.len();
        // Start of a token that is still open at the current block, if any.
        let mut open: Option<usize> = None;
        let mut base = 0;
        while base < n {
            let len = (n - base).min(BLOCK);
            let block = &bytes[base..base + len];
            // Bits at and above `len` are 0, so a token open at the end of the text
            // ends there.
            let mut m = if len == BLOCK && self.avx2 {
                mask_avx2(block)
            } else {
                mask_portable(block)
            };
            loop {
                let start = match open {
                    Some(s) => s,
                    None => {
                        if m == 0 {
                            break;
                        }
                        let t = m.trailing_zeros();
                        // Set the bits below the start so the end search starts there.
                        m |= (1u64 << t) - 1;
                        base + t as usize
                    }
                };
                let z = (!m).trailing_zeros();
                if z as usize >= BLOCK {
                    // The token runs into the next block.
                    open = Some(start);
                    break;
                }
                f(start, base + z as usize);
                open = None;
                // Drop the token's bits (all bits below `z` are set here).
                m &= !((1u64 << z) - 1);
            }
            base += len;
        }
        if let Some(s) = open {
            f(s, n);
        }
    }
}

/// The token mask of up to 64 bytes, with a table lookup per byte (no branches).
#[inline]
fn mask_portable(block: &[u8]) -> u64 {
    block.iter().enumerate().fold(0u64, |m, (i, &b)| {
        m | ((TOKEN_BYTE[b as usize] as u64) << i)
    })
}

/// The token mask of exactly 64 bytes with AVX2.
#[inline]
fn mask_avx2(block: &[u8]) -> u64 {
    debug_assert_eq!(block.len(), BLOCK);
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `TokenScanner` takes this path only when the CPU reports AVX2, and
        // the block holds exactly 64 readable bytes.
        unsafe { mask_avx2_impl(block.as_ptr()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        mask_portable(block)
    }
}

/// # Safety
/// The CPU must support AVX2 and `p` must point to 64 readable bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn mask_avx2_impl(p: *const u8) -> u64 {
    use std::arch::x86_64::*;

    /// Bit `i` set ⇔ byte `i` of `v` is in `[0-9A-Za-z_]`. Bytes ≥ 0x80 are negative
    /// as `i8`, so they fail every range test (they separate tokens).
    #[inline(always)]
    unsafe fn mask32(v: __m256i) -> u32 {
        let set = |c: u8| _mm256_set1_epi8(c as i8);
        let digit = _mm256_and_si256(
            _mm256_cmpgt_epi8(v, set(b'0' - 1)),
            _mm256_cmpgt_epi8(set(b'9' + 1), v),
        );
        let lower = _mm256_or_si256(v, set(0x20));
        let letter = _mm256_and_si256(
            _mm256_cmpgt_epi8(lower, set(b'a' - 1)),
            _mm256_cmpgt_epi8(set(b'z' + 1), lower),
        );
        let underscore = _mm256_cmpeq_epi8(v, set(b'_'));
        _mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(digit, letter), underscore)) as u32
    }
    // SAFETY: the caller guarantees 64 readable bytes at `p`; unaligned loads.
    unsafe {
        let lo = mask32(_mm256_loadu_si256(p as *const __m256i));
        let hi = mask32(_mm256_loadu_si256(p.add(32) as *const __m256i));
        (lo as u64) | ((hi as u64) << 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::tokens;
    use proptest::prelude::*;

    fn spans(s: TokenScanner, text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        s.for_each(text.as_bytes(), |a, b| out.push(&text[a..b]));
        out
    }

    #[test]
    fn tokens_across_block_boundaries() {
        // A token of 200 bytes spans four blocks; tokens end exactly at 64 and 128.
        let long = "x".repeat(200);
        let at64 = format!("{} {}", "a".repeat(64), "b".repeat(63));
        for text in [
            long.as_str(),
            at64.as_str(),
            "",
            " ",
            "a",
            "é_1 ü",
            "const x_1 = f(ü2);",
        ] {
            let want: Vec<&str> = tokens(text).collect();
            assert_eq!(spans(TokenScanner::new(), text), want, "{text:?}");
            assert_eq!(spans(TokenScanner::portable(), text), want, "{text:?}");
        }
    }

    #[test]
    fn every_byte_value_is_classified_like_the_reference() {
        // All 256 byte values at every position of a block, as Latin-1 text.
        let all: String = (0u8..=255).map(char::from).collect();
        let text = all.repeat(3);
        let want: Vec<&str> = tokens(&text).collect();
        assert_eq!(spans(TokenScanner::new(), &text), want);
        assert_eq!(spans(TokenScanner::portable(), &text), want);
    }

    proptest! {
        #[test]
        fn same_tokens_as_the_reference(text in "[a-z_0-9 .(){}\\n;é€]{0,300}") {
            let want: Vec<&str> = tokens(&text).collect();
            prop_assert_eq!(spans(TokenScanner::new(), &text), want.clone());
            prop_assert_eq!(spans(TokenScanner::portable(), &text), want);
        }

        #[test]
        fn same_tokens_on_arbitrary_text(text in any::<String>()) {
            let want: Vec<&str> = tokens(&text).collect();
            prop_assert_eq!(spans(TokenScanner::new(), &text), want);
        }
    }
}
