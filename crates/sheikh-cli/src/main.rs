//! `sheikh`: one task of one pipeline step per invocation, for Slurm, Ray or any
//! batch engine. See the crate documentation for the steps and their files.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use sheikh::PipelineConfig;
use sheikh_cli::{tasks_of, Run, Step};

/// Prepare web-language source code as training data, one sharded task at a time.
#[derive(Parser)]
#[command(name = "sheikh", version, about)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Common {
    /// Pipeline config (YAML).
    #[arg(long, global = true, default_value = "configs/pipeline.yaml")]
    config: PathBuf,
    /// Work directory (intermediate files, plan, completion markers), shared by all
    /// workers.
    #[arg(long, global = true, default_value = "sheikh-work")]
    work: PathBuf,
    /// Override input.path.
    #[arg(long, global = true)]
    input: Option<PathBuf>,
    /// Override input.format (auto, directory, jsonl, parquet).
    #[arg(long, global = true)]
    format: Option<String>,
    /// Override output.path (the final output directory).
    #[arg(long, global = true)]
    output: Option<PathBuf>,
    /// Override runtime.threads (0 = one per core). Does not change any output.
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// Tokenize config (YAML, sheikh-tokenize's `TokenizeConfig`) replacing the pipeline
    /// config's `tokenize:` section; the tokenize step (one dataset per shard under
    /// OUTPUT/tokens/) runs when either enables it.
    #[arg(long, global = true)]
    tokenize_config: Option<PathBuf>,
    /// Replace a previous sheikh run in the output directory (output.overwrite; used by
    /// `plan` and `run`, which claim the output): only what that run wrote is removed,
    /// and a directory holding anything else is refused.
    #[arg(long, global = true)]
    overwrite: bool,
    /// Sleep this many milliseconds before each batch a task reads (tests).
    #[arg(long, global = true, hide = true, default_value_t = 0)]
    throttle_ms: u64,
}

#[derive(Subcommand)]
enum Command {
    /// List the input and cut it into shards (WORK/manifest.json).
    Plan {
        /// Number of shards.
        #[arg(long)]
        num_shards: u32,
    },
    /// Read one shard and run language, quality, decontamination and syntax.
    Filter {
        /// The shard.
        #[arg(long)]
        shard: u32,
        /// Checked against the plan, if given.
        #[arg(long)]
        num_shards: Option<u32>,
    },
    /// MinHash signatures and exact hashes of one filtered shard.
    DedupSignatures {
        /// The shard.
        #[arg(long)]
        shard: u32,
    },
    /// Merge one LSH band over all shards (or, with --exact, the exact hashes).
    DedupBuckets {
        /// The band.
        #[arg(long, conflicts_with = "exact", required_unless_present = "exact")]
        band: Option<usize>,
        /// Merge the exact-duplicate hashes instead of a band.
        #[arg(long)]
        exact: bool,
    },
    /// Clusters, keep policy and per-shard removal lists.
    DedupCluster,
    /// Remove one shard's duplicates, extract pairs, write the final data.
    DedupFilter {
        /// The shard.
        #[arg(long)]
        shard: u32,
    },
    /// Tokenize one shard of the final data.
    Tokenize {
        /// The shard.
        #[arg(long)]
        shard: u32,
    },
    /// Merge statistics and write stats.json and report.{json,md,html}.
    Report,
    /// Run task INDEX of STEP (the numbering `tasks` prints; for job arrays).
    Task {
        /// The step (filter, dedup-signatures, dedup-buckets, dedup-cluster,
        /// dedup-filter, report).
        step: String,
        /// The task index, from 0.
        index: u32,
    },
    /// Print each step and its number of tasks, one per line (after `plan`).
    Tasks,
    /// Print per-step progress and task times.
    Status,
    /// Compare this run's output (kept documents in order, and tokens with
    /// --tokenize-config) with a reference run's output directory; exit 1 if they differ.
    Compare {
        /// The reference output directory (e.g. from `full_pipeline --output`).
        #[arg(long)]
        reference: PathBuf,
    },
    /// Run every step on this machine, one task after another (resumes).
    Run {
        /// Number of shards.
        #[arg(long)]
        num_shards: u32,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let c = &cli.common;
    let mut config = PipelineConfig::load(&c.config)
        .with_context(|| format!("loading {}", c.config.display()))?;
    if let Some(p) = &c.input {
        config.input.path = p.clone();
    }
    if let Some(f) = &c.format {
        config.input.format = sheikh::core::config::from_yaml_str(f)
            .map_err(|e| anyhow::anyhow!("--format {f}: {e}"))?;
    }
    if let Some(p) = &c.output {
        config.output.path = p.clone();
    }
    if let Some(t) = c.threads {
        config.runtime.threads = t;
    }
    if c.overwrite {
        config.output.overwrite = true;
    }
    let tokenize = match &c.tokenize_config {
        Some(p) => Some(
            sheikh::core::config::load_yaml::<sheikh_tokenize::TokenizeConfig>(p)
                .with_context(|| format!("loading {}", p.display()))?,
        ),
        None => None,
    };
    let run = match tokenize.clone() {
        Some(t) => Run::with_tokenize(config, t, &c.work)?,
        None => Run::new(config, &c.work)?,
    }
    .with_throttle(Duration::from_millis(c.throttle_ms));
    let report = match cli.command {
        Command::Plan { num_shards } => {
            let m = run.plan(num_shards)?;
            println!(
                "{}",
                serde_json::json!({"files": m.files, "bytes": m.bytes, "num_shards": m.num_shards, "steps": m.steps})
            );
            return Ok(());
        }
        Command::Filter { shard, num_shards } => {
            if let Some(n) = num_shards {
                let m = run.manifest()?;
                anyhow::ensure!(
                    m.num_shards == n,
                    "--num-shards {n}, but the plan has {} shards",
                    m.num_shards
                );
            }
            run.filter(shard)?
        }
        Command::DedupSignatures { shard } => run.dedup_signatures(shard)?,
        Command::DedupBuckets { band, exact } => {
            run.dedup_buckets(if exact { None } else { band })?
        }
        Command::DedupCluster => run.dedup_cluster()?,
        Command::DedupFilter { shard } => run.dedup_filter(shard)?,
        Command::Tokenize { shard } => run.tokenize(shard)?,
        Command::Report => run.report()?,
        Command::Task { step, index } => {
            let s = Step::from_name(&step).ok_or_else(|| anyhow::anyhow!("unknown step {step}"))?;
            run.task_by_index(s, index)?
        }
        Command::Tasks => {
            let m = run.manifest()?;
            for s in &m.steps {
                println!("{}\t{}", s.step, s.tasks);
            }
            return Ok(());
        }
        Command::Status => {
            let m = run.manifest()?;
            for t in run.timings(&m)? {
                println!(
                    "{:<18} {:>5}/{:<5} tasks  {:>10.2} s (sum)  {:>8.2} s (slowest)  {:>6} MB peak RSS",
                    t.step,
                    t.done,
                    t.tasks,
                    t.task_seconds,
                    t.max_seconds,
                    t.max_peak_rss_bytes
                        .map_or("-".to_string(), |b| format!("{:.0}", b as f64 / 1e6))
                );
            }
            return Ok(());
        }
        Command::Compare { reference } => {
            let scratch = run.work().join("_compare");
            let _ = std::fs::remove_dir_all(&scratch);
            let t = run.tokenize_config().cloned();
            let c = sheikh_cli::compare_outputs(run.output(), &reference, t.as_ref(), &scratch)?;
            let _ = std::fs::remove_dir_all(&scratch);
            println!(
                "{}",
                serde_json::to_string(&c).expect("comparison serializes")
            );
            if !c.identical() {
                anyhow::bail!(
                    "outputs differ: {}",
                    c.difference.as_deref().unwrap_or("token streams differ")
                );
            }
            return Ok(());
        }
        Command::Run { num_shards } => {
            let m = run.run_all(num_shards)?;
            for step in Step::ALL {
                let n = tasks_of(&m, step);
                if n > 0 {
                    eprintln!("{}: {n} task(s) done", step.name());
                }
            }
            println!(
                "{}",
                serde_json::to_string(&run.timings(&m)?).expect("timings serialize")
            );
            return Ok(());
        }
    };
    println!(
        "{}",
        serde_json::to_string(&report).expect("task report serializes")
    );
    Ok(())
}
