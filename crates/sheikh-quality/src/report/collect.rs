//! Per-document measurements over the kept output, gathered while it is written.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::langid::Method;
use sheikh_core::{Document, Language, LanguageIdentifier};

use crate::filter::METADATA_KEY as QUALITY_KEY;

/// The metadata key the syntax stage writes its verdict under (`{"valid": bool, ...}`).
pub const SYNTAX_KEY: &str = "syntax";

/// A histogram over power-of-two buckets: bucket `k` counts values in
/// `(2^(k-1), 2^k]` (bucket 0 holds 0 and 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log2Histogram {
    /// Counts per bucket, index = `ceil(log2(value))`.
    pub counts: Vec<u64>,
}

impl Log2Histogram {
    /// The bucket of a value.
    pub fn bucket(value: u64) -> usize {
        if value <= 1 {
            0
        } else {
            (64 - (value - 1).leading_zeros()) as usize
        }
    }

    /// Counts one value.
    pub fn add(&mut self, value: u64) {
        let b = Self::bucket(value);
        if self.counts.len() <= b {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
    }

    /// Adds another histogram.
    pub fn merge(&mut self, other: &Log2Histogram) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// `(upper bound, count)` per bucket, empty leading buckets skipped.
    pub fn buckets(&self) -> Vec<(u64, u64)> {
        let first = self.counts.iter().position(|&c| c > 0).unwrap_or(0);
        self.counts
            .iter()
            .enumerate()
            .skip(first)
            .map(|(k, &c)| (1u64 << k, c))
            .collect()
    }

    /// Total count.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// What the collector saw of one language in the kept output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageObservations {
    /// Documents kept.
    pub docs: u64,
    /// Content bytes kept.
    pub bytes: u64,
    /// Lines kept.
    pub lines: u64,
    /// Documents carrying a quality score.
    pub scored: u64,
    /// Documents scoring at or above the quality threshold.
    pub above_threshold: u64,
    /// Documents the syntax stage checked with a verdict.
    pub syntax_checked: u64,
    /// Of those, valid.
    pub syntax_valid: u64,
    /// Documents labelled from their path that the content classifier also judged.
    pub langid_checked: u64,
    /// Of those, where the content classifier agrees with the path label: the same
    /// language, or one the label's language extends
    /// ([`Language::is_sublanguage_of`]: a `.tsx` file that is plain JavaScript).
    pub langid_agree: u64,
    /// Of the checked documents, how many the content classifier called each language
    /// (one row of the confusion matrix: path label → content label).
    pub langid_by_content: BTreeMap<Language, u64>,
}

impl LanguageObservations {
    fn merge(&mut self, o: &LanguageObservations) {
        self.docs += o.docs;
        self.bytes += o.bytes;
        self.lines += o.lines;
        self.scored += o.scored;
        self.above_threshold += o.above_threshold;
        self.syntax_checked += o.syntax_checked;
        self.syntax_valid += o.syntax_valid;
        self.langid_checked += o.langid_checked;
        self.langid_agree += o.langid_agree;
        for (l, n) in &o.langid_by_content {
            *self.langid_by_content.entry(*l).or_default() += n;
        }
    }
}

/// Measurements of the kept output, per language and overall. Feed it every written
/// batch with [`observe_batch`](ReportCollector::observe_batch); the result does not
/// depend on batch boundaries or thread count.
///
/// Memory: a few counters per language plus 8 bytes per distinct kept document (the
/// 64-bit content hashes behind the independent exact-duplicate check).
///
/// Sharded runs: give each shard a collector [`starting_at`](ReportCollector::starting_at)
/// the number of kept documents before it, serialize it (serde; the hashes as a sorted
/// list) and [`merge`](ReportCollector::merge) the shards in any order: the result equals
/// one collector fed the concatenated output. To keep the merge's memory bounded, take
/// the hashes out per shard with
/// [`take_sorted_hashes`](ReportCollector::take_sorted_hashes), count the duplicates
/// across shards with a streaming merge of the sorted lists, and add them with
/// [`add_exact_duplicates`](ReportCollector::add_exact_duplicates).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportCollector {
    #[serde(flatten)]
    counts: Counts,
    #[serde(with = "sorted_hashes")]
    hashes: HashSet<u64>,
    exact_duplicates: u64,
    #[serde(skip)]
    identifier: LanguageIdentifier,
    seen: u64,
}

/// The hash set as a sorted list, so serialized collectors are deterministic.
mod sorted_hashes {
    use std::collections::HashSet;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(set: &HashSet<u64>, s: S) -> Result<S::Ok, S::Error> {
        let mut v: Vec<u64> = set.iter().copied().collect();
        v.sort_unstable();
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<HashSet<u64>, D::Error> {
        Ok(Vec::<u64>::deserialize(d)?.into_iter().collect())
    }
}

/// The content classifier re-checks every one of the first this many written
/// documents, then a 1-in-[`LANGID_SAMPLE_RATE`] sample chosen by document id (content
/// identification runs at ≈ 17 MiB/s, too slow to repeat on every file of a large run).
pub const LANGID_CHECK_ALL: u64 = 10_000;

/// After [`LANGID_CHECK_ALL`] documents, one in this many is re-checked.
pub const LANGID_SAMPLE_RATE: u64 = 16;

/// The additive part of the observations (per batch, per thread, per shard).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct Counts {
    languages: BTreeMap<Language, LanguageObservations>,
    bytes_hist: Log2Histogram,
    lines_hist: Log2Histogram,
    score_bins: [u64; 10],
}

impl Counts {
    fn merge(&mut self, o: &Counts) {
        for (l, v) in &o.languages {
            self.languages.entry(*l).or_default().merge(v);
        }
        self.bytes_hist.merge(&o.bytes_hist);
        self.lines_hist.merge(&o.lines_hist);
        for (a, b) in self.score_bins.iter_mut().zip(o.score_bins) {
            *a += b;
        }
    }
}

impl ReportCollector {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// The content classifier of the Language Accuracy check (default: features only;
    /// give it one [`with_grammar`](LanguageIdentifier::with_grammar) so that it decides
    /// the JavaScript family by parsing, as the pipeline's language stage does).
    pub fn with_identifier(mut self, identifier: LanguageIdentifier) -> Self {
        self.identifier = identifier;
        self
    }

    /// An empty collector for a shard of a larger output, `position` kept documents
    /// after its start (the content-classifier sample depends on the position).
    pub fn starting_at(position: u64) -> Self {
        ReportCollector {
            seen: position,
            ..Self::default()
        }
    }

    /// Adds the observations of another part of the output (the shards can be merged in
    /// any order). Duplicates across the two parts are counted when both still hold
    /// their hashes.
    pub fn merge(&mut self, other: ReportCollector) {
        self.counts.merge(&other.counts);
        self.exact_duplicates += other.exact_duplicates;
        if self.hashes.len() < other.hashes.len() {
            let mine = std::mem::replace(&mut self.hashes, other.hashes);
            self.exact_duplicates +=
                mine.into_iter().filter(|h| !self.hashes.insert(*h)).count() as u64;
        } else {
            self.exact_duplicates += other
                .hashes
                .into_iter()
                .filter(|h| !self.hashes.insert(*h))
                .count() as u64;
        }
        self.seen += other.seen;
    }

    /// Removes and returns the content hashes of the distinct documents seen, sorted
    /// (for a bounded-memory merge across shards; see the type's documentation).
    pub fn take_sorted_hashes(&mut self) -> Vec<u64> {
        let mut v: Vec<u64> = std::mem::take(&mut self.hashes).into_iter().collect();
        v.sort_unstable();
        v
    }

    /// Adds duplicates counted outside the collector (across shards whose hashes were
    /// taken out).
    pub fn add_exact_duplicates(&mut self, n: u64) {
        self.exact_duplicates += n;
    }

    /// Measures one batch of kept documents (in parallel).
    pub fn observe_batch(&mut self, docs: &[Document]) {
        let ident = &self.identifier;
        let start = self.seen;
        self.seen += docs.len() as u64;
        // Counts and content hashes in parallel; only the set insertion is sequential
        // (the number of repeats does not depend on the order).
        let (counts, hashes) = docs
            .par_iter()
            .enumerate()
            .fold(
                || (Counts::default(), Vec::new()),
                |(mut c, mut h), (i, d)| {
                    let check = start + (i as u64) < LANGID_CHECK_ALL
                        || xxhash_rust::xxh3::xxh3_64(d.id.as_bytes())
                            .is_multiple_of(LANGID_SAMPLE_RATE);
                    observe(&mut c, d, ident, check);
                    h.push(xxhash_rust::xxh3::xxh3_64(d.content.as_bytes()));
                    (c, h)
                },
            )
            .reduce(
                || (Counts::default(), Vec::new()),
                |(mut a, mut ah), (b, bh)| {
                    a.merge(&b);
                    ah.extend(bh);
                    (a, ah)
                },
            );
        self.counts.merge(&counts);
        for h in hashes {
            if !self.hashes.insert(h) {
                self.exact_duplicates += 1;
            }
        }
    }

    /// Per-language observations.
    pub fn languages(&self) -> &BTreeMap<Language, LanguageObservations> {
        &self.counts.languages
    }

    /// Histogram of kept document sizes in bytes.
    pub fn bytes_histogram(&self) -> &Log2Histogram {
        &self.counts.bytes_hist
    }

    /// Histogram of kept document sizes in lines.
    pub fn lines_histogram(&self) -> &Log2Histogram {
        &self.counts.lines_hist
    }

    /// Quality scores of kept documents in ten bins `[0, 0.1)`, …, `[0.9, 1.0]`.
    pub fn score_bins(&self) -> [u64; 10] {
        self.counts.score_bins
    }

    /// Kept documents whose content equals an earlier kept document's (64-bit xxh3).
    pub fn exact_duplicates(&self) -> u64 {
        self.exact_duplicates
    }

    /// All observations summed over languages.
    pub fn totals(&self) -> LanguageObservations {
        let mut t = LanguageObservations::default();
        for v in self.counts.languages.values() {
            t.merge(v);
        }
        t
    }
}

fn observe(p: &mut Counts, d: &Document, ident: &LanguageIdentifier, check_language: bool) {
    let lines = d.content.lines().count() as u64;
    p.bytes_hist.add(d.content.len() as u64);
    p.lines_hist.add(lines);
    let o = p.languages.entry(d.language).or_default();
    o.docs += 1;
    o.bytes += d.content.len() as u64;
    o.lines += lines;
    if let Some(q) = d.metadata.get(QUALITY_KEY) {
        if let Some(score) = q.get("score").and_then(|s| s.as_f64()) {
            o.scored += 1;
            let bin = ((score * 10.0).floor().clamp(0.0, 9.0)) as usize;
            p.score_bins[bin] += 1;
            if q.get("above_threshold").and_then(|v| v.as_bool()) == Some(true) {
                o.above_threshold += 1;
            }
        }
    }
    if let Some(s) = d.metadata.get(SYNTAX_KEY) {
        let verdict = s.get("verdict").and_then(|v| v.as_str()).unwrap_or("");
        if matches!(verdict, "valid" | "invalid") {
            o.syntax_checked += 1;
            if s.get("valid").and_then(|v| v.as_bool()) == Some(true) {
                o.syntax_valid += 1;
            }
        }
    }
    if check_language && path_labelled(d) {
        let by_content = ident.identify_content(&d.content);
        if by_content.method != Method::Unknown {
            o.langid_checked += 1;
            *o.langid_by_content.entry(by_content.language).or_default() += 1;
            if by_content.language.is_sublanguage_of(d.language) {
                o.langid_agree += 1;
            }
        }
    }
}

/// True when the document's language came from its file name or extension.
fn path_labelled(d: &Document) -> bool {
    let Some(det) = d.metadata.get("language_detection") else {
        return false;
    };
    matches!(
        det.get("method").and_then(|m| m.as_str()),
        Some("filename" | "extension" | "extension_and_content")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn log2_buckets() {
        assert_eq!(Log2Histogram::bucket(0), 0);
        assert_eq!(Log2Histogram::bucket(1), 0);
        assert_eq!(Log2Histogram::bucket(2), 1);
        assert_eq!(Log2Histogram::bucket(3), 2);
        assert_eq!(Log2Histogram::bucket(4), 2);
        assert_eq!(Log2Histogram::bucket(5), 3);
        let mut h = Log2Histogram::default();
        for v in [3, 4, 1000] {
            h.add(v);
        }
        assert_eq!(h.buckets()[0], (4, 2));
        assert_eq!(h.buckets().last(), Some(&(1024, 1)));
        assert_eq!(h.total(), 3);
    }

    fn doc(content: &str, lang: Language, meta: serde_json::Value) -> Document {
        let mut d = Document::new(content, lang);
        if let serde_json::Value::Object(m) = meta {
            d.metadata.extend(m);
        }
        d
    }

    #[test]
    fn counts_quality_syntax_language_and_duplicates() {
        let js = "import { a } from './a';\nexport const f = (x) => a(x) + 1;\n";
        let docs = [
            doc(
                js,
                Language::JavaScript,
                json!({"quality": {"score": 0.9, "above_threshold": true},
                       "syntax": {"valid": true, "verdict": "valid"},
                       "language_detection": {"language": "JavaScript", "confidence": 0.99, "method": "extension"}}),
            ),
            doc(
                js,
                Language::JavaScript,
                json!({"quality": {"score": 0.3, "above_threshold": false},
                       "syntax": {"valid": false, "verdict": "invalid"}}),
            ),
            doc(
                "<p>x</p>",
                Language::Html,
                json!({"syntax": {"valid": false, "verdict": "too_large"}}),
            ),
        ];
        let mut c = ReportCollector::new();
        c.observe_batch(&docs[..1]);
        c.observe_batch(&docs[1..]);
        let jsobs = &c.languages()[&Language::JavaScript];
        assert_eq!((jsobs.docs, jsobs.scored, jsobs.above_threshold), (2, 2, 1));
        assert_eq!((jsobs.syntax_checked, jsobs.syntax_valid), (2, 1));
        assert_eq!((jsobs.langid_checked, jsobs.langid_agree), (1, 1));
        assert_eq!(c.languages()[&Language::Html].syntax_checked, 0);
        assert_eq!(c.exact_duplicates(), 1);
        assert_eq!(c.score_bins()[9] + c.score_bins()[3], 2);
        assert_eq!(c.totals().docs, 3);
    }

    #[test]
    fn language_accuracy_accepts_a_language_the_label_extends() {
        // Plain JavaScript in a .tsx file and in a .ts file: consistent with the label;
        // a CSS text in a .ts file is not.
        let js = "import { a } from './a';\nexport const f = (x) => a(x) + 1;\n";
        let meta = json!({"language_detection": {"language": "TSX", "confidence": 0.99, "method": "extension"}});
        let docs = [
            doc(js, Language::Tsx, meta.clone()),
            doc(js, Language::TypeScript, meta.clone()),
            doc(
                ".a { color: red; }\n.b > .c { margin: 0 auto; }\n",
                Language::TypeScript,
                meta,
            ),
        ];
        let mut c = ReportCollector::new();
        c.observe_batch(&docs);
        let tsx = &c.languages()[&Language::Tsx];
        assert_eq!((tsx.langid_checked, tsx.langid_agree), (1, 1));
        assert_eq!(tsx.langid_by_content[&Language::JavaScript], 1);
        let ts = &c.languages()[&Language::TypeScript];
        assert_eq!((ts.langid_checked, ts.langid_agree), (2, 1));
    }

    #[test]
    fn sharded_collectors_merge_to_the_whole() {
        let docs: Vec<Document> = (0..40)
            .map(|i| {
                let content = format!("export const v{} = {};\n", i % 13, i % 13);
                doc(
                    &content,
                    Language::JavaScript,
                    json!({"quality": {"score": (i % 10) as f64 / 10.0, "above_threshold": i % 2 == 0},
                           "language_detection": {"language": "JavaScript", "confidence": 0.9, "method": "extension"}}),
                )
            })
            .collect();
        let mut whole = ReportCollector::new();
        whole.observe_batch(&docs);
        let cuts = [0, 7, 7, 25, 40];
        let mut parts: Vec<ReportCollector> = cuts
            .windows(2)
            .map(|w| {
                let mut c = ReportCollector::starting_at(w[0] as u64);
                c.observe_batch(&docs[w[0]..w[1]]);
                let text = serde_json::to_string(&c).unwrap();
                serde_json::from_str(&text).unwrap()
            })
            .collect();
        // Merged in another order, through serde.
        parts.reverse();
        let mut merged = ReportCollector::new();
        for p in parts.clone() {
            merged.merge(p);
        }
        assert_eq!(merged.exact_duplicates(), whole.exact_duplicates());
        assert_eq!(merged.exact_duplicates(), 27);
        assert_eq!(merged.languages(), whole.languages());
        assert_eq!(merged.score_bins(), whole.score_bins());
        assert_eq!(merged.bytes_histogram(), whole.bytes_histogram());
        // Hashes taken out: within-shard duplicates plus the ones counted outside.
        let mut hashless = ReportCollector::new();
        let mut all = Vec::new();
        for mut p in parts {
            all.extend(p.take_sorted_hashes());
            hashless.merge(p);
        }
        let total = all.len() as u64;
        all.sort_unstable();
        all.dedup();
        hashless.add_exact_duplicates(total - all.len() as u64);
        assert_eq!(hashless.exact_duplicates(), whole.exact_duplicates());
    }
}
