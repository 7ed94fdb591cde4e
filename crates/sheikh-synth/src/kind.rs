//! [`Kind`]: what a synthetic sample is (and so which language validates it).

use serde::{Deserialize, Serialize};
use sheikh_core::Language;

use crate::js::Dialect;

/// The kinds of synthetic samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// XML, SVG included.
    Xml,
    /// MDX.
    Mdx,
    /// JavaScript.
    #[serde(alias = "js")]
    JavaScript,
    /// TypeScript.
    #[serde(alias = "ts")]
    TypeScript,
    /// JavaScript with JSX.
    Jsx,
    /// TypeScript with JSX.
    Tsx,
}

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 6] = [
        Kind::Xml,
        Kind::Mdx,
        Kind::JavaScript,
        Kind::TypeScript,
        Kind::Jsx,
        Kind::Tsx,
    ];

    /// The language a sample of this kind is validated as.
    pub fn language(self) -> Language {
        match self {
            Kind::Xml => Language::Xml,
            Kind::Mdx => Language::Mdx,
            Kind::JavaScript => Language::JavaScript,
            Kind::TypeScript => Language::TypeScript,
            Kind::Jsx => Language::Jsx,
            Kind::Tsx => Language::Tsx,
        }
    }

    /// The snake_case name (`"xml"`, `"javascript"`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Xml => "xml",
            Kind::Mdx => "mdx",
            Kind::JavaScript => "javascript",
            Kind::TypeScript => "typescript",
            Kind::Jsx => "jsx",
            Kind::Tsx => "tsx",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Xml => "xml",
            Kind::Mdx => "mdx",
            Kind::JavaScript => "js",
            Kind::TypeScript => "ts",
            Kind::Jsx => "jsx",
            Kind::Tsx => "tsx",
        }
    }

    /// The built-in grammar families of this kind and their relative weights.
    pub fn families(self) -> (&'static [&'static str], &'static [u32]) {
        match self {
            Kind::Xml => (crate::xml::FAMILIES, crate::xml::WEIGHTS),
            Kind::Mdx => (crate::mdx::FAMILIES, crate::mdx::WEIGHTS),
            other => other.dialect().map(Dialect::families).unwrap_or((&[], &[])),
        }
    }

    /// The JavaScript dialect, for the script kinds.
    pub fn dialect(self) -> Option<Dialect> {
        match self {
            Kind::JavaScript => Some(Dialect::Js),
            Kind::TypeScript => Some(Dialect::Ts),
            Kind::Jsx => Some(Dialect::Jsx),
            Kind::Tsx => Some(Dialect::Tsx),
            _ => None,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
