//! BLEU-4 (NLTK's `corpus_bleu`, smoothing method 1 with ε = 0.1) and CodeBLEU's
//! keyword-weighted n-gram match, as sufficient statistics that add up over a corpus.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// N-gram orders (BLEU-4, uniform weights 0.25).
pub(crate) const MAX_ORDER: usize = 4;
/// Smoothing method 1 of Chen & Cherry (2014): ε added to zero numerators.
const EPSILON: f64 = 0.1;
/// Weight of a reference token that is not a keyword in the weighted n-gram match.
pub const NON_KEYWORD_WEIGHT: f64 = 0.2;

/// Counts of every n-gram of order `n`, in first-occurrence order (the order of a
/// Python `Counter` built from the n-grams, which fixes the float summation order).
fn ngram_counts<'a>(
    tokens: &'a [&'a str],
    n: usize,
) -> (Vec<&'a [&'a str]>, HashMap<&'a [&'a str], u64>) {
    let mut order = Vec::new();
    let mut counts: HashMap<&[&str], u64> = HashMap::new();
    if tokens.len() >= n {
        for gram in tokens.windows(n) {
            let c = counts.entry(gram).or_insert(0);
            if *c == 0 {
                order.push(gram);
            }
            *c += 1;
        }
    }
    (order, counts)
}

/// Numerators and denominators of the n-gram precisions plus the lengths entering the
/// brevity penalty; sums over pairs give the corpus-level statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct NgramStats {
    /// Matched (clipped) n-gram counts for n = 1..4 (weighted for unigrams in the
    /// weighted variant).
    pub numerators: [f64; MAX_ORDER],
    /// Denominators for n = 1..4.
    pub denominators: [f64; MAX_ORDER],
    /// Hypothesis length in tokens.
    pub hyp_len: u64,
    /// "Closest reference length" entering the brevity penalty.
    pub ref_len: u64,
}

impl NgramStats {
    /// Adds another pair's statistics.
    pub fn add(&mut self, other: &NgramStats) {
        for i in 0..MAX_ORDER {
            self.numerators[i] += other.numerators[i];
            self.denominators[i] += other.denominators[i];
        }
        self.hyp_len += other.hyp_len;
        self.ref_len += other.ref_len;
    }

    /// The score: 0 when no unigram matches; otherwise the brevity penalty times the
    /// geometric mean of the (smoothed) precisions.
    pub fn score(&self) -> f64 {
        if self.numerators[0] == 0.0 {
            return 0.0;
        }
        let bp = brevity_penalty(self.ref_len, self.hyp_len);
        let s: f64 = (0..MAX_ORDER)
            .map(|i| {
                let num = if self.numerators[i] == 0.0 {
                    EPSILON
                } else {
                    self.numerators[i]
                };
                0.25 * (num / self.denominators[i]).ln()
            })
            .sum();
        bp * s.exp()
    }
}

/// NLTK's brevity penalty: 1 when the hypothesis is longer than the reference, 0 when
/// it is empty, `exp(1 - r / c)` otherwise.
pub(crate) fn brevity_penalty(ref_len: u64, hyp_len: u64) -> f64 {
    if hyp_len > ref_len {
        1.0
    } else if hyp_len == 0 {
        0.0
    } else {
        (1.0 - ref_len as f64 / hyp_len as f64).exp()
    }
}

/// The reference length closest to the hypothesis length (ties: the shorter one).
fn closest_ref_length(ref_lens: impl Iterator<Item = u64>, hyp_len: u64) -> u64 {
    ref_lens
        .min_by_key(|&r| (r.abs_diff(hyp_len), r))
        .unwrap_or(0)
}

/// BLEU statistics of one hypothesis against its references (`modified_precision`:
/// hypothesis n-gram counts clipped by the maximum count in any reference, divided by
/// the number of hypothesis n-grams, at least 1).
pub(crate) fn bleu_stats(hyp: &[&str], refs: &[Vec<&str>]) -> NgramStats {
    let mut st = NgramStats {
        hyp_len: hyp.len() as u64,
        ref_len: closest_ref_length(refs.iter().map(|r| r.len() as u64), hyp.len() as u64),
        ..Default::default()
    };
    for n in 1..=MAX_ORDER {
        let (_, counts) = ngram_counts(hyp, n);
        let ref_counts: Vec<_> = refs.iter().map(|r| ngram_counts(r, n).1).collect();
        let mut numerator = 0u64;
        let mut total = 0u64;
        for (gram, &count) in &counts {
            let max_ref = ref_counts
                .iter()
                .map(|rc| rc.get(gram).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            numerator += count.min(max_ref);
            total += count;
        }
        st.numerators[n - 1] = numerator as f64;
        st.denominators[n - 1] = total.max(1) as f64;
    }
    st
}

/// Weighted n-gram statistics (`weighted_ngram_match.modified_recall`): for every
/// reference, its n-gram counts clipped by the hypothesis counts over its own n-gram
/// total (at least 1); unigrams weigh 1 for keywords and 0.2 otherwise.
///
/// The reference's brevity penalty uses `len([tokens, weights]) == 2` as the length of
/// every reference — a quirk of the reference implementation that we keep, so the
/// penalty is `exp(1 - 2 / c)` only for hypotheses of at most two tokens.
pub(crate) fn weighted_stats(
    hyp: &[&str],
    refs: &[Vec<&str>],
    is_keyword: &dyn Fn(&str) -> bool,
) -> NgramStats {
    let mut st = NgramStats {
        hyp_len: hyp.len() as u64,
        ref_len: closest_ref_length(refs.iter().map(|_| 2), hyp.len() as u64),
        ..Default::default()
    };
    for n in 1..=MAX_ORDER {
        let (_, hyp_counts) = ngram_counts(hyp, n);
        let mut numerator = 0.0f64;
        let mut denominator = 0.0f64;
        for r in refs {
            let (order, ref_counts) = ngram_counts(r, n);
            if n == 1 {
                let weight = |g: &[&str]| {
                    if is_keyword(g[0]) {
                        1.0
                    } else {
                        NON_KEYWORD_WEIGHT
                    }
                };
                let mut clipped = 0.0f64;
                let mut total = 0.0f64;
                for g in &order {
                    let rc = ref_counts[g];
                    let hc = hyp_counts.get(g).copied().unwrap_or(0);
                    clipped += rc.min(hc) as f64 * weight(g);
                    total += rc as f64 * weight(g);
                }
                numerator += clipped;
                denominator += total.max(1.0);
            } else {
                let mut clipped = 0u64;
                let mut total = 0u64;
                for g in &order {
                    let rc = ref_counts[g];
                    clipped += rc.min(hyp_counts.get(g).copied().unwrap_or(0));
                    total += rc;
                }
                numerator += clipped as f64;
                denominator += total.max(1) as f64;
            }
        }
        st.numerators[n - 1] = numerator;
        st.denominators[n - 1] = denominator;
    }
    st
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    #[test]
    fn identical_is_one() {
        let t = toks("const x = a + b ;");
        let st = bleu_stats(&t, std::slice::from_ref(&t));
        assert!((st.score() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hand_computed_bleu() {
        // hyp: a b c d e f (6), ref: a b c x e f (6)
        // p1 = 5/6, p2 = 3/5 (ab, bc, ef), p3 = 1/4 (abc), p4 = 0 -> 0.1/3; bp = 1
        let st = bleu_stats(&toks("a b c d e f"), &[toks("a b c x e f")]);
        assert_eq!(st.numerators, [5.0, 3.0, 1.0, 0.0]);
        assert_eq!(st.denominators, [6.0, 5.0, 4.0, 3.0]);
        let expected =
            ((5.0f64 / 6.0).ln() + (3.0f64 / 5.0).ln() + (0.25f64).ln() + (0.1f64 / 3.0).ln())
                / 4.0;
        assert!((st.score() - expected.exp()).abs() < 1e-12);
    }

    #[test]
    fn clipping_and_brevity() {
        // NLTK's "the the the" example: p1 = 2/7.
        let st = bleu_stats(
            &toks("the the the the the the the"),
            &[
                toks("the cat is on the mat"),
                toks("there is a cat on the mat"),
            ],
        );
        assert_eq!(st.numerators[0], 2.0);
        assert_eq!(st.denominators[0], 7.0);
        // Shorter hypothesis: bp = exp(1 - 28/12) as in NLTK's doctest.
        assert!((brevity_penalty(28, 12) - 0.2635971381157267).abs() < 1e-15);
        assert_eq!(brevity_penalty(3, 0), 0.0);
        assert_eq!(closest_ref_length([13, 11].into_iter(), 12), 11);
    }

    #[test]
    fn no_unigram_match_is_zero() {
        let st = bleu_stats(&toks("x y z"), &[toks("a b c")]);
        assert_eq!(st.score(), 0.0);
    }

    #[test]
    fn weighted_counts_keywords_fully() {
        let kw = |t: &str| t == "return";
        // ref: return a ; hyp: return b ;  unigram: (1*1 + 1*0.2) / (1 + 0.2 + 0.2)
        let st = weighted_stats(&toks("return b ;"), &[toks("return a ;")], &kw);
        assert!((st.numerators[0] - 1.2).abs() < 1e-12);
        assert!((st.denominators[0] - 1.4).abs() < 1e-12);
        assert_eq!(st.ref_len, 2);
        // bigrams: ref {return a, a ;}, none in hyp.
        assert_eq!(st.numerators[1], 0.0);
        assert_eq!(st.denominators[1], 2.0);
    }
}
