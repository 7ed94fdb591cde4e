//! CodeBLEU throughput on the JavaScript pairs of `fixtures/eval/codebleu_pairs.jsonl`
//! (one core), and the pass@k estimator.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sheikh_core::Language;
use sheikh_eval::{pass_at_k, CodeBleu, GenerationReader};

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/eval/codebleu_pairs.jsonl"
    );
    let records: Vec<_> = GenerationReader::open(path)
        .expect("fixture")
        .collect::<Result<_, _>>()
        .expect("valid fixture");
    let pairs: Vec<(&str, &str)> = records
        .iter()
        .map(|r| {
            (
                r.predictions[0].as_str(),
                r.reference.as_deref().unwrap_or(""),
            )
        })
        .collect();
    let bytes: usize = pairs.iter().map(|(p, r)| p.len() + r.len()).sum();
    let cb = CodeBleu::new(Language::JavaScript).expect("JavaScript is supported");

    let mut g = c.benchmark_group("codebleu");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("fixture_pairs", |b| {
        b.iter(|| cb.corpus_score(pairs.iter().copied()))
    });
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("fixture_pairs_bytes", |b| {
        b.iter(|| cb.corpus_score(pairs.iter().copied()))
    });
    g.finish();

    c.bench_function("pass_at_k_n200", |b| {
        b.iter(|| {
            (0..=200u64)
                .map(|c| pass_at_k(200, c, 10).unwrap_or(0.0))
                .sum::<f64>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
