//! The tokenize step over shards gives the single-process token stream, and the
//! comparison catches a difference.

mod common;

use common::*;
use sheikh::core::io::{DocumentWriter, ParquetFormat, ShardedWriter, WriterOptions};
use sheikh_cli::{compare_outputs, Run};
use sheikh_tokenize::TokenizeConfig;

#[test]
fn sharded_tokens_equal_one_pass_over_the_single_process_output() {
    let dir = tempfile::tempdir().unwrap();
    let single_out = dir.path().join("single");
    sheikh::run_pipeline(&config(&single_out), |_| {}).unwrap();

    let tcfg = TokenizeConfig {
        tokenizer: root().join("fixtures/tokenizer/tokenizer.json"),
        seq_len: 256,
        ..Default::default()
    };
    let out = dir.path().join("staged");
    let run = Run::with_tokenize(config(&out), tcfg.clone(), dir.path().join("work")).unwrap();
    run.run_all(5).unwrap();
    for s in 0..5 {
        assert!(out
            .join(format!("tokens/shard-{s:05}/dataset.json"))
            .exists());
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert!(
        report["tokens"]["per_language"]["JavaScript"]
            .as_u64()
            .unwrap()
            > 0
    );
    let datasets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("tokens/datasets.json")).unwrap()).unwrap();
    assert_eq!(datasets["shards"].as_array().unwrap().len(), 5);
    // The tokenizer travels with the data, once.
    assert!(out.join("tokens/tokenizer.json").exists());
    assert!(!out.join("tokens/shard-00000/tokenizer.json").exists());

    let c = compare_outputs(&out, &single_out, Some(&tcfg), &dir.path().join("scratch")).unwrap();
    assert!(c.identical(), "{c:?}");
    assert!(c.staged_documents > 10);
    assert!(c.staged_tokens.unwrap() > 1000);
    assert_eq!(c.staged_tokens, c.reference_tokens);
    assert_eq!(
        datasets["tokens"].as_u64(),
        Some(c.staged_tokens.unwrap()),
        "flat files hold every sample's tokens"
    );

    // A reference differing in one document is caught, at its position.
    let mut docs = kept(&single_out);
    docs[3].content.push_str("\n// changed\n");
    let altered = dir.path().join("altered");
    let mut w = ShardedWriter::new(
        altered.join("data"),
        ParquetFormat::default(),
        WriterOptions::default(),
    );
    w.write_batch(&docs).unwrap();
    w.finish().unwrap();
    let c = compare_outputs(&out, &altered, Some(&tcfg), &dir.path().join("scratch2")).unwrap();
    assert!(!c.identical());
    assert_eq!(c.first_difference, Some(3));
    assert_eq!(c.tokens_identical, Some(false));
}
