//! Instruction data: OpenCodeInstruct / Alpaca-style records rendered through the ChatML
//! template, with a loss mask over the response only.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, TokenizeError};
use crate::tokenizer::{CodeTokenizer, IM_END, IM_START};

/// One instruction record.
///
/// Two layouts are read: Alpaca's (`instruction`, optional `input` as context,
/// `output`) and OpenCodeInstruct's, which has no `instruction` field (its `input` is
/// the question, `output` the answer). Every other field (`id`, `domain`,
/// `generation_algorithm`, `llm_judgement`, `unit_tests`, `average_test_score`…) is kept
/// in `metadata`.
///
/// ```
/// use sheikh_tokenize::InstructRecord;
/// let r: InstructRecord = serde_json::from_str(
///     r#"{"id": "a1", "input": "Write add(a, b).", "output": "const add = (a, b) => a + b;", "domain": "generic"}"#,
/// ).unwrap();
/// assert_eq!(r.prompt(), "Write add(a, b).");
/// assert_eq!(r.metadata["domain"], "generic");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstructRecord {
    /// The task (Alpaca layout); absent in OpenCodeInstruct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction: Option<String>,
    /// Context for the instruction (Alpaca) or the question itself (OpenCodeInstruct).
    #[serde(default)]
    pub input: String,
    /// The response the model learns to produce.
    pub output: String,
    /// Every other field.
    #[serde(flatten)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

impl InstructRecord {
    /// The user turn: `instruction`, a blank line and `input` when both are present;
    /// whichever is present otherwise.
    pub fn prompt(&self) -> String {
        match self.instruction.as_deref().map(str::trim_end) {
            Some(i) if !i.is_empty() && !self.input.trim().is_empty() => {
                format!("{i}\n\n{}", self.input)
            }
            Some(i) if !i.is_empty() => i.to_string(),
            _ => self.input.clone(),
        }
    }

    /// A stable key for per-record random decisions and statistics: the `id` field
    /// when present, otherwise a hash of prompt and output.
    pub fn key(&self) -> String {
        match self.metadata.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) if !v.is_null() => v.to_string(),
            _ => sheikh_core::Document::stable_id(None, Some(&self.prompt()), &self.output),
        }
    }
}

/// An instruction example as tokens, with the loss mask (`true` = the token is trained on).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SftExample {
    /// Token ids of the whole rendered conversation.
    pub input_ids: Vec<u32>,
    /// `true` on response tokens (the answer and its closing `<|im_end|>`).
    pub loss_mask: Vec<bool>,
}

impl SftExample {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.input_ids.len()
    }

    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.input_ids.is_empty()
    }

    /// Tokens in the loss.
    pub fn response_tokens(&self) -> usize {
        self.loss_mask.iter().filter(|m| **m).count()
    }
}

/// The ChatML template (Qwen2.5-Coder-Instruct's):
///
/// ```text
/// <|im_start|>system\n{system}<|im_end|>\n      (only with a system prompt)
/// <|im_start|>user\n{prompt}<|im_end|>\n
/// <|im_start|>assistant\n{output}<|im_end|>\n
/// ```
///
/// Only `{output}<|im_end|>` is in the loss (what the model must generate, stop marker
/// included, as TRL's `assistant_only_loss`). Turn markers are inserted by id; marker
/// text inside a record is ordinary text.
///
/// ```
/// use sheikh_tokenize::{ChatTemplate, CodeTokenizer, InstructRecord};
/// let tok = CodeTokenizer::from_file(
///     concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tokenizer/tokenizer.json"),
/// ).unwrap();
/// let t = ChatTemplate::new(&tok, None).unwrap();
/// let r: InstructRecord = serde_json::from_str(r#"{"input": "Say hi", "output": "hi"}"#).unwrap();
/// let ex = t.encode(&r).unwrap();
/// let trained: Vec<u32> = ex.input_ids.iter().zip(&ex.loss_mask).filter(|(_, m)| **m).map(|(t, _)| *t).collect();
/// assert_eq!(tok.decode(&trained).unwrap(), "hi<|im_end|>");
/// assert_eq!(t.render(&r), "<|im_start|>user\nSay hi<|im_end|>\n<|im_start|>assistant\nhi<|im_end|>\n");
/// ```
#[derive(Debug, Clone)]
pub struct ChatTemplate<'t> {
    tok: &'t CodeTokenizer,
    system: Option<String>,
    im_start: u32,
    im_end: u32,
}

impl<'t> ChatTemplate<'t> {
    /// A template over `tok` (which must know `<|im_start|>` and `<|im_end|>`), with an
    /// optional system prompt.
    pub fn new(tok: &'t CodeTokenizer, system: Option<String>) -> Result<Self> {
        Ok(ChatTemplate {
            im_start: tok.require(IM_START)?,
            im_end: tok.require(IM_END)?,
            tok,
            system,
        })
    }

    /// The rendered text (what `encode` tokenizes, markers included).
    pub fn render(&self, record: &InstructRecord) -> String {
        let mut s = String::new();
        if let Some(sys) = &self.system {
            s.push_str(&format!("{IM_START}system\n{sys}{IM_END}\n"));
        }
        s.push_str(&format!("{IM_START}user\n{}{IM_END}\n", record.prompt()));
        s.push_str(&format!("{IM_START}assistant\n{}{IM_END}\n", record.output));
        s
    }

    /// Tokens and loss mask of one record.
    pub fn encode(&self, record: &InstructRecord) -> Result<SftExample> {
        let mut ids = Vec::new();
        let turn = |ids: &mut Vec<u32>, role: &str, text: &str| -> Result<()> {
            ids.push(self.im_start);
            self.tok.encode_into(&format!("{role}\n{text}"), ids)?;
            ids.push(self.im_end);
            self.tok.encode_into("\n", ids)
        };
        if let Some(sys) = &self.system {
            turn(&mut ids, "system", sys)?;
        }
        turn(&mut ids, "user", &record.prompt())?;
        ids.push(self.im_start);
        self.tok.encode_into("assistant\n", &mut ids)?;
        let prompt_len = ids.len();
        self.tok.encode_into(&record.output, &mut ids)?;
        ids.push(self.im_end);
        let response_end = ids.len();
        self.tok.encode_into("\n", &mut ids)?;
        let loss_mask = (0..ids.len())
            .map(|i| i >= prompt_len && i < response_end)
            .collect();
        Ok(SftExample {
            input_ids: ids,
            loss_mask,
        })
    }
}

/// A line of an instruction JSONL file that could not be read as a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadLine {
    /// `file:line`.
    pub source: String,
    /// The parser's message.
    pub message: String,
}

/// Streams [`InstructRecord`]s from a JSONL file in batches; malformed lines are
/// reported, not fatal.
pub struct InstructReader {
    path: PathBuf,
    lines: std::io::Lines<std::io::BufReader<std::fs::File>>,
    line_no: usize,
    batch_size: usize,
}

impl InstructReader {
    /// Opens a JSONL file; `batch_size` records per batch.
    pub fn open(path: impl AsRef<Path>, batch_size: usize) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let f = std::fs::File::open(&path).map_err(|e| TokenizeError::io(&path, e))?;
        Ok(InstructReader {
            lines: std::io::BufReader::new(f).lines(),
            path,
            line_no: 0,
            batch_size: batch_size.max(1),
        })
    }
}

impl Iterator for InstructReader {
    type Item = Result<(Vec<InstructRecord>, Vec<BadLine>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut records = Vec::new();
        let mut bad = Vec::new();
        while records.len() < self.batch_size {
            let line = match self.lines.next() {
                None if records.is_empty() && bad.is_empty() => return None,
                None => break,
                Some(Ok(l)) => l,
                Some(Err(e)) => return Some(Err(TokenizeError::io(&self.path, e))),
            };
            self.line_no += 1;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<InstructRecord>(&line) {
                Ok(r) => records.push(r),
                Err(e) => bad.push(BadLine {
                    source: format!("{}:{}", self.path.display(), self.line_no),
                    message: e.to_string(),
                }),
            }
        }
        Some(Ok((records, bad)))
    }
}
