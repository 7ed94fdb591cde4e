//! Generation records and their JSONL reader.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sheikh_core::Language;

use super::EvalError;

/// One task's generated code: one or more predictions, the reference solution and,
/// optionally, tests to run after the prediction.
///
/// JSONL form: `{"task_id", "language", "prediction" | "predictions": [..],
/// "reference"?, "tests"?}`; other fields are ignored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenerationRecord {
    /// Task identifier (e.g. `HumanEval_0`).
    pub task_id: String,
    /// Language of the predictions.
    pub language: Language,
    /// The samples, at least one (the first is the one CodeBLEU scores).
    pub predictions: Vec<String>,
    /// Reference solution; without it the record is left out of CodeBLEU.
    pub reference: Option<String>,
    /// Test code appended to each prediction when executing (JavaScript only).
    pub tests: Option<String>,
}

#[derive(Deserialize)]
struct RawRecord {
    task_id: Option<serde_json::Value>,
    language: Option<String>,
    prediction: Option<String>,
    predictions: Option<Vec<String>>,
    reference: Option<String>,
    tests: Option<String>,
}

impl GenerationRecord {
    /// Parses one JSON line; the message of the error says which field is wrong.
    pub fn from_json(line: &str) -> Result<Self, String> {
        let raw: RawRecord =
            serde_json::from_str(line).map_err(|e| format!("invalid JSON record: {e}"))?;
        let task_id = match raw.task_id {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(other) => {
                return Err(format!(
                    "`task_id` must be a string or a number, got {other}"
                ))
            }
            None => return Err("missing field `task_id`".into()),
        };
        let language: Language = raw
            .language
            .ok_or("missing field `language`")?
            .parse()
            .map_err(|e| format!("field `language`: {e}"))?;
        let predictions = match (raw.prediction, raw.predictions) {
            (Some(p), None) => vec![p],
            (None, Some(ps)) if !ps.is_empty() => ps,
            (None, Some(_)) => return Err("`predictions` is empty".into()),
            (Some(_), Some(_)) => return Err("both `prediction` and `predictions` given".into()),
            (None, None) => return Err("missing field `prediction` (or `predictions`)".into()),
        };
        Ok(GenerationRecord {
            task_id,
            language,
            predictions,
            reference: raw.reference,
            tests: raw.tests,
        })
    }
}

/// Reads [`GenerationRecord`]s from JSONL, one per non-blank line, with the line
/// number in every error.
pub struct GenerationReader<R> {
    input: R,
    path: PathBuf,
    line: usize,
    buf: String,
}

impl GenerationReader<BufReader<File>> {
    /// Opens a JSONL file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, EvalError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| EvalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self::new(BufReader::new(file), path))
    }
}

impl<R: BufRead> GenerationReader<R> {
    /// Reads from `input`; `path` only names it in errors.
    pub fn new(input: R, path: impl Into<PathBuf>) -> Self {
        GenerationReader {
            input,
            path: path.into(),
            line: 0,
            buf: String::new(),
        }
    }
}

impl<R: BufRead> Iterator for GenerationReader<R> {
    type Item = Result<GenerationRecord, EvalError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.input.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(source) => {
                    return Some(Err(EvalError::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            }
            let text = self.buf.trim();
            if text.is_empty() {
                continue;
            }
            return Some(
                GenerationRecord::from_json(text).map_err(|message| EvalError::Record {
                    path: self.path.clone(),
                    line: self.line,
                    message,
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes_and_numbers_lines() {
        let input = "{\"task_id\": 1, \"language\": \"js\", \"prediction\": \"x\"}\n\n{\"task_id\": \"t\", \"language\": \"TypeScript\", \"predictions\": [\"a\", \"b\"], \"reference\": \"r\", \"extra\": 1}\n{\"task_id\": \"u\", \"language\": \"js\"}\n";
        let mut r = GenerationReader::new(input.as_bytes(), "mem.jsonl");
        let a = r.next().unwrap().unwrap();
        assert_eq!(
            (a.task_id.as_str(), a.language, a.predictions.len()),
            ("1", Language::JavaScript, 1)
        );
        let b = r.next().unwrap().unwrap();
        assert_eq!(b.predictions, vec!["a", "b"]);
        assert_eq!(b.reference.as_deref(), Some("r"));
        match r.next().unwrap() {
            Err(EvalError::Record { line, message, .. }) => {
                assert_eq!(line, 4);
                assert!(message.contains("prediction"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(r.next().is_none());
    }

    #[test]
    fn bad_language_and_bad_json() {
        assert!(GenerationRecord::from_json(
            "{\"task_id\":\"a\",\"language\":\"cobol\",\"prediction\":\"x\"}"
        )
        .unwrap_err()
        .contains("language"));
        assert!(GenerationRecord::from_json("{not json")
            .unwrap_err()
            .contains("invalid JSON"));
        assert!(GenerationRecord::from_json(
            "{\"task_id\":\"a\",\"language\":\"js\",\"predictions\":[]}"
        )
        .unwrap_err()
        .contains("empty"));
    }
}
