//! The evaluator on `fixtures/eval/predictions.jsonl`: syntax validity, CodeBLEU,
//! pass@k with node (when installed), errors with line numbers.

use std::io::Write;
use std::path::PathBuf;

use sheikh_core::Language;
use sheikh_eval::{
    EvalConfig, EvalError, EvalReport, Evaluator, ExecConfig, NodeRunner, TARGET_CODEBLEU,
};

fn predictions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/eval/predictions.jsonl")
}

fn node_available() -> bool {
    NodeRunner::detect(ExecConfig::default()).is_ok()
}

#[test]
fn report_without_execution() {
    let report = Evaluator::new(EvalConfig::default())
        .unwrap()
        .evaluate_file(predictions())
        .unwrap();
    assert_eq!(report.records, 8);
    assert_eq!(report.predictions, 13);
    let js = report.syntax_validity.per_language[&Language::JavaScript];
    assert_eq!((js.predictions, js.valid, js.invalid), (10, 9, 1));
    assert_eq!(
        report.syntax_validity.per_language[&Language::TypeScript].valid,
        2
    );
    assert_eq!(report.syntax_validity.per_language[&Language::Jsx].valid, 1);
    assert!((report.syntax_validity.overall().rate() - 12.0 / 13.0).abs() < 1e-12);

    // JS: 5 records with a reference; TS: 2; the JSX record has none.
    assert_eq!(report.codebleu["JavaScript"].pairs, 5);
    assert_eq!(report.codebleu["TypeScript"].pairs, 2);
    assert_eq!(report.codebleu["all"].pairs, 7);
    assert_eq!(report.codebleu_skipped, 1);
    for s in report.codebleu.values() {
        for v in [
            s.codebleu,
            s.ngram_match,
            s.weighted_ngram_match,
            s.syntax_match,
            s.dataflow_match,
        ] {
            assert!((0.0..=1.0).contains(&v), "{s:?}");
        }
    }

    // Targets: syntax validity 92.3% < 95% fails; CodeBLEU compared with 0.65.
    assert_eq!(report.targets.len(), 2);
    assert!(!report.targets[0].pass);
    assert_eq!(
        report.targets[1].pass,
        report.codebleu["all"].codebleu > TARGET_CODEBLEU
    );
    assert!(!report.execution.requested);
    assert!(report.pass_at_k.is_empty());

    let md = report.to_markdown();
    for needle in [
        "## Targets",
        "syntax validity (model output)",
        "CodeBLEU (model output)",
        "| JavaScript | 10 | 9 | 1 | 0 | 90.0% |",
        "## CodeBLEU",
        "## pass@k",
        "not executed",
    ] {
        assert!(md.contains(needle), "markdown lacks {needle:?}:\n{md}");
    }
    let json = serde_json::to_string(&report).unwrap();
    let back: EvalReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn pass_at_k_with_node() {
    if !node_available() {
        eprintln!("node not installed: skipping the execution test");
        return;
    }
    let config = EvalConfig {
        ks: vec![1, 2, 10],
        execute: true,
        ..Default::default()
    };
    let report = Evaluator::new(config)
        .unwrap()
        .evaluate_file(predictions())
        .unwrap();
    let ex = &report.execution;
    assert!(ex.node_version.as_deref().unwrap().starts_with('v'));
    // add (2 of 3 pass), fizzbuzz (2/2), palindrome (1/2: a syntax error), chunk (2/2, ESM).
    assert_eq!((ex.tasks_executed, ex.samples, ex.passed), (4, 9, 7));
    assert_eq!(ex.tasks_not_runnable, 1); // TypeScript with tests
    assert_eq!(ex.tasks_without_tests, 3);
    let p1 = report.pass_at_k.iter().find(|v| v.k == 1).unwrap();
    let expected = (2.0 / 3.0 + 1.0 + 0.5 + 1.0) / 4.0;
    assert!((p1.value.unwrap() - expected).abs() < 1e-12, "{p1:?}");
    let p2 = report.pass_at_k.iter().find(|v| v.k == 2).unwrap();
    assert_eq!((p2.value, p2.tasks), (Some(1.0), 4));
    let p10 = report.pass_at_k.iter().find(|v| v.k == 10).unwrap();
    assert_eq!((p10.value, p10.tasks), (None, 0));
    assert_eq!(report.failures.len(), 2);
    assert!(report
        .failures
        .iter()
        .any(|f| f.task_id == "js/add" && f.exit_code == Some(1)));
    assert!(report
        .failures
        .iter()
        .any(|f| f.task_id == "js/is_palindrome" && f.stderr_tail.contains("SyntaxError")));
    assert!(report.to_markdown().contains("| 1 | 0.7917 | 4 |"));
}

#[test]
fn missing_node_is_reported_not_an_error() {
    let config = EvalConfig {
        execute: true,
        exec: ExecConfig {
            node: "/nonexistent/bin/node".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let report = Evaluator::new(config)
        .unwrap()
        .evaluate_file(predictions())
        .unwrap();
    assert!(report.execution.requested);
    assert!(report
        .execution
        .unavailable_reason
        .as_deref()
        .unwrap()
        .contains("/nonexistent/bin/node"));
    assert!(report.pass_at_k.is_empty());
    assert!(report
        .to_markdown()
        .contains("Tests were not executed: /nonexistent/bin/node"));
}

#[test]
fn timeouts_kill_the_run() {
    let Ok(runner) = NodeRunner::detect(ExecConfig {
        timeout_ms: 400,
        ..Default::default()
    }) else {
        eprintln!("node not installed: skipping");
        return;
    };
    let o = runner.run("while (true) {}", "");
    assert!(o.timed_out && !o.passed && o.exit_code.is_none(), "{o:?}");
    let o = runner.run("process.exit(3)", "");
    assert_eq!(
        (o.passed, o.exit_code, o.timed_out),
        (false, Some(3), false)
    );
    // The permission model keeps the program in its directory and away from processes.
    let o = runner.run("require('fs').readFileSync('/etc/hostname')", "");
    assert!(
        !o.passed && o.stderr_tail.contains("ERR_ACCESS_DENIED"),
        "{o:?}"
    );
    let o = runner.run("require('child_process').execSync('true')", "");
    assert!(!o.passed, "{o:?}");
    let o = runner.run(
        "require('fs').writeFileSync('out.txt', 'x'); console.log('ok')",
        "",
    );
    assert!(o.passed, "{o:?}");
}

#[test]
fn malformed_jsonl_gives_the_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(
        f,
        r#"{{"task_id": "a", "language": "js", "prediction": "let x = 1;"}}"#
    )
    .unwrap();
    writeln!(f).unwrap();
    writeln!(f, r#"{{"task_id": "b", "language": "js", "prediction": "#).unwrap();
    drop(f);
    let err = Evaluator::new(EvalConfig::default())
        .unwrap()
        .evaluate_file(&path)
        .unwrap_err();
    match &err {
        EvalError::Record {
            line,
            path: p,
            message,
        } => {
            assert_eq!(*line, 3);
            assert_eq!(p, &path);
            assert!(message.contains("invalid JSON"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("bad.jsonl:3:"));

    let missing = Evaluator::new(EvalConfig::default())
        .unwrap()
        .evaluate_file(dir.path().join("none.jsonl"));
    assert!(matches!(missing, Err(EvalError::Io { .. })));
}

#[test]
fn invalid_settings_are_rejected() {
    assert!(matches!(
        Evaluator::new(EvalConfig {
            ks: vec![0],
            ..Default::default()
        }),
        Err(EvalError::InvalidConfig(_))
    ));
    assert!(matches!(
        Evaluator::new(EvalConfig {
            batch_size: 0,
            ..Default::default()
        }),
        Err(EvalError::InvalidConfig(_))
    ));
    let cfg: Result<EvalConfig, _> = serde_json::from_str(r#"{"kss": [1]}"#);
    assert!(cfg.is_err());
    let cfg: EvalConfig =
        serde_json::from_str(r#"{"ks": [1, 5], "exec": {"timeout_ms": 50}}"#).unwrap();
    assert_eq!(
        (cfg.ks, cfg.exec.timeout_ms, cfg.batch_size),
        (vec![1, 5], 50, 64)
    );
}

#[test]
fn results_do_not_depend_on_the_batch_size_or_threads() {
    let a = Evaluator::new(EvalConfig {
        batch_size: 1,
        ..Default::default()
    })
    .unwrap()
    .evaluate_file(predictions())
    .unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = pool.install(|| {
        Evaluator::new(EvalConfig::default())
            .unwrap()
            .evaluate_file(predictions())
            .unwrap()
    });
    assert_eq!(a, b);
}
