//! Invariants of the generated-code metrics.

use proptest::prelude::*;
use sheikh_core::Language;
use sheikh_eval::{pass_at_k, CodeBleu, CodeBleuStats};

/// Small JavaScript programs from a few statement shapes.
fn program() -> impl Strategy<Value = String> {
    let ident = prop::sample::select(vec!["a", "b", "total", "items", "x", "i"]);
    let stmt = (ident.clone(), ident.clone(), ident, 0u8..6).prop_map(|(a, b, c, k)| match k {
        0 => format!("let {a} = {b} + {c};"),
        1 => format!("{a} += {b};"),
        2 => format!("if ({a} > {b}) {{ {c}++; }} else {{ {a} = {c}; }}"),
        3 => format!("for (let i = 0; i < {a}; i++) {{ {b} = {b} * i; }}"),
        4 => format!("while ({a}) {{ {a}--; }}"),
        _ => format!("function f({a}, {b}) {{ return {a} - {c}; }} // note"),
    });
    prop::collection::vec(stmt, 0..8).prop_map(|v| v.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn pass_at_k_is_a_probability_monotone_in_k_and_c(n in 1u64..60, c_frac in 0.0f64..=1.0, k in 1u64..60) {
        let c = ((n as f64) * c_frac).round() as u64;
        prop_assume!(k <= n);
        let p = pass_at_k(n, c, k).unwrap();
        prop_assert!((0.0..=1.0).contains(&p));
        if k < n {
            prop_assert!(pass_at_k(n, c, k + 1).unwrap() >= p - 1e-12);
        }
        if c < n {
            prop_assert!(pass_at_k(n, c + 1, k).unwrap() >= p - 1e-12);
        }
        prop_assert_eq!(pass_at_k(n, 0, k), Some(0.0));
        prop_assert_eq!(pass_at_k(n, n, k), Some(1.0));
    }

    #[test]
    fn codebleu_is_bounded_and_one_on_identical_code(pred in program(), reference in program()) {
        let cb = CodeBleu::new(Language::JavaScript).unwrap();
        let s = cb.score(&pred, &[reference.as_str()]);
        for v in [s.codebleu, s.ngram_match, s.weighted_ngram_match, s.syntax_match, s.dataflow_match] {
            prop_assert!((0.0..=1.0 + 1e-12).contains(&v), "{:?}", s);
        }
        // Identical code scores 1 once it has four tokens: with fewer there are no
        // 4-grams and BLEU's smoothing (as in the package) keeps it below 1.
        if reference.split_whitespace().count() >= 4 {
            let same = cb.score(&reference, &[reference.as_str()]);
            prop_assert!((same.codebleu - 1.0).abs() < 1e-9, "{:?}", same);
        }
    }

    #[test]
    fn corpus_statistics_add_up(pairs in prop::collection::vec((program(), program()), 1..5)) {
        let cb = CodeBleu::new(Language::TypeScript).unwrap();
        let corpus = cb.corpus_score(pairs.iter().map(|(p, r)| (p.as_str(), r.as_str())));
        let mut sum = CodeBleuStats::default();
        for (p, r) in pairs.iter().rev() {
            sum.add(&cb.stats(p, &[r.as_str()]));
        }
        let s = sum.score(cb.config());
        prop_assert!((s.codebleu - corpus.codebleu).abs() < 1e-9);
        prop_assert_eq!(s.pairs, pairs.len() as u64);
    }
}

#[test]
fn deeply_nested_code_neither_overflows_nor_panics() {
    // Around and past the data-flow depth limit (990 levels), on a rayon worker's stack.
    let cb = CodeBleu::new(Language::JavaScript).unwrap();
    for depth in [300usize, 985, 5_000] {
        let code = format!("let x = {}1{};", "[".repeat(depth), "]".repeat(depth));
        let s = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| cb.score(&code, &[code.as_str()]));
        assert!((0.0..=1.0).contains(&s.codebleu), "{depth}: {s:?}");
        assert_eq!(s.syntax_match, 1.0);
    }
}
