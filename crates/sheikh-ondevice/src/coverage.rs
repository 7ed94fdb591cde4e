//! Which context length the data needs: the share of documents that fit whole and of
//! tokens kept under truncation, for each candidate context, from token-length buckets.

use serde::{Deserialize, Serialize};

use crate::error::{OnDeviceError, Result};
use crate::memory::ctx_label;

/// The candidate contexts of the seed's plan: 2K, 4K, 8K, 16K, 32K.
pub const DEFAULT_CONTEXTS: [u64; 5] = [2048, 4096, 8192, 16384, 32768];

/// Coverage at one context length. Counts are exact when the context is a bucket bound
/// (or outside every bucket's interior); otherwise they are ranges implied by the bucket
/// sums, and `exact` is false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRow {
    /// Context length, tokens.
    pub context: u64,
    /// Documents of at most `context` tokens: lower bound.
    pub docs_fit_min: u64,
    /// Documents of at most `context` tokens: upper bound.
    pub docs_fit_max: u64,
    /// `Σ min(len, context)` over documents: lower bound.
    pub tokens_kept_min: u64,
    /// `Σ min(len, context)` over documents: upper bound.
    pub tokens_kept_max: u64,
    /// Whether the bounds coincide.
    pub exact: bool,
}

/// Coverage for several contexts over one length histogram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextCoverage {
    /// Documents in the histogram.
    pub total_docs: u64,
    /// Tokens in the histogram.
    pub total_tokens: u64,
    /// One row per context, ascending.
    pub rows: Vec<CoverageRow>,
}

impl CoverageRow {
    /// Share of documents that fit whole (midpoint of the bounds).
    pub fn doc_share(&self, total_docs: u64) -> f64 {
        (self.docs_fit_min + self.docs_fit_max) as f64 / 2.0 / total_docs.max(1) as f64
    }

    /// Share of tokens kept when documents are truncated to the context (midpoint).
    pub fn token_share(&self, total_tokens: u64) -> f64 {
        (self.tokens_kept_min + self.tokens_kept_max) as f64 / 2.0 / total_tokens.max(1) as f64
    }
}

impl ContextCoverage {
    /// Computes coverage from buckets `(upper_bound, docs, tokens)`: a bucket holds the
    /// documents whose length is in `(previous bound, upper_bound]` (the first bucket's
    /// previous bound is 0) and `tokens` is the sum of their lengths — the histogram
    /// `sheikh-tokenize` reports. Buckets may come in any order; empty ones are fine.
    ///
    /// ```
    /// use sheikh_ondevice::ContextCoverage;
    /// // 6 docs ≤ 1K tokens (3000 tokens), 3 in (1K, 2K] (4500), 1 in (2K, 4K] (4000).
    /// let c = ContextCoverage::from_buckets([(1024, 6, 3000), (2048, 3, 4500), (4096, 1, 4000)], [2048]).unwrap();
    /// let r = c.rows[0];
    /// assert!(r.exact);
    /// assert_eq!(r.docs_fit_min, 9);
    /// assert_eq!(r.tokens_kept_min, 3000 + 4500 + 2048);
    /// ```
    pub fn from_buckets(
        buckets: impl IntoIterator<Item = (u64, u64, u64)>,
        contexts: impl IntoIterator<Item = u64>,
    ) -> Result<Self> {
        let mut b: Vec<(u64, u64, u64)> = buckets.into_iter().collect();
        b.sort_by_key(|x| x.0);
        let mut prev = 0u64;
        for (i, &(bound, docs, tokens)) in b.iter().enumerate() {
            if i > 0 && bound == b[i - 1].0 {
                return Err(OnDeviceError::Invalid(format!(
                    "bucket bound {bound} appears twice"
                )));
            }
            let lo = docs as u128 * prev as u128;
            let hi = docs as u128 * bound as u128;
            if (tokens as u128) < lo || tokens as u128 > hi {
                return Err(OnDeviceError::Invalid(format!(
                    "bucket ({prev}, {bound}]: {tokens} tokens impossible for {docs} documents"
                )));
            }
            prev = bound;
        }
        let total_docs = b.iter().map(|x| x.1).sum();
        let total_tokens = b.iter().map(|x| x.2).sum();
        let mut ctxs: Vec<u64> = contexts.into_iter().collect();
        ctxs.sort_unstable();
        ctxs.dedup();
        let rows = ctxs.into_iter().map(|c| row(&b, c)).collect();
        Ok(ContextCoverage {
            total_docs,
            total_tokens,
            rows,
        })
    }

    /// The smallest listed context keeping at least `doc_share` of the documents whole
    /// (lower bound) and `token_share` of the tokens (lower bound).
    pub fn smallest_context(&self, doc_share: f64, token_share: f64) -> Option<u64> {
        self.rows
            .iter()
            .find(|r| {
                r.docs_fit_min as f64 >= doc_share * self.total_docs as f64
                    && r.tokens_kept_min as f64 >= token_share * self.total_tokens as f64
            })
            .map(|r| r.context)
    }

    /// One row of cells per context: its label (`32K`), the share of documents that fit
    /// whole and the share of tokens kept when truncated, as percentages (`a–b %` where
    /// the context falls inside a histogram bucket).
    pub fn cells(&self) -> Vec<[String; 3]> {
        let pct = |lo: u64, hi: u64, tot: u64| {
            let (a, b) = (
                100.0 * lo as f64 / tot.max(1) as f64,
                100.0 * hi as f64 / tot.max(1) as f64,
            );
            if lo == hi {
                format!("{a:.2} %")
            } else {
                format!("{a:.2}–{b:.2} %")
            }
        };
        self.rows
            .iter()
            .map(|r| {
                [
                    ctx_label(r.context),
                    pct(r.docs_fit_min, r.docs_fit_max, self.total_docs),
                    pct(r.tokens_kept_min, r.tokens_kept_max, self.total_tokens),
                ]
            })
            .collect()
    }

    /// A Markdown table of [`cells`](Self::cells).
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "{} documents, {} tokens.\n\n| context | documents that fit whole | tokens kept when truncated |\n|---:|---:|---:|\n",
            self.total_docs, self.total_tokens
        );
        for [ctx, docs, tokens] in self.cells() {
            s.push_str(&format!("| {ctx} | {docs} | {tokens} |\n"));
        }
        s
    }
}

fn row(buckets: &[(u64, u64, u64)], ctx: u64) -> CoverageRow {
    let mut r = CoverageRow {
        context: ctx,
        docs_fit_min: 0,
        docs_fit_max: 0,
        tokens_kept_min: 0,
        tokens_kept_max: 0,
        exact: true,
    };
    let mut prev = 0u64;
    for &(b, n, t) in buckets {
        if b <= ctx {
            r.docs_fit_min += n;
            r.docs_fit_max += n;
            r.tokens_kept_min += t;
            r.tokens_kept_max += t;
        } else if prev >= ctx {
            r.tokens_kept_min += n * ctx;
            r.tokens_kept_max += n * ctx;
        } else if n > 0 {
            // prev < ctx < b. k documents fit (length ≤ ctx), n − k do not (> ctx):
            // t ≥ k (prev + 1) + (n − k)(ctx + 1) and t ≤ k · ctx + (n − k) · b.
            let (n1, t1, c1, p1, b1) = (n as i128, t as i128, ctx as i128, prev as i128, b as i128);
            let k_min = ((n1 * (c1 + 1) - t1 + (c1 - p1) - 1).div_euclid(c1 - p1)).clamp(0, n1);
            let k_max = ((n1 * b1 - t1).div_euclid(b1 - c1)).clamp(k_min, n1);
            r.docs_fit_min += k_min as u64;
            r.docs_fit_max += k_max as u64;
            // Σ min(l, ctx) ≥ Σ l · ctx / b (since l ≤ b) and ≤ min(t, n · ctx).
            r.tokens_kept_min += (t as u128 * ctx as u128 / b as u128) as u64;
            r.tokens_kept_max += t.min(n.saturating_mul(ctx));
            r.exact &= k_min == k_max && r.tokens_kept_min == r.tokens_kept_max;
        }
        prev = b;
    }
    r.exact = r.docs_fit_min == r.docs_fit_max && r.tokens_kept_min == r.tokens_kept_max;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact answer from the lengths themselves.
    fn truth(lengths: &[u64], ctx: u64) -> (u64, u64) {
        (
            lengths.iter().filter(|&&l| l <= ctx).count() as u64,
            lengths.iter().map(|&l| l.min(ctx)).sum(),
        )
    }

    fn buckets(lengths: &[u64]) -> Vec<(u64, u64, u64)> {
        let mut b = std::collections::BTreeMap::new();
        for &l in lengths {
            let bound = l.max(1).next_power_of_two();
            let e = b.entry(bound).or_insert((0u64, 0u64));
            e.0 += 1;
            e.1 += l;
        }
        b.into_iter().map(|(k, (d, t))| (k, d, t)).collect()
    }

    #[test]
    fn exact_at_bounds_and_bracketing_elsewhere() {
        let lengths: Vec<u64> = (0..500u64).map(|i| (i * 7919) % 40_000 + 1).collect();
        let ctxs = [1000, 2048, 3000, 4096, 8192, 16384, 32768, 50_000, 65_536];
        let c = ContextCoverage::from_buckets(buckets(&lengths), ctxs).unwrap();
        for r in &c.rows {
            let (d, t) = truth(&lengths, r.context);
            assert!(r.docs_fit_min <= d && d <= r.docs_fit_max, "{r:?} vs {d}");
            assert!(
                r.tokens_kept_min <= t && t <= r.tokens_kept_max,
                "{r:?} vs {t}"
            );
            if r.context.is_power_of_two() {
                assert!(r.exact);
                assert_eq!((r.docs_fit_min, r.tokens_kept_min), (d, t));
            }
        }
        assert!(!c.rows[0].exact);
        assert_eq!(c.total_docs, 500);
        assert_eq!(c.smallest_context(0.0, 0.0), Some(1000));
        assert_eq!(c.smallest_context(1.0, 1.0), Some(65_536));
        assert!(!c.rows[7].exact);
        assert!(c.to_markdown().contains("| 32K |"));
    }

    #[test]
    fn inconsistent_buckets_are_errors() {
        assert!(ContextCoverage::from_buckets([(4, 1, 10)], [2]).is_err());
        assert!(ContextCoverage::from_buckets([(4, 1, 3), (4, 1, 3)], [2]).is_err());
        assert!(ContextCoverage::from_buckets([(4, 1, 3), (8, 1, 2)], [2]).is_err());
        // sheikh-tokenize's first bucket (bound 1) also holds empty documents.
        let c = ContextCoverage::from_buckets([(1, 3, 1), (2, 0, 0), (4, 2, 7)], [2, 4]).unwrap();
        assert_eq!(
            (c.rows[0].docs_fit_min, c.rows[0].tokens_kept_min),
            (3, 1 + 2 * 2)
        );
        assert!(c.rows.iter().all(|r| r.exact));
        let empty = ContextCoverage::from_buckets(Vec::new(), [2]).unwrap();
        assert_eq!(empty.rows[0].doc_share(empty.total_docs), 0.0);
    }
}
