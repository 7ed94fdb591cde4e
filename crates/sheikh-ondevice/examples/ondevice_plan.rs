//! Prints the seed's on-device table for a model as Markdown: parameters, memory per
//! weight format and context, latency per device, the targets as pass/fail.
//!
//! ```text
//! cargo run --release -p sheikh-ondevice --example ondevice_plan -- \
//!     --config fixtures/models/qwen2.5-coder-3b/config.json
//! ```
//!
//! `--devices FILE` replaces the shipped `devices.yaml`; `--lengths FILE` (JSON
//! `[[upper_bound, docs, tokens], ...]`, or `sheikh-tokenize`'s serialised
//! `TokenLengthHistogram`) adds the context-coverage table.

use std::path::PathBuf;

use clap::Parser;
use sheikh_ondevice::coverage::DEFAULT_CONTEXTS;
use sheikh_ondevice::{
    report, ContextCoverage, DeviceProfiles, FloatDtype, MemoryPlanner, ModelConfig, PlannerConfig,
    SeedTargets,
};

#[derive(Parser)]
struct Args {
    /// HuggingFace config.json.
    #[arg(long, default_value = "fixtures/models/qwen2.5-coder-3b/config.json")]
    config: PathBuf,
    /// Device profiles (YAML); the crate's devices.yaml when absent.
    #[arg(long)]
    devices: Option<PathBuf>,
    /// KV cache dtype (fp16, bf16, fp32).
    #[arg(long, default_value = "fp16")]
    kv_dtype: FloatDtype,
    /// Materialise attention scores instead of tiled (flash) attention.
    #[arg(long)]
    no_flash_attention: bool,
    /// Token-length histogram, JSON [[upper_bound, docs, tokens], ...].
    #[arg(long)]
    lengths: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Relative paths work from the workspace root or the crate directory.
    let config = if args.config.exists() {
        args.config.clone()
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(&args.config)
    };
    let model = ModelConfig::from_hf_file(&config)?;
    let devices = match &args.devices {
        Some(p) => DeviceProfiles::load(p)?,
        None => DeviceProfiles::builtin(),
    };
    let planner = MemoryPlanner::new(
        &model,
        PlannerConfig {
            kv_dtype: args.kv_dtype,
            flash_attention: !args.no_flash_attention,
            ..Default::default()
        },
    );
    let label = config
        .parent()
        .and_then(|p| p.file_name())
        .map_or("model".into(), |n| n.to_string_lossy().into_owned());
    println!(
        "{}",
        report::render(&label, &planner, &devices, &SeedTargets::default())
    );
    if let Some(p) = args.lengths {
        // Either [[upper_bound, docs, tokens], ...] or sheikh-tokenize's serialised
        // histogram [{"upper_bound": .., "docs": .., "tokens": ..}, ...].
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Bucket {
            Tuple(u64, u64, u64),
            Named {
                upper_bound: u64,
                docs: u64,
                tokens: u64,
            },
        }
        let raw: Vec<Bucket> = serde_json::from_str(&std::fs::read_to_string(&p)?)?;
        let buckets = raw.into_iter().map(|b| match b {
            Bucket::Tuple(u, d, t) => (u, d, t),
            Bucket::Named {
                upper_bound,
                docs,
                tokens,
            } => (upper_bound, docs, tokens),
        });
        let cov = ContextCoverage::from_buckets(buckets, DEFAULT_CONTEXTS)?;
        println!("### Context coverage of the data\n\n{}", cov.to_markdown());
    }
    Ok(())
}
