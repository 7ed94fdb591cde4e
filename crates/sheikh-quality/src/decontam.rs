//! Benchmark decontamination: drop documents that contain benchmark problems.
//!
//! Two tests, either of which drops a document as `contaminated`:
//!
//! - **Word n-gram overlap** (Qwen2.5-Coder): the document shares at least
//!   `min_shared_ngrams` word 10-grams with one benchmark problem (its prompt and solution,
//!   and its tests if asked). Words are maximal runs of `[A-Za-z0-9_]` (the tokenisation
//!   of the StarCoder dedup scripts, also used by `sheikh-dedup`), compared case-sensitively.
//!   N-grams are hashed with a 64-bit rolling hash of xxh3 word hashes.
//! - **Exact substring after whitespace removal** (StarCoder2): the document, with ASCII
//!   whitespace removed, contains a prompt or solution with whitespace removed (those of
//!   at least `min_substring_chars` bytes). One Aho-Corasick automaton over all of them is
//!   fed the document's non-whitespace bytes, so nothing is copied.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::BufRead;
use std::path::Path;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::Anchored;
use sheikh_core::{Document, Filter, Reason, Rejection};
use xxhash_rust::xxh3::xxh3_64;

use crate::config::DecontaminationConfig;
use crate::error::QualityError;

/// The stage and provenance name.
pub const STAGE_NAME: &str = "decontamination";

/// Largest accepted n-gram size.
pub const MAX_NGRAM: usize = 64;

/// One benchmark problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenchmarkItem {
    /// `task_id`, `name` or `id`; otherwise `line N`.
    pub id: String,
    /// The prompt (signature and docstring).
    pub prompt: String,
    /// The reference solution.
    pub solution: String,
    /// The tests.
    pub tests: String,
}

impl BenchmarkItem {
    /// Reads one JSON object: `prompt` (or `question`), `solution` (or
    /// `canonical_solution`, `code`), `tests` (or `test`), `task_id` (or `name`, `id`).
    /// Missing fields are empty; a field that is present must be a string.
    pub fn from_json(value: &serde_json::Value, line: usize) -> Result<Self, String> {
        let obj = value.as_object().ok_or("not a JSON object")?;
        let field = |names: &[&str]| -> Result<String, String> {
            for n in names {
                match obj.get(*n) {
                    None | Some(serde_json::Value::Null) => continue,
                    Some(serde_json::Value::String(s)) => return Ok(s.clone()),
                    Some(_) => return Err(format!("field {n:?} is not a string")),
                }
            }
            Ok(String::new())
        };
        let id = match obj
            .get("task_id")
            .or_else(|| obj.get("name"))
            .or_else(|| obj.get("id"))
        {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) if !v.is_null() => v.to_string(),
            _ => format!("line {line}"),
        };
        let item = BenchmarkItem {
            id,
            prompt: field(&["prompt", "question"])?,
            solution: field(&["solution", "canonical_solution", "code"])?,
            tests: field(&["tests", "test"])?,
        };
        if item.prompt.is_empty() && item.solution.is_empty() && item.tests.is_empty() {
            return Err("no prompt, solution or tests".into());
        }
        Ok(item)
    }
}

/// Reads a benchmark JSONL file (blank lines are skipped).
pub fn load_benchmarks(path: &Path) -> Result<Vec<BenchmarkItem>, QualityError> {
    let io = |source| QualityError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut items = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| QualityError::Benchmark {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        items.push(BenchmarkItem::from_json(&value, i + 1).map_err(bad)?);
    }
    Ok(items)
}

/// Why a document is contaminated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contamination {
    /// Shares word n-grams with a problem.
    NGram {
        /// The problem's id.
        item: String,
        /// Distinct shared n-grams counted (stops at the threshold).
        shared: usize,
    },
    /// Contains a prompt or solution (whitespace removed).
    Substring {
        /// The problem's id.
        item: String,
        /// `prompt` or `solution`.
        field: &'static str,
    },
}

impl Contamination {
    /// The rejection detail.
    pub fn describe(&self, ngram: usize) -> String {
        match self {
            Contamination::NGram { item, shared } => {
                format!("shares {shared} word {ngram}-gram(s) with benchmark {item}")
            }
            Contamination::Substring { item, field } => {
                format!("contains the {field} of benchmark {item} (whitespace removed)")
            }
        }
    }
}

/// Identity hasher for keys that are already hashes.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// Multiplier of the rolling n-gram hash (an odd 64-bit constant).
const ROLL: u64 = 0x9E37_79B9_7F4A_7C15;

/// Calls `f` with the hash of every word n-gram of `text`, in order; stops when `f`
/// returns `false`. No allocation.
pub fn for_each_ngram(text: &str, n: usize, mut f: impl FnMut(u64) -> bool) {
    assert!((1..=MAX_NGRAM).contains(&n), "n-gram size out of range");
    let mut ring = [0u64; MAX_NGRAM];
    let mut count = 0usize;
    let mut h: u64 = 0;
    // ROLL^(n-1), to remove the word leaving the window.
    let top = (1..n).fold(1u64, |acc, _| acc.wrapping_mul(ROLL));
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !is_word(b[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && is_word(b[i]) {
            i += 1;
        }
        let w = xxh3_64(&b[s..i]);
        let slot = count % n;
        if count >= n {
            h = h.wrapping_sub(ring[slot].wrapping_mul(top));
        }
        h = h.wrapping_mul(ROLL).wrapping_add(w);
        ring[slot] = w;
        count += 1;
        if count >= n && !f(mix(h)) {
            return;
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn mix(mut x: u64) -> u64 {
    // SplitMix64 finaliser: spreads the polynomial hash over all bits.
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// The decontamination [`Filter`], named `decontamination`.
///
/// ```
/// use sheikh_core::{Document, Filter, Language, Reason};
/// use sheikh_quality::{BenchmarkItem, DecontaminationConfig, Decontaminator};
///
/// let item = BenchmarkItem {
///     id: "JS/0".into(),
///     prompt: "/* Return the sum of the squares of the odd numbers in the list, ignoring negative numbers and non integers. */\nconst sumOddSquares = (lst) => {\n".into(),
///     solution: "  return lst.filter((x) => x > 0 && x % 2 === 1).reduce((a, x) => a + x * x, 0);\n};\n".into(),
///     tests: String::new(),
/// };
/// let d = Decontaminator::from_items(&DecontaminationConfig::default(), vec![item]).unwrap();
/// let mut copied = Document::new(
///     "// homework\nconst sumOddSquares = (lst) => {\n return lst.filter((x) => x > 0 && x % 2 === 1)\n   .reduce((a, x) => a + x * x, 0);\n};\n",
///     Language::JavaScript,
/// );
/// assert_eq!(d.filter(&mut copied).unwrap().reason, Reason::Contaminated);
/// let mut clean = Document::new("export const add = (a, b) => a + b;\n", Language::JavaScript);
/// assert!(d.filter(&mut clean).is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Decontaminator {
    cfg: DecontaminationConfig,
    ids: Vec<String>,
    ngrams: IdMap<u32>,
    substrings: Option<NFA>,
    /// Pattern index → (item index, field name).
    substring_owner: Vec<(u32, &'static str)>,
}

impl Decontaminator {
    /// Builds the stage from its configuration, reading `benchmarks`. Disabled, or
    /// enabled without a benchmark file, it keeps every document
    /// ([`is_active`](Self::is_active) is `false`).
    pub fn from_config(cfg: &DecontaminationConfig) -> Result<Self, QualityError> {
        let items = match (&cfg.benchmarks, cfg.enabled) {
            (Some(path), true) => load_benchmarks(path)?,
            _ => Vec::new(),
        };
        if cfg.enabled && cfg.benchmarks.is_none() {
            tracing::warn!(
                "decontamination is enabled but no benchmark file is set: keeping every document"
            );
        }
        Self::from_items(cfg, items)
    }

    /// Builds the stage from benchmark problems already in memory.
    pub fn from_items(
        cfg: &DecontaminationConfig,
        items: Vec<BenchmarkItem>,
    ) -> Result<Self, QualityError> {
        if !(1..=MAX_NGRAM).contains(&cfg.ngram) {
            return Err(QualityError::InvalidConfig(format!(
                "decontamination.ngram must be in 1..={MAX_NGRAM}, got {}",
                cfg.ngram
            )));
        }
        if cfg.min_shared_ngrams == 0 {
            return Err(QualityError::InvalidConfig(
                "decontamination.min_shared_ngrams must be at least 1".into(),
            ));
        }
        let mut ngrams: IdMap<u32> = IdMap::default();
        let mut needles: Vec<Vec<u8>> = Vec::new();
        let mut owner = Vec::new();
        let mut seen_needles: HashSet<Vec<u8>> = HashSet::new();
        for (idx, item) in items.iter().enumerate() {
            let idx = idx as u32;
            let mut fields = vec![item.prompt.as_str(), item.solution.as_str()];
            if cfg.ngrams_from_tests {
                fields.push(item.tests.as_str());
            }
            for text in fields {
                for_each_ngram(text, cfg.ngram, |h| {
                    ngrams.entry(h).or_insert(idx);
                    true
                });
            }
            if cfg.exact_substring {
                for (field, text) in [("prompt", &item.prompt), ("solution", &item.solution)] {
                    let stripped: Vec<u8> = text.bytes().filter(|&b| !is_space(b)).collect();
                    if stripped.len() >= cfg.min_substring_chars.max(1)
                        && seen_needles.insert(stripped.clone())
                    {
                        needles.push(stripped);
                        owner.push((idx, field));
                    }
                }
            }
        }
        let substrings = if needles.is_empty() {
            None
        } else {
            Some(NFA::new(&needles).map_err(|e| {
                QualityError::InvalidConfig(format!("benchmark substring automaton: {e}"))
            })?)
        };
        Ok(Decontaminator {
            cfg: cfg.clone(),
            ids: items.into_iter().map(|i| i.id).collect(),
            ngrams,
            substrings,
            substring_owner: owner,
        })
    }

    /// Whether the stage can drop anything (enabled, with benchmark material).
    pub fn is_active(&self) -> bool {
        self.cfg.enabled && (!self.ngrams.is_empty() || self.substrings.is_some())
    }

    /// Number of benchmark problems loaded.
    pub fn problems(&self) -> usize {
        self.ids.len()
    }

    /// Number of distinct benchmark n-grams indexed.
    pub fn indexed_ngrams(&self) -> usize {
        self.ngrams.len()
    }

    /// Checks a text against the benchmarks.
    pub fn check(&self, text: &str) -> Option<Contamination> {
        if !self.cfg.enabled {
            return None;
        }
        if let Some(hit) = self.check_substring(text) {
            return Some(hit);
        }
        self.check_ngrams(text)
    }

    fn check_substring(&self, text: &str) -> Option<Contamination> {
        let nfa = self.substrings.as_ref()?;
        let mut sid = nfa.start_state(Anchored::No).ok()?;
        for &b in text.as_bytes() {
            if is_space(b) {
                continue;
            }
            sid = nfa.next_state(Anchored::No, sid, b);
            if nfa.is_special(sid) && nfa.is_match(sid) {
                let pid = nfa.match_pattern(sid, 0).as_usize();
                let (item, field) = self.substring_owner[pid];
                return Some(Contamination::Substring {
                    item: self.ids[item as usize].clone(),
                    field,
                });
            }
        }
        None
    }

    fn check_ngrams(&self, text: &str) -> Option<Contamination> {
        if self.ngrams.is_empty() {
            return None;
        }
        let need = self.cfg.min_shared_ngrams;
        let mut hit: Option<(u32, usize)> = None;
        // Only allocated on a first hit when more than one shared n-gram is needed.
        let mut seen: Vec<(u64, u32)> = Vec::new();
        for_each_ngram(text, self.cfg.ngram, |h| {
            let Some(&item) = self.ngrams.get(&h) else {
                return true;
            };
            if need == 1 {
                hit = Some((item, 1));
                return false;
            }
            if seen.iter().any(|&(s, _)| s == h) {
                return true;
            }
            seen.push((h, item));
            let n = seen.iter().filter(|&&(_, i)| i == item).count();
            if n >= need {
                hit = Some((item, n));
                return false;
            }
            true
        });
        hit.map(|(item, shared)| Contamination::NGram {
            item: self.ids[item as usize].clone(),
            shared,
        })
    }
}

impl Filter for Decontaminator {
    fn name(&self) -> &str {
        STAGE_NAME
    }

    fn filter(&self, doc: &mut Document) -> Option<Rejection> {
        self.check(&doc.content)
            .map(|c| Rejection::new(Reason::Contaminated, c.describe(self.cfg.ngram)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, prompt: &str, solution: &str) -> BenchmarkItem {
        BenchmarkItem {
            id: id.into(),
            prompt: prompt.into(),
            solution: solution.into(),
            tests: String::new(),
        }
    }

    #[test]
    fn ngram_hash_is_positional_and_rolling() {
        let collect = |t: &str, n| {
            let mut v = Vec::new();
            for_each_ngram(t, n, |h| {
                v.push(h);
                true
            });
            v
        };
        let a = collect("a b c d", 2);
        assert_eq!(a.len(), 3);
        // Same words, other separators: same n-grams.
        assert_eq!(a, collect("a(b).c  ->d", 2));
        // The rolling hash equals a fresh hash of the same window.
        assert_eq!(collect("x a b", 2)[1], collect("a b", 2)[0]);
        assert_ne!(collect("a b", 2), collect("b a", 2));
        assert!(collect("a b", 3).is_empty());
    }

    #[test]
    fn min_shared_ngrams_counts_distinct_ngrams_of_one_problem() {
        let words: Vec<String> = (0..12).map(|i| format!("w{i}")).collect();
        let cfg = DecontaminationConfig {
            ngram: 10,
            min_shared_ngrams: 3,
            exact_substring: false,
            ..Default::default()
        };
        let d = Decontaminator::from_items(&cfg, vec![item("P", &words.join(" "), "")]).unwrap();
        assert_eq!(d.indexed_ngrams(), 3);
        // Two shared 10-grams, twice over: not enough.
        let two = words[..11].join(" ");
        assert_eq!(d.check(&format!("{two} ; {two}")), None);
        assert_eq!(
            d.check(&words.join(" ")),
            Some(Contamination::NGram {
                item: "P".into(),
                shared: 3
            })
        );
    }

    #[test]
    fn substring_ignores_whitespace_and_short_needles() {
        let cfg = DecontaminationConfig::default();
        let sol = "function fib(n) {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}";
        let d = Decontaminator::from_items(
            &cfg,
            vec![item("F", "", sol), item("S", "", "return a + b;")],
        )
        .unwrap();
        let squashed = "const x=1;function fib(n){return n<2?n:fib(n-1)+fib(n-2);}";
        assert_eq!(
            d.check(squashed),
            Some(Contamination::Substring {
                item: "F".into(),
                field: "solution"
            })
        );
        // "return a + b;" is shorter than min_substring_chars: not a needle.
        assert_eq!(d.check("function add(a, b) { return a + b; }"), None);
    }

    #[test]
    fn rejects_bad_settings_and_bad_files() {
        let bad = DecontaminationConfig {
            ngram: 0,
            ..Default::default()
        };
        assert!(matches!(
            Decontaminator::from_items(&bad, vec![]),
            Err(QualityError::InvalidConfig(_))
        ));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.jsonl");
        std::fs::write(&p, "{\"prompt\": \"x\"}\n\n[1]\n").unwrap();
        let err = load_benchmarks(&p).unwrap_err();
        assert!(
            matches!(err, QualityError::Benchmark { line: 3, .. }),
            "{err}"
        );
        let missing = DecontaminationConfig {
            benchmarks: Some(dir.path().join("none.jsonl")),
            ..Default::default()
        };
        assert!(matches!(
            Decontaminator::from_config(&missing),
            Err(QualityError::Io { .. })
        ));
    }

    #[test]
    fn inactive_without_benchmarks() {
        let d = Decontaminator::from_config(&DecontaminationConfig::default()).unwrap();
        assert!(!d.is_active());
        assert_eq!(d.check("anything at all"), None);
    }
}
