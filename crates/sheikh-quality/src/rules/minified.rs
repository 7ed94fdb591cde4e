//! `minified`: code compressed for delivery — most characters on long lines with
//! little whitespace, a very long mean line, or a `*.min.*` name with a long line.
//! Code families only (script, style, other): a long line of prose or data is not
//! minified code.

use sheikh_core::{Reason, Rejection};

use super::{margin_flag, Measured, Rule, RuleId};
use crate::config::MinifiedConfig;

/// Drops minified code and bundles (the `minified` signal).
#[derive(Debug, Clone)]
pub struct Minified {
    cfg: MinifiedConfig,
}

impl Minified {
    /// The rule with its thresholds.
    pub fn new(cfg: MinifiedConfig) -> Self {
        Minified { cfg }
    }

    /// The measurement behind the `minified` signal, for code families.
    pub fn looks_minified(
        cfg: &MinifiedConfig,
        stats: &crate::stats::TextStats,
        minified_name: bool,
    ) -> bool {
        (stats.long_line_share() >= cfg.min_long_line_share
            && stats.whitespace_fraction() < cfg.max_whitespace_fraction)
            || stats.mean_line() > cfg.max_mean_line_length
            || (minified_name && stats.max_line > cfg.long_line)
    }
}

impl Rule for Minified {
    fn id(&self) -> RuleId {
        RuleId::Minified
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        let st = m.stats;
        m.signals.minified.then(|| {
            Rejection::new(
                Reason::Minified,
                format!(
                    "{:.0}% of characters on lines > {} chars, whitespace {:.1}%, mean line {:.0}",
                    st.long_line_share() * 100.0,
                    self.cfg.long_line,
                    st.whitespace_fraction() * 100.0,
                    st.mean_line()
                ),
            )
        })
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        m.family
            .is_code()
            .then(|| margin_flag(m.signals.minified, 0.2))
    }
}
