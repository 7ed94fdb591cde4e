//! Encoding and dataset-writing throughput on the fixture corpus with the fixture
//! tokenizer. For the side-by-side comparison with Python `tokenizers` on a production
//! tokenizer, see `scripts/tokenize/speed.py`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rayon::prelude::*;
use sheikh_core::io::DirectoryReader;
use sheikh_core::Document;
use sheikh_tokenize::{CodeTokenizer, DatasetWriter, FimConfig, SampleBuilder, TokenizeConfig};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> Vec<Document> {
    DirectoryReader::builder(root().join("fixtures/corpus"))
        .repo_from_top_dir(true)
        .build()
        .unwrap()
        .flat_map(|b| b.unwrap().documents)
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: u64 = docs.iter().map(|d| d.content.len() as u64).sum();
    let tok = CodeTokenizer::from_file(root().join("fixtures/tokenizer/tokenizer.json")).unwrap();

    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Bytes(bytes));
    for threads in [1usize, 0] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let label = if threads == 0 {
            "all_cores".to_string()
        } else {
            format!("{threads}_core")
        };
        g.bench_function(BenchmarkId::new("documents", &label), |b| {
            b.iter(|| {
                pool.install(|| {
                    docs.par_iter()
                        .map(|d| tok.encode(&d.content).unwrap().len())
                        .sum::<usize>()
                })
            })
        });
    }
    let fim = SampleBuilder::new(
        &tok,
        FimConfig {
            rate: 1.0,
            spm_rate: 0.5,
        },
        false,
        Some(0),
        1,
        None,
    )
    .unwrap();
    g.bench_function("fim_samples_1_core", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| fim.document(d).unwrap().tokens.len())
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("dataset_writer");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    let config = TokenizeConfig::default().rebase(&root());
    g.bench_function("all_outputs", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut w = DatasetWriter::new(&config, dir.path()).unwrap();
            w.write_batch(&docs).unwrap();
            w.finish().unwrap().stats.unwrap().tokens
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
