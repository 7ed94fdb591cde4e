//! CodeBLEU (Ren et al. 2020) for JavaScript and TypeScript, ported from the PyPI
//! [`codebleu`](https://pypi.org/project/codebleu/) package (v0.7.0), which is the
//! reference implementation the scores are checked against.
//!
//! `CodeBLEU = α·BLEU + β·weighted BLEU + γ·syntax match + θ·data-flow match`, with the
//! package's defaults α = β = γ = θ = 0.25 and, as in the package:
//!
//! - **tokens**: the prediction and references are `strip()`ped and split on
//!   whitespace (Python `str.split()`), nothing more — `a+b` is one token;
//! - **BLEU**: NLTK's corpus BLEU-4 with smoothing method 1 (ε = 0.1);
//! - **weighted n-gram match**: n-gram *recall* against each reference, unigrams
//!   weighted 1 for a JavaScript keyword (the package's `keywords/javascript.txt`) and
//!   0.2 otherwise; its brevity penalty takes every reference's length to be 2 (a quirk
//!   of the package, kept);
//! - **syntax match**: comments removed (its regex), both sides parsed with tree-sitter,
//!   the share of reference subtrees (root + every node with children, as
//!   S-expressions) that occur in the candidate;
//! - **data-flow match**: `DFG_javascript` data-flow edges, variables renamed `var_i` in
//!   order of appearance, share of reference edges found in the candidate. When the
//!   corpus-level data-flow score is 0 (no edges in the references, or none matched)
//!   the combination uses 1 instead (`dataflow_match_score or 1` in the package);
//!   [`CodeBleuScore::dataflow_match`] still reports 0.
//!
//! Scores are built from additive [`CodeBleuStats`], so a corpus is scored in one
//! streaming pass (and in parallel) and a pair's score equals the package's
//! `calc_codebleu([ref], [pred], "javascript")`.
//!
//! **TypeScript** is not supported by the package. We use the tree-sitter TypeScript
//! (TSX for [`Language::Tsx`]) grammar with the same rules; node kinds the rules look
//! at are the same in both grammars, so type annotations only add subtrees and
//! unconnected `type_identifier` tokens. The keyword list adds TypeScript's
//! ([`TYPESCRIPT_EXTRA_KEYWORDS`]).
//!
//! ```
//! use sheikh_core::Language;
//! use sheikh_eval::CodeBleu;
//!
//! let cb = CodeBleu::new(Language::JavaScript).unwrap();
//! let s = cb.score("function add(a, b) { return a + b; }", &["function add(a, b) { return a + b; }"]);
//! assert!((s.codebleu - 1.0).abs() < 1e-9);
//! let s = cb.score("function sum(x, y) { return x + y; }", &["function add(a, b) { return a + b; }"]);
//! assert!(s.codebleu < 1.0 && s.syntax_match == 1.0);
//! ```

mod bleu;
mod compat;
mod dataflow;
mod pyset;
mod pytext;
mod syntax;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use sheikh_core::Language;
use tree_sitter::Parser;

pub use bleu::{NgramStats, NON_KEYWORD_WEIGHT};

use super::EvalError;

/// The package's `keywords/javascript.txt` (verbatim, `True` included).
pub const JAVASCRIPT_KEYWORDS: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "super",
    "switch",
    "static",
    "this",
    "throw",
    "try",
    "True",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Keywords added for TypeScript and TSX (ours; the package has no TypeScript list).
pub const TYPESCRIPT_EXTRA_KEYWORDS: &[&str] = &[
    "abstract",
    "any",
    "as",
    "asserts",
    "bigint",
    "boolean",
    "declare",
    "infer",
    "is",
    "keyof",
    "module",
    "namespace",
    "never",
    "number",
    "object",
    "override",
    "readonly",
    "satisfies",
    "string",
    "symbol",
    "type",
    "undefined",
    "unique",
    "unknown",
];

/// Weights of the four components.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CodeBleuConfig {
    /// α, weight of n-gram BLEU (default 0.25).
    pub ngram: f64,
    /// β, weight of the keyword-weighted n-gram match (default 0.25).
    pub weighted_ngram: f64,
    /// γ, weight of the syntax-tree match (default 0.25).
    pub syntax: f64,
    /// θ, weight of the data-flow match (default 0.25).
    pub dataflow: f64,
}

impl Default for CodeBleuConfig {
    fn default() -> Self {
        CodeBleuConfig {
            ngram: 0.25,
            weighted_ngram: 0.25,
            syntax: 0.25,
            dataflow: 0.25,
        }
    }
}

/// Additive statistics of one or more prediction/reference pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeBleuStats {
    /// BLEU statistics.
    pub ngram: NgramStats,
    /// Weighted n-gram statistics.
    pub weighted: NgramStats,
    /// Reference subtrees found in the candidate.
    pub syntax_matched: u64,
    /// Reference subtrees.
    pub syntax_total: u64,
    /// Reference data-flow edges found in the candidate.
    pub dataflow_matched: u64,
    /// Reference data-flow edges.
    pub dataflow_total: u64,
    /// Number of pairs added.
    pub pairs: u64,
}

impl CodeBleuStats {
    /// Adds another set of statistics (corpus-level aggregation).
    pub fn add(&mut self, other: &CodeBleuStats) {
        self.ngram.add(&other.ngram);
        self.weighted.add(&other.weighted);
        self.syntax_matched += other.syntax_matched;
        self.syntax_total += other.syntax_total;
        self.dataflow_matched += other.dataflow_matched;
        self.dataflow_total += other.dataflow_total;
        self.pairs += other.pairs;
    }

    /// The scores these statistics give with `config`'s weights.
    pub fn score(&self, config: &CodeBleuConfig) -> CodeBleuScore {
        let ngram_match = self.ngram.score();
        let weighted_ngram_match = self.weighted.score();
        let syntax_match = ratio(self.syntax_matched, self.syntax_total);
        let dataflow_match = ratio(self.dataflow_matched, self.dataflow_total);
        let dataflow_used = if dataflow_match == 0.0 {
            1.0
        } else {
            dataflow_match
        };
        let codebleu = if self.pairs == 0 {
            0.0
        } else {
            config.ngram * ngram_match
                + config.weighted_ngram * weighted_ngram_match
                + config.syntax * syntax_match
                + config.dataflow * dataflow_used
        };
        CodeBleuScore {
            codebleu,
            ngram_match,
            weighted_ngram_match,
            syntax_match,
            dataflow_match,
            dataflow_degenerate: dataflow_match == 0.0,
            pairs: self.pairs,
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// CodeBLEU and its four components (the keys of the package's result dict).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CodeBleuScore {
    /// The weighted combination.
    pub codebleu: f64,
    /// BLEU-4 (`ngram_match_score`).
    pub ngram_match: f64,
    /// Keyword-weighted n-gram match (`weighted_ngram_match_score`).
    pub weighted_ngram_match: f64,
    /// Syntax-tree match (`syntax_match_score`).
    pub syntax_match: f64,
    /// Data-flow match (`dataflow_match_score`), 0 when the references have no
    /// data-flow edges.
    pub dataflow_match: f64,
    /// True when [`dataflow_match`](Self::dataflow_match) is 0 and the combination used
    /// 1 in its place, as the package does.
    pub dataflow_degenerate: bool,
    /// Number of pairs scored.
    pub pairs: u64,
}

/// A CodeBLEU scorer for one language (JavaScript, JSX, TypeScript or TSX).
#[derive(Debug, Clone)]
pub struct CodeBleu {
    language: Language,
    grammar: tree_sitter::Language,
    keywords: HashSet<&'static str>,
    config: CodeBleuConfig,
}

impl CodeBleu {
    /// A scorer with the default weights. Errors for languages other than the
    /// JavaScript family.
    pub fn new(language: Language) -> Result<Self, EvalError> {
        Self::with_config(language, CodeBleuConfig::default())
    }

    /// A scorer with the given weights.
    pub fn with_config(language: Language, config: CodeBleuConfig) -> Result<Self, EvalError> {
        let grammar: tree_sitter::Language = match language {
            Language::JavaScript | Language::Jsx => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            other => return Err(EvalError::UnsupportedLanguage(other)),
        };
        let w = [
            config.ngram,
            config.weighted_ngram,
            config.syntax,
            config.dataflow,
        ];
        if w.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(EvalError::InvalidConfig(format!(
                "CodeBLEU weights must be finite and non-negative, got {w:?}"
            )));
        }
        let mut keywords: HashSet<&'static str> = JAVASCRIPT_KEYWORDS.iter().copied().collect();
        if matches!(language, Language::TypeScript | Language::Tsx) {
            keywords.extend(TYPESCRIPT_EXTRA_KEYWORDS.iter().copied());
        }
        Ok(CodeBleu {
            language,
            grammar,
            keywords,
            config,
        })
    }

    /// The language scored.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The component weights.
    pub fn config(&self) -> &CodeBleuConfig {
        &self.config
    }

    /// Statistics of one prediction against its references (usually one).
    pub fn stats(&self, prediction: &str, references: &[&str]) -> CodeBleuStats {
        let hyp = pytext::py_strip(prediction);
        let refs: Vec<&str> = references.iter().map(|r| pytext::py_strip(r)).collect();
        let hyp_tokens = pytext::py_split(hyp);
        let ref_tokens: Vec<Vec<&str>> = refs.iter().map(|r| pytext::py_split(r)).collect();
        let is_kw = |t: &str| self.keywords.contains(t);
        let mut st = CodeBleuStats {
            ngram: bleu::bleu_stats(&hyp_tokens, &ref_tokens),
            weighted: bleu::weighted_stats(&hyp_tokens, &ref_tokens, &is_kw),
            pairs: 1,
            ..Default::default()
        };
        let mut parser = Parser::new();
        if parser.set_language(&self.grammar).is_err() {
            // ABI mismatch cannot happen with the pinned grammars; score as unparsable.
            return st;
        }
        // As in the package, the candidate is cleaned again for every reference.
        let mut candidate = hyp.to_string();
        for reference in &refs {
            candidate = pytext::remove_comments(&candidate);
            let reference = pytext::remove_comments(reference);
            let (Some(ct), Some(rt)) = (
                parser.parse(&candidate, None),
                parser.parse(&reference, None),
            ) else {
                continue;
            };
            let (m, t) = syntax::syntax_counts((&ct, &candidate), (&rt, &reference));
            st.syntax_matched += m;
            st.syntax_total += t;
            let cand_dfg = dataflow::normalize(&dataflow::data_flow(&candidate, &ct));
            let ref_dfg = dataflow::normalize(&dataflow::data_flow(&reference, &rt));
            let (m, t) = dataflow::dataflow_counts(&cand_dfg, &ref_dfg);
            st.dataflow_matched += m;
            st.dataflow_total += t;
        }
        st
    }

    /// CodeBLEU of one prediction against its references.
    pub fn score(&self, prediction: &str, references: &[&str]) -> CodeBleuScore {
        self.stats(prediction, references).score(&self.config)
    }

    /// Corpus-level CodeBLEU of `(prediction, reference)` pairs (numerators and
    /// denominators summed over the pairs, as the package does for lists).
    pub fn corpus_score<'a>(
        &self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> CodeBleuScore {
        let mut total = CodeBleuStats::default();
        for (p, r) in pairs {
            total.add(&self.stats(p, &[r]));
        }
        total.score(&self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_code_scores_one() {
        let cb = CodeBleu::new(Language::JavaScript).unwrap();
        let code = "const total = items.reduce((acc, x) => acc + x.price * x.qty, 0);\nlet i = 0;\nwhile (i < total) { i += 1; }\nexport default total;";
        let s = cb.score(code, &[code]);
        assert!((s.codebleu - 1.0).abs() < 1e-12, "{s:?}");
        assert_eq!(s.syntax_match, 1.0);
        assert_eq!(s.dataflow_match, 1.0);
    }

    #[test]
    fn renamed_variables_keep_dataflow_and_syntax() {
        let cb = CodeBleu::new(Language::JavaScript).unwrap();
        let r = "function f(a) { let b = a * 2; b += 1; return b; }";
        let p = "function g(x) { let y = x * 2; y += 1; return y; }";
        let s = cb.score(p, &[r]);
        assert_eq!(s.dataflow_match, 1.0);
        assert_eq!(s.syntax_match, 1.0);
        assert!(s.ngram_match < 0.5);
    }

    #[test]
    fn no_dataflow_uses_one_in_the_combination() {
        let cb = CodeBleu::new(Language::JavaScript).unwrap();
        let s = cb.score("foo();", &["bar();"]);
        assert_eq!(s.dataflow_match, 0.0);
        assert!(s.dataflow_degenerate);
        let expected = 0.25 * (s.ngram_match + s.weighted_ngram_match + s.syntax_match + 1.0);
        assert!((s.codebleu - expected).abs() < 1e-12);
    }

    #[test]
    fn comments_do_not_change_syntax_match() {
        let cb = CodeBleu::new(Language::JavaScript).unwrap();
        let r = "let a = 1; // one\n/* two */ let b = a;";
        let p = "let a = 1;\nlet b = a;";
        assert_eq!(cb.score(p, &[r]).syntax_match, 1.0);
    }

    #[test]
    fn corpus_is_the_sum_of_stats() {
        let cb = CodeBleu::new(Language::TypeScript).unwrap();
        let pairs = [
            ("const x: number = 1;", "const x: number = 2;"),
            (
                "function id<T>(v: T): T { return v; }",
                "function id<T>(v: T): T { return v; }",
            ),
        ];
        let corpus = cb.corpus_score(pairs.iter().copied());
        let mut st = CodeBleuStats::default();
        for (p, r) in pairs {
            st.add(&cb.stats(p, &[r]));
        }
        assert_eq!(corpus, st.score(cb.config()));
        assert_eq!(corpus.pairs, 2);
    }

    #[test]
    fn unsupported_language_is_an_error() {
        assert!(matches!(
            CodeBleu::new(Language::Html),
            Err(EvalError::UnsupportedLanguage(Language::Html))
        ));
    }
}
