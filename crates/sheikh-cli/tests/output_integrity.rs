//! Output integrity of the sharded run (issue #14): `plan` checks the shard count
//! against the input and claims the output directory, `run` marks a finished output
//! with `_SUCCESS`, and `compare` compares the stored records themselves.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sheikh::core::io::{
    verify_success, JsonlFormat, ParquetFormat, ShardFormat, ShardedWriter, WriterOptions,
    SUCCESS_FILE,
};
use sheikh::core::{Document, Language, PipelineStats};

/// Writes the test config for output `out` and returns its path.
fn write_config(dir: &Path, out: &Path) -> PathBuf {
    write_config_with_input(dir, out, None)
}

/// The same, reading `input` instead of the fixtures.
fn write_config_with_input(dir: &Path, out: &Path, input: Option<&Path>) -> PathBuf {
    let path = dir.join(format!(
        "{}.yaml",
        out.file_name().unwrap().to_string_lossy()
    ));
    let mut c = common::config(out);
    c.tokenize.enabled = false;
    if let Some(i) = input {
        c.input.path = i.to_path_buf();
    }
    std::fs::write(&path, serde_saphyr::to_string(&c).unwrap()).unwrap();
    path
}

fn sheikh(config: &Path, work: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sheikh"))
        .arg("--config")
        .arg(config)
        .arg("--work")
        .arg(work)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn balanced_stats(out: &Path) -> PipelineStats {
    let s: PipelineStats =
        serde_json::from_slice(&std::fs::read(out.join("stats.json")).unwrap()).unwrap();
    s.check_balance().unwrap();
    s
}

#[test]
fn more_shards_than_input_files_are_refused_before_anything_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = write_config(dir.path(), &out);
    let work = dir.path().join("work");
    let o = sheikh(&config, &work, &["plan", "--num-shards", "4294967295"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("--num-shards 4294967295"), "{e}");
    assert!(e.contains("input file"), "{e}");
    assert!(!work.join("manifest.json").exists());
    assert!(!out.exists(), "plan claimed the output before checking");
}

#[test]
fn run_claims_its_output_and_marks_it_finished() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = write_config(dir.path(), &out);
    let o = sheikh(
        &config,
        &dir.path().join("w1"),
        &["run", "--num-shards", "3"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let first = verify_success(&out).unwrap();
    assert!(first.files.iter().any(|f| f.path == "stats.json"));
    assert!(first.files.iter().any(|f| f.path.starts_with("data/")));
    let s1 = balanced_stats(&out);

    // A fresh work dir into the same output: refused without --overwrite.
    let o = sheikh(
        &config,
        &dir.path().join("w2"),
        &["run", "--num-shards", "2"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--overwrite"), "{}", stderr(&o));
    assert_eq!(verify_success(&out).unwrap(), first);

    // With --overwrite: the previous run is replaced, no stale shard remains.
    let o = sheikh(
        &config,
        &dir.path().join("w3"),
        &["run", "--num-shards", "2", "--overwrite"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let second = verify_success(&out).unwrap();
    let shards = |m: &sheikh::core::io::SuccessManifest| -> Vec<String> {
        m.files
            .iter()
            .filter(|f| f.path.starts_with("data/"))
            .map(|f| f.path.clone())
            .collect()
    };
    assert!(shards(&first).iter().any(|p| p.contains("part-00002-")));
    assert!(!shards(&second).is_empty());
    assert!(
        shards(&second).iter().all(|p| !p.contains("part-00002-")),
        "a shard of the previous run survived: {:?}",
        shards(&second)
    );
    let s2 = balanced_stats(&out);
    assert_eq!(s1.written.docs, s2.written.docs);
    // Resuming the finished run changes nothing and keeps `_SUCCESS`.
    let o = sheikh(
        &config,
        &dir.path().join("w3"),
        &["run", "--num-shards", "2"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(verify_success(&out).unwrap(), second);
    assert!(out.join(SUCCESS_FILE).exists());
}

#[test]
fn plan_refuses_overlapping_input_output_and_work() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("repo")).unwrap();
    std::fs::write(input.join("repo/a.js"), "export const a = 1;\n").unwrap();
    // Output inside the input.
    let out = input.join("out");
    let config = write_config_with_input(dir.path(), &out, Some(&input));
    let o = sheikh(
        &config,
        &dir.path().join("work"),
        &["plan", "--num-shards", "1"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("inside the input"), "{}", stderr(&o));
    assert!(!out.exists());
    // Work directory inside the output.
    let out = dir.path().join("out");
    let config = write_config(dir.path(), &out);
    let o = sheikh(&config, &out.join("work"), &["plan", "--num-shards", "1"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("work directory"), "{}", stderr(&o));
}

fn doc(id: &str, content: String) -> Document {
    let mut d = Document::new(content, Language::JavaScript);
    d.id = id.to_string();
    d
}

fn write_output<F: ShardFormat<Document>>(out: &Path, format: F, docs: &[Document]) {
    let mut w = ShardedWriter::new(out.join("data"), format, WriterOptions::default());
    w.write_records(docs).unwrap();
    w.finish_records().unwrap();
}

#[test]
fn compare_sees_differences_in_documents_a_reader_would_reject() {
    // Over the readers' 10 MiB limit: a reader rejects both versions, so comparing
    // reader output calls these outputs identical.
    let big = "x".repeat(11 << 20);
    let mut other = big.clone();
    other.replace_range(5..6, "y");
    let same = doc("a", "export const a = 1;\n".into());
    for parquet in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let docs_a = [same.clone(), doc("big", big.clone())];
        let docs_b = [same.clone(), doc("big", other.clone())];
        if parquet {
            write_output(&a, ParquetFormat::default(), &docs_a);
            write_output(&b, ParquetFormat::default(), &docs_b);
        } else {
            write_output(&a, JsonlFormat, &docs_a);
            write_output(&b, JsonlFormat, &docs_b);
        }
        let c = sheikh_cli::compare_outputs(&a, &b, None, &dir.path().join("scratch")).unwrap();
        assert_eq!((c.staged_documents, c.reference_documents), (2, 2));
        assert!(!c.identical(), "parquet={parquet}: {c:?}");
        assert_eq!(c.first_difference, Some(1), "{c:?}");
        assert!(c.difference.as_deref().unwrap().contains("big"), "{c:?}");
        // Identical outputs still compare equal.
        let c = sheikh_cli::compare_outputs(&a, &a, None, &dir.path().join("scratch")).unwrap();
        assert!(c.identical(), "{c:?}");
        assert_eq!(c.bytes, (same.content.len() + big.len()) as u64);
    }
}

/// Symbolic links and FIFOs in a source tree are counted as `not_regular_file` by the
/// sharded run too (not skipped uncounted by `plan`), and the books balance.
#[test]
fn sharded_run_counts_links_and_fifos() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let repo = input.join("acme");
    std::fs::create_dir_all(&repo).unwrap();
    for i in 0..3 {
        std::fs::write(
            repo.join(format!("m{i}.js")),
            format!("export function f{i}(a, b) {{\n  return a * {i} + b;\n}}\n"),
        )
        .unwrap();
    }
    std::os::unix::fs::symlink(repo.join("m0.js"), repo.join("link.js")).unwrap();
    std::os::unix::fs::symlink(repo.join("missing.js"), repo.join("dangling.js")).unwrap();
    let fifo = repo.join("pipe.js");
    let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success());
    let out = dir.path().join("out");
    let config = write_config_with_input(dir.path(), &out, Some(&input));
    let o = sheikh(
        &config,
        &dir.path().join("w"),
        &["run", "--num-shards", "2"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = balanced_stats(&out);
    assert_eq!(s.read.input.docs, 6, "{:?}", s.read);
    assert_eq!(
        s.read.dropped[&sheikh::core::Reason::NotRegularFile].docs,
        3,
        "{:?}",
        s.read
    );
}

/// The staged mode refuses object-store URLs (input, output, work directory) before it
/// writes anything, naming the key and the run that reads object stores.
#[test]
fn plan_refuses_object_store_urls() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let config = write_config_with_input(dir.path(), &out, Some(Path::new("s3://bucket/in")));
    let o = sheikh(
        &config,
        &dir.path().join("w"),
        &["plan", "--num-shards", "1"],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("input.path s3://bucket/in is a URL"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let config = write_config(dir.path(), &out);
    let o = Command::new(env!("CARGO_BIN_EXE_sheikh"))
        .args(["--config"])
        .arg(&config)
        .args(["--work", "s3://bucket/work", "plan", "--num-shards", "1"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("work directory"), "{}", stderr(&o));
    assert!(!out.exists());
}

/// `sheikh run` on The Stack v2's rows (`input.stack_v2`): each shard's rows fetch their
/// blobs by blob_id (here from a `file://` content store), a missing blob is counted.
#[test]
fn sharded_run_reads_the_stack_v2_layout() {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use std::io::Write;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    let input = dir.path().join("rows");
    std::fs::create_dir(&input).unwrap();
    let files = [
        ("a1", "src/a.js", "export function a() {\n  return 1;\n}\n"),
        ("b2", "src/b.ts", "export const b: number = 2;\n"),
        ("c3", "src/c.js", ""),
    ];
    for (id, _, text) in &files {
        if !text.is_empty() {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(text.as_bytes()).unwrap();
            std::fs::write(content.join(id), gz.finish().unwrap()).unwrap();
        }
    }
    for (n, chunk) in files.chunks(2).enumerate() {
        let col = |i: usize| -> ArrayRef {
            Arc::new(
                chunk
                    .iter()
                    .map(|f| Some([f.0, f.1][i].to_string()))
                    .collect::<StringArray>(),
            )
        };
        let batch = RecordBatch::try_from_iter([("blob_id", col(0)), ("path", col(1))]).unwrap();
        let file = std::fs::File::create(input.join(format!("train-{n:05}.parquet"))).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }
    let out = dir.path().join("out");
    let mut c = common::config(&out);
    c.tokenize.enabled = false;
    c.input.path = input;
    c.input.format = sheikh::core::config::InputFormat::Parquet;
    c.input.stack_v2 = Some(sheikh::core::io::StackV2Config {
        content_url: format!("file://{}", content.display()),
        ..Default::default()
    });
    let config = dir.path().join("stack.yaml");
    std::fs::write(&config, serde_saphyr::to_string(&c).unwrap()).unwrap();
    let o = sheikh(
        &config,
        &dir.path().join("w"),
        &["run", "--num-shards", "2"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = balanced_stats(&out);
    assert_eq!(s.read.input.docs, 3);
    assert_eq!(s.read.dropped[&sheikh::core::Reason::FetchFailed].docs, 1);
    let kept: Vec<String> = common::kept(&out).into_iter().map(|d| d.id).collect();
    assert!(kept.iter().all(|id| id == "a1" || id == "b2"), "{kept:?}");
    assert!(!kept.is_empty());
}
