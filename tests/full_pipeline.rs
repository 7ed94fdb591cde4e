//! The composed pipeline on the fixtures: books balance, nothing is lost, and the output
//! is byte-identical whatever the thread count.

use std::path::Path;

use sheikh::core::config::OutputFormat;
use sheikh::core::Reason;
use sheikh::PipelineConfig;

fn config(out: &Path, threads: usize) -> PipelineConfig {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = PipelineConfig::load(root.join("configs/pipeline.yaml"))
        .unwrap()
        .rebase(root);
    c.output.path = out.to_path_buf();
    c.runtime.threads = threads;
    // Small batches so that several batches and several shards are exercised.
    c.input.read.batch_size = 7;
    c.output.shards.shard_bytes = 20_000;
    c
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["data", "rejected"] {
        let mut names: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for p in names {
            out.push((
                p.strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let sa = sheikh::run_pipeline(&config(a.path(), 1), |_| {}).unwrap();
    let sb = sheikh::run_pipeline(&config(b.path(), 2), |_| {}).unwrap();
    let fa = files(a.path());
    assert!(
        fa.len() >= 3,
        "expected several shards: {:?}",
        fa.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(fa, files(b.path()));
    assert_eq!(sa.stats.written, sb.stats.written);
}

#[test]
fn every_record_is_kept_or_dropped_with_a_reason() {
    let out = tempfile::tempdir().unwrap();
    let mut c = config(out.path(), 0);
    c.output.format = OutputFormat::Jsonl;
    let s = sheikh::run_pipeline(&c, |_| {}).unwrap();
    s.stats.check_balance().unwrap();
    let drops = s.stats.drops_by_reason();
    // The fixture corpus has one invalid UTF-8 file, one binary file and one empty file.
    assert_eq!(drops[&Reason::InvalidUtf8].docs, 1);
    assert_eq!(drops[&Reason::Binary].docs, 1);
    assert_eq!(drops[&Reason::Empty].docs, 1);
    // Every rejected input is in the log, and written + logged = records read.
    let log = std::fs::read_to_string(out.path().join("rejected/inputs.jsonl")).unwrap();
    assert_eq!(log.lines().count() as u64, s.stats.read.dropped_docs());
    let written: usize = std::fs::read_dir(out.path().join("data"))
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .lines()
                .count()
        })
        .sum();
    assert_eq!(written as u64, s.stats.written.docs);
    assert_eq!(
        s.stats.read.input.docs,
        s.stats.written.docs + drops.values().map(|t| t.docs).sum::<u64>()
    );
    // Statistics files exist and parse.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&s.stats_json).unwrap()).unwrap();
    assert_eq!(json["written"]["docs"], s.stats.written.docs);
    assert!(std::fs::read_to_string(&s.stats_md)
        .unwrap()
        .contains("| read |"));
}

#[test]
fn language_selection_drops_with_provenance() {
    let out = tempfile::tempdir().unwrap();
    let mut c = config(out.path(), 0);
    c.language.keep = [sheikh::core::Language::Xml].into_iter().collect();
    let s = sheikh::run_pipeline(&c, |_| {}).unwrap();
    let lang = &s.stats.stages[0];
    assert_eq!(lang.name, "language");
    assert!(
        lang.output.docs >= 8,
        "XML + SVG files kept: {}",
        lang.output.docs
    );
    assert!(lang.dropped[&Reason::LanguageNotSelected].docs > 30);
    // Dropped documents carry their provenance in rejected/.
    let rejected = std::fs::read_dir(out.path().join("rejected"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("part-")
        })
        .unwrap();
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(rejected)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["provenance"][0]["stage"], "language");
    assert_eq!(first["provenance"][0]["reason"], "language_not_selected");
}
