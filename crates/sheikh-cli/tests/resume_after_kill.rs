//! Tasks killed with SIGKILL in the middle leave nothing under a final name; a
//! relaunch skips finished tasks, redoes the killed ones, and the result equals an
//! uninterrupted run's.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Env {
    config: PathBuf,
    work: PathBuf,
}

impl Env {
    fn new(dir: &Path, name: &str) -> Env {
        let out = dir.join(format!("{name}-out"));
        let config = dir.join(format!("{name}.yaml"));
        std::fs::write(
            &config,
            serde_saphyr::to_string(&common::config(&out)).unwrap(),
        )
        .unwrap();
        Env {
            config,
            work: dir.join(format!("{name}-work")),
        }
    }

    fn out(&self) -> PathBuf {
        self.work.with_file_name(
            self.work
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace("-work", "-out"),
        )
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sheikh"));
        c.arg("--config")
            .arg(&self.config)
            .arg("--work")
            .arg(&self.work)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs to completion; returns stdout.
    fn run(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "sheikh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Starts a slowed-down task and SIGKILLs it once `partial` (a temporary file of
    /// its output) exists, i.e. in the middle of its work.
    fn kill_midway(&self, args: &[&str], partial: &Path) {
        let mut full = vec!["--throttle-ms", "300"];
        full.extend_from_slice(args);
        let mut child: Child = self.command(&full).spawn().unwrap();
        let start = Instant::now();
        while !partial.exists() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "sheikh {args:?} finished before it could be interrupted"
            );
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "no partial output appeared"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(!status.success(), "the task was killed, not finished");
    }
}

fn files_under(dir: &Path) -> Vec<String> {
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

#[test]
fn killed_tasks_leave_no_partial_output_and_a_rerun_completes_identically() {
    let dir = tempfile::tempdir().unwrap();

    // Reference: an uninterrupted run through the binary.
    let reference = Env::new(dir.path(), "reference");
    reference.run(&["run", "--num-shards", "2"]);

    let env = Env::new(dir.path(), "killed");
    env.run(&["plan", "--num-shards", "2"]);

    // 1. Kill `filter --shard 0` in the middle of writing its shard.
    let staging = env.work.join("_staging/filter-00000");
    env.kill_midway(
        &["filter", "--shard", "0"],
        &staging.join("work/filtered/.shard-00000-00000.parquet.tmp"),
    );
    assert!(!env.work.join("_done/filter-00000.json").exists());
    assert!(
        !env.work.join("filtered").exists(),
        "{:?}",
        files_under(&env.work)
    );
    assert!(!env.work.join("stats").exists());
    // Only `plan`'s claim of the output directory (its run marker) is there.
    assert_eq!(
        files_under(&env.out()),
        [sheikh::core::io::RUN_MARKER],
        "final output of a killed task is visible"
    );

    // 2. Run the other filter task, the dedup steps, then kill `dedup-filter --shard 1`.
    env.run(&["filter", "--shard", "1"]);
    env.run(&["filter", "--shard", "0"]);
    for line in env.run(&["tasks"]).lines() {
        let (step, n) = line.split_once('\t').unwrap();
        if step.starts_with("dedup-") && step != "dedup-filter" {
            for i in 0..n.parse::<u32>().unwrap() {
                env.run(&["task", step, &i.to_string()]);
            }
        }
    }
    let before = files_under(&env.out());
    env.kill_midway(
        &["dedup-filter", "--shard", "1"],
        &env.work
            .join("_staging/dedup-filter-00001/out/data/.part-00001-00000.parquet.tmp"),
    );
    assert!(!env.work.join("_done/dedup-filter-00001.json").exists());
    assert_eq!(
        files_under(&env.out()),
        before,
        "the killed task committed something"
    );
    assert!(!env.work.join("report").exists());

    // 3. Relaunch everything: finished tasks are skipped, the killed one is redone.
    let again = env.run(&["filter", "--shard", "1"]);
    assert!(again.contains("\"skipped\""), "{again}");
    env.run(&["run", "--num-shards", "2"]);
    assert!(
        !env.work.join("_staging").exists() || files_under(&env.work.join("_staging")).is_empty()
    );

    // Same documents, same files, same statistics and report as the uninterrupted run.
    let (a, b) = (kept(&env.out()), kept(&reference.out()));
    assert!(!a.is_empty());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(essence(x), essence(y));
    }
    assert_eq!(files_under(&env.out()), files_under(&reference.out()));
    for f in ["stats.json", "report.json", "dedup.json"] {
        assert_eq!(
            comparable_stats(&env.out().join(f)),
            comparable_stats(&reference.out().join(f)),
            "{f}"
        );
    }
    assert_eq!(dedup_removals(&env.out()), dedup_removals(&reference.out()));
    let status = env.run(&["status"]);
    assert!(status.contains("dedup-filter"), "{status}");
}
