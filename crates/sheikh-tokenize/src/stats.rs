//! Token statistics: counts per language and the sample-length histogram.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sheikh_core::Language;

/// Sample lengths in power-of-two buckets: bucket `b` has the upper bound `2^b` and holds
/// the samples whose length `n` satisfies `2^(b-1) < n <= 2^b` (bucket 0, bound 1, also
/// holds empty samples). With it, the share of samples — and of tokens — that fit a
/// context length `2^k` is a cumulative sum.
///
/// ```
/// let mut h = sheikh_tokenize::TokenLengthHistogram::default();
/// for n in [1, 2, 3, 4, 5, 1000] { h.record(n); }
/// let b: Vec<_> = h.buckets().collect();
/// assert_eq!(b[0], (1, 1, 1));     // n = 1
/// assert_eq!(b[1], (2, 1, 2));     // n = 2
/// assert_eq!(b[2], (4, 2, 7));     // n = 3, 4
/// assert_eq!(b[3], (8, 1, 5));     // n = 5
/// assert_eq!(b.last(), Some(&(1024, 1, 1000)));
/// assert_eq!(b.len(), 11);         // every bound up to the largest, empty ones included
/// assert_eq!(h.share_within(4), (4.0 / 6.0, 10.0 / 1015.0));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<HistogramBucket>", into = "Vec<HistogramBucket>")]
pub struct TokenLengthHistogram {
    /// `(docs, tokens)` per bucket index.
    counts: Vec<(u64, u64)>,
}

/// One bucket of a [`TokenLengthHistogram`], as serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistogramBucket {
    /// Inclusive upper bound in tokens (a power of two).
    pub upper_bound: u64,
    /// Samples in the bucket.
    pub docs: u64,
    /// Their tokens.
    pub tokens: u64,
}

impl From<Vec<HistogramBucket>> for TokenLengthHistogram {
    fn from(v: Vec<HistogramBucket>) -> Self {
        let mut h = TokenLengthHistogram::default();
        for b in v {
            let i = Self::bucket_of(b.upper_bound);
            h.ensure(i);
            h.counts[i].0 += b.docs;
            h.counts[i].1 += b.tokens;
        }
        h
    }
}

impl From<TokenLengthHistogram> for Vec<HistogramBucket> {
    fn from(h: TokenLengthHistogram) -> Self {
        h.buckets()
            .map(|(upper_bound, docs, tokens)| HistogramBucket {
                upper_bound,
                docs,
                tokens,
            })
            .collect()
    }
}

impl TokenLengthHistogram {
    fn bucket_of(n: u64) -> usize {
        if n <= 1 {
            0
        } else {
            (64 - (n - 1).leading_zeros()) as usize
        }
    }

    fn ensure(&mut self, i: usize) {
        if self.counts.len() <= i {
            self.counts.resize(i + 1, (0, 0));
        }
    }

    /// Counts one sample of `len` tokens.
    pub fn record(&mut self, len: u64) {
        let i = Self::bucket_of(len);
        self.ensure(i);
        self.counts[i].0 += 1;
        self.counts[i].1 += len;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &TokenLengthHistogram) {
        self.ensure(other.counts.len().saturating_sub(1));
        for (i, (d, t)) in other.counts.iter().enumerate() {
            self.counts[i].0 += d;
            self.counts[i].1 += t;
        }
    }

    /// `(upper_bound, docs, tokens)` for bounds 1, 2, 4, … up to the largest non-empty
    /// bucket; empty buckets in between are included.
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, &(d, t))| (1u64 << i, d, t))
    }

    /// Samples counted.
    pub fn docs(&self) -> u64 {
        self.counts.iter().map(|c| c.0).sum()
    }

    /// Tokens counted.
    pub fn tokens(&self) -> u64 {
        self.counts.iter().map(|c| c.1).sum()
    }

    /// Share of samples, and of tokens, in samples of at most `context` tokens, counted
    /// by whole buckets (exact when `context` is a power of two).
    pub fn share_within(&self, context: u64) -> (f64, f64) {
        let (mut d, mut t) = (0u64, 0u64);
        for (bound, docs, tokens) in self.buckets() {
            if bound <= context {
                d += docs;
                t += tokens;
            }
        }
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        (ratio(d, self.docs()), ratio(t, self.tokens()))
    }
}

/// Documents and tokens of one language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageTokens {
    /// Documents.
    pub documents: u64,
    /// Tokens (special tokens and EOS of their samples included).
    pub tokens: u64,
}

/// Statistics of a pretraining dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenStats {
    /// Documents tokenized.
    pub documents: u64,
    /// Samples written (documents, or repository groups).
    pub samples: u64,
    /// Tokens in all samples (EOS and markers included).
    pub tokens: u64,
    /// Per language.
    pub languages: BTreeMap<Language, LanguageTokens>,
    /// Plain samples.
    pub plain: u64,
    /// FIM samples in PSM order.
    pub fim_psm: u64,
    /// FIM samples in SPM order.
    pub fim_spm: u64,
    /// Repository-level samples (FIM ones included).
    pub repo_samples: u64,
    /// Tokens cut by `max_doc_tokens`.
    pub truncated_tokens: u64,
    /// Packed sequences (Parquet rows).
    pub sequences: u64,
    /// Padding tokens in packed sequences.
    pub padding_tokens: u64,
    /// Tokens dropped with the last incomplete sequence (`drop_remainder`).
    pub dropped_tokens: u64,
    /// Sample lengths.
    pub histogram: TokenLengthHistogram,
    /// Which encoder ran (fast or the generic `tokenizers` pipeline, and why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encode_path: Option<crate::EncodePath>,
}

impl TokenStats {
    /// A Markdown table of documents and tokens per language, with shares.
    pub fn language_table(&self) -> String {
        let mut s = String::from(
            "| language | documents | tokens | share of tokens |\n| --- | ---: | ---: | ---: |\n",
        );
        for (lang, c) in &self.languages {
            s.push_str(&format!(
                "| {lang} | {} | {} | {:.2}% |\n",
                c.documents,
                c.tokens,
                100.0 * c.tokens as f64 / self.tokens.max(1) as f64
            ));
        }
        s.push_str(&format!(
            "| **total** | {} | {} | 100.00% |\n",
            self.documents, self.tokens
        ));
        s
    }
}

/// Statistics of an instruction dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SftStats {
    /// Records read.
    pub records: u64,
    /// Examples packed.
    pub examples: u64,
    /// Examples dropped because they are longer than `seq_len`.
    pub too_long: u64,
    /// Malformed lines skipped by the reader (counted by the caller).
    pub bad_lines: u64,
    /// Tokens of packed examples.
    pub tokens: u64,
    /// Of which in the loss (responses).
    pub response_tokens: u64,
    /// Packed sequences.
    pub sequences: u64,
    /// Padding tokens.
    pub padding_tokens: u64,
    /// Example lengths.
    pub histogram: TokenLengthHistogram,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_bounds() {
        let mut h = TokenLengthHistogram::default();
        for n in [0, 1, 2, 3, 4, 5, 8, 9, 2048, 2049] {
            h.record(n);
        }
        let b: Vec<_> = h.buckets().collect();
        assert_eq!(b[0], (1, 2, 1));
        assert_eq!(b[1], (2, 1, 2));
        assert_eq!(b[2], (4, 2, 7));
        assert_eq!(b[3], (8, 2, 13));
        assert_eq!(b[4], (16, 1, 9));
        assert_eq!(b[11], (2048, 1, 2048));
        assert_eq!(b[12], (4096, 1, 2049));
        assert_eq!(h.docs(), 10);
        let (d, t) = h.share_within(2048);
        assert!((d - 0.9).abs() < 1e-12);
        assert!((t - (h.tokens() - 2049) as f64 / h.tokens() as f64).abs() < 1e-12);
    }

    #[test]
    fn serde_round_trip_and_merge() {
        let mut h = TokenLengthHistogram::default();
        h.record(3);
        h.record(100);
        let json = serde_json::to_string(&h).unwrap();
        assert!(json.starts_with(r#"[{"upper_bound":1,"docs":0,"tokens":0}"#));
        let back: TokenLengthHistogram = serde_json::from_str(&json).unwrap();
        assert_eq!(back, h);
        let mut m = TokenLengthHistogram::default();
        m.record(1);
        m.merge(&h);
        assert_eq!(m.docs(), 3);
        assert_eq!(m.tokens(), 104);
        let mut s = TokenStats::default();
        s.languages.insert(
            Language::Tsx,
            LanguageTokens {
                documents: 1,
                tokens: 5,
            },
        );
        let back: TokenStats = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
