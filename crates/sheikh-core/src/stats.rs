//! Statistics the pipeline collects for every stage, without the stages' help.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::language::Language;
use crate::provenance::Reason;

/// Count and bytes of something.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Number of documents (or records).
    pub docs: u64,
    /// Bytes of content.
    pub bytes: u64,
}

impl Tally {
    /// Adds one item of `bytes` bytes.
    pub fn add(&mut self, bytes: usize) {
        self.docs += 1;
        self.bytes += bytes as u64;
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &Tally) {
        self.docs += other.docs;
        self.bytes += other.bytes;
    }
}

/// What one stage saw and did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageStats {
    /// The stage's name.
    pub name: String,
    /// Documents in.
    pub input: Tally,
    /// Documents kept.
    pub output: Tally,
    /// Drops by reason.
    pub dropped: BTreeMap<Reason, Tally>,
    /// Kept documents per language.
    pub output_by_language: BTreeMap<Language, Tally>,
    /// Wall time spent inside the stage, in seconds (the only non-deterministic field).
    pub wall_seconds: f64,
}

impl StageStats {
    /// Empty statistics for a named stage.
    pub fn new(name: impl Into<String>) -> Self {
        StageStats {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Total documents dropped.
    pub fn dropped_docs(&self) -> u64 {
        self.dropped.values().map(|t| t.docs).sum()
    }

    /// Adds another run's statistics of the same stage (for merging shards).
    pub fn merge(&mut self, other: &StageStats) {
        self.input.merge(&other.input);
        self.output.merge(&other.output);
        for (r, t) in &other.dropped {
            self.dropped.entry(*r).or_default().merge(t);
        }
        for (l, t) in &other.output_by_language {
            self.output_by_language.entry(*l).or_default().merge(t);
        }
        self.wall_seconds += other.wall_seconds;
    }
}

/// Statistics of a whole run: the reader first, then each stage in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PipelineStats {
    /// The reader (its drops are inputs that never became documents).
    pub read: StageStats,
    /// Each stage in pipeline order.
    pub stages: Vec<StageStats>,
    /// What was written.
    pub written: Tally,
    /// Wall time spent writing kept documents, in seconds.
    pub write_seconds: f64,
    /// Dropped documents written to `rejected/` without their content: all of them under
    /// `output.rejected_content: none` (or `redacted` without a redactor), and those past
    /// `output.rejected_max_bytes`. Bytes are the omitted content bytes.
    #[serde(default)]
    pub rejected_without_content: Tally,
    /// Output files written.
    pub output_files: Vec<String>,
    /// Total wall time in seconds.
    pub wall_seconds: f64,
}

impl PipelineStats {
    /// Every drop of the run by reason, reader included.
    pub fn drops_by_reason(&self) -> BTreeMap<Reason, Tally> {
        let mut all = BTreeMap::new();
        for s in std::iter::once(&self.read).chain(&self.stages) {
            for (r, t) in &s.dropped {
                all.entry(*r).or_insert_with(Tally::default).merge(t);
            }
        }
        all
    }

    /// Checks the books balance: every record read is either written or dropped by
    /// exactly one stage. Returns the first discrepancy found.
    pub fn check_balance(&self) -> Result<(), String> {
        let mut expected = self.read.output.docs;
        for s in &self.stages {
            if s.input.docs != expected {
                return Err(format!(
                    "stage {} received {} documents, previous stage released {}",
                    s.name, s.input.docs, expected
                ));
            }
            if s.output.docs + s.dropped_docs() != s.input.docs {
                return Err(format!(
                    "stage {}: {} in != {} kept + {} dropped",
                    s.name,
                    s.input.docs,
                    s.output.docs,
                    s.dropped_docs()
                ));
            }
            expected = s.output.docs;
        }
        if self.written.docs != expected {
            return Err(format!(
                "{} documents written, last stage released {}",
                self.written.docs, expected
            ));
        }
        Ok(())
    }

    /// A Markdown table of the run, one row per stage.
    pub fn to_markdown(&self) -> String {
        let mut s = String::from(
            "| stage | docs in | docs out | dropped | MB in | MB out | seconds | drops by reason |\n|---|---:|---:|---:|---:|---:|---:|---|\n",
        );
        for st in std::iter::once(&self.read).chain(&self.stages) {
            let reasons: Vec<String> = st
                .dropped
                .iter()
                .map(|(r, t)| format!("{r}: {}", t.docs))
                .collect();
            s.push_str(&format!(
                "| {} | {} | {} | {} | {:.3} | {:.3} | {:.3} | {} |\n",
                st.name,
                st.input.docs,
                st.output.docs,
                st.dropped_docs(),
                st.input.bytes as f64 / 1e6,
                st.output.bytes as f64 / 1e6,
                st.wall_seconds,
                reasons.join(", ")
            ));
        }
        s.push_str(&format!(
            "| write | {} | {} | 0 | {:.3} | {:.3} | {:.3} |  |\n",
            self.written.docs,
            self.written.docs,
            self.written.bytes as f64 / 1e6,
            self.written.bytes as f64 / 1e6,
            self.write_seconds
        ));
        s
    }
}
