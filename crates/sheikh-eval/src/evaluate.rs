//! [`Evaluator`]: reads generation records in batches, measures them in parallel and
//! builds an [`EvalReport`].

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sheikh_core::Language;
use sheikh_syntax::Validator;

use super::codebleu::{CodeBleu, CodeBleuConfig, CodeBleuStats};
use super::execute::{ExecConfig, ExecOutcome, NodeRunner};
use super::pass_at_k::PassAtK;
use super::record::{GenerationReader, GenerationRecord};
use super::report::{EvalReport, ExecFailure, ExecutionSummary, PassAtKValue};
use super::validity::SyntaxValidity;
use super::EvalError;

/// Settings of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvalConfig {
    /// k values for pass@k (default `[1, 10]`).
    pub ks: Vec<u64>,
    /// Run the tests of JavaScript records with node (default false).
    pub execute: bool,
    /// How to run node.
    pub exec: ExecConfig,
    /// CodeBLEU weights (default 0.25 each).
    pub codebleu: CodeBleuConfig,
    /// Records read and measured together, in parallel (default 64).
    pub batch_size: usize,
    /// Failed samples listed in the report (default 20).
    pub max_failures: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            ks: vec![1, 10],
            execute: false,
            exec: ExecConfig::default(),
            codebleu: CodeBleuConfig::default(),
            batch_size: 64,
            max_failures: 20,
        }
    }
}

/// What one record contributes.
struct RecordResult {
    task_id: String,
    language: Language,
    syntax: SyntaxValidity,
    codebleu: Option<CodeBleuStats>,
    runs: Option<Vec<ExecOutcome>>,
    not_runnable: bool,
    without_tests: bool,
}

/// Evaluates generated code: syntax validity, CodeBLEU, pass@k.
///
/// ```no_run
/// use sheikh_eval::{EvalConfig, Evaluator};
/// let report = Evaluator::new(EvalConfig { execute: true, ..Default::default() })
///     .unwrap()
///     .evaluate_file("predictions.jsonl")
///     .unwrap();
/// println!("{}", report.to_markdown());
/// ```
pub struct Evaluator {
    config: EvalConfig,
    validator: Validator,
    scorers: BTreeMap<Language, CodeBleu>,
    runner: Result<Option<NodeRunner>, String>,
}

impl Evaluator {
    /// Checks the settings and, when execution is asked for, looks for node (its
    /// absence is reported, not an error) and sets up the sandbox (fails closed with
    /// [`EvalError::SandboxUnavailable`] when it cannot be).
    pub fn new(config: EvalConfig) -> Result<Self, EvalError> {
        if config.ks.is_empty() || config.ks.contains(&0) {
            return Err(EvalError::InvalidConfig(format!(
                "ks must be non-empty and positive, got {:?}",
                config.ks
            )));
        }
        if config.batch_size == 0 {
            return Err(EvalError::InvalidConfig(
                "batch_size must be positive".into(),
            ));
        }
        let mut scorers = BTreeMap::new();
        for lang in [
            Language::JavaScript,
            Language::Jsx,
            Language::TypeScript,
            Language::Tsx,
        ] {
            scorers.insert(lang, CodeBleu::with_config(lang, config.codebleu)?);
        }
        let runner = if config.execute {
            match NodeRunner::detect(config.exec.clone()) {
                Ok(r) => Ok(Some(r)),
                Err(e) if e.refused => return Err(EvalError::SandboxUnavailable(e.reason)),
                Err(e) => Err(e.reason),
            }
        } else {
            Ok(None)
        };
        Ok(Evaluator {
            config,
            validator: Validator::default(),
            scorers,
            runner,
        })
    }

    /// Evaluates a JSONL file of [`GenerationRecord`]s.
    pub fn evaluate_file(&self, path: impl AsRef<Path>) -> Result<EvalReport, EvalError> {
        let path = path.as_ref();
        let mut report = self.evaluate(GenerationReader::open(path)?)?;
        report.input = Some(path.display().to_string());
        Ok(report)
    }

    /// Evaluates records from any source, `batch_size` at a time; stops at the first
    /// error.
    pub fn evaluate(
        &self,
        records: impl IntoIterator<Item = Result<GenerationRecord, EvalError>>,
    ) -> Result<EvalReport, EvalError> {
        let mut report = EvalReport::default();
        let mut cb: BTreeMap<Language, CodeBleuStats> = BTreeMap::new();
        let mut pass = PassAtK::new(&self.config.ks);
        let mut exec = ExecutionSummary {
            requested: self.config.execute,
            ..Default::default()
        };
        match &self.runner {
            Ok(Some(r)) => {
                exec.node_version = Some(r.node_version().to_string());
                exec.network_isolated = r.network_isolated();
            }
            Ok(None) => {}
            Err(reason) => exec.unavailable_reason = Some(reason.clone()),
        }

        let mut iter = records.into_iter();
        let mut batch = Vec::with_capacity(self.config.batch_size);
        loop {
            batch.clear();
            for rec in iter.by_ref().take(self.config.batch_size) {
                batch.push(rec?);
            }
            if batch.is_empty() {
                break;
            }
            let results: Vec<RecordResult> = batch.par_iter().map(|r| self.measure(r)).collect();
            for (rec, res) in batch.iter().zip(results) {
                report.records += 1;
                report.predictions += rec.predictions.len() as u64;
                report.syntax_validity.merge(&res.syntax);
                match res.codebleu {
                    Some(st) => cb.entry(res.language).or_default().add(&st),
                    None => report.codebleu_skipped += 1,
                }
                exec.tasks_without_tests += u64::from(res.without_tests);
                exec.tasks_not_runnable += u64::from(res.not_runnable);
                if let Some(runs) = res.runs {
                    let c = runs.iter().filter(|o| o.passed).count() as u64;
                    pass.add_task(runs.len() as u64, c);
                    exec.tasks_executed += 1;
                    exec.samples += runs.len() as u64;
                    exec.passed += c;
                    for (i, o) in runs.into_iter().enumerate() {
                        exec.timeouts += u64::from(o.timed_out);
                        if !o.passed && report.failures.len() < self.config.max_failures {
                            report.failures.push(ExecFailure {
                                task_id: res.task_id.clone(),
                                sample: i,
                                exit_code: o.exit_code,
                                timed_out: o.timed_out,
                                stderr_tail: o.stderr_tail,
                            });
                        }
                    }
                }
            }
        }

        let mut all = CodeBleuStats::default();
        for (lang, st) in &cb {
            all.add(st);
            report
                .codebleu
                .insert(lang.name().to_string(), st.score(&self.config.codebleu));
        }
        if all.pairs > 0 {
            report
                .codebleu
                .insert("all".into(), all.score(&self.config.codebleu));
        }
        if exec.tasks_executed > 0 {
            report.pass_at_k = pass
                .values()
                .into_iter()
                .map(|(k, (value, tasks))| PassAtKValue { k, value, tasks })
                .collect();
        }
        report.execution = exec;
        report.check_targets();
        Ok(report)
    }

    fn measure(&self, rec: &GenerationRecord) -> RecordResult {
        let mut syntax = SyntaxValidity::default();
        for p in &rec.predictions {
            syntax.add(&self.validator.validate(p, rec.language));
        }
        let codebleu = match (&rec.reference, self.scorers.get(&rec.language)) {
            (Some(reference), Some(scorer)) => {
                Some(scorer.stats(&rec.predictions[0], &[reference.as_str()]))
            }
            _ => None,
        };
        let (mut runs, mut not_runnable, mut without_tests) = (None, false, false);
        if let Ok(Some(runner)) = &self.runner {
            match &rec.tests {
                None => without_tests = true,
                Some(_) if rec.language != Language::JavaScript => not_runnable = true,
                Some(tests) => {
                    runs = Some(
                        rec.predictions
                            .iter()
                            .map(|p| runner.run(p, tests))
                            .collect(),
                    );
                }
            }
        }
        RecordResult {
            task_id: rec.task_id.clone(),
            language: rec.language,
            syntax,
            codebleu,
            runs,
            not_runnable,
            without_tests,
        }
    }
}
