//! The staged (file-to-file) run removes exactly what the in-memory run removes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::corpus;
use sheikh_core::io::{DocumentWriter, JsonlFormat, ParquetReader, ShardedWriter, WriterOptions};
use sheikh_core::{Document, Outcome, Reason, Stage};
use sheikh_dedup::staged::{self, Layout};
use sheikh_dedup::{DedupConfig, DedupError, DedupStage, KeepPolicy, Verification};

/// Writes docs into JSONL shards of about `shard_bytes`; returns the shard paths.
fn write_shards(dir: &Path, docs: &[Document], shard_bytes: u64) -> Vec<PathBuf> {
    let opts = WriterOptions {
        shard_bytes,
        ..Default::default()
    };
    let mut w = ShardedWriter::new(dir, JsonlFormat, opts);
    w.write_batch(docs).unwrap();
    w.finish().unwrap()
}

/// Reads the shards back in order (what both runs see).
fn read_all(shards: &[PathBuf]) -> Vec<Document> {
    let mut docs = Vec::new();
    for s in shards {
        for b in staged::open_shard(s).unwrap() {
            docs.extend(b.unwrap().documents);
        }
    }
    docs
}

type Drops = BTreeMap<String, (Reason, String)>;

fn in_memory(cfg: &DedupConfig, docs: &[Document]) -> (Drops, BTreeSet<String>) {
    let mut stage = DedupStage::new(cfg.clone()).unwrap();
    let mut out = Vec::new();
    for c in docs.chunks(13) {
        out.extend(stage.process(c.to_vec()).unwrap());
    }
    out.extend(stage.finish().unwrap());
    let mut drops = Drops::new();
    let mut kept = BTreeSet::new();
    for o in out {
        match o {
            Outcome::Keep(d) => {
                kept.insert(d.id);
            }
            Outcome::Drop(d, r) => {
                let of = r
                    .detail
                    .split(" of ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string();
                drops.insert(d.id, (r.reason, of));
            }
        }
    }
    (drops, kept)
}

fn staged_run(
    cfg: &DedupConfig,
    shards: &[PathBuf],
    work: &Path,
    out: &Path,
) -> (Drops, BTreeSet<String>, sheikh_dedup::DedupReport) {
    let report = staged::run_all(cfg, shards, work, out).unwrap();
    let mut drops = Drops::new();
    for i in 0..shards.len() {
        for l in staged::read_removals(work, i as u32).unwrap() {
            drops.insert(l.id, (l.reason, l.duplicate_of));
        }
    }
    let mut kept = BTreeSet::new();
    for b in ParquetReader::open(out, Default::default(), Default::default()).unwrap() {
        kept.extend(b.unwrap().documents.into_iter().map(|d| d.id));
    }
    (drops, kept, report)
}

#[test]
fn staged_over_shards_equals_in_memory() {
    let docs = corpus(42, 40, 3, 300, 2);
    let configs = [
        DedupConfig::default(),
        DedupConfig {
            keep: KeepPolicy::Metadata("stars".into()),
            verify: Verification::Estimated,
            ..Default::default()
        },
        DedupConfig {
            keep: KeepPolicy::Longest,
            verify: Verification::None,
            exact_normalize_whitespace: true,
            ..Default::default()
        },
        DedupConfig {
            exact: false,
            threshold: 0.7,
            ..Default::default()
        },
        DedupConfig {
            near: false,
            ..Default::default()
        },
    ];
    for (k, cfg) in configs.iter().enumerate() {
        for shard_bytes in [20_000u64, 1 << 30] {
            let dir = tempfile::tempdir().unwrap();
            let shards = write_shards(&dir.path().join("in"), &docs, shard_bytes);
            let all = read_all(&shards);
            assert_eq!(all.len(), docs.len());
            let (mem_drops, mem_kept) = in_memory(cfg, &all);
            let (st_drops, st_kept, report) = staged_run(
                cfg,
                &shards,
                &dir.path().join("work"),
                &dir.path().join("out"),
            );
            assert!(!mem_drops.is_empty(), "config {k}: nothing removed");
            assert_eq!(mem_drops, st_drops, "config {k}, {} shards", shards.len());
            assert_eq!(mem_kept, st_kept, "config {k}, {} shards", shards.len());
            assert_eq!(report.removed as usize, mem_drops.len());
            assert_eq!(report.documents as usize, docs.len());
            if shard_bytes == 20_000 {
                assert!(shards.len() >= 5, "{} shards", shards.len());
            }
        }
    }
}

#[test]
fn staged_files_are_checked() {
    let docs = corpus(1, 10, 2, 200, 1);
    let dir = tempfile::tempdir().unwrap();
    let shards = write_shards(&dir.path().join("in"), &docs, 20_000);
    let work = dir.path().join("work");
    let cfg = DedupConfig::default();
    let n = shards.len() as u32;
    for (i, s) in shards.iter().enumerate() {
        staged::compute_signatures(&cfg, s, i as u32, &work).unwrap();
    }
    // Another config must not reuse these signatures.
    let other = DedupConfig {
        seed: 7,
        ..Default::default()
    };
    assert!(matches!(
        staged::merge_band(&other, &work, n, 0),
        Err(DedupError::Format { .. })
    ));
    // Out-of-range band.
    assert!(staged::merge_band(&cfg, &work, n, 99).is_err());
    // A truncated band file is an error, not a panic or a silent partial read.
    let layout = Layout::new(&work);
    let band = layout.band_file(0, 3);
    let bytes = std::fs::read(&band).unwrap();
    std::fs::write(&band, &bytes[..bytes.len() - 5]).unwrap();
    assert!(matches!(
        staged::merge_band(&cfg, &work, n, 3),
        Err(DedupError::Format { .. })
    ));
    // Exact verification reads the shingle sets: a damaged set file is an error.
    let sets = layout.sets_file(1);
    let bytes = std::fs::read(&sets).unwrap();
    std::fs::write(&sets, &bytes[..bytes.len() - 8]).unwrap();
    let bands = cfg.lsh_params().unwrap().bands;
    let failed = (0..bands).any(|b| {
        matches!(
            staged::merge_band(&cfg, &work, n, b),
            Err(DedupError::Format { .. })
        )
    });
    assert!(failed, "a truncated shingles.bin went unnoticed");
    // No temporary files are left behind by completed steps.
    let leftovers: Vec<_> = walk(&work)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Missing step (a) output for a shard.
    assert!(staged::merge_band(&cfg, &work, n + 1, 0).is_err());
}

/// A shingle-set file whose last row offset is so large that `offset * 8` wraps around
/// to the real size is refused as damaged (not a panic, not a huge allocation).
#[test]
fn crafted_set_offsets_do_not_wrap() {
    let docs = corpus(1, 10, 2, 200, 1);
    let dir = tempfile::tempdir().unwrap();
    let shards = write_shards(&dir.path().join("in"), &docs, 20_000);
    let work = dir.path().join("work");
    let cfg = DedupConfig::default();
    let n = shards.len() as u32;
    for (i, s) in shards.iter().enumerate() {
        staged::compute_signatures(&cfg, s, i as u32, &work).unwrap();
    }
    let sets = Layout::new(&work).sets_file(1);
    let mut bytes = std::fs::read(&sets).unwrap();
    let rows = u64::from_le_bytes(bytes[16..24].try_into().unwrap()) as usize;
    let last = 24 + rows * 8;
    let real = u64::from_le_bytes(bytes[last..last + 8].try_into().unwrap());
    // real + 2^61: times 8 it is real * 8 modulo 2^64.
    bytes[last..last + 8].copy_from_slice(&(real + (1u64 << 61)).to_le_bytes());
    std::fs::write(&sets, &bytes).unwrap();
    let bands = cfg.lsh_params().unwrap().bands;
    let failed = (0..bands).any(|b| {
        matches!(
            staged::merge_band(&cfg, &work, n, b),
            Err(DedupError::Format { .. })
        )
    });
    assert!(failed, "a wrapping offset in shingles.bin went unnoticed");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
