//! The steps: one function per subcommand, each running one task of one step.

use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sheikh::PipelineConfig;
use sheikh_core::config::OutputFormat;
use sheikh_core::io::{
    check_disjoint, paths_overlap, write_success, AtomicFile, BoxReader, DirectoryReader,
    DocumentWriter, JsonlFormat, JsonlReader, ParquetFormat, ParquetReader, ReadBatch,
    RejectedInput, ShardFormat, ShardedWriter, WriterOptions, SUCCESS_FILE,
};
use sheikh_core::{
    write_json_atomic, Document, Outcome, Pipeline, PipelineStats, Reason, Rejection, Sinks, Stage,
    StageError,
};
use sheikh_dedup::staged::{self, RemovalLine};
use sheikh_dedup::{DedupConfig, DedupReport, ShingleKind};
use sheikh_quality::report::{DataReport, ReportCollector, ReportInputs};
use sheikh_quality::Redactor;
use sheikh_syntax::PairStage;
use sheikh_tokenize::{DatasetSummary, DatasetWriter, TokenStats, TokenizeConfig};

use crate::error::{CliError, Result};
use crate::plan::{
    assign_shards, input_kind, list_input, read_shard_list, shard_list_path, write_shard_list,
    InputKind, Manifest, ShardPlan, StepTasks, MANIFEST_VERSION,
};
use crate::stats::{join_halves, merge_pipeline_stats};
use crate::task::{read_marker, run_task, Staging, TaskReport};

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Read, language, quality, decontamination, syntax: one task per shard.
    Filter,
    /// MinHash signatures and exact hashes: one task per shard.
    DedupSignatures,
    /// LSH buckets: one task per band, plus one for exact duplicates.
    DedupBuckets,
    /// Clusters and per-shard removal lists: one task.
    DedupCluster,
    /// Removal of duplicates, code-comment pairs, report measurements: one task per shard.
    DedupFilter,
    /// Tokenization: one task per shard (when the config's `tokenize` section is enabled).
    Tokenize,
    /// Statistics and the data-quality report: one task.
    Report,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 7] = [
        Step::Filter,
        Step::DedupSignatures,
        Step::DedupBuckets,
        Step::DedupCluster,
        Step::DedupFilter,
        Step::Tokenize,
        Step::Report,
    ];

    /// The subcommand name.
    pub fn name(self) -> &'static str {
        match self {
            Step::Filter => "filter",
            Step::DedupSignatures => "dedup-signatures",
            Step::DedupBuckets => "dedup-buckets",
            Step::DedupCluster => "dedup-cluster",
            Step::DedupFilter => "dedup-filter",
            Step::Tokenize => "tokenize",
            Step::Report => "report",
        }
    }

    /// The step of a subcommand name.
    pub fn from_name(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The task name of a shard task.
pub fn shard_task(shard: u32) -> String {
    format!("{shard:05}")
}

const SINGLE: &str = "all";

/// A staged run: the pipeline config, the work directory, and how tasks behave.
#[derive(Debug, Clone)]
pub struct Run {
    config: PipelineConfig,
    tokenize: Option<TokenizeConfig>,
    work: PathBuf,
    fingerprint: String,
    throttle: Duration,
}

/// What the filter and dedup-filter tasks report in their markers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardSummary {
    /// Documents read.
    pub read: u64,
    /// Documents kept.
    pub kept: u64,
    /// Bytes kept.
    pub kept_bytes: u64,
    /// Documents and inputs dropped.
    pub dropped: u64,
    /// Code-comment pairs written (dedup-filter).
    pub pairs: u64,
}

/// `WORK/dedup/positions.json`: where each shard's kept documents start in the
/// concatenated output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Positions {
    /// Documents each shard keeps after deduplication.
    pub kept: Vec<u64>,
    /// Documents kept by the shards before each shard.
    pub start: Vec<u64>,
}

impl Run {
    /// A run of `config` in the work directory `work`. Relative input and output paths
    /// are made absolute (from the current directory), so every worker agrees.
    /// Tokenizes too when the config's `tokenize` section is enabled (as
    /// `full_pipeline` does).
    pub fn new(config: PipelineConfig, work: impl AsRef<Path>) -> Result<Run> {
        let tokenize = config.tokenize.enabled.then(|| config.tokenize.clone());
        Run::build(config, tokenize, work)
    }

    /// A run that also tokenizes the kept documents (the `tokenize` step, one dataset
    /// per shard under `OUTPUT/tokens/shard-S/`). A relative tokenizer path is made
    /// absolute.
    pub fn with_tokenize(
        config: PipelineConfig,
        tokenize: TokenizeConfig,
        work: impl AsRef<Path>,
    ) -> Result<Run> {
        tokenize
            .validate()
            .map_err(|e| CliError::Config(format!("tokenize: {e}")))?;
        Run::build(config, Some(tokenize), work)
    }

    fn build(
        config: PipelineConfig,
        mut tokenize: Option<TokenizeConfig>,
        work: impl AsRef<Path>,
    ) -> Result<Run> {
        let mut config = config;
        // The staged mode's shards, links and work files are local (or shared POSIX)
        // paths; object stores are read and written by the single-process run.
        for (what, p) in [
            ("input.path", config.input.path.as_path()),
            ("output.path", config.output.path.as_path()),
            ("the work directory", work.as_ref()),
        ] {
            if sheikh_core::store::is_url(p) {
                return Err(CliError::Config(format!(
                    "{what} {} is a URL: the staged mode (plan, filter, dedup, run) reads and writes local or shared POSIX paths; full_pipeline (sheikh::run_pipeline) reads and writes object stores",
                    p.display()
                )));
            }
        }
        let abs = |p: &Path| std::path::absolute(p).map_err(|e| CliError::io(p, e));
        config.input.path = abs(&config.input.path)?;
        config.output.path = abs(&config.output.path)?;
        if let Some(t) = tokenize.as_mut() {
            t.tokenizer = abs(&t.tokenizer)?;
        }
        let work = abs(work.as_ref())?;
        // The whole config is checked before any step reads or writes anything.
        config.validate()?;
        // The thread count does not change any output, and overwrite only matters to
        // `plan`: leave both out of the fingerprint.
        let mut normalised = config.clone();
        normalised.runtime = Default::default();
        normalised.output.overwrite = false;
        let bytes =
            serde_json::to_vec(&(&normalised, &tokenize)).map_err(|e| CliError::json(&work, e))?;
        let fingerprint = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes));
        Ok(Run {
            config,
            tokenize,
            work,
            fingerprint,
            throttle: Duration::ZERO,
        })
    }

    /// Sleeps this long before each batch a task reads (for tests that interrupt
    /// tasks; default none).
    pub fn with_throttle(mut self, throttle: Duration) -> Run {
        self.throttle = throttle;
        self
    }

    /// The config (paths absolute).
    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// The tokenize config, if the run tokenizes.
    pub fn tokenize_config(&self) -> Option<&TokenizeConfig> {
        self.tokenize.as_ref()
    }

    /// The work directory.
    pub fn work(&self) -> &Path {
        &self.work
    }

    /// The final output directory (`output.path`).
    pub fn output(&self) -> &Path {
        &self.config.output.path
    }

    /// The config's fingerprint (recorded in the manifest and every marker).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn dedup_cfg(&self) -> Option<&DedupConfig> {
        self.config
            .dedup
            .enabled
            .then_some(&self.config.dedup.settings)
    }

    fn pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.config.runtime.threads)
            .build()
            .map_err(CliError::from)
    }

    fn task<T: Serialize + Send>(
        &self,
        step: Step,
        task: &str,
        body: impl FnOnce(&Staging) -> Result<T> + Send,
    ) -> Result<TaskReport> {
        let pool = self.pool()?;
        let report = pool.install(|| {
            run_task(
                &self.work,
                self.output(),
                &self.fingerprint,
                step.name(),
                task,
                body,
            )
        })?;
        tracing::info!(step = step.name(), task, status = ?report.status, seconds = report.marker.seconds, "task");
        Ok(report)
    }

    /// The manifest of this work directory, checked against this run's config.
    pub fn manifest(&self) -> Result<Manifest> {
        let path = self.work.join("manifest.json");
        let bytes = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                CliError::Plan(format!(
                    "{}: no plan; run `sheikh plan --num-shards N` first",
                    path.display()
                ))
            } else {
                CliError::io(&path, e)
            }
        })?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| CliError::json(&path, e))?;
        if m.version != MANIFEST_VERSION {
            return Err(CliError::Plan(format!(
                "{}: work directory version {} (this build reads {MANIFEST_VERSION})",
                path.display(),
                m.version
            )));
        }
        if m.fingerprint != self.fingerprint {
            return Err(CliError::Plan(format!(
                "{}: planned with another config (fingerprint {}, this config {}); use the same config and flags as `plan`, or a fresh work directory",
                path.display(),
                m.fingerprint,
                self.fingerprint
            )));
        }
        Ok(m)
    }

    fn shard_plan(&self, m: &Manifest, shard: u32) -> Result<ShardPlan> {
        m.shards.get(shard as usize).cloned().ok_or_else(|| {
            CliError::Plan(format!(
                "shard {shard} out of range (the plan has {} shards)",
                m.num_shards
            ))
        })
    }

    /// Fails unless every task of `step` is complete.
    fn require(&self, m: &Manifest, step: Step) -> Result<()> {
        let missing: Vec<String> = task_names(m, step)
            .into_iter()
            .filter(|t| !crate::task::marker_path(&self.work, step.name(), t).exists())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(CliError::Plan(format!(
                "step {} is not complete ({} of its tasks missing, e.g. {}); run it first",
                step.name(),
                missing.len(),
                missing[0]
            )))
        }
    }

    fn require_task(&self, step: Step, task: &str) -> Result<()> {
        if crate::task::marker_path(&self.work, step.name(), task).exists() {
            Ok(())
        } else {
            Err(CliError::Plan(format!(
                "task {}-{task} is not complete; run it first",
                step.name()
            )))
        }
    }

    /// `plan`: lists the input, cuts it into `num_shards` shards and writes
    /// `WORK/manifest.json` and `WORK/plan/shard-S.jsonl`. Rerunning with the same
    /// config and shard count keeps the existing plan.
    pub fn plan(&self, num_shards: u32) -> Result<Manifest> {
        if num_shards == 0 {
            return Err(CliError::Config("--num-shards must be at least 1".into()));
        }
        if let Ok(m) = self.manifest() {
            if m.num_shards == num_shards {
                return Ok(m);
            }
            return Err(CliError::Plan(format!(
                "{} already holds a plan with {} shards; use a fresh work directory",
                self.work.display(),
                m.num_shards
            )));
        }
        let manifest_path = self.work.join("manifest.json");
        if manifest_path.exists() {
            // Exists but does not match: manifest() said why.
            self.manifest()?;
        }
        let mut bands = 0usize;
        if let Some(cfg) = self.dedup_cfg() {
            let params = cfg.lsh_params()?;
            if cfg.near {
                bands = params.bands;
            }
            if cfg.exact
                && cfg.near
                && cfg.exact_normalize_whitespace
                && cfg.shingle == ShingleKind::Chars
            {
                return Err(CliError::Config(
                    "staged dedup with exact_normalize_whitespace needs shingle: words".into(),
                ));
            }
        }
        if self.config.synth.enabled {
            // Synthetic documents are mixed in after each input batch: their positions
            // depend on batch boundaries, which shards change.
            return Err(CliError::Config(
                "synth.enabled: the staged mode cannot mix synthetic documents into the input; write them to a JSONL file and add it to the input instead".into(),
            ));
        }
        let input = &self.config.input.path;
        let output = self.output();
        for (what, dir) in [("input", input.as_path()), ("output", output)] {
            if paths_overlap(&self.work, dir)? {
                return Err(CliError::Config(format!(
                    "the work directory {} and the {what} {} overlap (one is, or lies inside, the other); choose a work directory apart from both",
                    self.work.display(),
                    dir.display()
                )));
            }
        }
        check_disjoint(input, output)?;
        let kind = input_kind(self.config.input.format, input)?;
        let (root, files) = list_input(input, kind)?;
        // Before anything is allocated per shard: at most one shard per input file.
        if u64::from(num_shards) > (files.len() as u64).max(1) {
            return Err(CliError::Config(format!(
                "--num-shards {num_shards} is more than the {} input file(s) of {}: a shard is a range of whole files, so use at most {} shard(s)",
                files.len(),
                input.display(),
                files.len().max(1)
            )));
        }
        // The output directory is this run's: refused when it holds anything but a
        // previous sheikh run (replaced only with --overwrite).
        self.config.output.claim(input)?;
        let sizes: Vec<u64> = files.iter().map(|f| f.bytes).collect();
        let ranges = assign_shards(&sizes, num_shards);
        let mut shards = Vec::with_capacity(ranges.len());
        for (i, r) in ranges.iter().enumerate() {
            let part = &files[r.start as usize..r.end as usize];
            write_shard_list(&shard_list_path(&self.work, i as u32), part)?;
            shards.push(ShardPlan {
                index: i as u32,
                first_file: r.start,
                end_file: r.end,
                bytes: part.iter().map(|f| f.bytes).sum(),
            });
        }
        let dedup = self.dedup_cfg().is_some();
        let steps = vec![
            StepTasks {
                step: Step::Filter.name().into(),
                tasks: num_shards,
            },
            StepTasks {
                step: Step::DedupSignatures.name().into(),
                tasks: if dedup { num_shards } else { 0 },
            },
            StepTasks {
                step: Step::DedupBuckets.name().into(),
                tasks: if dedup { bands as u32 + 1 } else { 0 },
            },
            StepTasks {
                step: Step::DedupCluster.name().into(),
                tasks: 1,
            },
            StepTasks {
                step: Step::DedupFilter.name().into(),
                tasks: num_shards,
            },
            StepTasks {
                step: Step::Tokenize.name().into(),
                tasks: if self.tokenize.is_some() {
                    num_shards
                } else {
                    0
                },
            },
            StepTasks {
                step: Step::Report.name().into(),
                tasks: 1,
            },
        ];
        let m = Manifest {
            version: MANIFEST_VERSION,
            fingerprint: self.fingerprint.clone(),
            root,
            input: input.clone(),
            kind,
            output: self.output().to_path_buf(),
            num_shards,
            files: files.len() as u64,
            bytes: sizes.iter().sum(),
            shards,
            steps,
        };
        write_json_atomic(&manifest_path, &m)?;
        Ok(m)
    }

    /// Runs task `index` of `step` (the numbering drivers use: shards for per-shard
    /// steps; bands then the exact merge for `dedup-buckets`; 0 for single tasks).
    pub fn task_by_index(&self, step: Step, index: u32) -> Result<TaskReport> {
        match step {
            Step::Filter => self.filter(index),
            Step::DedupSignatures => self.dedup_signatures(index),
            Step::DedupBuckets => {
                let m = self.manifest()?;
                let bands = tasks_of(&m, Step::DedupBuckets).saturating_sub(1);
                if index < bands {
                    self.dedup_buckets(Some(index as usize))
                } else if index == bands {
                    self.dedup_buckets(None)
                } else {
                    Err(CliError::Plan(format!(
                        "dedup-buckets has {} tasks",
                        bands + 1
                    )))
                }
            }
            Step::DedupCluster if index == 0 => self.dedup_cluster(),
            Step::DedupFilter => self.dedup_filter(index),
            Step::Tokenize => self.tokenize(index),
            Step::Report if index == 0 => self.report(),
            _ => Err(CliError::Plan(format!("{} has one task (0)", step.name()))),
        }
    }

    /// `filter --shard i`: reads the shard's files and runs language, quality,
    /// decontamination and syntax (the config's stages before dedup), writing
    /// `WORK/filtered/shard-S-00000.parquet`, `WORK/stats/filter-S.json` and the
    /// shard's rejected documents and inputs under `OUTPUT/rejected/`.
    pub fn filter(&self, shard: u32) -> Result<TaskReport> {
        let m = self.manifest()?;
        self.shard_plan(&m, shard)?;
        self.task(Step::Filter, &shard_task(shard), |st| {
            let mut config = self.config.clone();
            config.dedup.enabled = false;
            config.pairs.enabled = false;
            let (mut pipeline, _) = sheikh::build_pipeline(&config)?;
            let files = read_shard_list(&shard_list_path(&self.work, shard))?;
            let (reader, tree) = open_input(&m, &config, &files, &st.scratch())?;
            let reader = throttled(reader, self.throttle);
            let data = st.work(filtered_rel(shard));
            let data_dir = data.parent().expect("has a parent").to_path_buf();
            let opts = WriterOptions {
                prefix: format!("shard-{shard:05}"),
                shard_bytes: u64::MAX,
            };
            let writer = ShardedWriter::new(&data_dir, ParquetFormat::default(), opts);
            let out = &self.config.output;
            let mut sinks = Sinks::new(Box::new(writer)).with_rejected_policy(
                out.rejected_policy(Redactor::shared(&self.config.quality.redaction)),
            );
            if out.write_rejected {
                sinks = sinks
                    .with_rejected(Some(rejected_writer(
                        st,
                        &format!("filter-{shard:05}"),
                        out.shards.shard_bytes,
                    )))
                    .with_rejected_inputs(st.scratch().join("inputs.jsonl"))?;
            }
            let (mut stats, _) = pipeline.run(reader, sinks, |_| {})?;
            if !data.exists() {
                // No document kept: an empty shard, so the next steps find a file.
                let f = ParquetFormat::default();
                let enc = ShardFormat::<Document>::open(&f, AtomicFile::create(&data)?)?;
                ShardFormat::<Document>::close(&f, enc)?.commit()?;
            }
            stats.output_files = vec![self.work.join(filtered_rel(shard)).display().to_string()];
            if out.write_rejected {
                let root_dir = m.root.clone();
                copy_rejected_inputs(
                    &st.scratch().join("inputs.jsonl"),
                    &st.out(format!("rejected/inputs-{shard:05}.jsonl")),
                    tree.as_deref().map(|t| (t, root_dir.as_path())),
                )?;
            }
            write_json_atomic(st.work(format!("stats/filter-{shard:05}.json")), &stats)?;
            Ok(ShardSummary {
                read: stats.read.input.docs,
                kept: stats.written.docs,
                kept_bytes: stats.written.bytes,
                dropped: stats.drops_by_reason().values().map(|t| t.docs).sum(),
                pairs: 0,
            })
        })
    }

    fn filtered_path(&self, shard: u32) -> PathBuf {
        self.work.join(filtered_rel(shard))
    }

    /// `dedup-signatures --shard i`: MinHash signatures and exact hashes of the
    /// filtered shard ([`staged::compute_signatures`]).
    pub fn dedup_signatures(&self, shard: u32) -> Result<TaskReport> {
        let m = self.manifest()?;
        self.shard_plan(&m, shard)?;
        let cfg = self.dedup_required()?;
        self.require_task(Step::Filter, &shard_task(shard))?;
        self.task(Step::DedupSignatures, &shard_task(shard), |st| {
            Ok(staged::compute_signatures(
                cfg,
                &self.filtered_path(shard),
                shard,
                &st.work("dedup"),
            )?)
        })
    }

    fn dedup_required(&self) -> Result<&DedupConfig> {
        self.dedup_cfg().ok_or_else(|| {
            CliError::Plan("dedup is disabled in the config: this step has no tasks".into())
        })
    }

    /// `dedup-buckets --band b` (or `--exact` with `None`): merges one band's records
    /// of all shards into linked pairs ([`staged::merge_band`]), or the exact hashes
    /// into duplicate pairs ([`staged::merge_exact`]).
    pub fn dedup_buckets(&self, band: Option<usize>) -> Result<TaskReport> {
        let m = self.manifest()?;
        let cfg = self.dedup_required()?;
        self.require(&m, Step::DedupSignatures)?;
        let task = band.map_or("exact".to_string(), |b| format!("band-{b:03}"));
        self.task(Step::DedupBuckets, &task, |st| {
            st.link_work("dedup/signatures")?;
            let dir = st.work("dedup");
            Ok(match band {
                Some(b) => {
                    let s = staged::merge_band(cfg, &dir, m.num_shards, b)?;
                    serde_json::json!({"candidates": s.candidates, "linked": s.linked, "rejected": s.rejected})
                }
                None => serde_json::json!({"exact_duplicates": staged::merge_exact(cfg, &dir, m.num_shards)?}),
            })
        })
    }

    /// `dedup-cluster`: clusters, keep policy and per-shard removal lists
    /// ([`staged::build_clusters`]), and `WORK/dedup/positions.json`.
    pub fn dedup_cluster(&self) -> Result<TaskReport> {
        let m = self.manifest()?;
        self.require(&m, Step::Filter)?;
        if self.dedup_cfg().is_some() {
            self.require(&m, Step::DedupBuckets)?;
        }
        self.task(Step::DedupCluster, SINGLE, |st| {
            let mut removed = vec![0u64; m.num_shards as usize];
            let report = match self.dedup_cfg() {
                Some(cfg) => {
                    st.link_work("dedup/signatures")?;
                    st.link_work("dedup/pairs")?;
                    let dir = st.work("dedup");
                    let report = staged::build_clusters(cfg, &dir, m.num_shards)?;
                    for (s, r) in removed.iter_mut().enumerate() {
                        *r = staged::read_removals(&dir, s as u32)?.len() as u64;
                    }
                    Some(report)
                }
                None => None,
            };
            let mut pos = Positions::default();
            let mut total = 0;
            for s in 0..m.num_shards {
                let stats: PipelineStats =
                    read_json(&self.work.join(format!("stats/filter-{s:05}.json")))?;
                let kept = stats
                    .written
                    .docs
                    .checked_sub(removed[s as usize])
                    .ok_or_else(|| {
                        CliError::Plan(format!("shard {s}: more removals than documents"))
                    })?;
                pos.start.push(total);
                pos.kept.push(kept);
                total += kept;
            }
            write_json_atomic(st.work("dedup/positions.json"), &pos)?;
            Ok(serde_json::json!({
                "kept": total,
                "exact_duplicates": report.as_ref().map(|r| r.exact_duplicates),
                "near_duplicates": report.as_ref().map(|r| r.near_duplicates),
                "clusters": report.as_ref().map(|r| r.clusters),
            }))
        })
    }

    /// `dedup-filter --shard i`: the filtered shard minus its removal list, through the
    /// pair extractor, into `OUTPUT/data/PREFIX-S-NNNNN.parquet`; removed documents to
    /// `OUTPUT/rejected/`; the shard's statistics and report measurements to `WORK`.
    pub fn dedup_filter(&self, shard: u32) -> Result<TaskReport> {
        let m = self.manifest()?;
        self.shard_plan(&m, shard)?;
        self.require_task(Step::DedupCluster, SINGLE)?;
        self.task(Step::DedupFilter, &shard_task(shard), |st| {
            let positions: Positions = read_json(&self.work.join("dedup/positions.json"))?;
            let start = *positions
                .start
                .get(shard as usize)
                .ok_or_else(|| CliError::Plan("positions.json does not cover this shard".into()))?;
            let mut pipeline = Pipeline::new();
            if self.dedup_cfg().is_some() {
                let removals = staged::read_removals(&self.work.join("dedup"), shard)?;
                pipeline.push(Box::new(RemovalStage::new(removals)));
            }
            let mut pair_stats = None;
            if self.config.pairs.enabled {
                let mut pc = self.config.pairs.clone();
                pc.prefix = format!("{}-{shard:05}", pc.prefix);
                let stage = PairStage::new(pc, st.out("pairs")).map_err(CliError::from)?;
                pair_stats = Some(stage.stats());
                pipeline.push(Box::new(stage));
            }
            let out = &self.config.output;
            let opts = WriterOptions {
                prefix: format!("{}-{shard:05}", out.shards.prefix),
                shard_bytes: out.shards.shard_bytes,
            };
            let inner: Box<dyn DocumentWriter> = match out.format {
                OutputFormat::Parquet => Box::new(ShardedWriter::new(
                    st.out("data"),
                    ParquetFormat::default(),
                    opts,
                )),
                OutputFormat::Jsonl => {
                    Box::new(ShardedWriter::new(st.out("data"), JsonlFormat, opts))
                }
            };
            let collector = Arc::new(Mutex::new(
                ReportCollector::starting_at(start).with_identifier(
                    sheikh_syntax::language_identifier(self.config.language.window),
                ),
            ));
            let writer = ObservedWriter {
                inner,
                collector: collector.clone(),
            };
            let mut sinks = Sinks::new(Box::new(writer)).with_rejected_policy(
                out.rejected_policy(Redactor::shared(&self.config.quality.redaction)),
            );
            if out.write_rejected {
                sinks = sinks.with_rejected(Some(rejected_writer(
                    st,
                    &format!("dedup-{shard:05}"),
                    out.shards.shard_bytes,
                )));
            }
            let reader = throttled(
                staged::open_shard(&self.filtered_path(shard))?,
                self.throttle,
            );
            let (mut stats, _) = pipeline.run(reader, sinks, |_| {})?;
            let staged_out = st.out("");
            stats.output_files = stats
                .output_files
                .iter()
                .map(|f| match Path::new(f).strip_prefix(&staged_out) {
                    Ok(rel) => self.output().join(rel).display().to_string(),
                    Err(_) => f.clone(),
                })
                .collect();
            if stats.written.docs != positions.kept[shard as usize] {
                return Err(CliError::Plan(format!(
                    "shard {shard}: kept {} documents, dedup-cluster expected {}",
                    stats.written.docs, positions.kept[shard as usize]
                )));
            }
            let mut collector = std::mem::take(&mut *collector.lock().expect("collector lock"));
            write_hashes(
                &st.work(format!("report/hashes-{shard:05}.bin")),
                &collector.take_sorted_hashes(),
            )?;
            write_json_atomic(
                st.work(format!("report/collector-{shard:05}.json")),
                &collector,
            )?;
            write_json_atomic(
                st.work(format!("stats/dedup-filter-{shard:05}.json")),
                &stats,
            )?;
            Ok(ShardSummary {
                read: stats.read.output.docs,
                kept: stats.written.docs,
                kept_bytes: stats.written.bytes,
                dropped: stats.stages.iter().map(|s| s.dropped_docs()).sum(),
                pairs: pair_stats.map_or(0, |p| p.pairs()),
            })
        })
    }

    /// `tokenize --shard i`: the shard's kept documents (its `dedup-filter` output)
    /// through [`DatasetWriter`] into `OUTPUT/tokens/shard-S/` (Megatron, flat,
    /// packed Parquet, as the tokenize config says; the tokenizer is copied once, to
    /// `OUTPUT/tokens/tokenizer.json`, by `report`), and its token statistics to
    /// `WORK/stats/tokenize-S.json`. Every random choice is keyed by (seed, document
    /// id), so the samples are the single-process run's; concatenating the shards'
    /// flat files gives the single-process token stream (with `repo_level` off; packed
    /// sequences differ at shard ends).
    pub fn tokenize(&self, shard: u32) -> Result<TaskReport> {
        let m = self.manifest()?;
        self.shard_plan(&m, shard)?;
        let tcfg = self.tokenize.as_ref().ok_or_else(|| {
            CliError::Config("tokenize: no tokenize config (pass --tokenize-config FILE)".into())
        })?;
        let done = read_marker(&self.work, Step::DedupFilter.name(), &shard_task(shard))?
            .ok_or_else(|| {
                CliError::Plan(format!(
                    "task dedup-filter-{} is not complete; run it first",
                    shard_task(shard)
                ))
            })?;
        let data_dir = self.output().join("data");
        let inputs: Vec<PathBuf> = done
            .files
            .iter()
            .filter(|f| f.parent() == Some(data_dir.as_path()))
            .cloned()
            .collect();
        self.task(Step::Tokenize, &shard_task(shard), |st| {
            let rel = PathBuf::from(format!("tokens/shard-{shard:05}"));
            let dir = st.out(&rel);
            // One copy of the tokenizer for all shards (by `report`), not one per shard.
            let mut tcfg = tcfg.clone();
            tcfg.outputs.copy_tokenizer = false;
            let mut writer = DatasetWriter::new(&tcfg, &dir).map_err(CliError::from)?;
            for file in &inputs {
                let reader: BoxReader = match self.config.output.format {
                    OutputFormat::Parquet => Box::new(ParquetReader::open(
                        file,
                        Default::default(),
                        Default::default(),
                    )?),
                    OutputFormat::Jsonl => Box::new(JsonlReader::open(
                        file,
                        Default::default(),
                        Default::default(),
                    )?),
                };
                for batch in throttled(reader, self.throttle) {
                    writer
                        .write_batch(&batch?.documents)
                        .map_err(CliError::from)?;
                }
            }
            let mut summary = writer.finish().map_err(CliError::from)?;
            // Name the files where they will be once committed.
            let fin = self.output().join(&rel);
            let fix = |p: &mut PathBuf| {
                if let Ok(r) = p.strip_prefix(&dir) {
                    *p = fin.join(r);
                }
            };
            fix(&mut summary.dir);
            fix(&mut summary.tokenizer);
            summary.megatron_prefix.iter_mut().for_each(fix);
            summary.flat.iter_mut().for_each(fix);
            summary.parquet.iter_mut().for_each(fix);
            summary.files.iter_mut().for_each(fix);
            write_json_atomic(dir.join("dataset.json"), &summary)?;
            let stats = summary.stats.clone().unwrap_or_default();
            write_json_atomic(st.work(format!("stats/tokenize-{shard:05}.json")), &stats)?;
            Ok(serde_json::json!({
                "documents": stats.documents,
                "samples": stats.samples,
                "tokens": stats.tokens,
                "sequences": stats.sequences,
            }))
        })
    }

    /// `report`: merges the shards' statistics, the dedup report and the report
    /// measurements into `OUTPUT/stats.json`, `stats.md`, `dedup.json`,
    /// `report.{json,md,html}`, `ondevice.md` and `timings.json` (per-step task times).
    pub fn report(&self) -> Result<TaskReport> {
        let m = self.manifest()?;
        self.require(&m, Step::DedupFilter)?;
        self.require(&m, Step::Tokenize)?;
        let report = self.report_task(&m)?;
        // Last, once every step committed: the completion marker of the output.
        if report.status != crate::task::TaskStatus::Skipped
            || !self.output().join(SUCCESS_FILE).exists()
        {
            write_success(self.output())?;
        }
        Ok(report)
    }

    fn report_task(&self, m: &Manifest) -> Result<TaskReport> {
        let m = m.clone();
        self.task(Step::Report, SINGLE, |st| {
            let mut filter = PipelineStats::default();
            let mut second = PipelineStats::default();
            let mut collector = ReportCollector::new();
            let mut pairs = 0u64;
            for s in 0..m.num_shards {
                let f: PipelineStats = read_json(&self.work.join(format!("stats/filter-{s:05}.json")))?;
                merge_pipeline_stats(&mut filter, &f)?;
                let d: PipelineStats = read_json(&self.work.join(format!("stats/dedup-filter-{s:05}.json")))?;
                merge_pipeline_stats(&mut second, &d)?;
                let c: ReportCollector = read_json(&self.work.join(format!("report/collector-{s:05}.json")))?;
                collector.merge(c);
                if let Some(mk) = read_marker(&self.work, Step::DedupFilter.name(), &shard_task(s))? {
                    pairs += mk.summary.get("pairs").and_then(|p| p.as_u64()).unwrap_or(0);
                }
            }
            let hash_files: Vec<PathBuf> = (0..m.num_shards)
                .map(|s| self.work.join(format!("report/hashes-{s:05}.bin")))
                .collect();
            collector.add_exact_duplicates(cross_shard_duplicates(&hash_files)?);
            let tokens = match &self.tokenize {
                Some(t) => Some(self.merge_tokens(&m, t, st)?),
                None => None,
            };
            let timings = self.timings(&m)?;
            // Dedup's time in the staged run: its dedup-filter part plus the three
            // dedup steps.
            let dedup_compute: f64 = timings
                .iter()
                .filter(|t| matches!(t.step.as_str(), "dedup-signatures" | "dedup-buckets" | "dedup-cluster"))
                .map(|t| t.task_seconds)
                .sum();
            let mut stats = join_halves(&filter, &second)?;
            if let Some(d) = stats.stages.iter_mut().find(|s| s.name == sheikh_dedup::STAGE_NAME) {
                d.wall_seconds += dedup_compute;
            }
            stats.wall_seconds = timings.iter().map(|t| t.task_seconds).sum();
            stats
                .check_balance()
                .map_err(|e| CliError::Plan(format!("merged statistics do not balance: {e}")))?;
            let out = self.output();
            write_json_atomic(st.out("stats.json"), &stats)?;
            let mut md = format!(
                "# Pipeline statistics\n\nInput: `{}` ({} shards)\n\n{}\nWritten: {} documents, {:.3} MB in {} file(s).\n",
                self.config.input.path.display(),
                m.num_shards,
                stats.to_markdown(),
                stats.written.docs,
                stats.written.bytes as f64 / 1e6,
                stats.output_files.len()
            );
            if self.config.pairs.enabled {
                md.push_str(&format!(
                    "\nCode-comment pairs: {pairs} written to `{}`.\n",
                    out.join("pairs").display()
                ));
            }
            let dedup: Option<DedupReport> = match self.dedup_cfg() {
                Some(_) => {
                    let mut d: DedupReport = read_json(&self.work.join("dedup/clusters/report.json"))?;
                    d.finalize();
                    write_json_atomic(st.out("dedup.json"), &d)?;
                    md.push_str("\n## Deduplication\n\n");
                    md.push_str(&d.to_markdown());
                    Some(d)
                }
                None => None,
            };
            md.push_str("\n## Tasks\n\n| step | tasks | task seconds (sum) | slowest task (s) | peak RSS (MB) |\n|---|---:|---:|---:|---:|\n");
            for t in &timings {
                md.push_str(&format!(
                    "| {} | {} | {:.2} | {:.2} | {} |\n",
                    t.step,
                    t.tasks,
                    t.task_seconds,
                    t.max_seconds,
                    t.max_peak_rss_bytes.map_or("–".to_string(), |b| format!("{:.0}", b as f64 / 1e6))
                ));
            }
            write_text(&st.out("stats.md"), &md)?;
            write_json_atomic(st.out("timings.json"), &timings)?;
            let mut inputs = ReportInputs::new(&stats, &collector);
            inputs.input = self.config.input.path.display().to_string();
            inputs.quality_threshold = self.config.quality.score.threshold;
            inputs.dedup = dedup.as_ref().map(sheikh::report::dedup_summary);
            inputs.tokens = tokens.as_ref().map(|(t, _)| t.clone());
            if let Some((_, ts)) = &tokens {
                inputs.tables.push(
                    sheikh::report::context_coverage_table(ts, &self.config.ondevice.contexts)
                        .map_err(CliError::from)?,
                );
            }
            let report = DataReport::build(inputs);
            write_json_atomic(st.out("report.json"), &report)?;
            write_text(&st.out("report.md"), &report.to_markdown())?;
            write_text(&st.out("report.html"), &report.to_html())?;
            // The on-device plan, with the context-coverage table when tokenized.
            let buckets = tokens
                .as_ref()
                .map(|(_, s)| s.histogram.buckets().collect::<Vec<_>>());
            let ondevice = self
                .config
                .ondevice
                .report(buckets)
                .map_err(CliError::from)?;
            write_text(&st.out("ondevice.md"), &ondevice)?;
            Ok(serde_json::json!({
                "read": stats.read.input.docs,
                "written": stats.written.docs,
                "pairs": pairs,
                "report_exact_duplicates": collector.exact_duplicates(),
                "tokens": tokens.as_ref().map(|(_, s)| s.tokens),
            }))
        })
    }

    /// Sums the shards' token statistics, writes `OUTPUT/tokens/datasets.json` (the
    /// shards' datasets in order, with the Megatron prefixes to blend) and returns the
    /// report's token summary.
    fn merge_tokens(
        &self,
        m: &Manifest,
        t: &TokenizeConfig,
        st: &Staging,
    ) -> Result<(sheikh_quality::report::TokenSummary, TokenStats)> {
        let mut total = TokenStats::default();
        let mut shards = Vec::new();
        for s in 0..m.num_shards {
            let one: TokenStats =
                read_json(&self.work.join(format!("stats/tokenize-{s:05}.json")))?;
            merge_token_stats(&mut total, &one);
            let ds: DatasetSummary = read_json(
                &self
                    .output()
                    .join(format!("tokens/shard-{s:05}/dataset.json")),
            )?;
            shards.push(serde_json::json!({
                "shard": s,
                "dir": ds.dir,
                "megatron_prefix": ds.megatron_prefix,
                "flat": ds.flat,
                "parquet": ds.parquet,
                "documents": one.documents,
                "tokens": one.tokens,
            }));
        }
        let mut tokenizer = t.tokenizer.clone();
        if t.outputs.copy_tokenizer {
            let staged = st.out("tokens/tokenizer.json");
            if let Some(parent) = staged.parent() {
                std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
            }
            std::fs::copy(&t.tokenizer, &staged).map_err(|e| CliError::io(&t.tokenizer, e))?;
            tokenizer = self.output().join("tokens/tokenizer.json");
        }
        write_json_atomic(
            st.out("tokens/datasets.json"),
            &serde_json::json!({"tokenizer": tokenizer, "seq_len": t.seq_len, "tokens": total.tokens, "documents": total.documents, "shards": shards}),
        )?;
        let summary = sheikh::report::token_summary(&total, &t.tokenizer);
        Ok((summary, total))
    }

    /// Per-step task counts and times, from the markers.
    pub fn timings(&self, m: &Manifest) -> Result<Vec<StepTiming>> {
        let mut out = Vec::new();
        for step in Step::ALL {
            let names = task_names(m, step);
            if names.is_empty() {
                continue;
            }
            let mut t = StepTiming {
                step: step.name().to_string(),
                tasks: names.len() as u32,
                ..Default::default()
            };
            for name in names {
                if let Some(mk) = read_marker(&self.work, step.name(), &name)? {
                    t.done += 1;
                    t.task_seconds += mk.seconds;
                    t.max_seconds = t.max_seconds.max(mk.seconds);
                    if let Some(r) = mk.peak_rss_bytes {
                        t.max_peak_rss_bytes = Some(t.max_peak_rss_bytes.unwrap_or(0).max(r));
                    }
                }
            }
            out.push(t);
        }
        Ok(out)
    }

    /// Runs every step on this machine, in order (tasks one after another; each task
    /// uses `runtime.threads`). Completed tasks are skipped, so this also resumes.
    pub fn run_all(&self, num_shards: u32) -> Result<Manifest> {
        let m = self.plan(num_shards)?;
        for step in Step::ALL {
            for i in 0..tasks_of(&m, step) {
                self.task_by_index(step, i)?;
            }
        }
        Ok(m)
    }
}

/// Task count and times of one step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepTiming {
    /// The step.
    pub step: String,
    /// Its tasks.
    pub tasks: u32,
    /// Completed tasks.
    pub done: u32,
    /// Sum of the tasks' wall times (seconds).
    pub task_seconds: f64,
    /// The slowest task (seconds).
    pub max_seconds: f64,
    /// The largest peak resident memory of its tasks (bytes), where measured.
    pub max_peak_rss_bytes: Option<u64>,
}

/// The number of tasks of a step in a plan.
pub fn tasks_of(m: &Manifest, step: Step) -> u32 {
    m.steps
        .iter()
        .find(|s| s.step == step.name())
        .map_or(0, |s| s.tasks)
}

/// The task names of a step in a plan (marker names `STEP-NAME`).
pub fn task_names(m: &Manifest, step: Step) -> Vec<String> {
    let n = tasks_of(m, step);
    match step {
        Step::DedupBuckets => (0..n)
            .map(|i| {
                if i + 1 == n {
                    "exact".to_string()
                } else {
                    format!("band-{i:03}")
                }
            })
            .collect(),
        Step::DedupCluster | Step::Report => (0..n).map(|_| SINGLE.to_string()).collect(),
        _ => (0..n).map(shard_task).collect(),
    }
}

/// Adds one shard's token statistics to a total.
pub fn merge_token_stats(into: &mut TokenStats, o: &TokenStats) {
    into.documents += o.documents;
    into.samples += o.samples;
    into.tokens += o.tokens;
    for (l, v) in &o.languages {
        let e = into.languages.entry(*l).or_default();
        e.documents += v.documents;
        e.tokens += v.tokens;
    }
    into.plain += o.plain;
    into.fim_psm += o.fim_psm;
    into.fim_spm += o.fim_spm;
    into.repo_samples += o.repo_samples;
    into.truncated_tokens += o.truncated_tokens;
    into.sequences += o.sequences;
    into.padding_tokens += o.padding_tokens;
    into.dropped_tokens += o.dropped_tokens;
    into.histogram.merge(&o.histogram);
}

fn filtered_rel(shard: u32) -> PathBuf {
    PathBuf::from(format!("filtered/shard-{shard:05}-00000.parquet"))
}

fn rejected_writer(st: &Staging, prefix: &str, shard_bytes: u64) -> Box<dyn DocumentWriter> {
    Box::new(ShardedWriter::new(
        st.out("rejected"),
        JsonlFormat,
        WriterOptions {
            prefix: prefix.to_string(),
            shard_bytes,
        },
    ))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| CliError::json(path, e))
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(text.as_bytes())
        .map_err(|e| CliError::io(path, e))?;
    f.commit()?;
    Ok(())
}

/// Opens a shard's files as the single-process reader would read them. A source tree
/// is read through a tree of hard links (copies across file systems) to the shard's
/// files under `scratch`, with the same relative paths, so documents (paths,
/// repositories, ids, vendored flags) are exactly the single-process run's. Returns
/// the link tree's root, if any.
fn open_input(
    m: &Manifest,
    config: &PipelineConfig,
    files: &[crate::plan::InputFile],
    scratch: &Path,
) -> Result<(BoxReader, Option<PathBuf>)> {
    let input = &config.input;
    match m.kind {
        InputKind::Directory => {
            let tree = scratch.join("input");
            std::fs::create_dir_all(&tree).map_err(|e| CliError::io(&tree, e))?;
            for f in files {
                let src = m.root.join(&f.path);
                let dst = tree.join(&f.path);
                if let Some(parent) = dst.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
                }
                if std::fs::hard_link(&src, &dst).is_err() {
                    let regular = std::fs::symlink_metadata(&src)
                        .map_err(|e| CliError::io(&src, e))?
                        .is_file();
                    if regular {
                        std::fs::copy(&src, &dst).map_err(|e| CliError::io(&src, e))?;
                    } else {
                        // Never copy a FIFO or a device (copying blocks or reads forever):
                        // a link to it is counted as `not_regular_file` all the same.
                        std::os::unix::fs::symlink(&src, &dst)
                            .map_err(|e| CliError::io(&dst, e))?;
                    }
                }
            }
            let mut b = DirectoryReader::builder(&tree)
                .options(input.read.clone())
                .repo_from_top_dir(input.repo_from_top_dir);
            if let Some(r) = &input.repo_name {
                b = b.repo_name(r.clone());
            }
            Ok((Box::new(b.build()?), Some(tree)))
        }
        InputKind::Jsonl | InputKind::Parquet => {
            let reader = FileChain {
                files: files.iter().map(|f| m.root.join(&f.path)).collect(),
                current: None,
                kind: m.kind,
                config: input.clone(),
            };
            Ok((Box::new(reader), None))
        }
    }
}

/// JSONL or Parquet files read one after another.
struct FileChain {
    files: VecDeque<PathBuf>,
    current: Option<BoxReader>,
    kind: InputKind,
    config: sheikh_core::config::InputConfig,
}

impl Iterator for FileChain {
    type Item = sheikh_core::Result<ReadBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.current.as_mut() {
                if let Some(b) = r.next() {
                    return Some(b);
                }
                self.current = None;
            }
            let path = self.files.pop_front()?;
            let (fields, read) = (self.config.fields.clone(), self.config.read.clone());
            let opened: sheikh_core::Result<BoxReader> = match (self.kind, &self.config.stack_v2) {
                // The Stack v2's rows: each file's blobs fetched by blob_id.
                (InputKind::Parquet, Some(stack)) => {
                    sheikh_core::io::StackV2Reader::open(&path, stack.clone(), read)
                        .map(|r| Box::new(r) as BoxReader)
                }
                (InputKind::Parquet, None) => {
                    ParquetReader::open(&path, fields, read).map(|r| Box::new(r) as BoxReader)
                }
                _ => JsonlReader::open(&path, fields, read).map(|r| Box::new(r) as BoxReader),
            };
            match opened {
                Ok(r) => self.current = Some(r),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

fn throttled(reader: BoxReader, delay: Duration) -> BoxReader {
    if delay.is_zero() {
        reader
    } else {
        Box::new(reader.inspect(move |_| std::thread::sleep(delay)))
    }
}

/// Copies the rejected-inputs log, naming sources by their real paths instead of the
/// link tree's.
fn copy_rejected_inputs(from: &Path, to: &Path, tree: Option<(&Path, &Path)>) -> Result<()> {
    let mut out = AtomicFile::create(to)?;
    if let Ok(file) = std::fs::File::open(from) {
        for line in BufReader::new(file).lines() {
            let line = line.map_err(|e| CliError::io(from, e))?;
            let mut r: RejectedInput =
                serde_json::from_str(&line).map_err(|e| CliError::json(from, e))?;
            if let Some((tree, root)) = tree {
                if let Ok(rel) = Path::new(&r.source).strip_prefix(tree) {
                    r.source = root.join(rel).display().to_string();
                }
            }
            serde_json::to_writer(&mut out, &r).map_err(|e| CliError::json(to, e))?;
            out.write_all(b"\n").map_err(|e| CliError::io(to, e))?;
        }
    }
    out.commit()?;
    Ok(())
}

/// Passes kept documents to the writer and measures them for the report.
struct ObservedWriter {
    inner: Box<dyn DocumentWriter>,
    collector: Arc<Mutex<ReportCollector>>,
}

impl DocumentWriter for ObservedWriter {
    fn write_batch(&mut self, docs: &[Document]) -> sheikh_core::Result<()> {
        self.collector
            .lock()
            .expect("report collector lock")
            .observe_batch(docs);
        self.inner.write_batch(docs)
    }

    fn finish(&mut self) -> sheikh_core::Result<Vec<PathBuf>> {
        self.inner.finish()
    }
}

/// Drops the documents of a shard's removal list (by row, checking the id), with the
/// in-memory stage's reasons and details.
struct RemovalStage {
    removals: HashMap<u32, RemovalLine>,
    row: u32,
    removed: usize,
}

impl RemovalStage {
    fn new(lines: Vec<RemovalLine>) -> Self {
        RemovalStage {
            removals: lines.into_iter().map(|l| (l.row, l)).collect(),
            row: 0,
            removed: 0,
        }
    }
}

impl Stage for RemovalStage {
    fn name(&self) -> &str {
        sheikh_dedup::STAGE_NAME
    }

    fn process(&mut self, batch: Vec<Document>) -> Result<Vec<Outcome>, StageError> {
        let mut out = Vec::with_capacity(batch.len());
        for doc in batch {
            let row = self.row;
            self.row += 1;
            match self.removals.get(&row) {
                None => out.push(Outcome::Keep(doc)),
                Some(l) if l.id != doc.id => {
                    return Err(StageError::new(
                        sheikh_dedup::STAGE_NAME,
                        format!(
                            "row {row} has id {} but the removal list says {}: the filtered shard changed since dedup-signatures",
                            doc.id, l.id
                        ),
                    ))
                }
                Some(l) => {
                    self.removed += 1;
                    let detail = match (l.reason, l.cluster) {
                        (Reason::NearDuplicate, Some(c)) => {
                            format!("near duplicate of {} (cluster {c})", l.duplicate_of)
                        }
                        (Reason::NearDuplicate, None) => format!("near duplicate of {}", l.duplicate_of),
                        _ => format!("exact duplicate of {}", l.duplicate_of),
                    };
                    out.push(Outcome::Drop(doc, Rejection::new(l.reason, detail)));
                }
            }
        }
        Ok(out)
    }

    fn finish(&mut self) -> Result<Vec<Outcome>, StageError> {
        if self.removed != self.removals.len() {
            return Err(StageError::new(
                sheikh_dedup::STAGE_NAME,
                "the shard has fewer rows than its removal list names",
            ));
        }
        Ok(Vec::new())
    }
}

/// Writes sorted 64-bit hashes (little-endian) atomically.
fn write_hashes(path: &Path, hashes: &[u64]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    for h in hashes {
        f.write_all(&h.to_le_bytes())
            .map_err(|e| CliError::io(path, e))?;
    }
    f.commit()?;
    Ok(())
}

/// Streaming k-way merge of per-shard sorted hash files: the number of documents
/// whose hash another shard already holds (each file's hashes are distinct), i.e.
/// `Σ distinct per shard − distinct overall`. Memory: one buffered reader per file.
pub fn cross_shard_duplicates(files: &[PathBuf]) -> Result<u64> {
    struct Src {
        r: std::io::BufReader<std::fs::File>,
        path: PathBuf,
    }
    fn next(s: &mut Src) -> Result<Option<u64>> {
        let mut b = [0u8; 8];
        match s.r.read_exact(&mut b) {
            Ok(()) => Ok(Some(u64::from_le_bytes(b))),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(CliError::io(&s.path, e)),
        }
    }
    let mut srcs = Vec::with_capacity(files.len());
    let mut heap = BinaryHeap::new();
    for (i, p) in files.iter().enumerate() {
        let f = std::fs::File::open(p).map_err(|e| CliError::io(p, e))?;
        let mut s = Src {
            r: std::io::BufReader::with_capacity(64 << 10, f),
            path: p.clone(),
        };
        if let Some(h) = next(&mut s)? {
            heap.push(std::cmp::Reverse((h, i)));
        }
        srcs.push(s);
    }
    let mut dups = 0u64;
    let mut last: Option<u64> = None;
    while let Some(std::cmp::Reverse((h, i))) = heap.pop() {
        if last == Some(h) {
            dups += 1;
        }
        last = Some(h);
        if let Some(n) = next(&mut srcs[i])? {
            heap.push(std::cmp::Reverse((n, i)));
        }
    }
    Ok(dups)
}
