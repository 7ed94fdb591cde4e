//! The evaluation report: JSON (serde) and Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::codebleu::CodeBleuScore;
use super::validity::SyntaxValidity;

/// The seed's target for the syntax validity of model output: more than 95%.
pub const TARGET_SYNTAX_VALIDITY: f64 = 0.95;
/// The seed's target for CodeBLEU of model output: more than 0.65.
pub const TARGET_CODEBLEU: f64 = 0.65;

/// One target of the seed's quality table against its measured value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCheck {
    /// Metric name.
    pub metric: String,
    /// The measured value must be strictly greater than this.
    pub target: f64,
    /// The measured value (`None` when nothing could be measured).
    pub measured: Option<f64>,
    /// `measured > target`.
    pub pass: bool,
}

/// What happened to test execution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionSummary {
    /// Execution was asked for.
    pub requested: bool,
    /// `node --version` when node is available.
    pub node_version: Option<String>,
    /// Why nothing ran although it was asked for (e.g. node missing).
    pub unavailable_reason: Option<String>,
    /// Runs happened in a network namespace without interfaces.
    pub network_isolated: bool,
    /// Tasks whose samples were executed.
    pub tasks_executed: u64,
    /// Records without `tests`.
    pub tasks_without_tests: u64,
    /// Records with tests in a language node cannot run directly (TypeScript, JSX…).
    pub tasks_not_runnable: u64,
    /// Samples run.
    pub samples: u64,
    /// Samples that exited with 0.
    pub passed: u64,
    /// Samples killed at the time limit.
    pub timeouts: u64,
}

/// A failed sample, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecFailure {
    /// The task.
    pub task_id: String,
    /// Index of the sample in `predictions`.
    pub sample: usize,
    /// Exit code (`None`: killed).
    pub exit_code: Option<i32>,
    /// Killed at the time limit.
    pub timed_out: bool,
    /// End of stderr.
    pub stderr_tail: String,
}

/// Mean pass@k for one k.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PassAtKValue {
    /// k.
    pub k: u64,
    /// Mean unbiased pass@k over the tasks with at least k samples.
    pub value: Option<f64>,
    /// Tasks counted.
    pub tasks: u64,
}

/// Everything measured on a file of generations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// The input, when read from a file.
    pub input: Option<String>,
    /// Records read.
    pub records: u64,
    /// Predictions (samples) read.
    pub predictions: u64,
    /// Syntax validity of every prediction, per language.
    pub syntax_validity: SyntaxValidity,
    /// Corpus-level CodeBLEU of each record's first prediction against its reference,
    /// per language name, plus `"all"` (statistics pooled over the languages).
    pub codebleu: BTreeMap<String, CodeBleuScore>,
    /// Records left out of CodeBLEU (no reference, or not a JavaScript-family language).
    pub codebleu_skipped: u64,
    /// Mean pass@k (empty when nothing was executed).
    pub pass_at_k: Vec<PassAtKValue>,
    /// Test execution.
    pub execution: ExecutionSummary,
    /// The first failed samples (at most [`EvalConfig::max_failures`](super::EvalConfig::max_failures)).
    pub failures: Vec<ExecFailure>,
    /// The seed's targets for model output.
    pub targets: Vec<TargetCheck>,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The most telling line of a failed run's stderr: the first mentioning an error
/// (`AssertionError …`, `SyntaxError: …`), else the last non-blank one that is not
/// node's version footer.
fn error_line(stderr: &str) -> &str {
    let lines = || stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let names_error = |l: &&str| {
        let head: &str = l.split([':', ' ']).next().unwrap_or("");
        head.ends_with("Error") && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    lines()
        .find(names_error)
        .or_else(|| lines().find(|l| l.contains("Error") && !l.starts_with("at ")))
        .or_else(|| lines().rev().find(|l| !l.starts_with("Node.js v")))
        .unwrap_or("")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl EvalReport {
    /// Fills [`targets`](Self::targets) from the measured values.
    pub(crate) fn check_targets(&mut self) {
        let overall = self.syntax_validity.overall();
        let sv = (overall.predictions > 0).then(|| overall.rate());
        let cb = self.codebleu.get("all").map(|s| s.codebleu);
        self.targets = vec![
            TargetCheck {
                metric: "syntax validity (model output)".into(),
                target: TARGET_SYNTAX_VALIDITY,
                measured: sv,
                pass: sv.is_some_and(|v| v > TARGET_SYNTAX_VALIDITY),
            },
            TargetCheck {
                metric: "CodeBLEU (model output)".into(),
                target: TARGET_CODEBLEU,
                measured: cb,
                pass: cb.is_some_and(|v| v > TARGET_CODEBLEU),
            },
        ];
    }

    /// True when every target passes.
    pub fn all_targets_pass(&self) -> bool {
        self.targets.iter().all(|t| t.pass)
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Generated-code evaluation\n");
        if let Some(input) = &self.input {
            let _ = writeln!(
                md,
                "Input: `{input}` — {} records, {} predictions.\n",
                self.records, self.predictions
            );
        } else {
            let _ = writeln!(
                md,
                "{} records, {} predictions.\n",
                self.records, self.predictions
            );
        }

        let _ = writeln!(
            md,
            "## Targets\n\n| Metric | Target | Measured | Result |\n|---|---|---|---|"
        );
        for t in &self.targets {
            let (target, measured) = if t.metric.starts_with("syntax") {
                (format!("> {}", pct(t.target)), t.measured.map(pct))
            } else {
                (
                    format!("> {:.2}", t.target),
                    t.measured.map(|v| format!("{v:.4}")),
                )
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                t.metric,
                target,
                measured.unwrap_or_else(|| "not measured".into()),
                if t.pass { "✅ pass" } else { "❌ fail" }
            );
        }

        let _ = writeln!(md, "\n## Syntax validity\n\n| Language | Predictions | Valid | Invalid | Not checked | Rate |\n|---|---:|---:|---:|---:|---:|");
        let mut rows: Vec<(String, super::LanguageValidity)> = self
            .syntax_validity
            .per_language
            .iter()
            .map(|(l, v)| (l.name().to_string(), *v))
            .collect();
        if rows.len() != 1 {
            rows.push(("**all**".into(), self.syntax_validity.overall()));
        }
        for (name, v) in rows {
            let _ = writeln!(
                md,
                "| {name} | {} | {} | {} | {} | {} |",
                v.predictions,
                v.valid,
                v.invalid,
                v.unchecked,
                pct(v.rate())
            );
        }

        let _ = writeln!(md, "\n## CodeBLEU\n\nFirst prediction of each record against its reference; corpus-level (statistics summed over pairs), weights 0.25 each.\n");
        if self.codebleu.is_empty() {
            let _ = writeln!(md, "No record with a reference in JavaScript/TypeScript.");
        } else {
            let _ = writeln!(md, "| Language | Pairs | CodeBLEU | n-gram | weighted n-gram | syntax | data-flow |\n|---|---:|---:|---:|---:|---:|---:|");
            for (name, s) in &self.codebleu {
                let df = if s.dataflow_degenerate {
                    format!("{:.4} (used as 1)", s.dataflow_match)
                } else {
                    format!("{:.4}", s.dataflow_match)
                };
                let name = if name == "all" {
                    "**all**"
                } else {
                    name.as_str()
                };
                let _ = writeln!(
                    md,
                    "| {name} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {df} |",
                    s.pairs, s.codebleu, s.ngram_match, s.weighted_ngram_match, s.syntax_match
                );
            }
        }
        if self.codebleu_skipped > 0 {
            let _ = writeln!(
                md,
                "\n{} record(s) without a reference or in another language were not scored.",
                self.codebleu_skipped
            );
        }

        let _ = writeln!(md, "\n## pass@k\n");
        let ex = &self.execution;
        if !ex.requested {
            let _ = writeln!(md, "Tests were not executed (run with `--execute`).");
        } else if let Some(reason) = &ex.unavailable_reason {
            let _ = writeln!(md, "Tests were not executed: {reason}.");
        } else {
            let _ = writeln!(
                md,
                "Executed with node {} ({}network isolation); {} task(s), {} sample(s), {} passed, {} timed out; {} record(s) without tests, {} not runnable by node.\n",
                ex.node_version.as_deref().unwrap_or("?"),
                if ex.network_isolated { "" } else { "no " },
                ex.tasks_executed,
                ex.samples,
                ex.passed,
                ex.timeouts,
                ex.tasks_without_tests,
                ex.tasks_not_runnable
            );
            let _ = writeln!(
                md,
                "| k | pass@k | Tasks with ≥ k samples |\n|---:|---:|---:|"
            );
            for v in &self.pass_at_k {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} |",
                    v.k,
                    v.value
                        .map(|x| format!("{x:.4}"))
                        .unwrap_or_else(|| "–".into()),
                    v.tasks
                );
            }
            if !self.failures.is_empty() {
                let _ = writeln!(md, "\n### Failed samples (first {})\n\n| Task | Sample | Exit | Error |\n|---|---:|---|---|", self.failures.len());
                for f in &self.failures {
                    let exit = if f.timed_out {
                        "timeout".to_string()
                    } else {
                        f.exit_code
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "killed".into())
                    };
                    let err: String = error_line(&f.stderr_tail).chars().take(160).collect();
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} |",
                        cell(&f.task_id),
                        f.sample,
                        exit,
                        cell(&err)
                    );
                }
            }
        }
        md
    }
}
