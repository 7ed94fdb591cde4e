//! Tasks that are all-or-nothing: staging, commit journal, completion markers.
//!
//! A task writes every output under `WORK/_staging/STEP-TASK/` (`work/…` for files of
//! the work directory, `out/…` for the final output directory), never under a final
//! name. When the task's code returns, the commit:
//!
//! 1. writes the journal `_staging/STEP-TASK/_commit.json` (every move, and the
//!    marker to write) — from here on the task counts as finished;
//! 2. renames each staged file to its final name (same file system: a rename);
//! 3. writes the completion marker `WORK/_done/STEP-TASK.json` (summary, seconds,
//!    host, files) and removes the staging directory.
//!
//! A relaunch skips a task whose marker exists (and matches the config), rolls a task
//! with a journal forward (finishes the moves), and redoes any other task from
//! scratch after deleting its staging directory. So a task killed at any point leaves
//! no partial output under a final name, and relaunching the whole step is always safe.
//! Downstream steps only read what the markers of the step before vouch for.
//!
//! Do not run the *same* task twice at the same time (schedulers that speculate or
//! requeue run it again only after the first attempt is gone).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sheikh_core::io::AtomicFile;
use sheikh_core::write_json_atomic;

use crate::error::{CliError, Result};

/// The completion marker of a task, `WORK/_done/STEP-TASK.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// The step.
    pub step: String,
    /// The task within the step (`00003`, `band-007`, `exact`, `all`).
    pub task: String,
    /// Fingerprint of the config the task ran with.
    pub fingerprint: String,
    /// Wall time of the task's work, in seconds.
    pub seconds: f64,
    /// Host that ran it.
    pub host: String,
    /// Unix time (seconds) it finished.
    pub finished_unix: u64,
    /// Peak resident memory of the process when the task finished (Linux
    /// `VmHWM`; in a process that ran several tasks, the peak over all of them).
    #[serde(default)]
    pub peak_rss_bytes: Option<u64>,
    /// Files it committed (final names).
    pub files: Vec<PathBuf>,
    /// What the task reports (step-specific).
    pub summary: serde_json::Value,
}

/// What happened when a task was launched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// The task ran and committed.
    Ran,
    /// A marker existed: nothing was done.
    Skipped,
    /// A previous attempt had finished its work but not its commit: the commit was
    /// completed.
    Recovered,
}

/// A launched task's status and marker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    /// What happened.
    pub status: TaskStatus,
    /// The marker.
    pub marker: Marker,
}

/// Where a running task writes: staged mirrors of the work and output directories, and
/// a scratch directory that is never committed.
#[derive(Debug, Clone)]
pub struct Staging {
    root: PathBuf,
    work: PathBuf,
}

impl Staging {
    /// The staged path of `WORK/rel`.
    pub fn work(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join("work").join(rel)
    }

    /// The staged path of `OUTPUT/rel`.
    pub fn out(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join("out").join(rel)
    }

    /// A scratch directory, deleted with the staging directory.
    pub fn scratch(&self) -> PathBuf {
        self.root.join("scratch")
    }

    /// Makes the staged `WORK/rel` a symbolic link to the real `WORK/rel`, for steps
    /// that read and write the same directory (their inputs stay where they are; links
    /// are never committed).
    pub fn link_work(&self, rel: impl AsRef<Path>) -> Result<()> {
        let target = self.work.join(rel.as_ref());
        let link = self.work(rel.as_ref());
        if let Some(parent) = link.parent() {
            std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
        }
        if !target.exists() {
            std::fs::create_dir_all(&target).map_err(|e| CliError::io(&target, e))?;
        }
        symlink_dir(&target, &link)
    }
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(target, link).map_err(|e| CliError::io(link, e))
}

#[cfg(not(unix))]
fn symlink_dir(target: &Path, link: &Path) -> Result<()> {
    Err(CliError::Config(format!(
        "{}: staged tasks need symbolic links (Unix) to read {}",
        link.display(),
        target.display()
    )))
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    moves: Vec<(PathBuf, PathBuf)>,
    marker: Marker,
}

/// `WORK/_done/STEP-TASK.json`.
pub fn marker_path(work: &Path, step: &str, task: &str) -> PathBuf {
    work.join("_done").join(format!("{step}-{task}.json"))
}

/// Reads a task's marker, if the task is complete.
pub fn read_marker(work: &Path, step: &str, task: &str) -> Result<Option<Marker>> {
    let path = marker_path(work, step, task);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| CliError::json(&path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(&path, e)),
    }
}

/// Runs `body` as the all-or-nothing task `STEP-TASK` (see the module documentation).
/// `out` is the final output directory that staged `out/…` files go to.
pub fn run_task<T: Serialize>(
    work: &Path,
    out: &Path,
    fingerprint: &str,
    step: &str,
    task: &str,
    body: impl FnOnce(&Staging) -> Result<T>,
) -> Result<TaskReport> {
    if let Some(marker) = read_marker(work, step, task)? {
        if marker.fingerprint != fingerprint {
            return Err(CliError::Plan(format!(
                "task {step}-{task} was completed with another config (fingerprint {}, now {fingerprint}); use a fresh work directory",
                marker.fingerprint
            )));
        }
        return Ok(TaskReport {
            status: TaskStatus::Skipped,
            marker,
        });
    }
    let staging = Staging {
        root: work.join("_staging").join(format!("{step}-{task}")),
        work: work.to_path_buf(),
    };
    let journal_path = staging.root.join("_commit.json");
    if journal_path.exists() {
        let journal: Journal = serde_json::from_slice(
            &std::fs::read(&journal_path).map_err(|e| CliError::io(&journal_path, e))?,
        )
        .map_err(|e| CliError::json(&journal_path, e))?;
        if journal.marker.fingerprint == fingerprint {
            let marker = roll_forward(work, &staging, journal)?;
            return Ok(TaskReport {
                status: TaskStatus::Recovered,
                marker,
            });
        }
    }
    remove_dir_if_exists(&staging.root)?;
    std::fs::create_dir_all(&staging.root).map_err(|e| CliError::io(&staging.root, e))?;
    let started = Instant::now();
    let summary = body(&staging)?;
    let seconds = started.elapsed().as_secs_f64();
    let mut moves = Vec::new();
    for (sub, dest) in [("work", work), ("out", out)] {
        let base = staging.root.join(sub);
        collect_files(&base, &base, dest, &mut moves)?;
    }
    moves.sort();
    let marker = Marker {
        step: step.to_string(),
        task: task.to_string(),
        fingerprint: fingerprint.to_string(),
        seconds,
        host: hostname(),
        finished_unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        peak_rss_bytes: peak_rss_bytes(),
        files: moves.iter().map(|(_, d)| d.clone()).collect(),
        summary: serde_json::to_value(&summary).map_err(|e| CliError::json(&journal_path, e))?,
    };
    let journal = Journal { moves, marker };
    write_json_atomic(&journal_path, &journal)?;
    let marker = roll_forward(work, &staging, journal)?;
    Ok(TaskReport {
        status: TaskStatus::Ran,
        marker,
    })
}

fn roll_forward(work: &Path, staging: &Staging, journal: Journal) -> Result<Marker> {
    for (src, dst) in &journal.moves {
        if src.exists() {
            move_file(src, dst)?;
        } else if !dst.exists() {
            return Err(CliError::Plan(format!(
                "commit of {}: {} is neither staged nor in place",
                staging.root.display(),
                dst.display()
            )));
        }
    }
    write_json_atomic(
        marker_path(work, &journal.marker.step, &journal.marker.task),
        &journal.marker,
    )?;
    remove_dir_if_exists(&staging.root)?;
    Ok(journal.marker)
}

/// Renames `src` to `dst` (creating the parent); across file systems, copies to a
/// temporary name, renames, then removes `src`.
fn move_file(src: &Path, dst: &Path) -> Result<()> {
    if let Some(parent) = dst.parent() {
        std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
    }
    if std::fs::rename(src, dst).is_ok() {
        return Ok(());
    }
    let mut f = AtomicFile::create(dst)?;
    let mut input = std::fs::File::open(src).map_err(|e| CliError::io(src, e))?;
    std::io::copy(&mut input, &mut f).map_err(|e| CliError::io(dst, e))?;
    f.commit()?;
    std::fs::remove_file(src).map_err(|e| CliError::io(src, e))
}

/// Regular files under `dir` (links are not followed nor committed), with their
/// destinations under `dest`.
fn collect_files(
    base: &Path,
    dir: &Path,
    dest: &Path,
    out: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(CliError::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| CliError::io(dir, e))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| CliError::io(&path, e))?;
        if ft.is_dir() {
            collect_files(base, &path, dest, out)?;
        } else if ft.is_file() {
            let rel = path.strip_prefix(base).expect("under base");
            out.push((path.clone(), dest.join(rel)));
        }
    }
    Ok(())
}

fn remove_dir_if_exists(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::io(dir, e)),
    }
}

/// The process's peak resident set size (Linux `/proc/self/status` `VmHWM`).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn commits_skips_and_fails_without_leaving_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let (work, out) = (dir.path().join("work"), dir.path().join("out"));
        let r = run_task(&work, &out, "fp", "step", "00000", |st| {
            write(&st.work("a/x.txt"), "x");
            write(&st.out("data/y.txt"), "y");
            Ok(7u32)
        })
        .unwrap();
        assert_eq!(r.status, TaskStatus::Ran);
        assert_eq!(r.marker.summary, serde_json::json!(7));
        assert_eq!(std::fs::read_to_string(work.join("a/x.txt")).unwrap(), "x");
        assert_eq!(
            std::fs::read_to_string(out.join("data/y.txt")).unwrap(),
            "y"
        );
        assert!(!work.join("_staging/step-00000").exists());
        // Relaunch: skipped, the body does not run.
        let r = run_task(&work, &out, "fp", "step", "00000", |_| -> Result<()> {
            panic!("must not run")
        })
        .unwrap();
        assert_eq!(r.status, TaskStatus::Skipped);
        // Another config: refused.
        assert!(run_task(&work, &out, "other", "step", "00000", |_| Ok(())).is_err());
        // A failing task leaves nothing under a final name and no marker.
        let err = run_task(&work, &out, "fp", "step", "00001", |st| -> Result<()> {
            write(&st.out("data/z.txt"), "z");
            Err(CliError::Plan("boom".into()))
        });
        assert!(err.is_err());
        assert!(!out.join("data/z.txt").exists());
        assert!(read_marker(&work, "step", "00001").unwrap().is_none());
        // Relaunched, it redoes the work from scratch.
        let r = run_task(&work, &out, "fp", "step", "00001", |st| {
            write(&st.out("data/z2.txt"), "z");
            Ok(())
        })
        .unwrap();
        assert_eq!(r.status, TaskStatus::Ran);
        assert!(!out.join("data/z.txt").exists());
        assert!(out.join("data/z2.txt").exists());
    }

    #[test]
    fn a_journal_is_rolled_forward() {
        let dir = tempfile::tempdir().unwrap();
        let (work, out) = (dir.path().join("work"), dir.path().join("out"));
        // Simulate a task killed after its journal and one of its two moves.
        let staging = work.join("_staging/step-00002");
        write(&staging.join("out/data/b.txt"), "b");
        write(&out.join("data/a.txt"), "a");
        let marker = Marker {
            step: "step".into(),
            task: "00002".into(),
            fingerprint: "fp".into(),
            seconds: 1.0,
            host: String::new(),
            finished_unix: 0,
            peak_rss_bytes: None,
            files: vec![out.join("data/a.txt"), out.join("data/b.txt")],
            summary: serde_json::Value::Null,
        };
        let journal = Journal {
            moves: vec![
                (staging.join("out/data/a.txt"), out.join("data/a.txt")),
                (staging.join("out/data/b.txt"), out.join("data/b.txt")),
            ],
            marker: marker.clone(),
        };
        write_json_atomic(staging.join("_commit.json"), &journal).unwrap();
        let r = run_task(&work, &out, "fp", "step", "00002", |_| -> Result<()> {
            panic!("must not run")
        })
        .unwrap();
        assert_eq!(r.status, TaskStatus::Recovered);
        assert_eq!(r.marker, marker);
        assert!(out.join("data/b.txt").exists());
        assert!(!staging.exists());
        assert_eq!(read_marker(&work, "step", "00002").unwrap(), Some(marker));
    }

    #[test]
    fn links_are_read_but_never_committed() {
        let dir = tempfile::tempdir().unwrap();
        let (work, out) = (dir.path().join("work"), dir.path().join("out"));
        write(&work.join("sig/s.bin"), "s");
        run_task(&work, &out, "fp", "step", "all", |st| {
            st.link_work("sig")?;
            let s = std::fs::read_to_string(st.work("sig/s.bin")).unwrap();
            write(&st.work("pairs/p.bin"), &s);
            Ok(())
        })
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(work.join("pairs/p.bin")).unwrap(),
            "s"
        );
        assert_eq!(
            std::fs::read_to_string(work.join("sig/s.bin")).unwrap(),
            "s"
        );
    }
}
