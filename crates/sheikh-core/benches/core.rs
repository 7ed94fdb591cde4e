//! Hot paths of sheikh-core: language identification and the readers/writers.
//!
//! `cargo bench -p sheikh-core --bench core` (figures in docs/BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sheikh_core::io::{
    DirectoryReader, DocumentWriter, FieldNames, JsonlReader, ParquetFormat, ParquetReader,
    ReadOptions, ShardedWriter, WriterOptions,
};
use sheikh_core::{Document, LanguageIdentifier};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn corpus_docs() -> Vec<Document> {
    DirectoryReader::builder(fixtures().join("corpus"))
        .repo_from_top_dir(true)
        .build()
        .unwrap()
        .flat_map(|b| b.unwrap().documents)
        .collect()
}

fn snippets() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("langid/snippets.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["content"].as_str().unwrap().to_string()
        })
        .collect()
}

fn langid(c: &mut Criterion) {
    let id = LanguageIdentifier::default();
    let docs = corpus_docs();
    let mut g = c.benchmark_group("langid");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("by_extension", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| id.identify(d.path.as_deref(), &d.content).language as usize)
                .sum::<usize>()
        })
    });
    let corpus_bytes: usize = docs.iter().map(|d| d.content.len()).sum();
    g.throughput(Throughput::Bytes(corpus_bytes as u64));
    g.bench_function("content_only/corpus", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| id.identify_content(&d.content).language as usize)
                .sum::<usize>()
        })
    });
    let snips = snippets();
    let snip_bytes: usize = snips.iter().map(String::len).sum();
    g.throughput(Throughput::Bytes(snip_bytes as u64));
    g.bench_function("content_only/snippets", |b| {
        b.iter(|| {
            snips
                .iter()
                .map(|s| id.identify_content(s).language as usize)
                .sum::<usize>()
        })
    });
    g.finish();
}

fn readers(c: &mut Criterion) {
    let docs = corpus_docs();
    let bytes: u64 = docs.iter().map(|d| d.content.len() as u64).sum();
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("directory/fixtures", |b| {
        b.iter(|| {
            DirectoryReader::builder(fixtures().join("corpus"))
                .repo_from_top_dir(true)
                .build()
                .unwrap()
                .map(|b| b.unwrap().documents.len())
                .sum::<usize>()
        })
    });
    let samples = fixtures().join("samples");
    for (name, file) in [
        ("jsonl", "corpus-00000.jsonl"),
        ("parquet", "corpus-00000.parquet"),
    ] {
        g.bench_with_input(
            BenchmarkId::new(name, "fixtures"),
            &samples.join(file),
            |b, p| {
                b.iter(|| {
                    let opts = ReadOptions::default();
                    let r: Box<dyn Iterator<Item = _>> = if name == "jsonl" {
                        Box::new(JsonlReader::open(p, FieldNames::default(), opts).unwrap())
                    } else {
                        Box::new(ParquetReader::open(p, FieldNames::default(), opts).unwrap())
                    };
                    r.map(|b: sheikh_core::Result<sheikh_core::io::ReadBatch>| {
                        b.unwrap().documents.len()
                    })
                    .sum::<usize>()
                })
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("write");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("parquet/fixtures", |b| {
        let dir = tempfile::tempdir().unwrap();
        b.iter(|| {
            let mut w = ShardedWriter::new(
                dir.path(),
                ParquetFormat::default(),
                WriterOptions::default(),
            );
            w.write_batch(&docs).unwrap();
            w.finish().unwrap().len()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = langid, readers
}
criterion_main!(benches);
