//! Mixing synthetic documents into a pipeline reader.

use sheikh_core::io::{BoxReader, ReadBatch};
use sheikh_core::{Document, Language};
use sheikh_synth::{mix_into, KindCounts, SynthConfig, SynthOptions};

fn real(batches: usize, per: usize) -> BoxReader {
    Box::new((0..batches).map(move |b| {
        Ok(ReadBatch {
            documents: (0..per)
                .map(|i| {
                    Document::new(
                        format!("export const v{b}_{i} = {i};\n"),
                        Language::JavaScript,
                    )
                })
                .collect(),
            rejected: Vec::new(),
        })
    }))
}

fn docs(r: BoxReader) -> Vec<Document> {
    r.flat_map(|b| b.unwrap().documents).collect()
}

#[test]
fn disabled_leaves_the_reader_alone() {
    let out = docs(mix_into(real(3, 4), &SynthConfig::default()).unwrap());
    assert_eq!(out.len(), 12);
    assert!(out.iter().all(|d| !d.metadata.contains_key("synth")));
}

#[test]
fn counts_mode_appends_exact_counts() {
    let cfg = SynthConfig {
        enabled: true,
        counts: KindCounts {
            xml: 7,
            mdx: 5,
            javascript: 0,
            typescript: 0,
            jsx: 0,
            tsx: 3,
        },
        options: SynthOptions {
            batch_size: 4,
            ..Default::default()
        },
        ..Default::default()
    };
    let out = docs(mix_into(real(2, 5), &cfg).unwrap());
    assert_eq!(out.len(), 10 + 15);
    let synth: Vec<&Document> = out
        .iter()
        .filter(|d| d.metadata.contains_key("synth"))
        .collect();
    assert_eq!(synth.len(), 15);
    assert_eq!(
        synth.iter().filter(|d| d.language == Language::Xml).count(),
        7
    );
    assert_eq!(
        synth.iter().filter(|d| d.language == Language::Mdx).count(),
        5
    );
    assert_eq!(
        synth.iter().filter(|d| d.language == Language::Tsx).count(),
        3
    );
    // Real documents first.
    assert!(out[..10].iter().all(|d| !d.metadata.contains_key("synth")));
}

#[test]
fn ratio_mode_interleaves_in_proportion() {
    let cfg = SynthConfig {
        enabled: true,
        ratio: 0.25,
        counts: KindCounts {
            xml: 3,
            mdx: 1,
            javascript: 0,
            typescript: 0,
            jsx: 0,
            tsx: 0,
        },
        ..Default::default()
    };
    let out = docs(mix_into(real(10, 10), &cfg).unwrap());
    let synth = out
        .iter()
        .filter(|d| d.metadata.contains_key("synth"))
        .count();
    assert_eq!(out.len() - synth, 100);
    assert_eq!(synth, 25);
    let xml = out.iter().filter(|d| d.language == Language::Xml).count();
    assert!((12..=24).contains(&xml), "{xml}");
    // Deterministic.
    let again = docs(mix_into(real(10, 10), &cfg).unwrap());
    assert_eq!(out, again);
    // Synthetic documents are never repeated across batches.
    let mut ids: Vec<&str> = out.iter().map(|d| d.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), out.len());
}

#[test]
fn bad_configs_are_rejected() {
    let cfg = SynthConfig {
        enabled: true,
        ratio: -1.0,
        ..Default::default()
    };
    assert!(mix_into(real(1, 1), &cfg).is_err());
    let cfg = SynthConfig {
        enabled: true,
        families: vec!["nope".into()],
        ..Default::default()
    };
    assert!(mix_into(real(1, 1), &cfg).is_err());
    let yaml = "enabled: true\nunknown_key: 1\n";
    assert!(sheikh_core::config::from_yaml_str::<SynthConfig>(yaml).is_err());
}
