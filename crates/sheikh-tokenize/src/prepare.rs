//! Training preparation: a trainer configuration and a token budget per language.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::{write_json, DatasetSummary};
use crate::error::{Result, TokenizeError};

/// File format of the training configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigFormat {
    /// `training.yaml` (default).
    #[default]
    Yaml,
    /// `training.json`.
    Json,
}

/// The `training` section: what [`prepare_training`] needs beyond the dataset.
///
/// ```
/// let c = sheikh_tokenize::TrainingPrepConfig::default();
/// assert_eq!((c.per_device_train_batch_size, c.learning_rate), (8, 1e-4));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingPrepConfig {
    /// Model to train, a hub name or a local path; written as is, never fetched
    /// (default `Qwen/Qwen2.5-Coder-3B`, the ≈3B coder this data is prepared for).
    pub model_name_or_path: String,
    /// Where the trainer writes checkpoints (default `checkpoints/sheikh-coder`).
    pub output_dir: PathBuf,
    /// Sequences per device per step (default `8`).
    pub per_device_train_batch_size: u64,
    /// Gradient accumulation steps (default `1`).
    pub gradient_accumulation_steps: u64,
    /// Data-parallel devices (default `1`).
    pub devices: u64,
    /// Peak learning rate (default `1e-4`).
    pub learning_rate: f64,
    /// Scheduler (default `cosine`).
    pub lr_scheduler_type: String,
    /// Share of steps for warm-up (default `0.03`).
    pub warmup_ratio: f64,
    /// Passes over the data (default `1.0`).
    pub epochs: f64,
    /// `yaml` (default) or `json`.
    pub format: ConfigFormat,
}

impl Default for TrainingPrepConfig {
    fn default() -> Self {
        TrainingPrepConfig {
            model_name_or_path: "Qwen/Qwen2.5-Coder-3B".into(),
            output_dir: PathBuf::from("checkpoints/sheikh-coder"),
            per_device_train_batch_size: 8,
            gradient_accumulation_steps: 1,
            devices: 1,
            learning_rate: 1e-4,
            lr_scheduler_type: "cosine".into(),
            warmup_ratio: 0.03,
            epochs: 1.0,
            format: ConfigFormat::Yaml,
        }
    }
}

impl TrainingPrepConfig {
    /// Checks what serde cannot, naming the field: batch size, accumulation steps and
    /// devices are at least 1, `epochs` and `learning_rate` positive and finite,
    /// `warmup_ratio` in `[0, 1]`, and the global batch does not overflow.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(TokenizeError::Config(m));
        for (name, v) in [
            (
                "training.per_device_train_batch_size",
                self.per_device_train_batch_size,
            ),
            (
                "training.gradient_accumulation_steps",
                self.gradient_accumulation_steps,
            ),
            ("training.devices", self.devices),
        ] {
            if v == 0 {
                return bad(format!("{name} must be at least 1"));
            }
        }
        if self
            .per_device_train_batch_size
            .checked_mul(self.gradient_accumulation_steps)
            .and_then(|b| b.checked_mul(self.devices))
            .is_none()
        {
            return bad("training: per_device_train_batch_size x gradient_accumulation_steps x devices overflows".into());
        }
        if !(self.epochs > 0.0 && self.epochs.is_finite()) {
            return bad(format!("training.epochs = {} must be > 0", self.epochs));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return bad(format!(
                "training.learning_rate = {} must be > 0",
                self.learning_rate
            ));
        }
        if !(0.0..=1.0).contains(&self.warmup_ratio) {
            return bad(format!(
                "training.warmup_ratio = {} is not in [0, 1]",
                self.warmup_ratio
            ));
        }
        Ok(())
    }
}

/// The datasets a training run reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingData {
    /// `pretraining` or `instruction`.
    pub kind: String,
    /// Parquet files (HF `datasets.load_dataset("parquet", data_files=…)`).
    pub parquet: Vec<PathBuf>,
    /// Megatron `--data-path` prefix.
    pub megatron_prefix: Option<PathBuf>,
    /// Flat token file.
    pub flat: Option<PathBuf>,
    /// The tokenizer.
    pub tokenizer: PathBuf,
}

/// The training configuration written by [`prepare_training`] (HF `TrainingArguments`
/// names where one exists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingPlan {
    /// Model name or path.
    pub model_name_or_path: String,
    /// Checkpoint directory.
    pub output_dir: PathBuf,
    /// Sequences per device per step.
    pub per_device_train_batch_size: u64,
    /// Gradient accumulation steps.
    pub gradient_accumulation_steps: u64,
    /// Data-parallel devices.
    pub devices: u64,
    /// Sequences per optimizer step (batch × accumulation × devices).
    pub global_batch_size: u64,
    /// Peak learning rate.
    pub learning_rate: f64,
    /// Scheduler.
    pub lr_scheduler_type: String,
    /// Warm-up share.
    pub warmup_ratio: f64,
    /// Warm-up steps (rounded up).
    pub warmup_steps: u64,
    /// Passes over the data.
    pub num_train_epochs: f64,
    /// Sequence length.
    pub seq_len: usize,
    /// Real (non-padding) tokens in the dataset.
    pub total_tokens: u64,
    /// Sequences per epoch: Parquet rows when written, else `ceil(tokens / seq_len)`.
    pub sequences_per_epoch: u64,
    /// Tokens per optimizer step (global batch × seq_len, padding included).
    pub tokens_per_step: u64,
    /// Steps per epoch, `ceil(sequences / global batch)`.
    pub steps_per_epoch: u64,
    /// Steps for all epochs, `ceil(sequences × epochs / global batch)`.
    pub max_steps: u64,
    /// Tokens seen over all epochs (`total_tokens × epochs`, rounded).
    pub tokens_seen: u64,
    /// Where the data is.
    pub data: TrainingData,
}

/// One row of the token budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetRow {
    /// Language (The Stack name) or `instruction`.
    pub language: String,
    /// Documents.
    pub documents: u64,
    /// Tokens in the dataset.
    pub tokens: u64,
    /// Share of all tokens.
    pub share: f64,
    /// Tokens seen over all epochs.
    pub tokens_seen: u64,
}

/// What [`prepare_training`] wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreparedTraining {
    /// The plan.
    pub plan: TrainingPlan,
    /// Token budget per language.
    pub budget: Vec<BudgetRow>,
    /// `training.yaml` or `training.json`.
    pub config_path: PathBuf,
    /// `token_budget.json`.
    pub budget_json: PathBuf,
    /// `token_budget.md`.
    pub budget_md: PathBuf,
}

/// Writes `training.{yaml,json}`, `token_budget.json` and `token_budget.md` into
/// `out_dir` for the dataset `summary` describes.
///
/// ```
/// # use sheikh_tokenize::*;
/// # let dir = tempfile::tempdir().unwrap();
/// # let config = TokenizeConfig { tokenizer: concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tokenizer/tokenizer.json").into(), seq_len: 8, ..Default::default() };
/// # let mut w = DatasetWriter::new(&config, dir.path()).unwrap();
/// # w.write_batch(&[sheikh_core::Document::new("const a = 1;\nconst b = 2;\n", sheikh_core::Language::JavaScript)]).unwrap();
/// let summary = w.finish().unwrap();
/// let prep = TrainingPrepConfig { epochs: 2.0, ..Default::default() };
/// let p = prepare_training(&summary, &prep, dir.path()).unwrap();
/// assert_eq!(p.plan.max_steps, (summary.sequences() * 2).div_ceil(8));
/// assert!(p.config_path.ends_with("training.yaml"));
/// ```
pub fn prepare_training(
    summary: &DatasetSummary,
    config: &TrainingPrepConfig,
    out_dir: impl AsRef<Path>,
) -> Result<PreparedTraining> {
    config.validate()?;
    let out_dir = out_dir.as_ref();
    let seq_len = summary.seq_len as u64;
    let tokens = summary.tokens();
    let sequences = if summary.sequences() > 0 {
        summary.sequences()
    } else {
        tokens.div_ceil(seq_len.max(1))
    };
    let global =
        config.per_device_train_batch_size * config.gradient_accumulation_steps * config.devices;
    let max_steps = ((sequences as f64 * config.epochs).ceil() as u64).div_ceil(global);
    let plan = TrainingPlan {
        model_name_or_path: config.model_name_or_path.clone(),
        output_dir: config.output_dir.clone(),
        per_device_train_batch_size: config.per_device_train_batch_size,
        gradient_accumulation_steps: config.gradient_accumulation_steps,
        devices: config.devices,
        global_batch_size: global,
        learning_rate: config.learning_rate,
        lr_scheduler_type: config.lr_scheduler_type.clone(),
        warmup_ratio: config.warmup_ratio,
        warmup_steps: (max_steps as f64 * config.warmup_ratio).ceil() as u64,
        num_train_epochs: config.epochs,
        seq_len: summary.seq_len,
        total_tokens: tokens,
        sequences_per_epoch: sequences,
        tokens_per_step: global * seq_len,
        steps_per_epoch: sequences.div_ceil(global),
        max_steps,
        tokens_seen: (tokens as f64 * config.epochs).round() as u64,
        data: TrainingData {
            kind: summary.kind.clone(),
            parquet: summary.parquet.clone(),
            megatron_prefix: summary.megatron_prefix.clone(),
            flat: summary.flat.clone(),
            tokenizer: summary.tokenizer.clone(),
        },
    };
    let share = |t: u64| {
        if tokens == 0 {
            0.0
        } else {
            t as f64 / tokens as f64
        }
    };
    let seen = |t: u64| (t as f64 * config.epochs).round() as u64;
    let mut budget: Vec<BudgetRow> = match (&summary.stats, &summary.sft) {
        (Some(s), _) => s
            .languages
            .iter()
            .map(|(l, c)| BudgetRow {
                language: l.name().to_string(),
                documents: c.documents,
                tokens: c.tokens,
                share: share(c.tokens),
                tokens_seen: seen(c.tokens),
            })
            .collect(),
        (None, Some(s)) => vec![BudgetRow {
            language: "instruction".into(),
            documents: s.examples,
            tokens: s.tokens,
            share: 1.0,
            tokens_seen: seen(s.tokens),
        }],
        _ => Vec::new(),
    };
    budget.sort_by(|a, b| b.tokens.cmp(&a.tokens).then(a.language.cmp(&b.language)));

    let config_path = match config.format {
        ConfigFormat::Json => write_json(&out_dir.join("training.json"), &plan)?,
        ConfigFormat::Yaml => {
            let path = out_dir.join("training.yaml");
            let text = serde_saphyr::to_string(&plan)
                .map_err(|e| TokenizeError::Config(format!("yaml: {e}")))?;
            write_text(
                &path,
                &format!(
                    "# Written by sheikh-tokenize prepare_training for {}.\n{text}",
                    summary.dir.display()
                ),
            )?
        }
    };
    let budget_json = write_json(&out_dir.join("token_budget.json"), &budget)?;
    let mut md = format!(
        "# Token budget\n\n{} tokens, {} epoch(s), {} sequences of {} tokens per epoch, {} steps at a global batch of {}.\n\n",
        tokens, config.epochs, sequences, seq_len, max_steps, global
    );
    md.push_str("| language | documents | tokens | share | tokens seen |\n| --- | ---: | ---: | ---: | ---: |\n");
    for r in &budget {
        md.push_str(&format!(
            "| {} | {} | {} | {:.2}% | {} |\n",
            r.language,
            r.documents,
            r.tokens,
            100.0 * r.share,
            r.tokens_seen
        ));
    }
    let budget_md = write_text(&out_dir.join("token_budget.md"), &md)?;
    Ok(PreparedTraining {
        plan,
        budget,
        config_path,
        budget_json,
        budget_md,
    })
}

fn write_text(path: &Path, text: &str) -> Result<PathBuf> {
    let mut f = sheikh_core::io::AtomicFile::create(path)?;
    std::io::Write::write_all(&mut f, text.as_bytes()).map_err(|e| TokenizeError::io(path, e))?;
    Ok(f.commit()?)
}
