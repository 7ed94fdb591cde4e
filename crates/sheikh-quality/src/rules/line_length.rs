//! `line_length`: lines too long to be code a person wrote (StarCoder2: mean over 100
//! or any line over 1,000 characters in code; any line over 100,000 in markup, data
//! and prose).
//!
//! In code, StarCoder2's "any line over 1,000" dropped hand-written `.d.ts` files with
//! one long union type and modules embedding one SVG or template string (the audit of
//! issue #16). Here over-long lines drop a code file only when they hold more than
//! `max_line_share` of its characters (default 0.5: most of the file is on them, as in
//! data modules and generated tables); 0 restores StarCoder2's rule.

use sheikh_core::{Reason, Rejection};

use super::{margin_below, Measured, Rule, RuleId};
use crate::config::LineLengthConfig;

/// Drops files by mean and maximum line length, with code and markup limits.
#[derive(Debug, Clone)]
pub struct LineLength {
    cfg: LineLengthConfig,
}

impl LineLength {
    /// The rule with its thresholds.
    pub fn new(cfg: LineLengthConfig) -> Self {
        LineLength { cfg }
    }

    /// The mean line length limit for this document: `declaration_max_mean` for
    /// TypeScript declaration files, else `max_mean`.
    fn max_mean(&self, m: &Measured<'_>) -> f64 {
        if m.signals.declaration_file {
            self.cfg.declaration_max_mean
        } else {
            self.cfg.max_mean
        }
    }
}

impl Rule for LineLength {
    fn id(&self) -> RuleId {
        RuleId::LineLength
    }

    fn weight(&self) -> f64 {
        2.0
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        let l = &self.cfg;
        let st = m.stats;
        if !m.family.is_code() {
            return (st.max_line > l.markup_max_line).then(|| {
                Rejection::new(
                    Reason::LineLength,
                    format!("longest line {} > {}", st.max_line, l.markup_max_line),
                )
            });
        }
        let max_mean = self.max_mean(m);
        if st.mean_line() > max_mean {
            return Some(Rejection::new(
                Reason::LineLength,
                format!("mean line length {:.1} > {max_mean}", st.mean_line()),
            ));
        }
        let share = st.over_max_line_share();
        (st.max_line > l.max_line && share > l.max_line_share).then(|| {
            Rejection::new(
                Reason::LineLength,
                format!(
                    "lines over {} chars (longest {}) hold {:.0}% > {:.0}% of the text",
                    l.max_line,
                    st.max_line,
                    share * 100.0,
                    l.max_line_share * 100.0
                ),
            )
        })
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        let l = &self.cfg;
        let st = m.stats;
        if !m.family.is_code() {
            let max = l.markup_max_line as f64;
            return Some(margin_below(st.max_line as f64, max / 50.0, max));
        }
        let max_mean = self.max_mean(m);
        let mean = margin_below(st.mean_line(), 0.6 * max_mean, max_mean);
        let long = if st.max_line <= l.max_line {
            1.0
        } else if l.max_line_share > 0.0 {
            margin_below(st.over_max_line_share(), 0.0, l.max_line_share)
        } else {
            0.0
        };
        Some(mean.min(long))
    }
}
