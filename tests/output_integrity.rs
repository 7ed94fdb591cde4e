//! Output integrity of the single-process run (issue #14): a run owns its output
//! directory, never reads its own output, never writes outside it, marks a finished
//! output with `_SUCCESS`, and refuses an invalid config before the first byte.

use std::path::{Path, PathBuf};

use sheikh::core::io::{verify_success, RUN_MARKER, SUCCESS_FILE};
use sheikh::core::PipelineStats;
use sheikh::PipelineConfig;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped config on the fixtures, writing to `out`, small batches, no tokenizing
/// (faster; the tokens are covered by tests/full_pipeline.rs).
fn config(out: &Path) -> PipelineConfig {
    let mut c = PipelineConfig::load(root().join("configs/pipeline.yaml"))
        .unwrap()
        .rebase(root());
    c.output.path = out.to_path_buf();
    c.input.read.batch_size = 16;
    c.tokenize.enabled = false;
    c
}

fn run(c: &PipelineConfig) -> Result<sheikh::RunSummary, sheikh::core::CoreError> {
    let r = sheikh::run_pipeline(c, |_| {});
    if let Ok(s) = &r {
        s.stats.check_balance().unwrap();
    }
    r
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn data_files(out: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(out.join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn stats(out: &Path) -> PipelineStats {
    serde_json::from_slice(&std::fs::read(out.join("stats.json")).unwrap()).unwrap()
}

#[test]
fn a_second_run_is_refused_and_overwrite_replaces_exactly_the_previous_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut first = config(&out);
    first.output.shards.shard_bytes = 5_000;
    let s1 = run(&first).unwrap();
    assert!(data_files(&out).len() >= 4, "{:?}", data_files(&out));
    // `_SUCCESS` lists every file with size and checksum, and was written last.
    let m = verify_success(&out).unwrap();
    assert_eq!(s1.success, out.join(SUCCESS_FILE));
    let mut listed: Vec<String> = m.files.iter().map(|e| e.path.clone()).collect();
    listed.push(SUCCESS_FILE.into());
    listed.push(RUN_MARKER.into());
    listed.sort();
    assert_eq!(listed, tree(&out));
    let before = tree(&out);

    // Without overwrite: refused, nothing touched.
    let mut second = config(&out);
    second.output.shards.shard_bytes = 1 << 30;
    let err = run(&second).unwrap_err().to_string();
    assert!(err.contains("--overwrite"), "{err}");
    assert_eq!(tree(&out), before);
    verify_success(&out).unwrap();

    // With overwrite: the old shards are gone; data/ holds exactly what stats.json lists.
    second.output.overwrite = true;
    let s2 = run(&second).unwrap();
    let data = data_files(&out);
    assert_eq!(data.len(), 1, "{data:?}");
    let listed: Vec<PathBuf> = stats(&out)
        .output_files
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.starts_with(out.join("data")))
        .collect();
    assert_eq!(listed, data);
    assert_eq!(s2.stats.written.docs, s1.stats.written.docs);
    verify_success(&out).unwrap();
}

#[test]
fn overwrite_never_empties_a_directory_sheikh_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir_all(out.join("data")).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    std::fs::write(out.join("data/thesis.parquet"), "precious").unwrap();
    let mut c = config(&out);
    for overwrite in [false, true] {
        c.output.overwrite = overwrite;
        let err = run(&c).unwrap_err().to_string();
        assert!(err.contains("not empty"), "{err}");
        if overwrite {
            assert!(err.contains(SUCCESS_FILE), "{err}");
        }
    }
    assert_eq!(tree(&out), ["data/thesis.parquet", "notes.txt"]);

    // A previous run plus a file it did not write: refused with overwrite, nothing removed.
    let out = dir.path().join("run");
    run(&config(&out)).unwrap();
    std::fs::write(out.join("data/mine.txt"), "added by hand").unwrap();
    let before = tree(&out);
    let mut c = config(&out);
    c.output.overwrite = true;
    let err = run(&c).unwrap_err().to_string();
    assert!(err.contains("data/mine.txt"), "{err}");
    assert_eq!(tree(&out), before);
}

#[test]
fn a_manifest_cannot_make_overwrite_delete_outside_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let out = dir.path().join("out");
    run(&config(&out)).unwrap();
    let manifest = out.join(SUCCESS_FILE);
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    m["files"].as_array_mut().unwrap().push(serde_json::json!({
        "path": "../victim.txt", "bytes": 7, "xxh3_128": "0".repeat(32)
    }));
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let mut c = config(&out);
    c.output.overwrite = true;
    let err = run(&c).unwrap_err().to_string();
    assert!(err.contains("../victim.txt"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn the_remains_of_a_killed_run_are_replaced_with_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&config(&out)).unwrap();
    // A killed run: no `_SUCCESS`, a stray shard and a temporary file.
    std::fs::remove_file(out.join(SUCCESS_FILE)).unwrap();
    std::fs::write(out.join("data/part-00042.parquet"), "stale").unwrap();
    std::fs::write(out.join(".stats.json.tmp"), "half").unwrap();
    assert!(
        verify_success(&out).is_err(),
        "an unfinished output looks finished"
    );
    let mut c = config(&out);
    assert!(run(&c).is_err());
    c.output.overwrite = true;
    run(&c).unwrap();
    assert!(!out.join("data/part-00042.parquet").exists());
    assert!(!out.join(".stats.json.tmp").exists());
    verify_success(&out).unwrap();
}

#[test]
fn input_and_output_may_not_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("repo")).unwrap();
    std::fs::write(input.join("repo/a.js"), "export const a = 1;\n").unwrap();
    let nested = dir.path().join("out");
    std::fs::create_dir_all(nested.join("in/repo")).unwrap();
    std::fs::write(nested.join("in/repo/a.js"), "export const a = 1;\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, dir.path().join("link")).unwrap();
    let mut cases = vec![
        (input.clone(), input.clone(), "is the input"),
        (input.clone(), input.join("out"), "inside the input"),
        (input.clone(), input.join("new/../out2"), "inside the input"),
        (nested.join("in"), nested.clone(), "contains the input"),
    ];
    #[cfg(unix)]
    cases.push((
        input.clone(),
        dir.path().join("link/out"),
        "inside the input",
    ));
    for (i, o, what) in cases {
        let mut c = config(&o);
        c.input.path = i.clone();
        c.input.repo_from_top_dir = false;
        let before = tree(dir.path());
        let err = run(&c).unwrap_err().to_string();
        assert!(
            err.contains(what),
            "{} -> {}: {err}",
            i.display(),
            o.display()
        );
        assert_eq!(tree(dir.path()), before, "something was written");
    }
    // Apart: accepted.
    let mut c = config(&dir.path().join("apart"));
    c.input.path = input;
    run(&c).unwrap();
}

#[test]
fn names_that_become_paths_must_be_plain_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a/b/out");
    for (field, set) in [
        (
            "output.shards.prefix",
            Box::new(|c: &mut PipelineConfig| c.output.shards.prefix = "../../x".into())
                as Box<dyn Fn(&mut PipelineConfig)>,
        ),
        (
            "output.shards.prefix",
            Box::new(|c: &mut PipelineConfig| c.output.shards.prefix = "..".into()),
        ),
        (
            "pairs.prefix",
            Box::new(|c: &mut PipelineConfig| c.pairs.prefix = "../p".into()),
        ),
        (
            "tokenize.outputs.name",
            Box::new(|c: &mut PipelineConfig| c.tokenize.outputs.name = "a/../../t".into()),
        ),
        (
            "tokenize.outputs.name",
            Box::new(|c: &mut PipelineConfig| c.tokenize.outputs.name = String::new()),
        ),
    ] {
        let mut c = config(&out);
        set(&mut c);
        let err = run(&c).unwrap_err().to_string();
        assert!(err.contains(field), "{field}: {err}");
        assert!(
            tree(dir.path()).is_empty(),
            "{field}: {:?}",
            tree(dir.path())
        );
    }
}

/// Sets one field of the config to an out-of-range value.
type Mutation = (&'static str, fn(&mut PipelineConfig));

#[test]
fn every_out_of_range_value_is_refused_before_anything_is_written() {
    let cases: &[Mutation] = &[
        ("training.per_device_train_batch_size", |c| {
            c.training.per_device_train_batch_size = 0
        }),
        ("training.epochs", |c| c.training.epochs = -1.0),
        ("training.warmup_ratio", |c| c.training.warmup_ratio = 1.5),
        ("training.learning_rate", |c| {
            c.training.learning_rate = f64::NAN
        }),
        ("quality.score.threshold", |c| {
            c.quality.score.threshold = 1.5
        }),
        ("quality.score.min_score", |c| {
            c.quality.score.min_score = -0.5
        }),
        ("quality.minified.min_long_line_share", |c| {
            c.quality.minified.min_long_line_share = 1.1
        }),
        ("quality.minified.max_whitespace_fraction", |c| {
            c.quality.minified.max_whitespace_fraction = -0.1
        }),
        ("quality.encoded_data.max_fraction", |c| {
            c.quality.encoded_data.max_fraction = 2.0
        }),
        ("quality.alpha_fraction.min_fraction", |c| {
            c.quality.alpha_fraction.min_fraction = 1.5
        }),
        ("quality.html.min_visible_fraction", |c| {
            c.quality.html.min_visible_fraction = -1.0
        }),
        ("quality.json.min_alpha_fraction", |c| {
            c.quality.json.min_alpha_fraction = 1.5
        }),
        ("threshold", |c| c.dedup.settings.threshold = 1.5),
        ("false_positive_weight", |c| {
            c.dedup.settings.false_positive_weight = 1.5
        }),
        ("false_negative_weight", |c| {
            c.dedup.settings.false_negative_weight = -0.5
        }),
        ("fim.rate", |c| c.tokenize.fim.rate = 1.5),
        ("fim.spm_rate", |c| c.tokenize.fim.spm_rate = -0.1),
        ("language.min_confidence", |c| {
            c.language.min_confidence = 1.5
        }),
        ("input.read.batch_size", |c| c.input.read.batch_size = 0),
        ("ondevice.targets.latency_ms", |c| {
            c.ondevice.targets.latency_ms = 0.0
        }),
        ("oversample", |c| c.synth.options.oversample = 0.5),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (field, set) in cases {
        let out = dir.path().join("out");
        let mut c = config(&out);
        set(&mut c);
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains(field), "{field}: {err}");
        let err = run(&c).unwrap_err().to_string();
        assert!(err.contains(field), "{field}: {err}");
        assert!(!out.exists(), "{field}: the run wrote {:?}", tree(&out));
    }
    config(&dir.path().join("out")).validate().unwrap();
}
