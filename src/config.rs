//! The full pipeline's configuration: the core sections plus each stage's settings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sheikh_core::config::{load_yaml, InputConfig, OutputConfig, RuntimeConfig};
use sheikh_core::LanguageConfig;
use sheikh_dedup::DedupConfig;
use sheikh_ondevice::OnDeviceConfig;
use sheikh_quality::{DecontaminationConfig, QualityConfig};
use sheikh_syntax::{PairsConfig, SyntaxConfig};
use sheikh_synth::SynthConfig;
use sheikh_tokenize::{TokenizeConfig, TrainingPrepConfig};

/// Everything `full_pipeline` needs, as read from `configs/pipeline.yaml`. Every section
/// and field has a documented default, so a file names only what differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineConfig {
    /// Where documents come from.
    pub input: InputConfig,
    /// Synthetic documents mixed into the input (off by default).
    pub synth: SynthConfig,
    /// Where kept and rejected documents, statistics and reports go.
    pub output: OutputConfig,
    /// Threads.
    pub runtime: RuntimeConfig,
    /// Language identification and selection.
    pub language: LanguageConfig,
    /// Heuristic quality filters, PII/secret redaction and the quality score.
    pub quality: QualityConfig,
    /// Removal of documents that contain benchmark material.
    pub decontamination: DecontaminationConfig,
    /// Syntax validation (annotates `metadata.syntax`, can drop invalid documents).
    pub syntax: SyntaxConfig,
    /// Exact and near-duplicate removal.
    pub dedup: DedupSection,
    /// CodeSearchNet-style code-comment pairs, written to `OUTPUT/pairs/` (on by default
    /// in the pipeline).
    pub pairs: PairsConfig,
    /// Tokenization of the written documents into training-ready datasets under
    /// `OUTPUT/tokens/` (Megatron, flat tokens, Parquet), with FIM and packing.
    pub tokenize: TokenizeConfig,
    /// The training configuration and token budget written next to the tokens
    /// (`OUTPUT/tokens/training.yaml`, `token_budget.md`).
    pub training: TrainingPrepConfig,
    /// The model and devices the on-device plan (`ondevice.md`) and the context-coverage
    /// table of the report are computed for.
    pub ondevice: OnDeviceConfig,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            input: InputConfig::default(),
            synth: SynthConfig::default(),
            output: OutputConfig::default(),
            runtime: RuntimeConfig::default(),
            language: LanguageConfig::default(),
            quality: QualityConfig::default(),
            decontamination: DecontaminationConfig::default(),
            syntax: SyntaxConfig::default(),
            dedup: DedupSection::default(),
            pairs: PairsConfig {
                enabled: true,
                ..PairsConfig::default()
            },
            tokenize: TokenizeConfig::default(),
            training: TrainingPrepConfig::default(),
            ondevice: OnDeviceConfig::default(),
        }
    }
}

/// The `dedup:` section: an on/off switch plus [`DedupConfig`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupSection {
    /// Run the stage (default `true`).
    pub enabled: bool,
    /// The deduplication settings.
    pub settings: DedupConfig,
}

impl Default for DedupSection {
    fn default() -> Self {
        DedupSection {
            enabled: true,
            settings: DedupConfig::default(),
        }
    }
}

impl PipelineConfig {
    /// Reads a YAML config file. Relative paths inside it are relative to the current
    /// directory.
    pub fn load(path: impl AsRef<Path>) -> sheikh_core::Result<Self> {
        load_yaml(path)
    }

    /// Checks the whole config before anything is read or written, so that a bad value
    /// in any section (the last ones included: `training:`, `ondevice:`) stops the run
    /// before the first byte, not after the data was committed. Every section's own
    /// checks run: input read options, output names, language, quality (every
    /// share/fraction in `[0, 1]`), decontamination, dedup, pairs, tokenize (FIM rates),
    /// training, on-device (reads the model's `config.json`) and synth. The message
    /// names the offending field.
    pub fn validate(&self) -> sheikh_core::Result<()> {
        fn section<E: std::fmt::Display>(
            name: &str,
            r: std::result::Result<(), E>,
        ) -> sheikh_core::Result<()> {
            r.map_err(|e| sheikh_core::CoreError::Config {
                path: PathBuf::from(name),
                message: format!("{name}: {e}"),
            })
        }
        self.input.validate()?;
        self.output.validate()?;
        let lang = &self.language;
        if !(0.0..=1.0).contains(&lang.min_confidence) {
            section(
                "language",
                Err(format!(
                    "language.min_confidence = {} is not in [0, 1]",
                    lang.min_confidence
                )),
            )?;
        }
        if lang.window == 0 {
            section("language", Err("language.window must be at least 1"))?;
        }
        section("quality", self.quality.validate())?;
        section("decontamination", self.decontamination.validate())?;
        section("dedup.settings", self.dedup.settings.validate())?;
        section(
            "pairs",
            sheikh_core::io::validate_file_name("pairs.prefix", &self.pairs.prefix),
        )?;
        section("tokenize", self.tokenize.validate())?;
        section("training", self.training.validate())?;
        section("ondevice", self.ondevice.validate())?;
        section("synth", self.synth.validate())?;
        Ok(())
    }

    /// Makes relative input/output paths relative to `base` instead of the current
    /// directory (object-store URLs stay as they are).
    pub fn rebase(mut self, base: &Path) -> Self {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() && !sheikh_core::store::is_url(p) {
                *p = base.join(&*p);
            }
        };
        fix(&mut self.input.path);
        fix(&mut self.output.path);
        self.ondevice = self.ondevice.rebase(base);
        let tokenize = std::mem::take(&mut self.tokenize);
        self.tokenize = tokenize.rebase(base);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore = "prints the defaults as YAML, for writing configs/pipeline.yaml"]
    fn print_defaults() {
        println!(
            "{}",
            serde_saphyr::to_string(&PipelineConfig::default()).unwrap()
        );
    }

    #[test]
    fn shipped_config_parses_and_states_the_defaults() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let shipped = PipelineConfig::load(root.join("configs/pipeline.yaml")).unwrap();
        // The shipped file documents the defaults: apart from the fixture input settings,
        // it must say exactly what the code's defaults are.
        let mut expected = PipelineConfig::default();
        expected.input.repo_from_top_dir = true;
        assert!(
            expected.pairs.enabled,
            "the pipeline writes pairs by default"
        );
        assert_eq!(shipped, expected);
        shipped.rebase(root).validate().unwrap();
    }
}
