//! # sheikh-cli
//!
//! The pipeline as sharded, resumable tasks, for the batch engines data teams already
//! run (Slurm job arrays, Ray, Kubernetes indexed jobs) — the `sheikh` binary. Each
//! subcommand runs **one task of one step** and exits:
//!
//! | step | tasks | reads | writes |
//! |---|---|---|---|
//! | `plan --num-shards N` | 1 | the input listing | `WORK/manifest.json`, `WORK/plan/shard-S.jsonl` |
//! | `filter --shard S` | N | the shard's input files | `WORK/filtered/shard-S-00000.parquet`, `WORK/stats/filter-S.json`, `OUT/rejected/filter-S-*.jsonl`, `OUT/rejected/inputs-S.jsonl` |
//! | `dedup-signatures --shard S` | N | the filtered shard | `WORK/dedup/signatures/shard-S/` |
//! | `dedup-buckets --band B` / `--exact` | bands + 1 | all shards' band B records | `WORK/dedup/pairs/band-B.bin` / `exact.bin` |
//! | `dedup-cluster` | 1 | all pairs | `WORK/dedup/clusters/`, `WORK/dedup/positions.json` |
//! | `dedup-filter --shard S` | N | the filtered shard, its removal list | `OUT/data/PREFIX-S-*.parquet`, `OUT/pairs/`, `OUT/rejected/dedup-S-*.jsonl`, `WORK/report/`, `WORK/stats/dedup-filter-S.json` |
//! | `tokenize --shard S` (with a tokenize config) | N | the shard's final data | `OUT/tokens/shard-S/` (Megatron, flat, packed Parquet, `dataset.json`), `WORK/stats/tokenize-S.json` |
//! | `report` | 1 | every shard's statistics and measurements | `OUT/stats.{json,md}`, `OUT/dedup.json`, `OUT/report.{json,md,html}`, `OUT/timings.json`, then `OUT/_SUCCESS` (every output file with size and xxh3-128, written last) |
//!
//! `plan` claims the output directory: it must be new or empty, apart from the input
//! and the work directory, unless `--overwrite` replaces a previous sheikh run there
//! (only the files that run wrote). `--num-shards` is at most the number of input files.
//!
//! The shard assignment is a pure function of the sorted input file list
//! ([`assign_shards`]); shards are contiguous, so the staged run keeps exactly the
//! documents the single-process [`sheikh::run_pipeline`] keeps, in the same order.
//! Every task is all-or-nothing ([`task`]): outputs are staged, committed by rename
//! and recorded by a completion marker, so relaunching a step skips finished tasks
//! and a killed task leaves nothing partial.
//!
//! ```no_run
//! let config = sheikh::PipelineConfig::load("configs/pipeline.yaml")?;
//! let run = sheikh_cli::Run::new(config, "/scratch/work")?;
//! run.plan(16)?;
//! for shard in 0..16 {
//!     run.filter(shard)?; // on any worker, in any order
//! }
//! // … dedup-signatures, dedup-buckets, dedup-cluster, dedup-filter, report
//! # Ok::<(), sheikh_cli::CliError>(())
//! ```

#![warn(missing_docs)]

mod compare;
mod error;
pub mod plan;
mod stats;
mod steps;
pub mod task;

pub use compare::{compare_outputs, Comparison};
pub use error::{CliError, Result};
pub use plan::{assign_shards, InputFile, InputKind, Manifest, ShardPlan, StepTasks};
pub use stats::{join_halves, merge_pipeline_stats};
pub use steps::{
    cross_shard_duplicates, merge_token_stats, shard_task, task_names, tasks_of, Positions, Run,
    ShardSummary, Step, StepTiming,
};
pub use task::{Marker, TaskReport, TaskStatus};
