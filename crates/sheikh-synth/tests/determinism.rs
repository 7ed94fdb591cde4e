//! Same seed and counts: byte-identical output on any thread count, and batching does
//! not change the result.

use sheikh_core::Document;
use sheikh_synth::{
    InstructionGenerator, Kind, SynthConfig, SynthOptions, SynthReader, Synthesizer,
    WebDevSyntheticGenerator,
};

fn run(threads: usize, batch_size: usize) -> Vec<Document> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let opts = SynthOptions {
            batch_size,
            ..Default::default()
        };
        let s = Synthesizer::new(WebDevSyntheticGenerator::new(2024), opts).unwrap();
        let mut out = Vec::new();
        for kind in Kind::ALL {
            for batch in s.batches(kind, 40) {
                out.extend(batch.unwrap());
            }
        }
        out
    })
}

#[test]
fn identical_on_one_and_two_threads() {
    let a = run(1, 32);
    let b = run(2, 32);
    assert_eq!(a.len(), 6 * 40);
    assert_eq!(a, b);
}

#[test]
fn batch_size_does_not_change_the_output() {
    assert_eq!(run(2, 17), run(2, 1024));
}

#[test]
fn take_in_pieces_equals_take_at_once() {
    let s = Synthesizer::new(WebDevSyntheticGenerator::new(8), SynthOptions::default()).unwrap();
    let mut one = s.stream();
    let whole = one.take(Kind::Mdx, 30).unwrap();
    let mut two = s.stream();
    let mut parts = two.take(Kind::Mdx, 11).unwrap();
    parts.extend(two.take(Kind::Mdx, 19).unwrap());
    assert_eq!(whole, parts);
}

#[test]
fn different_seeds_differ() {
    let a = WebDevSyntheticGenerator::new(1)
        .generate_xml_examples(5)
        .unwrap();
    let b = WebDevSyntheticGenerator::new(2)
        .generate_xml_examples(5)
        .unwrap();
    assert!(a.iter().zip(&b).all(|(x, y)| x.content != y.content));
}

#[test]
fn reader_and_instructions_are_thread_independent() {
    let cfg = SynthConfig {
        enabled: true,
        counts: sheikh_synth::KindCounts {
            xml: 25,
            mdx: 15,
            javascript: 5,
            typescript: 5,
            jsx: 5,
            tsx: 5,
        },
        options: SynthOptions {
            batch_size: 10,
            ..Default::default()
        },
        ..Default::default()
    };
    let read = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let docs: Vec<Document> = SynthReader::new(&cfg)
                    .unwrap()
                    .flat_map(|b| b.unwrap().documents)
                    .collect();
                let pairs = InstructionGenerator::new(77).generate(40).unwrap();
                (docs, pairs)
            })
    };
    let (d1, p1) = read(1);
    let (d2, p2) = read(2);
    assert_eq!(d1.len(), 60);
    assert_eq!(d1, d2);
    assert_eq!(p1, p2);
}
