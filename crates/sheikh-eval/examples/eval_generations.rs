//! Evaluates generated code: syntax validity, CodeBLEU (JavaScript/TypeScript) and
//! pass@k, against the seed's targets for model output.
//!
//! ```text
//! cargo run -p sheikh-eval --example eval_generations -- predictions.jsonl \
//!     [--k 1,10] [--execute] [--timeout-ms 10000] [--json report.json] \
//!     [--markdown report.md] [--per-pair scores.jsonl] [--fail-on-target]
//! ```
//!
//! Input: JSONL records `{task_id, language, prediction | predictions: [..],
//! reference?, tests?}`. Prints the Markdown report followed by the JSON report in a
//! fenced block; `--json` / `--markdown` also write them to files. `--per-pair` writes
//! one line per record with the CodeBLEU components of its first prediction (used by
//! `scripts/eval/compare_codebleu.py`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use sheikh_core::io::AtomicFile;
use sheikh_eval::{CodeBleu, CodeBleuStats, EvalConfig, Evaluator, ExecConfig, GenerationReader};

#[derive(Parser)]
#[command(about = "Syntax validity, CodeBLEU and pass@k of generated code")]
struct Args {
    /// JSONL file of generation records.
    input: PathBuf,
    /// Comma-separated k values for pass@k.
    #[arg(long, default_value = "1,10", value_delimiter = ',')]
    k: Vec<u64>,
    /// Run the tests of JavaScript records with node.
    #[arg(long)]
    execute: bool,
    /// Time limit per run, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// Run generated code even when network isolation (`unshare -rn`) is unavailable.
    #[arg(long)]
    allow_network: bool,
    /// Memory limit per run, in MiB.
    #[arg(long, default_value_t = 512)]
    memory_mb: u64,
    /// Disk limit per run, in MiB.
    #[arg(long, default_value_t = 64)]
    disk_mb: u64,
    /// Write the JSON report here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the Markdown report here.
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Write per-record CodeBLEU scores (first prediction vs reference) here, as JSONL.
    #[arg(long)]
    per_pair: Option<PathBuf>,
    /// Exit with status 1 when a target fails.
    #[arg(long)]
    fail_on_target: bool,
}

fn write_atomic(path: &PathBuf, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    f.commit()?;
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let config = EvalConfig {
        ks: args.k.clone(),
        execute: args.execute,
        exec: ExecConfig {
            timeout_ms: args.timeout_ms,
            allow_network: args.allow_network,
            memory_mb: args.memory_mb,
            disk_mb: args.disk_mb,
            ..Default::default()
        },
        ..Default::default()
    };
    let evaluator = Evaluator::new(config.clone())?;
    let report = evaluator.evaluate_file(&args.input)?;
    let markdown = report.to_markdown();
    let json = serde_json::to_string_pretty(&report)?;

    if let Some(path) = &args.per_pair {
        let mut out = String::new();
        for rec in GenerationReader::open(&args.input)? {
            let rec = rec?;
            let (Some(reference), Ok(scorer)) = (
                &rec.reference,
                CodeBleu::with_config(rec.language, config.codebleu),
            ) else {
                continue;
            };
            let stats: CodeBleuStats = scorer.stats(&rec.predictions[0], &[reference.as_str()]);
            let line = serde_json::json!({
                "task_id": rec.task_id,
                "language": rec.language,
                "score": stats.score(&config.codebleu),
                "stats": stats,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        write_atomic(path, out.as_bytes())?;
    }
    if let Some(path) = &args.json {
        write_atomic(path, json.as_bytes())?;
    }
    if let Some(path) = &args.markdown {
        write_atomic(path, markdown.as_bytes())?;
    }
    println!("{markdown}\n## JSON\n\n```json\n{json}\n```");
    if args.fail_on_target && !report.all_targets_pass() {
        std::process::exit(1);
    }
    Ok(())
}
