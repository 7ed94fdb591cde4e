//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sheikh::core::io::{FieldNames, ParquetReader, ReadOptions};
use sheikh::core::Document;
use sheikh::PipelineConfig;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shipped config on the fixtures, writing to `out`, in small batches.
pub fn config(out: &Path) -> PipelineConfig {
    let root = root();
    let mut c = PipelineConfig::load(root.join("configs/pipeline.yaml"))
        .unwrap()
        .rebase(&root);
    c.output.path = out.to_path_buf();
    c.input.read.batch_size = 5;
    c.runtime.threads = 2;
    c
}

/// Every kept document of an output directory, in order (files sorted by name).
pub fn kept(out: &Path) -> Vec<Document> {
    let mut docs = Vec::new();
    for batch in ParquetReader::open(
        out.join("data"),
        FieldNames::default(),
        ReadOptions::default(),
    )
    .unwrap()
    {
        let b = batch.unwrap();
        assert!(b.rejected.is_empty(), "{:?}", b.rejected);
        docs.extend(b.documents);
    }
    docs
}

/// Every JSON line of the `.jsonl` files of a directory whose names start with one of
/// `prefixes` (all when empty), files in name order.
pub fn jsonl_lines(dir: &Path, prefixes: &[&str]) -> Vec<serde_json::Value> {
    let mut names: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => return Vec::new(),
    };
    names.sort();
    let mut out = Vec::new();
    for p in names {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".jsonl")
            || (!prefixes.is_empty() && !prefixes.iter().any(|x| name.starts_with(x)))
        {
            continue;
        }
        for line in std::fs::read_to_string(&p).unwrap().lines() {
            out.push(serde_json::from_str(line).unwrap());
        }
    }
    out
}

/// `(id, reason, duplicate-of)` of every document the dedup stage dropped, sorted by id.
pub fn dedup_removals(out: &Path) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = jsonl_lines(&out.join("rejected"), &[])
        .into_iter()
        .filter_map(|d| {
            let ev = d.get("provenance")?.as_array()?.last()?.clone();
            (ev.get("stage")?.as_str()? == "dedup").then(|| {
                let detail = ev["detail"].as_str().unwrap_or("");
                let of = detail.split(" (cluster").next().unwrap().to_string();
                (
                    d["id"].as_str().unwrap().to_string(),
                    ev["reason"].as_str().unwrap().to_string(),
                    of,
                )
            })
        })
        .collect();
    v.sort();
    v
}

/// The parts of a document that must agree between runs (provenance aside: the
/// in-memory stage notes cluster representatives).
pub fn essence(
    d: &Document,
) -> (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
) {
    (
        d.id.clone(),
        d.content.clone(),
        d.language.name().to_string(),
        d.path.clone(),
        d.repo_name.clone(),
        d.license.clone(),
        serde_json::to_string(&d.metadata).unwrap(),
    )
}

/// The statistics of a run without times and file names.
pub fn comparable_stats(path: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    strip(
        &mut v,
        &[
            "wall_seconds",
            "write_seconds",
            "output_files",
            "seconds",
            "index_bytes",
            "input",
        ],
    );
    v
}

fn strip(v: &mut serde_json::Value, keys: &[&str]) {
    match v {
        serde_json::Value::Object(m) => {
            for k in keys {
                if m.get(*k).is_some_and(|x| !x.is_object()) {
                    m.remove(*k);
                }
            }
            for x in m.values_mut() {
                strip(x, keys);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| strip(x, keys)),
        _ => {}
    }
}
