//! Throughput of the quality stage on one core over `fixtures/corpus/` (MB/s of source
//! text): the whole filter (redaction + every rule + score + metadata), its parts, and
//! decontamination against `fixtures/quality/benchmarks.jsonl`.
//!
//! Run: `cargo bench -p sheikh-quality --bench quality`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sheikh_core::io::DirectoryReader;
use sheikh_core::{Document, Filter};
use sheikh_quality::{DecontaminationConfig, Decontaminator, QualityConfig, QualityFilter};

fn corpus() -> Vec<Document> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/corpus");
    let mut docs = Vec::new();
    for batch in DirectoryReader::builder(&root)
        .repo_from_top_dir(true)
        .build()
        .expect("corpus")
    {
        docs.extend(batch.expect("batch").documents);
    }
    docs
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|d| d.content.len()).sum();
    let filter = QualityFilter::new(QualityConfig::default());

    let mut g = c.benchmark_group("quality");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("filter_all_corpus", |b| {
        b.iter_batched(
            || docs.clone(),
            |mut batch| {
                let mut dropped = 0usize;
                for d in &mut batch {
                    dropped += filter.filter(d).is_some() as usize;
                }
                (batch, dropped)
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("assess_only_corpus", |b| {
        b.iter(|| docs.iter().map(|d| filter.assess(d).score).sum::<f64>())
    });
    g.bench_function("redact_only_corpus", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| filter.redactor().redact(&d.content).1.total())
                .sum::<u32>()
        })
    });
    let bench_file =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/quality/benchmarks.jsonl");
    let decon = Decontaminator::from_config(&DecontaminationConfig {
        benchmarks: Some(bench_file),
        ..Default::default()
    })
    .expect("benchmarks");
    g.bench_function("decontaminate_corpus", |b| {
        b.iter(|| {
            docs.iter()
                .filter(|d| decon.check(&d.content).is_some())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
