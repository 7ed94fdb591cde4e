//! Runs the whole sheikh pipeline: read → language → … → write, then prints where the
//! data and the statistics went.
//!
//! ```text
//! cargo run --release --example full_pipeline                        # fixtures/ → target/sheikh-out/
//! cargo run --release --example full_pipeline -- --config my.yaml --input data/ --output out/
//! cargo run --release --example full_pipeline -- --output out/ --overwrite   # replace out/'s previous run
//! ```
//!
//! A run writes only into a new or empty output directory. `--overwrite` replaces the
//! output of a previous sheikh run (only the files its `_SUCCESS` lists, or, after a
//! killed run, the files under sheikh's output names; a directory holding anything else
//! is refused). The built-in run (no `--config`, no `--output`) writes to this
//! workspace's `target/sheikh-out/` and replaces its own previous run there as if
//! `--overwrite` were given, so the README's command can be repeated.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use sheikh::PipelineConfig;

/// Prepare web-language source code as training data.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Pipeline config (YAML). Default: configs/pipeline.yaml of this workspace.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Override input.path.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Override input.format (auto, directory, jsonl, parquet).
    #[arg(long)]
    format: Option<String>,
    /// Override output.path.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Override runtime.threads (0 = one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Replace the previous sheikh run in the output directory (output.overwrite):
    /// only what that run wrote is removed; any other file makes the run refuse.
    #[arg(long)]
    overwrite: bool,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = match &args.config {
        Some(path) => PipelineConfig::load(path)?,
        // The built-in run works from any directory: its paths are the workspace's.
        None => PipelineConfig::load(root.join("configs/pipeline.yaml"))?.rebase(root),
    };
    if let Some(p) = args.input {
        config.input.path = p;
    }
    if let Some(f) = args.format {
        config.input.format = sheikh::core::config::from_yaml_str(&f)
            .map_err(|e| anyhow::anyhow!("--format {f}: {e}"))?;
    }
    // The built-in run owns the workspace's target/sheikh-out: rerunning it replaces
    // its previous run there (still only what a sheikh run wrote).
    let builtin_output = args.config.is_none() && args.output.is_none();
    if let Some(p) = args.output {
        config.output.path = p;
    }
    if args.overwrite || builtin_output {
        config.output.overwrite = true;
    }
    if let Some(t) = args.threads {
        config.runtime.threads = t;
    }

    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {elapsed_precise} {msg}",
    )?);
    bar.enable_steady_tick(Duration::from_millis(200));
    let summary = sheikh::run_pipeline(&config, |p| {
        bar.set_message(format!(
            "{} records, {:.1} MB read, {} kept, {} dropped",
            p.records_read,
            p.bytes_read as f64 / 1e6,
            p.docs_written,
            p.dropped
        ))
    })
    .with_context(|| format!("pipeline on {}", config.input.path.display()))?;
    bar.finish_and_clear();

    let s = &summary.stats;
    s.check_balance()
        .map_err(|e| anyhow::anyhow!("statistics do not balance: {e}"))?;
    println!("{}", s.to_markdown());
    println!(
        "kept {} of {} records ({:.2} MB) in {:.2}s",
        s.written.docs,
        s.read.input.docs,
        s.written.bytes as f64 / 1e6,
        s.wall_seconds
    );
    println!("data:       {}", summary.data_dir.display());
    println!("statistics: {}", summary.stats_json.display());
    println!("            {}", summary.stats_md.display());
    println!("rejected:   {}", config.output.rejected_dir().display());
    println!("complete:   {} (written last)", summary.success.display());
    if let Some(t) = &summary.tokens {
        println!(
            "tokens:     {} ({} tokens, sequences of {}; training config and token budget beside them)",
            t.dir.display(),
            t.stats.as_ref().map_or(0, |s| s.tokens),
            t.seq_len
        );
    }
    for (i, f) in summary.report_files.iter().enumerate() {
        println!(
            "{}{}",
            if i == 0 {
                "report:     "
            } else {
                "            "
            },
            f.display()
        );
    }
    println!();
    for t in &summary.report.targets {
        println!(
            "{:<20} target {:>5}  measured {:>7}  {}",
            t.metric,
            t.target_label(),
            t.measured_label(),
            t.status.label()
        );
    }
    Ok(())
}
