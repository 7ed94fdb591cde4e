//! # sheikh-eval
//!
//! Metrics for generated code, to evaluate a model trained on the data (the data
//! pipeline's crates prepare the data; this one measures what a model learnt from it):
//!
//! - [`syntax_validity`] / [`SyntaxValidity`]: share of predictions that parse, per
//!   language (`sheikh-syntax`'s validators);
//! - [`CodeBleu`] / [`CodeBleuScore`]: CodeBLEU for JavaScript and TypeScript, a port of
//!   the PyPI `codebleu` package that agrees with it within 0.01 (see [`codebleu`]);
//! - [`pass_at_k()`] / [`PassAtK`]: the unbiased pass@k estimator, with [`NodeRunner`]
//!   running JavaScript predictions against their tests under `node`;
//! - [`Evaluator`]: all of the above over a JSONL file of [`GenerationRecord`]s, giving
//!   an [`EvalReport`] (JSON + Markdown) with the seed's targets for model output
//!   (syntax validity > 95%, CodeBLEU > 0.65) as pass/fail.
//!
//! ```
//! use sheikh_eval::{EvalConfig, Evaluator, GenerationRecord};
//!
//! let line = r#"{"task_id": "add", "language": "javascript",
//!               "prediction": "function add(a, b) { return a + b; }",
//!               "reference": "function add(x, y) { return x + y; }"}"#;
//! let record = GenerationRecord::from_json(line).unwrap();
//! let report = Evaluator::new(EvalConfig::default()).unwrap().evaluate([Ok(record)]).unwrap();
//! assert_eq!(report.syntax_validity.overall().rate(), 1.0);
//! assert!(report.codebleu["JavaScript"].codebleu > 0.5);
//! println!("{}", report.to_markdown());
//! ```

#![warn(missing_docs)]

pub mod codebleu;
mod error;
mod evaluate;
pub mod execute;
mod pass_at_k;
mod record;
mod report;
mod validity;

pub use codebleu::{CodeBleu, CodeBleuConfig, CodeBleuScore, CodeBleuStats};
pub use error::EvalError;
pub use evaluate::{EvalConfig, Evaluator};
pub use execute::{ExecConfig, ExecOutcome, ExecUnavailable, NodeRunner};
pub use pass_at_k::{pass_at_k, PassAtK};
pub use record::{GenerationReader, GenerationRecord};
pub use report::{
    EvalReport, ExecFailure, ExecutionSummary, PassAtKValue, TargetCheck, TARGET_CODEBLEU,
    TARGET_SYNTAX_VALIDITY,
};
pub use validity::{syntax_validity, LanguageValidity, SyntaxValidity};
