//! `low_visible_text`: HTML pages with nothing in them — an app shell that only loads a
//! bundle (`<div id="root">` and a `<script src>`).
//!
//! StarCoder dropped HTML with under 100 visible characters or under 20 % visible
//! text. For a model that learns to write HTML, markup is the content: component
//! templates, fragments and demo pages have little visible text and are what the
//! rubric keeps (the audit of issue #16: 3 of 10 such drops were right). So a page is
//! dropped only when it has little visible text *and* little inline code *and* few
//! content elements.

use sheikh_core::{Reason, Rejection};

use super::{margin_flag, Measured, Rule, RuleId};
use crate::config::HtmlConfig;

/// Drops HTML with no visible text, no inline code and almost no elements.
#[derive(Debug, Clone)]
pub struct LowVisibleText {
    cfg: HtmlConfig,
}

impl LowVisibleText {
    /// The rule with its thresholds.
    pub fn new(cfg: HtmlConfig) -> Self {
        LowVisibleText { cfg }
    }

    fn fires(&self, m: &Measured<'_>) -> Option<String> {
        let s = m.signals;
        let (v, f) = (s.visible_chars?, s.visible_fraction?);
        let c = &self.cfg;
        let code = s.html_inline_code_chars.unwrap_or(0);
        let elements = s.html_content_elements.unwrap_or(0);
        let little_text = v < c.min_visible_chars || f < c.min_visible_fraction;
        (little_text && code < c.min_inline_code_chars && elements < c.min_content_elements)
            .then(|| {
                format!(
                    "{v} visible chars ({:.1}%), {code} chars of inline code, {elements} content elements; need {} visible chars, {} of code or {} elements",
                    f * 100.0,
                    c.min_visible_chars,
                    c.min_inline_code_chars,
                    c.min_content_elements
                )
            })
    }
}

impl Rule for LowVisibleText {
    fn id(&self) -> RuleId {
        RuleId::LowVisibleText
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        self.fires(m)
            .map(|why| Rejection::new(Reason::LowVisibleText, why))
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        m.signals
            .visible_chars
            .map(|_| margin_flag(self.fires(m).is_some(), 0.3))
    }
}
