//! Diversity of a set of samples: distinct-n ratios, structural skeletons, exact and
//! near-duplicate rates.
//!
//! - **distinct-n** (Li et al., 2016): distinct word n-grams / all n-grams over the
//!   whole set, for n = 1, 2, 4, tokens being `[A-Za-z0-9_]+` runs (the shingling
//!   tokens of `sheikh-dedup`). Counted with a K-minimum-values sketch of 2^16 hashes:
//!   exact below 65,536 distinct n-grams, about 0.4 % relative error above, in bounded
//!   memory. Also the mean per-sample distinct-2 (repetition inside one sample).
//! - **skeletons**: the structure of a sample with names and values removed — the
//!   element / JSX tag sequence with nesting for XML, the block sequence for MDX, the
//!   keyword and bracket sequence for scripts — hashed; reported as unique / samples.
//! - **near-duplicate rate**: share of samples that `sheikh-dedup`'s
//!   [`NearDedup`](sheikh_dedup::NearDedup) (MinHash LSH, union-find clusters, first
//!   kept) would remove, with the configured threshold and estimated verification.

use std::collections::{BTreeSet, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::Language;
use sheikh_dedup::{DedupConfig, NearDedup, Verification};
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::error::Result;

const KMV_K: usize = 1 << 16;

/// A K-minimum-values distinct counter.
#[derive(Debug, Clone, Default)]
struct Kmv {
    smallest: BTreeSet<u64>,
    total: u64,
}

impl Kmv {
    fn add(&mut self, h: u64) {
        self.total += 1;
        if self.smallest.len() < KMV_K {
            self.smallest.insert(h);
        } else if let Some(&max) = self.smallest.last() {
            if h < max && self.smallest.insert(h) {
                self.smallest.pop_last();
            }
        }
    }

    fn distinct(&self) -> f64 {
        if self.smallest.len() < KMV_K {
            return self.smallest.len() as f64;
        }
        let kth = *self.smallest.last().expect("full") as f64;
        (KMV_K as f64 - 1.0) / (kth / u64::MAX as f64)
    }

    fn ratio(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.distinct() / self.total as f64).min(1.0)
        }
    }
}

/// The diversity figures of a set of samples.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiversityReport {
    /// Samples measured.
    pub samples: u64,
    /// Word tokens in all samples.
    pub tokens: u64,
    /// Distinct unigrams / unigrams.
    pub distinct_1: f64,
    /// Distinct bigrams / bigrams.
    pub distinct_2: f64,
    /// Distinct 4-grams / 4-grams.
    pub distinct_4: f64,
    /// Mean over samples of the sample's own distinct-2.
    pub mean_sample_distinct_2: f64,
    /// Distinct structural skeletons.
    pub unique_skeletons: u64,
    /// `unique_skeletons / samples`.
    pub skeleton_ratio: f64,
    /// Samples that are byte-identical to an earlier one, / samples.
    pub exact_duplicate_rate: f64,
    /// Samples `NearDedup` would remove (exact copies excluded), / samples.
    pub near_duplicate_rate: f64,
    /// Jaccard threshold used for the near-duplicate rate.
    pub near_threshold: f64,
}

impl DiversityReport {
    /// A Markdown table of the figures.
    pub fn to_markdown(&self) -> String {
        format!(
            "| measure | value |\n|---|---|\n| samples | {} |\n| word tokens | {} |\n| distinct-1 | {:.4} |\n| distinct-2 | {:.4} |\n| distinct-4 | {:.4} |\n| mean per-sample distinct-2 | {:.4} |\n| unique skeletons | {} ({:.1} %) |\n| exact duplicates | {:.2} % |\n| near duplicates (J ≥ {}) | {:.2} % |\n",
            self.samples,
            self.tokens,
            self.distinct_1,
            self.distinct_2,
            self.distinct_4,
            self.mean_sample_distinct_2,
            self.unique_skeletons,
            self.skeleton_ratio * 100.0,
            self.exact_duplicate_rate * 100.0,
            self.near_threshold,
            self.near_duplicate_rate * 100.0
        )
    }
}

/// Accumulates diversity figures over batches of samples.
///
/// ```
/// use sheikh_core::Language;
/// use sheikh_synth::DiversityMeter;
/// let mut m = DiversityMeter::new(&sheikh_dedup::DedupConfig::default())?;
/// m.add(&[("<a><b/></a>", Language::Xml), ("<a><b/></a>", Language::Xml), ("<c>x</c>", Language::Xml)])?;
/// let r = m.report()?;
/// assert_eq!(r.samples, 3);
/// assert_eq!(r.unique_skeletons, 2);
/// assert!((r.exact_duplicate_rate - 1.0 / 3.0).abs() < 1e-9);
/// # Ok::<(), sheikh_synth::SynthError>(())
/// ```
#[derive(Debug)]
pub struct DiversityMeter {
    grams: [Kmv; 3],
    per_sample_d2: f64,
    skeletons: HashSet<u64>,
    exact: HashSet<u128>,
    exact_dups: u64,
    near: NearDedup,
    threshold: f64,
    samples: u64,
    tokens: u64,
}

impl DiversityMeter {
    /// A meter whose near-duplicate rate uses `cfg`'s shingling, permutations and
    /// threshold (verification is always `estimated`, so no text is kept).
    pub fn new(cfg: &DedupConfig) -> Result<Self> {
        let mut c = cfg.clone();
        c.verify = Verification::Estimated;
        Ok(DiversityMeter {
            grams: Default::default(),
            per_sample_d2: 0.0,
            skeletons: HashSet::new(),
            exact: HashSet::new(),
            exact_dups: 0,
            near: NearDedup::new(&c)?,
            threshold: c.threshold,
            samples: 0,
            tokens: 0,
        })
    }

    /// Adds samples (text and language), in order.
    pub fn add(&mut self, samples: &[(&str, Language)]) -> Result<()> {
        // Per-sample measurements in parallel, merged in input order (deterministic).
        let measured: Vec<Measured> = samples
            .par_iter()
            .map(|&(text, lang)| Measured::of(text, lang))
            .collect();
        let mut fresh: Vec<&str> = Vec::with_capacity(samples.len());
        for (m, &(text, _)) in measured.iter().zip(samples) {
            self.samples += 1;
            if self.exact.insert(m.hash) {
                fresh.push(text);
            } else {
                self.exact_dups += 1;
            }
            self.skeletons.insert(m.skeleton);
            self.tokens += m.tokens;
            for (gi, grams) in m.grams.iter().enumerate() {
                for &h in grams {
                    self.grams[gi].add(h);
                }
            }
            self.per_sample_d2 += m.own_d2;
        }
        let keys = vec![0.0; fresh.len()];
        self.near.add(&fresh, &keys)?;
        Ok(())
    }

    /// The figures so far.
    pub fn report(&self) -> Result<DiversityReport> {
        let near = self.near.finish::<&str>(None)?;
        let n = self.samples.max(1) as f64;
        Ok(DiversityReport {
            samples: self.samples,
            tokens: self.tokens,
            distinct_1: self.grams[0].ratio(),
            distinct_2: self.grams[1].ratio(),
            distinct_4: self.grams[2].ratio(),
            mean_sample_distinct_2: self.per_sample_d2 / n,
            unique_skeletons: self.skeletons.len() as u64,
            skeleton_ratio: self.skeletons.len() as f64 / n,
            exact_duplicate_rate: self.exact_dups as f64 / n,
            near_duplicate_rate: near.removed.len() as f64 / n,
            near_threshold: self.threshold,
        })
    }
}

/// What one sample contributes.
struct Measured {
    hash: u128,
    skeleton: u64,
    tokens: u64,
    grams: [Vec<u64>; 3],
    own_d2: f64,
}

impl Measured {
    fn of(text: &str, lang: Language) -> Self {
        let toks: Vec<u64> = sheikh_dedup::shingle::tokens(text)
            .map(|t| xxh3_64(t.as_bytes()))
            .collect();
        let mut grams: [Vec<u64>; 3] = Default::default();
        for (gi, n) in [1usize, 2, 4].into_iter().enumerate() {
            grams[gi] = toks
                .windows(n)
                .map(|w| {
                    w.iter().fold(0u64, |h, t| {
                        xxh3_64_with_seed(&t.to_le_bytes(), h ^ n as u64)
                    })
                })
                .collect();
        }
        let own: HashSet<u64> = grams[1].iter().copied().collect();
        let own_d2 = if grams[1].is_empty() {
            0.0
        } else {
            own.len() as f64 / grams[1].len() as f64
        };
        Measured {
            hash: sheikh_dedup::exact::content_hash(text, false),
            skeleton: xxh3_64(skeleton(text, lang).as_bytes()),
            tokens: toks.len() as u64,
            grams,
            own_d2,
        }
    }
}

/// The structural skeleton of a text: names, values and prose removed.
///
/// ```
/// use sheikh_core::Language;
/// use sheikh_synth::skeleton;
/// assert_eq!(skeleton("<a x='1'><b>hi</b><c/></a>", Language::Xml), "a(b()c())");
/// assert_eq!(skeleton("const x = f(1);", Language::JavaScript), "const ()");
/// ```
pub fn skeleton(text: &str, lang: Language) -> String {
    match lang {
        Language::Xml | Language::Html => tag_skeleton(text),
        Language::Mdx | Language::Markdown => mdx_skeleton(text),
        _ => script_skeleton(text),
    }
}

/// Element names with nesting: `a(b()c)`.
fn tag_skeleton(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' {
            let rest = &text[i + 1..];
            if rest.starts_with('!') || rest.starts_with('?') {
                // Comments, CDATA, declarations, PIs: skip to the closing `>`.
                let end = if rest.starts_with("!--") {
                    rest.find("-->").map(|e| e + 3)
                } else if rest.starts_with("![CDATA[") {
                    rest.find("]]>").map(|e| e + 3)
                } else {
                    rest.find('>').map(|e| e + 1)
                };
                i += 1 + end.unwrap_or(rest.len());
                continue;
            }
            let closing = rest.starts_with('/');
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
                .collect();
            let end = rest.find('>').unwrap_or(rest.len());
            let self_closing = rest[..end].ends_with('/');
            if closing {
                out.push(')');
            } else if !name.is_empty() {
                out.push_str(&name);
                out.push('(');
                if self_closing {
                    out.push(')');
                }
            }
            i += 1 + end;
        } else {
            i += 1;
        }
    }
    out
}

/// Block kinds in order: front matter, ESM, headings by level, fences by language,
/// tables, lists, quotes, admonitions, JSX blocks by name, paragraphs.
fn mdx_skeleton(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut prev_blank = true;
    let mut in_front = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if n == 0 && t == "---" {
            in_front = true;
            out.push("front".into());
            continue;
        }
        if in_front {
            if t == "---" {
                in_front = false;
            }
            continue;
        }
        if let Some(lang) = t.strip_prefix("```") {
            if !in_fence {
                out.push(format!(
                    "fence:{}",
                    lang.split_whitespace().next().unwrap_or("")
                ));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if t.is_empty() {
            prev_blank = true;
            continue;
        }
        let kind = if t.starts_with('#') {
            Some(format!("h{}", t.chars().take_while(|&c| c == '#').count()))
        } else if t.starts_with("import ") || t.starts_with("export ") {
            Some("esm".into())
        } else if t.starts_with('|') {
            prev_blank.then(|| "table".into())
        } else if t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with("+ ")
            || t.chars().next().is_some_and(|c| c.is_ascii_digit()) && t.contains(". ")
        {
            prev_blank.then(|| "list".into())
        } else if t.starts_with('>') {
            prev_blank.then(|| "quote".into())
        } else if t.starts_with(":::") {
            Some("admonition".into())
        } else if let Some(rest) = t.strip_prefix('<') {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '/')
                .collect();
            Some(format!("<{name}"))
        } else {
            prev_blank.then(|| "p".into())
        };
        if let Some(k) = kind {
            out.push(k);
        }
        prev_blank = false;
    }
    out.join(" ")
}

const KEYWORDS: &[&str] = &[
    "import",
    "export",
    "default",
    "function",
    "class",
    "extends",
    "const",
    "let",
    "var",
    "if",
    "else",
    "for",
    "while",
    "return",
    "switch",
    "case",
    "try",
    "catch",
    "finally",
    "throw",
    "async",
    "await",
    "yield",
    "new",
    "interface",
    "type",
    "enum",
    "describe",
    "it",
    "test",
    "expect",
    "useState",
    "useEffect",
    "useMemo",
    "useCallback",
    "useRef",
];

/// Keywords and brackets in order, with JSX tag names.
fn script_skeleton(text: &str) -> String {
    let mut out = String::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            let w = &text[start..i];
            let jsx = start > 0 && b[start - 1] == b'<';
            if KEYWORDS.contains(&w) || jsx {
                if jsx {
                    out.push('<');
                }
                out.push_str(w);
                out.push(' ');
            }
            continue;
        }
        match c {
            b'{' | b'}' | b'(' | b')' => out.push(c as char),
            b'"' | b'\'' | b'`' => {
                // Skip string literals.
                let q = c;
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kmv_is_exact_when_small() {
        let mut k = Kmv::default();
        for i in 0..1000u64 {
            k.add(xxh3_64(&(i % 100).to_le_bytes()));
        }
        assert_eq!(k.distinct(), 100.0);
        assert!((k.ratio() - 0.1).abs() < 1e-9);
    }

    #[test]
    fn kmv_estimates_large_sets() {
        let mut k = Kmv::default();
        for i in 0..400_000u64 {
            k.add(xxh3_64(&i.to_le_bytes()));
        }
        let e = k.distinct();
        assert!((e / 400_000.0 - 1.0).abs() < 0.02, "{e}");
    }

    #[test]
    fn skeletons_ignore_names_and_values() {
        let a = skeleton("const a = 1;\nif (a) { f('x{') }", Language::JavaScript);
        let b = skeleton("const zz = 9;\nif (zz) { g(\"y\") }", Language::JavaScript);
        assert_eq!(a, b);
        assert_ne!(a, skeleton("let a = 1;", Language::JavaScript));
        let m = skeleton(
            "---\ntitle: x\n---\n\n# T\n\ntext\n\n```js\nx\n```\n\n<Card a=\"1\" />\n",
            Language::Mdx,
        );
        assert_eq!(m, "front h1 p fence:js <Card");
        assert_eq!(
            skeleton(
                "<?xml version=\"1.0\"?><!-- c --><r><![CDATA[<x>]]><s/></r>",
                Language::Xml
            ),
            "r(s())"
        );
    }
}
