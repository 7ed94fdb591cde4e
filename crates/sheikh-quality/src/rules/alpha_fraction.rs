//! `alpha_fraction`: too few letters — numeric tables and lookup data saved as code
//! (StarCoder2: under 25 %). By default for script, data and unidentified files only
//! (see [`RuleTable`](super::RuleTable)).

use sheikh_core::{Reason, Rejection};

use super::{margin_above, Measured, Rule, RuleId};
use crate::config::AlphaFractionConfig;

/// Drops files whose alphabetic share is under `min_fraction`.
#[derive(Debug, Clone)]
pub struct AlphaFraction {
    cfg: AlphaFractionConfig,
}

impl AlphaFraction {
    /// The rule with its threshold.
    pub fn new(cfg: AlphaFractionConfig) -> Self {
        AlphaFraction { cfg }
    }
}

impl Rule for AlphaFraction {
    fn id(&self) -> RuleId {
        RuleId::AlphaFraction
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        let a = m.stats.alpha_fraction();
        (a < self.cfg.min_fraction).then(|| {
            Rejection::new(
                Reason::AlphaFraction,
                format!("alphabetic fraction {a:.3} < {}", self.cfg.min_fraction),
            )
        })
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        let min = self.cfg.min_fraction;
        Some(margin_above(m.stats.alpha_fraction(), min + 0.2, min))
    }
}
