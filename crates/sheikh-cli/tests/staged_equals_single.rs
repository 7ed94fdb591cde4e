//! The staged run (every step, every task, over several shards) keeps exactly what the
//! single-process pipeline keeps, removes the same duplicates, extracts the same pairs
//! and reports the same statistics.

mod common;

use common::*;
use sheikh_cli::{Run, Step, TaskStatus};

#[test]
fn staged_run_equals_single_process_run() {
    let dir = tempfile::tempdir().unwrap();
    let single_out = dir.path().join("single");
    let summary = sheikh::run_pipeline(&config(&single_out), |_| {}).unwrap();
    assert!(
        summary.dedup.as_ref().unwrap().removed > 0,
        "the fixtures must exercise dedup"
    );
    let single = kept(&single_out);
    assert!(single.len() > 10);

    for shards in [4u32, 7] {
        let out = dir.path().join(format!("staged-{shards}"));
        let run = Run::new(config(&out), dir.path().join(format!("work-{shards}"))).unwrap();
        let m = run.run_all(shards).unwrap();
        assert_eq!(m.num_shards, shards);
        assert!(
            m.shards
                .iter()
                .filter(|s| s.end_file > s.first_file)
                .count()
                >= 4
        );

        let staged = kept(&out);
        assert_eq!(staged.len(), single.len(), "{shards} shards");
        for (a, b) in staged.iter().zip(&single) {
            assert_eq!(essence(a), essence(b), "{shards} shards");
        }
        assert_eq!(dedup_removals(&out), dedup_removals(&single_out));
        assert!(!dedup_removals(&out).is_empty());
        // Code-comment pairs: the same records in the same order.
        let pairs = jsonl_lines(&out.join("pairs"), &[]);
        assert!(!pairs.is_empty());
        assert_eq!(pairs, jsonl_lines(&single_out.join("pairs"), &[]));
        // Every drop of every stage, with the same reasons.
        let ids = |v: Vec<serde_json::Value>| {
            let mut ids: Vec<String> = v
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_string())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(
            ids(jsonl_lines(&out.join("rejected"), &["filter-", "dedup-"])),
            ids(jsonl_lines(&single_out.join("rejected"), &["part-"]))
        );
        // Statistics, the dedup report and the data-quality report agree.
        assert_eq!(
            comparable_stats(&out.join("stats.json")),
            comparable_stats(&single_out.join("stats.json"))
        );
        // The dedup outcome agrees (the staged mode also counts the shingles and
        // candidate pairs of exact duplicates, so those diagnostics differ).
        let outcome = |p: &std::path::Path| {
            let v = comparable_stats(p);
            [
                "documents",
                "exact_duplicates",
                "near_duplicates",
                "removed",
                "clusters",
                "clustered_documents",
                "largest_cluster",
                "cluster_sizes",
                "duplication_rate",
                "bands",
                "rows",
            ]
            .map(|k| (k, v[k].clone()))
        };
        assert_eq!(
            outcome(&out.join("dedup.json")),
            outcome(&single_out.join("dedup.json"))
        );
        assert_eq!(
            comparable_stats(&out.join("report.json")),
            comparable_stats(&single_out.join("report.json"))
        );
        // Relaunching everything does nothing.
        for step in Step::ALL {
            for i in 0..sheikh_cli::tasks_of(&m, step) {
                assert_eq!(
                    run.task_by_index(step, i).unwrap().status,
                    TaskStatus::Skipped
                );
            }
        }
        let timings = run.timings(&m).unwrap();
        assert!(timings.iter().all(|t| t.done == t.tasks));
    }
}

#[test]
fn steps_refuse_to_run_out_of_order_or_with_another_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let work = dir.path().join("work");
    let run = Run::new(config(&out), &work).unwrap();
    assert!(run.filter(0).unwrap_err().to_string().contains("no plan"));
    run.plan(4).unwrap();
    assert!(run.filter(4).is_err(), "shard out of range");
    assert!(run
        .dedup_buckets(Some(0))
        .unwrap_err()
        .to_string()
        .contains("dedup-signatures"));
    assert!(run.report().is_err());
    run.filter(1).unwrap();
    let mut other = config(&out);
    other.quality.score.threshold = 0.9;
    let other = Run::new(other, &work).unwrap();
    assert!(other
        .filter(0)
        .unwrap_err()
        .to_string()
        .contains("another config"));
    // The thread count is not part of the config's identity.
    let mut threads = config(&out);
    threads.runtime.threads = 1;
    assert_eq!(
        Run::new(threads, &work).unwrap().filter(1).unwrap().status,
        TaskStatus::Skipped
    );
    // The config's tokenize section (on by default, as in full_pipeline) adds the step.
    let m = run.manifest().unwrap();
    assert!(sheikh_cli::tasks_of(&m, Step::Tokenize) > 0);
    // Without one there is no tokenize step.
    // (A plan claims its output directory: this one needs its own.)
    let mut no_tokens = config(&dir.path().join("out-no-tokens"));
    no_tokens.tokenize.enabled = false;
    let no_tokens = Run::new(no_tokens, dir.path().join("work-no-tokens")).unwrap();
    no_tokens.plan(4).unwrap();
    assert!(no_tokens
        .tokenize(0)
        .unwrap_err()
        .to_string()
        .contains("--tokenize-config"));
    let m = no_tokens.manifest().unwrap();
    assert_eq!(sheikh_cli::tasks_of(&m, Step::Tokenize), 0);
    // Synthetic mixing depends on batch boundaries: refused, not silently different.
    let mut synth = config(&out);
    synth.synth.enabled = true;
    let err = Run::new(synth, dir.path().join("work-synth"))
        .unwrap()
        .plan(4)
        .unwrap_err();
    assert!(err.to_string().contains("synth"), "{err}");
}
