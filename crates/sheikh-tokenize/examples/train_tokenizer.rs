//! Trains a byte-level BPE tokenizer on source trees and writes its `tokenizer.json`.
//!
//! ```text
//! cargo run -p sheikh-tokenize --release --example train_tokenizer -- \
//!     fixtures/corpus --vocab-size 2048 --out fixtures/tokenizer/tokenizer.json
//! ```

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use sheikh_core::io::DirectoryReader;
use sheikh_tokenize::{train_bpe, TrainConfig};

/// Train a byte-level BPE tokenizer with the code-model special tokens.
#[derive(Parser)]
struct Args {
    /// Directories (or files) of training text, read with .gitignore rules.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Vocabulary size, special tokens and the 256 bytes included.
    #[arg(long, default_value_t = 2048)]
    vocab_size: usize,
    /// Minimum pair frequency for a merge.
    #[arg(long, default_value_t = 2)]
    min_frequency: u64,
    /// Longest token in characters (0 = no limit).
    #[arg(long, default_value_t = 32)]
    max_token_length: usize,
    /// Comma-separated special tokens (default: the code-model set plus ChatML markers).
    #[arg(long)]
    special_tokens: Option<String>,
    /// Output tokenizer.json.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut config = TrainConfig {
        vocab_size: args.vocab_size,
        min_frequency: args.min_frequency,
        max_token_length: (args.max_token_length > 0).then_some(args.max_token_length),
        ..Default::default()
    };
    if let Some(s) = &args.special_tokens {
        config.special_tokens = s.split(',').map(|t| t.trim().to_string()).collect();
    }
    let mut readers = Vec::new();
    for input in &args.inputs {
        readers.push(
            DirectoryReader::builder(input)
                .build()
                .with_context(|| format!("reading {}", input.display()))?,
        );
    }
    let (mut docs, mut bytes) = (0u64, 0u64);
    let texts = readers
        .into_iter()
        .flatten()
        .filter_map(|batch| match batch {
            Ok(b) => Some(b.documents),
            Err(e) => {
                eprintln!("skipping a batch: {e}");
                None
            }
        })
        .flatten()
        .map(|d| {
            docs += 1;
            bytes += d.content.len() as u64;
            d.content
        });
    let tok = train_bpe(texts, &config)?;
    let json = tok
        .inner()
        .to_string(true)
        .map_err(|e| anyhow::anyhow!("serialising: {e}"))?;
    let mut f = sheikh_core::io::AtomicFile::create(&args.out)?;
    std::io::Write::write_all(&mut f, json.as_bytes())?;
    std::io::Write::write_all(&mut f, b"\n")?;
    f.commit()?;
    println!(
        "trained on {docs} documents ({bytes} bytes): vocabulary {} -> {}",
        tok.vocab_size(),
        args.out.display()
    );
    Ok(())
}
