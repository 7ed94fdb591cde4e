//! Running a JavaScript prediction together with its tests under `node`.
//!
//! Each run gets a fresh temporary directory holding `main.js` (or `main.mjs` when the
//! code uses ES module syntax) = prediction + `"\n"` + tests. `node` starts there with
//! an empty environment (`HOME` = the directory), Node's permission model
//! (`--experimental-permission`: file-system access limited to the directory, no child
//! processes, no worker threads), in a new network namespace without interfaces
//! (`unshare -rn`), and under resource limits set with `prlimit`: `RLIMIT_DATA` (heap
//! and mappings: [`ExecConfig::memory_mb`], plus node's `--max-old-space-size`),
//! `RLIMIT_FSIZE` (largest file: [`ExecConfig::disk_mb`]), no core files; the run
//! directory's total size is also watched while the program runs and after it. A run
//! passes when the process exits with 0 within the limits; otherwise it is killed.
//!
//! Fail closed: when `unshare -rn true` does not work, [`NodeRunner::detect`] refuses
//! (untrusted code would have the network) unless [`ExecConfig::allow_network`] is set.
//! At most [`ExecConfig::parallelism`] programs run at once.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use regex::Regex;
use serde::{Deserialize, Serialize};

/// Settings of [`NodeRunner`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExecConfig {
    /// The `node` executable (default `"node"`, looked up in `PATH`).
    pub node: PathBuf,
    /// Wall-clock limit per run in milliseconds (default 10 000).
    pub timeout_ms: u64,
    /// Run in a network namespace of its own via `unshare -rn` (default true).
    pub isolate_network: bool,
    /// Run even when network isolation is off or does not work on this machine
    /// (default false: [`NodeRunner::detect`] refuses instead).
    pub allow_network: bool,
    /// The `unshare` executable (default `"unshare"`).
    pub unshare: PathBuf,
    /// The `prlimit` executable that applies the resource limits (default `"prlimit"`).
    pub prlimit: PathBuf,
    /// Memory limit per run in MiB: node's `--max-old-space-size` and the process's
    /// `RLIMIT_DATA` (default 512).
    pub memory_mb: u64,
    /// Disk limit per run in MiB: `RLIMIT_FSIZE` for any one file and the run
    /// directory's total size (default 64).
    pub disk_mb: u64,
    /// Programs run at once, `0` for the number of cores (default 0).
    pub parallelism: usize,
    /// Use Node's permission model (default true).
    pub permission_model: bool,
    /// Bytes of stderr kept for the report of a failed run (default 2048).
    pub stderr_bytes: usize,
}

impl Default for ExecConfig {
    fn default() -> Self {
        ExecConfig {
            node: PathBuf::from("node"),
            timeout_ms: 10_000,
            isolate_network: true,
            allow_network: false,
            unshare: PathBuf::from("unshare"),
            prlimit: PathBuf::from("prlimit"),
            memory_mb: 512,
            disk_mb: 64,
            parallelism: 0,
            permission_model: true,
            stderr_bytes: 2048,
        }
    }
}

/// Why execution is not possible on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecUnavailable {
    /// Human-readable reason (e.g. "node not found").
    pub reason: String,
    /// True when node runs but the sandbox cannot be set up (no network isolation,
    /// no resource limits, bad limits): a refusal to run untrusted code, which
    /// [`Evaluator::new`](super::Evaluator::new) turns into
    /// [`EvalError::SandboxUnavailable`](super::EvalError::SandboxUnavailable).
    #[serde(default)]
    pub refused: bool,
}

/// Result of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecOutcome {
    /// Exited with status 0 within the time limit.
    pub passed: bool,
    /// Exit code, `None` when killed (timeout or signal).
    pub exit_code: Option<i32>,
    /// Killed at the time limit.
    pub timed_out: bool,
    /// Wall-clock milliseconds.
    pub duration_ms: u64,
    /// The end of stderr (failed runs only).
    pub stderr_tail: String,
    /// Which limit stopped the run, if one did: `"memory"`, `"disk"` or `"time"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_hit: Option<String>,
}

static ESM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*(import\s+[\w{*'\x22]|export\s)").expect("static regex"));

/// Runs programs under `node`.
#[derive(Debug, Clone)]
pub struct NodeRunner {
    config: ExecConfig,
    version: String,
    unshare: bool,
    slots: std::sync::Arc<Slots>,
}

/// A counting semaphore bounding the programs that run at once.
#[derive(Debug)]
struct Slots {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Slots {
    fn acquire(&self) -> SlotGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        SlotGuard(self)
    }
}

struct SlotGuard<'a>(&'a Slots);

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Total size of the regular files under `dir` (not following symlinks).
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}

impl NodeRunner {
    /// Checks that `node` runs (`node --version`), that `prlimit` works, and that
    /// `unshare -rn true` works; refuses when network isolation does not work unless
    /// [`ExecConfig::allow_network`] is set.
    pub fn detect(config: ExecConfig) -> Result<Self, ExecUnavailable> {
        if config.memory_mb == 0 || config.disk_mb == 0 {
            return Err(ExecUnavailable {
                reason: "memory_mb and disk_mb must be positive".into(),
                refused: true,
            });
        }
        let out = Command::new(&config.node)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| ExecUnavailable {
                reason: format!("{} not runnable: {e}", config.node.display()),
                refused: false,
            })?;
        if !out.status.success() {
            return Err(ExecUnavailable {
                reason: format!("{} --version failed: {}", config.node.display(), out.status),
                refused: false,
            });
        }
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let quiet = |c: &mut Command| {
            c.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !quiet(Command::new(&config.prlimit).args(["--fsize=1048576", "--", "true"])) {
            return Err(ExecUnavailable {
                reason: format!(
                    "{} --fsize=1048576 -- true failed: cannot limit memory and disk; refusing to run untrusted code",
                    config.prlimit.display()
                ),
                refused: true,
            });
        }
        let unshare =
            config.isolate_network && quiet(Command::new(&config.unshare).args(["-rn", "true"]));
        if !unshare && !config.allow_network {
            return Err(ExecUnavailable {
                reason: if config.isolate_network {
                    format!(
                        "network isolation unavailable ({} -rn true failed); refusing to run untrusted code with network access (set allow_network: true / --allow-network to run anyway)",
                        config.unshare.display()
                    )
                } else {
                    "isolate_network is off; refusing to run untrusted code with network access unless allow_network is true".into()
                },
                refused: true,
            });
        }
        let parallelism = match config.parallelism {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        Ok(NodeRunner {
            config,
            version,
            unshare,
            slots: std::sync::Arc::new(Slots {
                free: std::sync::Mutex::new(parallelism),
                freed: std::sync::Condvar::new(),
            }),
        })
    }

    /// `node --version`.
    pub fn node_version(&self) -> &str {
        &self.version
    }

    /// True when runs are in a network namespace without interfaces.
    pub fn network_isolated(&self) -> bool {
        self.unshare
    }

    /// Runs `prediction + "\n" + tests`. I/O problems setting up the run are reported
    /// as a failed run with the error in `stderr_tail`.
    pub fn run(&self, prediction: &str, tests: &str) -> ExecOutcome {
        let _slot = self.slots.acquire();
        let started = Instant::now();
        match self.run_inner(prediction, tests, started) {
            Ok(o) => o,
            Err(e) => ExecOutcome {
                passed: false,
                exit_code: None,
                timed_out: false,
                duration_ms: started.elapsed().as_millis() as u64,
                stderr_tail: format!("could not run node: {e}"),
                limit_hit: None,
            },
        }
    }

    fn run_inner(
        &self,
        prediction: &str,
        tests: &str,
        started: Instant,
    ) -> std::io::Result<ExecOutcome> {
        let dir = tempfile::Builder::new().prefix("sheikh-eval-").tempdir()?;
        let module = ESM.is_match(prediction) || ESM.is_match(tests);
        let script = dir.path().join(if module { "main.mjs" } else { "main.js" });
        fs::write(&script, format!("{prediction}\n{tests}\n"))?;
        let stderr_path = dir.path().join("stderr.txt");
        let stderr = fs::File::create(&stderr_path)?;

        let mem = self.config.memory_mb.saturating_mul(1 << 20);
        let disk = self.config.disk_mb.saturating_mul(1 << 20);
        let mut cmd = if self.unshare {
            let mut c = Command::new(&self.config.unshare);
            c.arg("-rn").arg(&self.config.prlimit);
            c
        } else {
            Command::new(&self.config.prlimit)
        };
        cmd.arg(format!("--data={mem}"))
            .arg(format!("--fsize={disk}"))
            .arg("--core=0")
            .arg("--")
            .arg(&self.config.node)
            .arg(format!("--max-old-space-size={}", self.config.memory_mb));
        if self.config.permission_model {
            let d = dir.path().display();
            cmd.arg("--experimental-permission")
                .arg(format!("--allow-fs-read={d}"))
                .arg(format!("--allow-fs-write={d}"))
                .arg("--no-warnings");
        }
        cmd.arg(&script)
            .current_dir(dir.path())
            .env_clear()
            .env("HOME", dir.path())
            .env("NODE_OPTIONS", "")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr);
        let mut child = cmd.spawn()?;
        let limit = Duration::from_millis(self.config.timeout_ms);
        let mut sleep = Duration::from_millis(2);
        let mut disk_hit = false;
        let (status, timed_out) = loop {
            if let Some(status) = child.try_wait()? {
                break (Some(status), false);
            }
            if dir_size(dir.path()) > disk {
                disk_hit = true;
                let _ = child.kill();
                let _ = child.wait();
                break (None, false);
            }
            if started.elapsed() >= limit {
                let _ = child.kill();
                let _ = child.wait();
                break (None, true);
            }
            std::thread::sleep(sleep);
            sleep = (sleep * 2).min(Duration::from_millis(50));
        };
        let exit_code = status.and_then(|s| s.code());
        // SIGXFSZ (a file past RLIMIT_FSIZE) or a directory past the limit: disk.
        let signal = status.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
        let stderr_tail = tail(&stderr_path, self.config.stderr_bytes);
        disk_hit = disk_hit
            || signal == Some(25)
            || dir_size(dir.path()) > disk
            || (exit_code != Some(0)
                && ["EFBIG", "File too large", "ENOSPC"]
                    .iter()
                    .any(|m| stderr_tail.contains(m)));
        let memory_hit = !disk_hit
            && exit_code != Some(0)
            && [
                "heap out of memory",
                "allocation failed",
                "Cannot allocate memory",
                "std::bad_alloc",
                "out of memory",
            ]
            .iter()
            .any(|m| stderr_tail.contains(m));
        let limit_hit = if disk_hit {
            Some("disk")
        } else if memory_hit {
            Some("memory")
        } else if timed_out {
            Some("time")
        } else {
            None
        };
        let passed = !timed_out && !disk_hit && exit_code == Some(0);
        let stderr_tail = if passed { String::new() } else { stderr_tail };
        Ok(ExecOutcome {
            passed,
            exit_code,
            timed_out,
            duration_ms: started.elapsed().as_millis() as u64,
            stderr_tail,
            limit_hit: limit_hit.map(str::to_string),
        })
    }
}

/// The last `max` bytes of a file (read from the end: a runaway program's output is
/// never loaded whole).
fn tail(path: &Path, max: usize) -> String {
    let mut buf = Vec::new();
    if let Ok(mut f) = fs::File::open(path) {
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = f.seek(SeekFrom::Start(len.saturating_sub(max as u64)));
        let _ = f.take(max as u64).read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}
