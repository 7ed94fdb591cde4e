//! Training preparation and the pipeline stage.

mod common;

use sheikh_core::{Pipeline, Sinks};
use sheikh_tokenize::{
    prepare_training, ConfigFormat, DatasetWriter, TokenizeConfig, TokenizeStage, TrainingPlan,
    TrainingPrepConfig,
};

#[test]
fn training_config_and_budget_follow_the_dataset() {
    let docs = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let config = TokenizeConfig {
        seq_len: 512,
        ..common::config()
    };
    let mut w = DatasetWriter::new(&config, dir.path().join("tokens")).unwrap();
    w.write_batch(&docs).unwrap();
    let summary = w.finish().unwrap();
    let stats = summary.stats.clone().unwrap();
    let prep = TrainingPrepConfig {
        epochs: 3.0,
        per_device_train_batch_size: 8,
        gradient_accumulation_steps: 2,
        ..Default::default()
    };
    let p = prepare_training(&summary, &prep, dir.path()).unwrap();
    let seqs = stats.sequences;
    assert_eq!(p.plan.sequences_per_epoch, seqs);
    assert_eq!(p.plan.global_batch_size, 16);
    assert_eq!(p.plan.max_steps, (seqs * 3).div_ceil(16));
    assert_eq!(p.plan.steps_per_epoch, seqs.div_ceil(16));
    assert_eq!(p.plan.total_tokens, stats.tokens);
    assert_eq!(p.plan.tokens_seen, stats.tokens * 3);
    assert_eq!(p.plan.learning_rate, 1e-4);
    assert_eq!(p.plan.seq_len, 512);
    // The YAML reads back to the same plan.
    let text = std::fs::read_to_string(&p.config_path).unwrap();
    let back: TrainingPlan = sheikh_core::config::from_yaml_str(&text).unwrap();
    assert_eq!(back, p.plan);
    // Budget rows: one per language, tokens add up, sorted by tokens.
    assert_eq!(p.budget.len(), stats.languages.len());
    assert_eq!(p.budget.iter().map(|r| r.tokens).sum::<u64>(), stats.tokens);
    assert!(p.budget.windows(2).all(|w| w[0].tokens >= w[1].tokens));
    let md = std::fs::read_to_string(&p.budget_md).unwrap();
    assert!(md.contains("| JavaScript |"), "{md}");
    // JSON variant.
    let p = prepare_training(
        &summary,
        &TrainingPrepConfig {
            format: ConfigFormat::Json,
            ..prep
        },
        dir.path(),
    )
    .unwrap();
    let back: TrainingPlan =
        serde_json::from_str(&std::fs::read_to_string(&p.config_path).unwrap()).unwrap();
    assert_eq!(back.max_steps, p.plan.max_steps);
    assert!(prepare_training(
        &summary,
        &TrainingPrepConfig {
            devices: 0,
            ..Default::default()
        },
        dir.path()
    )
    .is_err());
}

#[test]
fn the_stage_runs_at_the_end_of_a_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let input = sheikh_core::config::InputConfig {
        path: common::root().join("fixtures/corpus"),
        repo_from_top_dir: true,
        ..Default::default()
    };
    let stage = TokenizeStage::new(&common::config(), dir.path().join("tokens")).unwrap();
    let summary = stage.summary();
    let mut pipeline = Pipeline::new().with_stage(stage);
    let output = sheikh_core::config::OutputConfig {
        path: dir.path().join("out"),
        ..Default::default()
    };
    let (stats, _) = pipeline
        .run(
            input.open().unwrap(),
            Sinks::new(output.open_writer()),
            |_| {},
        )
        .unwrap();
    let s = summary
        .lock()
        .unwrap()
        .clone()
        .expect("summary after finish");
    let t = s.stats.unwrap();
    assert_eq!(t.documents, stats.written.docs);
    assert!(t.tokens > 10_000);
    assert!(dir
        .path()
        .join("tokens/megatron/train_text_document.idx")
        .exists());
}
