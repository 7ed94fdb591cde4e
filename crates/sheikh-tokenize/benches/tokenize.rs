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

const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// The fixture tokenizer with another split regex (and optionally NFC).
fn with_split(regex: &str, nfc: bool) -> CodeTokenizer {
    let path = root().join("fixtures/tokenizer/tokenizer.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json["pre_tokenizer"] = serde_json::json!({"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Isolated", "invert": false},
        {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false},
    ]});
    if nfc {
        json["normalizer"] = serde_json::json!({"type": "NFC"});
    }
    let inner: tokenizers::Tokenizer = json.to_string().parse().unwrap();
    CodeTokenizer::new(inner, "<fixture with another split>")
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

    // The hot path on one core: the fast encoder against the generic `tokenizers`
    // pipeline, for the fixture (GPT-2 split) and the same model behind Llama-3's and
    // Qwen2's split regexes (Qwen2's with NFC).
    let mut g = c.benchmark_group("encode_path");
    g.throughput(Throughput::Bytes(bytes));
    for (name, tok) in [
        ("gpt2", tok.clone()),
        ("llama3", with_split(LLAMA3, false)),
        ("qwen2", with_split(QWEN2, true)),
    ] {
        g.bench_function(BenchmarkId::new("fast", name), |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| tok.encode(&d.content).unwrap().len())
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("generic", name), |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| tok.encode_generic(&d.content).unwrap().len())
                    .sum::<usize>()
            })
        });
    }
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
