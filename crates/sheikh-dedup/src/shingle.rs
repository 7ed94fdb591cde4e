//! Shingling: a document's text to the sorted, distinct 64-bit xxh3 hashes of its
//! word (or character) n-grams. A word n-gram's hash is the xxh3_64 of its tokens'
//! xxh3_64 hashes (8·n bytes); a character n-gram's, the xxh3_64 of its UTF-8 bytes.

use xxhash_rust::xxh3::xxh3_64;

use crate::config::{ShingleKind, ShortDocuments, MAX_NGRAM};
use crate::tokens::TokenScanner;

/// What shingling found in one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShingleOutcome {
    /// At least `n` tokens: the n-grams were hashed.
    Shingled,
    /// Fewer than `n` tokens (but at least one), hashed as one shingle.
    ShortAsOne,
    /// Fewer than `n` tokens and the policy is to keep such documents unchecked.
    ShortSkipped,
    /// No token at all (empty, or only separators).
    Empty,
}

impl ShingleOutcome {
    /// True when the document takes part in near-duplicate detection.
    pub fn participates(self) -> bool {
        matches!(self, ShingleOutcome::Shingled | ShingleOutcome::ShortAsOne)
    }
}

/// Turns text into shingle hashes. Cheap to copy; holds no buffers (the caller passes
/// reusable ones, so there is no allocation per shingle).
#[derive(Debug, Clone, Copy)]
pub struct Shingler {
    kind: ShingleKind,
    n: usize,
    short: ShortDocuments,
    scanner: TokenScanner,
}

/// The tokens of `text`: maximal runs of `[A-Za-z0-9_]` (every other character,
/// including all non-ASCII ones, separates tokens).
///
/// ```
/// let t: Vec<&str> = sheikh_dedup::shingle::tokens("const x_1 = f(ü2);").collect();
/// assert_eq!(t, ["const", "x_1", "f", "2"]);
/// ```
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
}

impl Shingler {
    /// A shingler of `n`-grams (`n` is clamped to `1..=64`).
    pub fn new(kind: ShingleKind, n: usize, short: ShortDocuments) -> Self {
        Shingler {
            kind,
            n: n.clamp(1, MAX_NGRAM),
            short,
            scanner: TokenScanner::new(),
        }
    }

    /// Fills `out` with the sorted distinct shingle hashes of `text`; `scratch` is a
    /// reusable buffer. Both are cleared first.
    pub fn hashes(&self, text: &str, out: &mut Vec<u64>, scratch: &mut Vec<u64>) -> ShingleOutcome {
        let outcome = self.hashes_with_repeats(text, out, scratch);
        out.sort_unstable();
        out.dedup();
        outcome
    }

    /// Like [`hashes`](Self::hashes) but in text order, repeats included (the MinHash
    /// of a multiset equals that of its set, so signatures need no sort).
    pub fn hashes_with_repeats(
        &self,
        text: &str,
        out: &mut Vec<u64>,
        scratch: &mut Vec<u64>,
    ) -> ShingleOutcome {
        out.clear();
        scratch.clear();
        match self.kind {
            ShingleKind::Words => self.word_hashes(text, out, scratch),
            ShingleKind::Chars => self.char_hashes(text, out, scratch),
        }
    }

    fn short_outcome(&self, units: usize) -> Option<ShingleOutcome> {
        if units == 0 {
            Some(ShingleOutcome::Empty)
        } else if units < self.n {
            Some(match self.short {
                ShortDocuments::SingleShingle => ShingleOutcome::ShortAsOne,
                ShortDocuments::Keep => ShingleOutcome::ShortSkipped,
            })
        } else {
            None
        }
    }

    fn word_hashes(
        &self,
        text: &str,
        out: &mut Vec<u64>,
        token_hashes: &mut Vec<u64>,
    ) -> ShingleOutcome {
        let bytes = text.as_bytes();
        self.scanner.for_each(bytes, |start, end| {
            token_hashes.push(xxh3_64(&bytes[start..end]))
        });
        let outcome = self.short_outcome(token_hashes.len());
        let window = match outcome {
            Some(ShingleOutcome::ShortAsOne) => token_hashes.len(),
            Some(other) => return other,
            None => self.n,
        };
        let mut buf = [0u8; 8 * MAX_NGRAM];
        out.reserve(token_hashes.len() + 1 - window);
        for w in token_hashes.windows(window) {
            for (k, h) in w.iter().enumerate() {
                buf[8 * k..8 * k + 8].copy_from_slice(&h.to_le_bytes());
            }
            out.push(xxh3_64(&buf[..8 * window]));
        }
        outcome.unwrap_or(ShingleOutcome::Shingled)
    }

    fn char_hashes(&self, text: &str, out: &mut Vec<u64>, bounds: &mut Vec<u64>) -> ShingleOutcome {
        bounds.extend(text.char_indices().map(|(i, _)| i as u64));
        bounds.push(text.len() as u64);
        let chars = bounds.len() - 1;
        let outcome = self.short_outcome(chars);
        let window = match outcome {
            Some(ShingleOutcome::ShortAsOne) => chars,
            Some(other) => return other,
            None => self.n,
        };
        let bytes = text.as_bytes();
        out.reserve(chars + 1 - window);
        for k in 0..=chars - window {
            let (s, e) = (bounds[k] as usize, bounds[k + window] as usize);
            out.push(xxh3_64(&bytes[s..e]));
        }
        outcome.unwrap_or(ShingleOutcome::Shingled)
    }
}

/// Jaccard similarity of two sorted, distinct hash sets (1.0 when both are empty).
pub fn jaccard_sorted(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize) -> Shingler {
        Shingler::new(ShingleKind::Words, n, ShortDocuments::SingleShingle)
    }

    fn set(s: &Shingler, text: &str) -> (Vec<u64>, ShingleOutcome) {
        let (mut o, mut t) = (Vec::new(), Vec::new());
        let r = s.hashes(text, &mut o, &mut t);
        (o, r)
    }

    #[test]
    fn word_shingles_ignore_separators_and_count_windows() {
        let s = words(2);
        let (a, ra) = set(&s, "a b c d");
        let (b, _) = set(&s, "a+b  (c)\n\td;");
        assert_eq!(ra, ShingleOutcome::Shingled);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        // Repeated shingles count once.
        assert_eq!(set(&s, "x y x y x y").0.len(), 2);
        // Token order matters.
        assert_ne!(set(&s, "a b").0, set(&s, "b a").0);
    }

    #[test]
    fn short_and_empty_documents() {
        let s = words(5);
        let (h, r) = set(&s, "just three words");
        assert_eq!((h.len(), r), (1, ShingleOutcome::ShortAsOne));
        assert_ne!(h, set(&s, "just three other").0);
        assert_eq!(set(&s, "  ;;; {} ").1, ShingleOutcome::Empty);
        assert!(set(&s, "").0.is_empty());
        let keep = Shingler::new(ShingleKind::Words, 5, ShortDocuments::Keep);
        let (h, r) = set(&keep, "just three words");
        assert!(h.is_empty());
        assert_eq!(r, ShingleOutcome::ShortSkipped);
        assert!(!r.participates());
    }

    #[test]
    fn char_shingles_are_unicode_aware() {
        let s = Shingler::new(ShingleKind::Chars, 3, ShortDocuments::SingleShingle);
        let (h, r) = set(&s, "héllo");
        assert_eq!((h.len(), r), (3, ShingleOutcome::Shingled));
        assert_eq!(set(&s, "hé").1, ShingleOutcome::ShortAsOne);
    }

    proptest::proptest! {
        #[test]
        fn jaccard_matches_a_set_computation(
            a in proptest::collection::btree_set(0u64..64, 0..40),
            b in proptest::collection::btree_set(0u64..64, 0..40),
        ) {
            let inter = a.intersection(&b).count();
            let union = a.union(&b).count();
            let want = if union == 0 { 1.0 } else { inter as f64 / union as f64 };
            let (a, b): (Vec<u64>, Vec<u64>) = (a.into_iter().collect(), b.into_iter().collect());
            proptest::prop_assert_eq!(jaccard_sorted(&a, &b), want);
        }
    }

    /// A pair exactly at the threshold is a duplicate: `inter / union >= t` decides as
    /// the exact rational comparison does (the division is correctly rounded, like the
    /// threshold literal), so no pair at or just above 0.8 is lost to rounding.
    #[test]
    fn jaccard_at_the_threshold_is_inclusive() {
        for (t, num, den) in [
            (0.8, 4u64, 5u64),
            (0.7, 7, 10),
            (0.9, 9, 10),
            (0.85, 17, 20),
        ] {
            for union in 1u64..=3000 {
                for inter in
                    (union * num / den).saturating_sub(1)..=(union * num / den + 1).min(union)
                {
                    let a: Vec<u64> = (0..inter).collect();
                    let j = inter as f64 / union as f64;
                    assert_eq!(
                        j >= t,
                        inter * den >= num * union,
                        "{inter}/{union} vs {num}/{den}"
                    );
                    if union <= 60 {
                        // The same through the set computation.
                        let b: Vec<u64> = (0..union).collect();
                        assert_eq!(jaccard_sorted(&a, &b), j);
                    }
                }
            }
        }
    }

    #[test]
    fn jaccard_of_sorted_sets() {
        assert_eq!(jaccard_sorted(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard_sorted(&[], &[]), 1.0);
        assert_eq!(jaccard_sorted(&[1], &[]), 0.0);
    }
}
