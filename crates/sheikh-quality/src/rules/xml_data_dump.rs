//! `xml_data_dump`: XML that is a uniform export (many elements, few distinct names).
//! Built only when `quality.xml.drop_data_dumps` is set; otherwise a dump is flagged
//! (`signals.xml_data_dump`) and only lowers the score.

use sheikh_core::{Reason, Rejection};

use super::{margin_flag, Measured, Rule, RuleId};

/// Drops XML flagged as a data dump.
#[derive(Debug, Clone, Copy)]
pub struct XmlDataDump;

impl Rule for XmlDataDump {
    fn id(&self) -> RuleId {
        RuleId::XmlDataDump
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        (m.signals.xml_data_dump == Some(true)).then(|| {
            Rejection::new(
                Reason::DataFile,
                "XML data dump (many elements, few distinct names)",
            )
        })
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        m.signals.xml_data_dump.map(|dump| margin_flag(dump, 0.25))
    }
}
