//! `encoded_data`: files that are mostly base64, hex or `\uXXXX` runs (StarCoder2's
//! expressions).
//!
//! StarCoder2 drops a file for one run longer than 1024 characters. A stylesheet or
//! module with one inline data URI (an icon, a cursor) is still hand-written code — the
//! audit of issue #16 found no data file among those drops — so a long run drops the
//! file only when the runs are also a real share of it (`long_run_min_fraction`,
//! default 0.25; 0 restores StarCoder2's rule).

use sheikh_core::{Reason, Rejection};

use super::{margin_below, Measured, Rule, RuleId};
use crate::config::EncodedDataConfig;
use crate::stats::ratio;

/// Drops files whose encoded runs cover too much of them.
#[derive(Debug, Clone)]
pub struct EncodedDataRule {
    cfg: EncodedDataConfig,
}

impl EncodedDataRule {
    /// The rule with its thresholds.
    pub fn new(cfg: EncodedDataConfig) -> Self {
        EncodedDataRule { cfg }
    }
}

impl Rule for EncodedDataRule {
    fn id(&self) -> RuleId {
        RuleId::EncodedData
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        let c = &self.cfg;
        let frac = ratio(m.encoded.matched_chars, m.stats.chars);
        if m.encoded.longest > c.max_match_chars && frac > c.long_run_min_fraction {
            return Some(Rejection::new(
                Reason::EncodedData,
                format!(
                    "encoded run of {} chars > {}, runs cover {:.1}% > {:.1}%",
                    m.encoded.longest,
                    c.max_match_chars,
                    frac * 100.0,
                    c.long_run_min_fraction * 100.0
                ),
            ));
        }
        (frac > c.max_fraction).then(|| {
            Rejection::new(
                Reason::EncodedData,
                format!(
                    "encoded runs cover {:.1}% > {:.1}%",
                    frac * 100.0,
                    c.max_fraction * 100.0
                ),
            )
        })
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        let c = &self.cfg;
        let frac = ratio(m.encoded.matched_chars, m.stats.chars);
        let mut v = margin_below(frac, c.max_fraction / 10.0, c.max_fraction);
        if m.encoded.longest > c.max_match_chars {
            v = v.min(margin_below(frac, 0.0, c.long_run_min_fraction));
        }
        Some(v)
    }
}
