//! The [`Language`] enum: the languages this toolkit knows about.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A programming or markup language of a [`Document`](crate::Document).
///
/// Serde names are The Stack's (GitHub linguist's) language names where one exists
/// (`"JavaScript"`, `"TypeScript"`, `"TSX"`, `"HTML"`, `"XML"`, `"MDX"`, `"Markdown"`,
/// `"CSS"`, `"JSON"`). Linguist files `.jsx` under JavaScript; we keep [`Language::Jsx`]
/// apart (serde name `"JSX"`) because JSX needs a JSX-aware parser and is a target
/// of its own. SVG is XML: `"SVG"` parses to [`Language::Xml`].
///
/// ```
/// use sheikh_core::Language;
/// assert_eq!("typescript".parse::<Language>().unwrap(), Language::TypeScript);
/// assert_eq!("SVG".parse::<Language>().unwrap(), Language::Xml);
/// assert_eq!(Language::Tsx.name(), "TSX");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Language {
    /// JavaScript (`.js`, `.mjs`, `.cjs`, …).
    #[serde(rename = "JavaScript", alias = "javascript", alias = "js")]
    JavaScript,
    /// TypeScript (`.ts`, `.mts`, `.cts`, `.d.ts`).
    #[serde(rename = "TypeScript", alias = "typescript", alias = "ts")]
    TypeScript,
    /// JavaScript with JSX (`.jsx`).
    #[serde(rename = "JSX", alias = "jsx")]
    Jsx,
    /// TypeScript with JSX (`.tsx`).
    #[serde(rename = "TSX", alias = "tsx")]
    Tsx,
    /// HTML (`.html`, `.htm`, `.xhtml` is XML).
    #[serde(rename = "HTML", alias = "html")]
    Html,
    /// XML and its dialects, SVG included.
    #[serde(rename = "XML", alias = "xml", alias = "SVG", alias = "svg")]
    Xml,
    /// MDX: Markdown with JSX and ES modules.
    #[serde(rename = "MDX", alias = "mdx")]
    Mdx,
    /// Markdown.
    #[serde(rename = "Markdown", alias = "markdown", alias = "md")]
    Markdown,
    /// CSS (and its preprocessor dialects are *not* included).
    #[serde(rename = "CSS", alias = "css")]
    Css,
    /// JSON (and JSON with comments).
    #[serde(rename = "JSON", alias = "json")]
    Json,
    /// Anything else, or not identified.
    #[serde(
        rename = "Other",
        alias = "other",
        alias = "unknown",
        alias = "Unknown"
    )]
    Other,
}

impl Language {
    /// Every language, in a fixed order.
    pub const ALL: [Language; 11] = [
        Language::JavaScript,
        Language::TypeScript,
        Language::Jsx,
        Language::Tsx,
        Language::Html,
        Language::Xml,
        Language::Mdx,
        Language::Markdown,
        Language::Css,
        Language::Json,
        Language::Other,
    ];

    /// The Stack / linguist name (the serde name).
    pub const fn name(self) -> &'static str {
        match self {
            Language::JavaScript => "JavaScript",
            Language::TypeScript => "TypeScript",
            Language::Jsx => "JSX",
            Language::Tsx => "TSX",
            Language::Html => "HTML",
            Language::Xml => "XML",
            Language::Mdx => "MDX",
            Language::Markdown => "Markdown",
            Language::Css => "CSS",
            Language::Json => "JSON",
            Language::Other => "Other",
        }
    }

    /// True for the JavaScript family (JS, TS, JSX, TSX).
    pub const fn is_script(self) -> bool {
        matches!(
            self,
            Language::JavaScript | Language::TypeScript | Language::Jsx | Language::Tsx
        )
    }

    /// True when `self` is `other` or a language that `other` extends, so that a text
    /// of `self` is (as good as always) a text of `other`: JavaScript of JSX, TypeScript
    /// and TSX; JSX and TypeScript of TSX; Markdown of MDX. A `.tsx` file with neither
    /// types nor JSX is JavaScript by content and TSX by name, and both are right.
    ///
    /// ```
    /// use sheikh_core::Language;
    /// assert!(Language::JavaScript.is_sublanguage_of(Language::Tsx));
    /// assert!(Language::Markdown.is_sublanguage_of(Language::Mdx));
    /// assert!(!Language::Tsx.is_sublanguage_of(Language::TypeScript));
    /// assert!(!Language::Html.is_sublanguage_of(Language::Xml));
    /// ```
    pub const fn is_sublanguage_of(self, other: Language) -> bool {
        use Language::*;
        matches!(
            (self, other),
            (JavaScript, Jsx | TypeScript | Tsx) | (Jsx | TypeScript, Tsx) | (Markdown, Mdx)
        ) || self as u8 == other as u8
    }

    /// True for markup and data languages whose lines are legitimately long
    /// (HTML, XML, JSON, Markdown, MDX), as in StarCoder2's line-length rule.
    pub const fn is_markup_or_data(self) -> bool {
        matches!(
            self,
            Language::Html | Language::Xml | Language::Json | Language::Markdown | Language::Mdx
        )
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error returned when a language name is not recognised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language name {0:?}")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    /// Parses a language name case-insensitively. Accepts the serde names and common
    /// aliases (`js`, `ts`, `svg`, `md`, `unknown`, linguist's `"JavaScript+JSX"`…).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "javascript" | "js" | "node" | "ecmascript" => Language::JavaScript,
            "typescript" | "ts" => Language::TypeScript,
            "jsx" | "javascript+jsx" | "javascriptreact" => Language::Jsx,
            "tsx" | "typescriptreact" => Language::Tsx,
            "html" | "htm" | "html+erb" => Language::Html,
            "xml" | "svg" | "xslt" | "xsd" | "rss" | "atom" => Language::Xml,
            "mdx" => Language::Mdx,
            "markdown" | "md" | "gfm" => Language::Markdown,
            "css" => Language::Css,
            "json" | "json with comments" | "jsonc" | "json5" => Language::Json,
            "other" | "unknown" | "" | "text" => Language::Other,
            _ => return Err(UnknownLanguage(s.to_string())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_str() {
        for lang in Language::ALL {
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.name()));
            let back: Language = serde_json::from_str(&json).unwrap();
            assert_eq!(back, lang);
            assert_eq!(lang.name().parse::<Language>().unwrap(), lang);
        }
    }

    #[test]
    fn aliases() {
        assert_eq!("SVG".parse::<Language>().unwrap(), Language::Xml);
        assert_eq!(
            serde_json::from_str::<Language>("\"svg\"").unwrap(),
            Language::Xml
        );
        assert_eq!("Unknown".parse::<Language>().unwrap(), Language::Other);
        assert!("Cobol".parse::<Language>().is_err());
    }
}
