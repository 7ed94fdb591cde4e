//! Tokenizes a corpus (or instruction JSONL) into every training format, prints the
//! statistics, optionally writes a trainer config, and can dump the expected tokens as
//! JSON for `scripts/tokenize/verify_outputs.py`.
//!
//! ```text
//! cargo run -p sheikh-tokenize --release --example tokenize_corpus -- \
//!     fixtures/corpus --out target/tokens --dump-json target/tokens/expected.json --prepare
//! cargo run -p sheikh-tokenize --release --example tokenize_corpus -- \
//!     fixtures/instruct/opencodeinstruct-sample.jsonl --instruct --seq-len 512 --out target/sft
//! ```

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use sheikh_core::config::{InputConfig, InputFormat};
use sheikh_tokenize::{
    prepare_training, ChatTemplate, CodeTokenizer, DatasetWriter, InstructReader, PackingMode,
    RepoGrouper, SampleBuilder, SftDatasetWriter, TokenizeConfig, TrainingPrepConfig, Unit,
};

/// Tokenize documents into Megatron, flat and Parquet training data.
#[derive(Parser)]
struct Args {
    /// Source tree, JSONL or Parquet (pretraining), or an instruction JSONL (--instruct).
    input: PathBuf,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// A YAML file with a `TokenizeConfig` (flags below override it).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Input format for pretraining input: auto, directory, jsonl, parquet.
    #[arg(long, default_value = "auto")]
    format: String,
    /// tokenizer.json.
    #[arg(long)]
    tokenizer: Option<PathBuf>,
    /// Sequence length.
    #[arg(long)]
    seq_len: Option<usize>,
    /// FIM rate.
    #[arg(long)]
    fim_rate: Option<f64>,
    /// Packing: concat or pad.
    #[arg(long)]
    packing: Option<String>,
    /// Repository-level samples.
    #[arg(long)]
    repo_level: bool,
    /// The input is instruction JSONL.
    #[arg(long)]
    instruct: bool,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Write the expected tokens (computed separately) as JSON here.
    #[arg(long)]
    dump_json: Option<PathBuf>,
    /// Also write training.yaml and the token budget into --out.
    #[arg(long)]
    prepare: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut config: TokenizeConfig = match &args.config {
        Some(p) => sheikh_core::config::load_yaml(p)?,
        None => TokenizeConfig::default(),
    };
    if let Some(t) = &args.tokenizer {
        config.tokenizer = t.clone();
    }
    if let Some(n) = args.seq_len {
        config.seq_len = n;
    }
    if let Some(r) = args.fim_rate {
        config.fim.rate = r;
    }
    if let Some(p) = &args.packing {
        config.packing = sheikh_core::config::from_yaml_str(p)
            .map_err(|e| anyhow::anyhow!("--packing {p}: {e}"))?;
    }
    if args.repo_level {
        config.repo_level.enabled = true;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    pool.install(|| {
        if args.instruct {
            instruct(&args, &config)
        } else {
            pretraining(&args, &config)
        }
    })
}

fn pretraining(args: &Args, config: &TokenizeConfig) -> anyhow::Result<()> {
    let input = InputConfig {
        path: args.input.clone(),
        format: sheikh_core::config::from_yaml_str::<InputFormat>(&args.format)
            .map_err(|e| anyhow::anyhow!("--format: {e}"))?,
        repo_from_top_dir: true,
        ..Default::default()
    };
    let start = std::time::Instant::now();
    let mut writer = DatasetWriter::new(config, &args.out)?;
    let mut bytes = 0u64;
    for batch in input.open()? {
        let batch = batch?;
        bytes += batch
            .documents
            .iter()
            .map(|d| d.content.len() as u64)
            .sum::<u64>();
        writer.write_batch(&batch.documents)?;
    }
    let summary = writer.finish()?;
    let secs = start.elapsed().as_secs_f64();
    let stats = summary.stats.as_ref().expect("pretraining stats");
    println!("{}", stats.language_table());
    println!(
        "{} documents, {} samples ({} PSM, {} SPM, {} repository-level), {} tokens, {} sequences of {}, {:.2} MB in {:.2}s ({:.1} MB/s)",
        stats.documents, stats.samples, stats.fim_psm, stats.fim_spm, stats.repo_samples,
        stats.tokens, stats.sequences, config.seq_len, bytes as f64 / 1e6, secs, bytes as f64 / 1e6 / secs
    );
    println!("| fits in | share of samples | share of tokens |\n| ---: | ---: | ---: |");
    for ctx in [512u64, 1024, 2048, 4096, 8192, 16384, 32768] {
        let (d, t) = stats.histogram.share_within(ctx);
        println!("| {ctx} | {:.1}% | {:.1}% |", 100.0 * d, 100.0 * t);
    }
    for f in &summary.files {
        println!("wrote {}", f.display());
    }
    if args.prepare {
        let p = prepare_training(&summary, &TrainingPrepConfig::default(), &args.out)?;
        println!(
            "wrote {} and {}",
            p.config_path.display(),
            p.budget_md.display()
        );
    }
    if let Some(path) = &args.dump_json {
        // Recomputed independently of the writer: samples straight from SampleBuilder.
        let tok = CodeTokenizer::from_file(&config.tokenizer)?;
        let b = SampleBuilder::from_config(&tok, config)?;
        let mut samples: Vec<Vec<u32>> = Vec::new();
        let mut grouper = config
            .repo_level
            .enabled
            .then(|| RepoGrouper::new(config.repo_level.max_bytes));
        let mut units = Vec::new();
        for batch in input.open()? {
            for d in batch?.documents {
                match grouper.as_mut() {
                    Some(g) => g.push(d, &mut units),
                    None => units.push(Unit::Document(d)),
                }
            }
        }
        if let Some(g) = grouper.as_mut() {
            g.flush(&mut units);
        }
        for u in &units {
            samples.push(match u {
                Unit::Document(d) => b.document(d)?.tokens,
                Unit::Repository(r, ds) => b.repository(r, ds)?.tokens,
            });
        }
        let dump = serde_json::json!({
            "kind": "pretraining",
            "seq_len": config.seq_len,
            "packing": config.packing,
            "pad_id": tok.require(&config.pad_token)?,
            "drop_remainder": config.drop_remainder,
            "megatron_prefix": summary.megatron_prefix,
            "flat": summary.flat,
            "flat_dtype": summary.flat_dtype.map(|d| d.numpy()),
            "parquet": summary.parquet,
            "samples": samples,
        });
        std::fs::write(path, serde_json::to_vec(&dump)?)
            .with_context(|| path.display().to_string())?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn instruct(args: &Args, config: &TokenizeConfig) -> anyhow::Result<()> {
    let mut writer = SftDatasetWriter::new(config, &args.out)?;
    let tok = CodeTokenizer::from_file(&config.tokenizer)?;
    let template = ChatTemplate::new(&tok, config.system_prompt.clone())?;
    let mut expected = Vec::new();
    for batch in InstructReader::open(&args.input, 1024)? {
        let (records, bad) = batch?;
        for b in &bad {
            eprintln!("skipped {}: {}", b.source, b.message);
        }
        writer.add_bad_lines(bad.len() as u64);
        writer.write_batch(&records)?;
        if args.dump_json.is_some() {
            for r in &records {
                let ex = template.encode(r)?;
                if ex.len() <= config.seq_len {
                    expected.push(
                        serde_json::json!({"input_ids": ex.input_ids, "loss_mask": ex.loss_mask}),
                    );
                }
            }
        }
    }
    let summary = writer.finish()?;
    let s = summary.sft.as_ref().expect("sft stats");
    println!(
        "{} records: {} examples packed into {} sequences of {} ({:?}), {} too long, {} bad lines; {} tokens, {} in the loss, {} padding",
        s.records, s.examples, s.sequences, config.seq_len, config.packing, s.too_long, s.bad_lines, s.tokens, s.response_tokens, s.padding_tokens
    );
    if args.prepare {
        let p = prepare_training(&summary, &TrainingPrepConfig::default(), &args.out)?;
        println!(
            "wrote {} and {}",
            p.config_path.display(),
            p.budget_md.display()
        );
    }
    if let Some(path) = &args.dump_json {
        let dump = serde_json::json!({
            "kind": "instruction",
            "seq_len": config.seq_len,
            "packing": config.packing,
            "pad_id": summary.pad_id,
            "concat": config.packing == PackingMode::Concat,
            "parquet": summary.parquet,
            "examples": expected,
        });
        std::fs::write(path, serde_json::to_vec(&dump)?)
            .with_context(|| path.display().to_string())?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
