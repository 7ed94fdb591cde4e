//! Every family of every kind validates, over many seeds (proptest), and the
//! synthesizer only ever emits valid documents.

use proptest::prelude::*;
use sheikh_syntax::validate;
use sheikh_synth::{Generator, Kind, SynthOptions, Synthesizer, WebDevSyntheticGenerator};

fn families() -> Vec<(Kind, &'static str)> {
    Kind::ALL
        .iter()
        .flat_map(|&k| k.families().0.iter().map(move |&f| (k, f)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_family_is_valid_for_any_seed(seed in any::<u64>(), index in 0u64..1_000_000) {
        for (kind, family) in families() {
            let g = WebDevSyntheticGenerator::new(seed);
            let text = g.render(kind, family, index, 0).unwrap();
            let r = validate(&text, kind.language());
            prop_assert!(r.is_valid(), "{kind}/{family} seed {seed} index {index}: {:?}\n{text}", r.first_issue());
            prop_assert!(!text.trim().is_empty());
        }
    }

    #[test]
    fn sampled_family_matches_the_kind(seed in any::<u64>(), index in any::<u64>()) {
        let g = WebDevSyntheticGenerator::new(seed);
        for kind in Kind::ALL {
            let s = g.sample(kind, index, 0).unwrap();
            prop_assert_eq!(s.language, kind.language());
            prop_assert!(kind.families().0.contains(&s.family.as_str()));
        }
    }
}

#[test]
fn families_are_covered_and_named() {
    assert_eq!(Kind::Xml.families().0.len(), 11);
    assert_eq!(Kind::Mdx.families().0.len(), 6);
    for k in Kind::ALL {
        let (names, weights) = k.families();
        assert_eq!(names.len(), weights.len(), "{k}");
        assert!(!names.is_empty(), "{k}");
    }
    let g = WebDevSyntheticGenerator::new(1);
    assert!(g.render(Kind::Xml, "no_such_family", 0, 0).is_err());
}

#[test]
fn synthesizer_emits_only_valid_documents_with_metadata() {
    let s = Synthesizer::new(WebDevSyntheticGenerator::new(99), SynthOptions::default()).unwrap();
    let mut run = s.stream();
    for kind in Kind::ALL {
        let docs = run.take(kind, 40).unwrap();
        assert_eq!(docs.len(), 40);
        for d in &docs {
            assert_eq!(d.language, kind.language());
            assert!(validate(&d.content, d.language).is_valid());
            let m = &d.metadata["synth"];
            assert_eq!(m["kind"], kind.name());
            assert_eq!(m["seed"], 99);
            assert_eq!(m["generator"], "grammar");
            assert!(m["index"].as_u64().is_some());
            assert!(m["retries"].as_u64().is_some());
            assert!(kind.families().0.contains(&m["family"].as_str().unwrap()));
            assert!(d
                .path
                .as_deref()
                .unwrap()
                .starts_with(&format!("synthetic/{}/", kind.name())));
        }
    }
    let t = run.stats().total();
    assert_eq!(t.kept, 240);
    assert_eq!(t.failed, 0);
}

#[test]
fn family_restriction_is_honoured() {
    let g = WebDevSyntheticGenerator::new(5).with_families(["rss", "atom"]);
    for i in 0..50 {
        let f = g.family_of(Kind::Xml, i);
        assert!(f == "rss" || f == "atom", "{f}");
        // A kind without a listed family falls back to all of its families.
        assert!(Kind::Mdx.families().0.contains(&g.family_of(Kind::Mdx, i)));
    }
}
