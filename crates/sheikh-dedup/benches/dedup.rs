//! Criterion benches of the hot paths: shingling, MinHash signatures (MB/s of source
//! text on one thread), LSH finish (pairs + verification + union-find), exact hashing,
//! and the whole stage. Run: `cargo bench -p sheikh-dedup --bench dedup`.
//!
//! The text is synthetic JavaScript-like code by default; with
//! `SHEIKH_DEDUP_BENCH_DIR=DIR` the one-thread benches read the first 4 MB of the
//! `.js`/`.ts` files under DIR (sorted by path) instead, e.g. the npm corpus fetched by
//! `scripts/dedup/fetch_corpus.sh`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sheikh_core::{Document, Language, Stage};
use sheikh_dedup::exact::content_hash;
use sheikh_dedup::minhash::MinHasher;
use sheikh_dedup::shingle::Shingler;
use sheikh_dedup::{DedupConfig, DedupStage, NearDedup, Scratch, Sketcher};

/// Deterministic JavaScript-like text: `n` documents of about `bytes` bytes, every
/// fourth one a light edit of the previous one.
fn corpus(n: usize, bytes: usize) -> Vec<String> {
    let words = [
        "const", "let", "function", "return", "value", "index", "items", "map", "filter", "props",
        "state", "render", "export", "default", "import", "from", "await", "async", "this", "null",
        "length", "push",
    ];
    let mut state = 0x1234_5678_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        if i % 4 == 3 {
            let prev = out[i - 1].clone();
            let cut = prev.len() / 2;
            let cut = (cut..prev.len())
                .find(|&c| prev.is_char_boundary(c))
                .unwrap_or(cut);
            out.push(format!("{}  // edited {i}\n{}", &prev[..cut], &prev[cut..]));
            continue;
        }
        let mut s = String::with_capacity(bytes + 64);
        while s.len() < bytes {
            let w = words[(next() % words.len() as u64) as usize];
            s.push_str(w);
            s.push_str(match next() % 6 {
                0 => "(",
                1 => ");\n",
                2 => " = ",
                3 => ".",
                _ => " ",
            });
            if next() % 5 == 0 {
                s.push_str(&format!("v{}", next() % 1000));
            }
        }
        out.push(s);
    }
    out
}

/// Up to `limit` bytes of real source files under `dir`, sorted by path.
fn real_files(dir: &std::path::Path, limit: usize) -> Vec<String> {
    fn walk(d: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if matches!(p.extension().and_then(|e| e.to_str()), Some("js" | "ts")) {
                    out.push(p);
                }
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths);
    paths.sort();
    let mut out = Vec::new();
    let mut total = 0;
    for p in paths {
        if total >= limit {
            break;
        }
        if let Ok(t) = std::fs::read_to_string(&p) {
            total += t.len();
            out.push(t);
        }
    }
    out
}

fn bench_signatures(c: &mut Criterion) {
    let docs = match std::env::var_os("SHEIKH_DEDUP_BENCH_DIR") {
        Some(dir) => real_files(std::path::Path::new(&dir), 4 << 20),
        None => corpus(256, 8 * 1024),
    };
    let total: usize = docs.iter().map(|d| d.len()).sum();
    let cfg = DedupConfig::default();
    let sketcher = Sketcher::new(&cfg).unwrap();
    let shingler = Shingler::new(cfg.shingle, cfg.ngram, cfg.short_documents);
    let hasher = MinHasher::new(cfg.num_perm, cfg.seed);
    let mut g = c.benchmark_group("one_thread");
    g.throughput(Throughput::Bytes(total as u64));
    g.sample_size(20);
    g.bench_function("shingle_words_5_sorted_set", |b| {
        let (mut out, mut scratch) = (Vec::new(), Vec::new());
        b.iter(|| {
            let mut n = 0;
            for d in &docs {
                shingler.hashes(d, &mut out, &mut scratch);
                n += out.len();
            }
            n
        })
    });
    g.bench_function("shingle_words_5_with_repeats", |b| {
        let (mut out, mut scratch) = (Vec::new(), Vec::new());
        b.iter(|| {
            let mut n = 0;
            for d in &docs {
                shingler.hashes_with_repeats(d, &mut out, &mut scratch);
                n += out.len();
            }
            n
        })
    });
    g.bench_function("minhash_signature_128", |b| {
        let (mut out, mut scratch, mut sig) = (Vec::new(), Vec::new(), Vec::new());
        b.iter(|| {
            let mut x = 0u64;
            for d in &docs {
                shingler.hashes_with_repeats(d, &mut out, &mut scratch);
                hasher.signature_into(&out, &mut sig);
                x ^= sig[0];
            }
            x
        })
    });
    g.bench_function("sketch_bands_compact", |b| {
        let mut scratch = Scratch::default();
        b.iter(|| {
            docs.iter()
                .map(|d| sketcher.sketch(d, &mut scratch).bands[0])
                .fold(0, |a, h| a ^ h)
        })
    });
    g.bench_function("exact_xxh3_128", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| content_hash(d, false))
                .fold(0, |a, h| a ^ h)
        })
    });
    g.bench_function("exact_xxh3_128_normalised", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| content_hash(d, true))
                .fold(0, |a, h| a ^ h)
        })
    });
    g.finish();
}

fn bench_index(c: &mut Criterion) {
    let mut g = c.benchmark_group("lsh");
    g.sample_size(10);
    for n in [10_000usize, 50_000] {
        let docs = corpus(n, 256);
        let cfg = DedupConfig::default();
        let texts: Vec<&str> = docs.iter().map(|d| d.as_str()).collect();
        let keys = vec![0.0; n];
        let mut idx = NearDedup::new(&cfg).unwrap();
        idx.add(&texts, &keys).unwrap();
        g.throughput(Throughput::Elements(n as u64));
        let text = |i: u64| texts[i as usize];
        g.bench_with_input(
            BenchmarkId::new("finish_pairs_verify_unionfind", n),
            &idx,
            |b, idx| b.iter(|| idx.finish(Some(&text)).unwrap().removed.len()),
        );
    }
    g.finish();
}

fn bench_stage(c: &mut Criterion) {
    let docs: Vec<Document> = corpus(2000, 2048)
        .into_iter()
        .map(|t| Document::new(t, Language::JavaScript))
        .collect();
    let total: usize = docs.iter().map(|d| d.content.len()).sum();
    let mut g = c.benchmark_group("stage");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("dedup_stage_2000_docs", |b| {
        b.iter(|| {
            let mut s = DedupStage::new(DedupConfig::default()).unwrap();
            let mut n = s.process(docs.clone()).unwrap().len();
            n += s.finish().unwrap().len();
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench_signatures, bench_index, bench_stage);
criterion_main!(benches);
