//! Running a JavaScript prediction together with its tests under `node`.
//!
//! Each run gets a fresh temporary directory holding `main.js` (or `main.mjs` when the
//! code uses ES module syntax) = prediction + `"\n"` + tests. `node` starts there with
//! an empty environment (`HOME` = the directory), Node's permission model
//! (`--experimental-permission`: file-system access limited to the directory, no child
//! processes, no worker threads) and, when `unshare -rn` works on the machine, in a new
//! network namespace without interfaces. A run passes when the process exits with 0
//! before the timeout; otherwise it is killed.

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
    /// Run in a network namespace of its own via `unshare -rn` when available
    /// (default true). When it is not available, runs still happen and
    /// [`NodeRunner::network_isolated`] is false.
    pub isolate_network: bool,
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
}

static ESM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*(import\s+[\w{*'\x22]|export\s)").expect("static regex"));

/// Runs programs under `node`.
#[derive(Debug, Clone)]
pub struct NodeRunner {
    config: ExecConfig,
    version: String,
    unshare: bool,
}

impl NodeRunner {
    /// Checks that `node` runs (`node --version`) and whether `unshare -rn` works.
    pub fn detect(config: ExecConfig) -> Result<Self, ExecUnavailable> {
        let out = Command::new(&config.node)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| ExecUnavailable {
                reason: format!("{} not runnable: {e}", config.node.display()),
            })?;
        if !out.status.success() {
            return Err(ExecUnavailable {
                reason: format!("{} --version failed: {}", config.node.display(), out.status),
            });
        }
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let unshare = config.isolate_network
            && Command::new("unshare")
                .args(["-rn", "true"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        Ok(NodeRunner {
            config,
            version,
            unshare,
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
        let started = Instant::now();
        match self.run_inner(prediction, tests, started) {
            Ok(o) => o,
            Err(e) => ExecOutcome {
                passed: false,
                exit_code: None,
                timed_out: false,
                duration_ms: started.elapsed().as_millis() as u64,
                stderr_tail: format!("could not run node: {e}"),
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

        let mut cmd = if self.unshare {
            let mut c = Command::new("unshare");
            c.arg("-rn").arg(&self.config.node);
            c
        } else {
            Command::new(&self.config.node)
        };
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
        let (status, timed_out) = loop {
            if let Some(status) = child.try_wait()? {
                break (Some(status), false);
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
        let passed = !timed_out && exit_code == Some(0);
        let stderr_tail = if passed {
            String::new()
        } else {
            tail(&stderr_path, self.config.stderr_bytes)
        };
        Ok(ExecOutcome {
            passed,
            exit_code,
            timed_out,
            duration_ms: started.elapsed().as_millis() as u64,
            stderr_tail,
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
