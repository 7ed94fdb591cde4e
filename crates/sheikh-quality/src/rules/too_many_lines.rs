//! `too_many_lines`: files with more lines than a person writes (StarCoder2: 100,000).

use sheikh_core::{Reason, Rejection};

use super::{margin_below, Measured, Rule, RuleId};
use crate::config::TooManyLinesConfig;

/// Drops files with more than `max_lines` lines.
#[derive(Debug, Clone)]
pub struct TooManyLines {
    cfg: TooManyLinesConfig,
}

impl TooManyLines {
    /// The rule with its thresholds.
    pub fn new(cfg: TooManyLinesConfig) -> Self {
        TooManyLines { cfg }
    }
}

impl Rule for TooManyLines {
    fn id(&self) -> RuleId {
        RuleId::TooManyLines
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        let lines = m.stats.lines;
        (lines > self.cfg.max_lines).then(|| {
            Rejection::new(
                Reason::TooManyLines,
                format!("{lines} lines > {}", self.cfg.max_lines),
            )
        })
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        let max = self.cfg.max_lines as f64;
        Some(margin_below(m.stats.lines as f64, max / 2.0, max))
    }
}
