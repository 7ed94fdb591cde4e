//! The plan: the sorted list of input files, cut into contiguous shards.
//!
//! The shard assignment is a pure function of the sorted file list (names and sizes,
//! see [`assign_shards`]), and shards are contiguous ranges of it, so concatenating the
//! shards in order reproduces the order a single-process run reads the input in: the
//! staged run's "first seen" (exact dedup, the `first` keep policy) is the same.

use std::io::{BufRead, BufReader, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sheikh::core::config::InputFormat;
use sheikh_core::io::{list_files, source_walk, AtomicFile, JSONL_SUFFIXES, PARQUET_SUFFIXES};

use crate::error::{CliError, Result};

/// How the input is read: what [`InputFormat::Auto`] resolves to for the input path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A source tree (or one source file): every file is a document.
    Directory,
    /// JSON Lines files, one document per line.
    Jsonl,
    /// Parquet files, one document per row.
    Parquet,
}

/// One input file of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Path relative to the input root, `/`-separated.
    pub path: String,
    /// Size in bytes when planned.
    pub bytes: u64,
}

/// One shard: a contiguous range of the sorted file list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardPlan {
    /// Shard index.
    pub index: u32,
    /// First file (index into the sorted list).
    pub first_file: u64,
    /// One past the last file.
    pub end_file: u64,
    /// Bytes of its files.
    pub bytes: u64,
}

/// The tasks of one step, for drivers (Ray, Slurm) to launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTasks {
    /// The step (subcommand) name.
    pub step: String,
    /// Number of tasks (`sheikh task STEP 0..tasks`).
    pub tasks: u32,
}

/// `WORK/manifest.json`, written by `sheikh plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version of the work directory.
    pub version: u32,
    /// Fingerprint of the pipeline config: every task checks it against its own.
    pub fingerprint: String,
    /// The input root (absolute): a directory, or the parent of a single input file.
    pub root: PathBuf,
    /// The input path as configured (absolute).
    pub input: PathBuf,
    /// How the input is read.
    pub kind: InputKind,
    /// Final output directory (absolute).
    pub output: PathBuf,
    /// Number of shards.
    pub num_shards: u32,
    /// Number of input files.
    pub files: u64,
    /// Bytes of input files.
    pub bytes: u64,
    /// The shards, in order.
    pub shards: Vec<ShardPlan>,
    /// Steps in order with their task counts.
    pub steps: Vec<StepTasks>,
}

/// The manifest version this build writes and reads.
pub const MANIFEST_VERSION: u32 = 1;

/// Cuts a sorted file list (given by the files' sizes) into `num_shards` contiguous
/// ranges of about equal bytes: shard `k` starts at the first file before which at
/// least `k / num_shards` of all bytes lie. Pure, covers every file exactly once, in
/// order; a shard can be empty (fewer files than shards, or one huge file). With all
/// sizes zero the files are split by count.
///
/// ```
/// let r = sheikh_cli::assign_shards(&[10, 10, 10, 10], 2);
/// assert_eq!(r, vec![0..2, 2..4]);
/// ```
pub fn assign_shards(sizes: &[u64], num_shards: u32) -> Vec<Range<u64>> {
    let n = num_shards.max(1) as u128;
    let len = sizes.len() as u64;
    let total: u128 = sizes.iter().map(|&s| s as u128).sum();
    let mut starts = Vec::with_capacity(n as usize + 1);
    if total == 0 {
        for k in 0..n {
            starts.push((k * len as u128 / n) as u64);
        }
    } else {
        // starts[k] = min { i : prefix(i) * n >= k * total }
        let mut i = 0u64;
        let mut prefix: u128 = 0;
        for k in 0..n {
            while i < len && prefix * n < k * total {
                prefix += sizes[i as usize] as u128;
                i += 1;
            }
            starts.push(i);
        }
    }
    starts.push(len);
    starts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Lists the input like the single-process reader walks it, sorted, with sizes.
/// Returns the root the paths are relative to.
pub fn list_input(input: &Path, kind: InputKind) -> Result<(PathBuf, Vec<InputFile>)> {
    let meta = std::fs::metadata(input).map_err(|e| CliError::io(input, e))?;
    if meta.is_file() {
        let name = input
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| CliError::Plan(format!("{}: not a UTF-8 file name", input.display())))?;
        let root = input.parent().unwrap_or(Path::new("/")).to_path_buf();
        return Ok((
            root,
            vec![InputFile {
                path: name.to_string(),
                bytes: meta.len(),
            }],
        ));
    }
    // The same files, in the same order, as the single-process readers.
    let paths: Vec<PathBuf> = match kind {
        InputKind::Directory => {
            let mut paths = Vec::new();
            for entry in source_walk(input, true) {
                let entry =
                    entry.map_err(|e| CliError::Plan(format!("{}: {e}", input.display())))?;
                // Every entry but directories: the shard's reader counts symbolic links,
                // FIFOs, sockets and devices as `not_regular_file`, as the
                // single-process reader does, so none is skipped uncounted.
                if entry.file_type().is_some_and(|t| !t.is_dir()) {
                    paths.push(entry.into_path());
                }
            }
            paths
        }
        InputKind::Jsonl => list_files(input, JSONL_SUFFIXES)?,
        InputKind::Parquet => list_files(input, PARQUET_SUFFIXES)?,
    };
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let rel = path.strip_prefix(input).unwrap_or(&path);
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let Some(parts) = parts else {
            return Err(CliError::Plan(format!(
                "{}: not a UTF-8 path; rename it or read the corpus from JSONL/Parquet",
                path.display()
            )));
        };
        // The entry itself, not what a link points to (a dangling link has no target).
        let bytes = std::fs::symlink_metadata(&path)
            .map(|m| if m.is_file() { m.len() } else { 0 })
            .map_err(|e| CliError::Plan(format!("{}: {e}", path.display())))?;
        files.push(InputFile {
            path: parts.join("/"),
            bytes,
        });
    }
    Ok((input.to_path_buf(), files))
}

/// What `auto` means for this input (the same rule as the single-process reader).
pub fn input_kind(format: InputFormat, input: &Path) -> Result<InputKind> {
    let cfg = sheikh_core::config::InputConfig {
        path: input.to_path_buf(),
        format,
        ..Default::default()
    };
    Ok(match cfg.resolved_format()? {
        InputFormat::Auto | InputFormat::Directory => InputKind::Directory,
        InputFormat::Jsonl => InputKind::Jsonl,
        InputFormat::Parquet => InputKind::Parquet,
    })
}

/// `WORK/plan/shard-S.jsonl`: one shard's files.
pub fn shard_list_path(work: &Path, shard: u32) -> PathBuf {
    work.join("plan").join(format!("shard-{shard:05}.jsonl"))
}

/// Writes one shard's file list (atomically).
pub fn write_shard_list(path: &Path, files: &[InputFile]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    for file in files {
        serde_json::to_writer(&mut f, file).map_err(|e| CliError::json(path, e))?;
        f.write_all(b"\n").map_err(|e| CliError::io(path, e))?;
    }
    f.commit()?;
    Ok(())
}

/// Reads one shard's file list. Every path must be relative and made of plain
/// components (no `..`, `.`, empty parts, NUL): the filter step recreates these
/// paths (repository directories included) under its scratch directory, and a path
/// that could step outside it is refused.
pub fn read_shard_list(path: &Path) -> Result<Vec<InputFile>> {
    let file = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    BufReader::new(file)
        .lines()
        .map(|l| {
            let l = l.map_err(|e| CliError::io(path, e))?;
            let f: InputFile = serde_json::from_str(&l).map_err(|e| CliError::json(path, e))?;
            check_relative(&f.path)
                .map_err(|m| CliError::Plan(format!("{}: {m}", path.display())))?;
            Ok(f)
        })
        .collect()
}

/// Checks that a planned `/`-separated path is relative and plain: no empty, `.` or
/// `..` component, no NUL (a `\` is an ordinary character of a Unix file name).
pub(crate) fn check_relative(rel: &str) -> std::result::Result<(), String> {
    let plain =
        |part: &str| !part.is_empty() && part != "." && part != ".." && !part.contains('\0');
    if rel.split('/').all(plain) {
        Ok(())
    } else {
        Err(format!(
            "input path {rel:?} is not a plain relative path (empty, `.` or `..` component, or NUL)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shard_lists_with_escaping_paths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("shard-00000.jsonl");
        for bad in [
            "../outside.js",
            "repo/../../x.js",
            "/etc/passwd",
            "a//b.js",
            "./a.js",
        ] {
            std::fs::write(&list, format!("{{\"path\": {bad:?}, \"bytes\": 1}}\n")).unwrap();
            assert!(read_shard_list(&list).is_err(), "{bad}");
        }
        std::fs::write(&list, "{\"path\": \"repo/src/a.js\", \"bytes\": 1}\n").unwrap();
        assert_eq!(read_shard_list(&list).unwrap()[0].path, "repo/src/a.js");
    }

    #[test]
    fn equal_sizes_split_evenly_and_empty_shards_are_allowed() {
        assert_eq!(assign_shards(&[1; 8], 4), vec![0..2, 2..4, 4..6, 6..8]);
        assert_eq!(assign_shards(&[0; 5], 2), vec![0..2, 2..5]);
        assert_eq!(assign_shards(&[5, 5], 4), vec![0..1, 1..1, 1..2, 2..2]);
        assert_eq!(assign_shards(&[100, 1, 1, 1], 2), vec![0..1, 1..4]);
        assert_eq!(assign_shards(&[], 3), vec![0..0, 0..0, 0..0]);
    }

    proptest! {
        #[test]
        fn shards_are_contiguous_cover_everything_once_and_are_pure(
            sizes in proptest::collection::vec(0u64..10_000, 0..300),
            n in 1u32..40,
        ) {
            let r = assign_shards(&sizes, n);
            prop_assert_eq!(r.len(), n as usize);
            prop_assert_eq!(r[0].start, 0);
            prop_assert_eq!(r[r.len() - 1].end, sizes.len() as u64);
            for w in r.windows(2) {
                prop_assert_eq!(w[0].end, w[1].start);
            }
            for s in &r {
                prop_assert!(s.start <= s.end);
            }
            prop_assert_eq!(assign_shards(&sizes, n), r.clone());
            // Balanced: no shard holds more than its share plus one file.
            let total: u64 = sizes.iter().sum();
            let biggest = sizes.iter().copied().max().unwrap_or(0);
            for s in &r {
                let b: u64 = sizes[s.start as usize..s.end as usize].iter().sum();
                prop_assert!(b as u128 * n as u128 <= total as u128 + 2 * biggest as u128 * n as u128);
            }
        }
    }
}
