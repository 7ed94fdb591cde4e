//! Encoding throughput of `CodeTokenizer` over a list of files, for
//! `scripts/tokenize/speed.py` (which runs Python `tokenizers` on the same list).
//!
//! ```text
//! cargo run -p sheikh-tokenize --release --example encode_speed -- \
//!     --tokenizer /tmp/qwen-tok/package/models/tokenizer.json --file-list files.txt --threads 1
//! ```
//!
//! `--vocab vocab.json --merges merges.txt` instead of `--tokenizer` loads a GPT-2 /
//! RoBERTa / CodeBERT style pair ([`CodeTokenizer::from_vocab_merges`]).
//!
//! Prints one JSON line: documents, bytes, tokens, an order-sensitive checksum of the ids,
//! the median encoding time over `--repeat` runs (reading files excluded), MB/s and the
//! encode path that ran.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use rayon::prelude::*;
use sheikh_tokenize::CodeTokenizer;

/// Measure parallel batch encoding.
#[derive(Parser)]
struct Args {
    /// tokenizer.json (local path).
    #[arg(long, required_unless_present = "vocab")]
    tokenizer: Option<PathBuf>,
    /// vocab.json of a GPT-2 / RoBERTa style pair (with --merges).
    #[arg(long, requires = "merges", conflicts_with = "tokenizer")]
    vocab: Option<PathBuf>,
    /// merges.txt of a GPT-2 / RoBERTa style pair (with --vocab).
    #[arg(long, requires = "vocab")]
    merges: Option<PathBuf>,
    /// A file with one input path per line.
    #[arg(long)]
    file_list: PathBuf,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Timed runs; the median is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let tok = match (&args.tokenizer, &args.vocab, &args.merges) {
        (Some(t), _, _) => CodeTokenizer::from_file(t)?,
        (None, Some(v), Some(m)) => CodeTokenizer::from_vocab_merges(v, m)?,
        _ => anyhow::bail!("--tokenizer, or --vocab and --merges"),
    };
    let list = std::fs::read_to_string(&args.file_list)
        .with_context(|| format!("reading {}", args.file_list.display()))?;
    let mut texts = Vec::new();
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        let bytes = std::fs::read(line).with_context(|| line.to_string())?;
        texts.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    let threads = pool.current_num_threads();
    let mut times = Vec::new();
    let mut tokens = 0usize;
    let mut checksum = 0u64;
    for _ in 0..args.repeat.max(1) {
        let start = Instant::now();
        let ids: Vec<Vec<u32>> = pool.install(|| {
            texts
                .par_iter()
                .map(|t| tok.encode(t))
                .collect::<Result<_, _>>()
        })?;
        times.push(start.elapsed().as_secs_f64());
        tokens = ids.iter().map(Vec::len).sum();
        // Σ over documents of Σ_i id[i] · (i + 1), wrapping: order-sensitive within a
        // document, cheap to recompute with numpy.
        checksum = ids.iter().fold(0u64, |h, doc| {
            doc.iter().enumerate().fold(h, |h, (i, &t)| {
                h.wrapping_add((t as u64).wrapping_mul(i as u64 + 1))
            })
        });
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times[times.len() / 2];
    println!(
        "{}",
        serde_json::json!({
            "engine": "sheikh-tokenize (CodeTokenizer::encode per document, rayon)",
            "encode_path": tok.encode_path(),
            "threads": threads,
            "documents": texts.len(),
            "bytes": bytes,
            "tokens": tokens,
            "checksum": checksum,
            "seconds": median,
            "runs": times,
            "mb_per_s": bytes as f64 / 1e6 / median,
        })
    );
    Ok(())
}
