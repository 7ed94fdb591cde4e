//! The language stage: (re)identify languages and keep only the selected ones.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::langid::{Detection, LanguageIdentifier, Method, SharedGrammar};
use crate::language::Language;
use crate::provenance::{Reason, Rejection};
use crate::stage::Filter;

/// Settings of the language stage (`language:` in the pipeline config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanguageConfig {
    /// Run the stage (default `true`).
    pub enabled: bool,
    /// Languages kept (default: every language but `Other`).
    pub keep: BTreeSet<Language>,
    /// Drop documents whose language was *guessed from content* with a confidence under
    /// this (default 0.5). Labels from the input and extensions are trusted.
    pub min_confidence: f32,
    /// Identify every document again, ignoring the input's labels (default `false`).
    pub reidentify: bool,
    /// Bytes of content read for identification (default 16384).
    pub window: usize,
    /// A JavaScript (TypeScript) document whose content needs JSX — only the JSX (TSX)
    /// grammar accepts it, as in many React and WordPress code bases' `.js` files:
    /// `relabel` makes it JSX (TSX) and records the original label in
    /// `metadata.language_relabel`, `keep` leaves it (default `relabel`). Needs a
    /// grammar ([`LanguageFilter::with_grammar`]); without one nothing is relabelled.
    pub jsx_in_js: JsxInJs,
}

/// What the language stage does with JavaScript that needs JSX (`language.jsx_in_js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsxInJs {
    /// Relabel it JSX (TypeScript that needs JSX: TSX).
    #[default]
    Relabel,
    /// Keep the label from the input or the extension.
    Keep,
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            enabled: true,
            keep: Language::ALL
                .into_iter()
                .filter(|l| *l != Language::Other)
                .collect(),
            min_confidence: 0.5,
            reidentify: false,
            window: 16 * 1024,
            jsx_in_js: JsxInJs::Relabel,
        }
    }
}

/// Identifies documents that have no language (or all of them, with `reidentify`),
/// records the detection in `metadata.language_detection`, and drops languages not in
/// `keep` (`language_not_selected`) and low-confidence content guesses
/// (`low_language_confidence`).
///
/// ```
/// use sheikh_core::{Document, Filter, Language, LanguageConfig, LanguageFilter};
/// let f = LanguageFilter::new(LanguageConfig::default());
/// let mut doc = Document::new("print('hi')", Language::Other).with_path("a.py");
/// assert!(f.filter(&mut doc).is_some()); // Python is not kept
/// let mut doc = Document::new("const a = 1;", Language::Other).with_path("a.js");
/// assert!(f.filter(&mut doc).is_none());
/// assert_eq!(doc.language, Language::JavaScript);
/// ```
#[derive(Debug, Clone)]
pub struct LanguageFilter {
    config: LanguageConfig,
    identifier: LanguageIdentifier,
}

impl LanguageFilter {
    /// A filter with the given settings.
    pub fn new(config: LanguageConfig) -> Self {
        LanguageFilter {
            identifier: LanguageIdentifier::with_window(config.window),
            config,
        }
    }

    /// Decides the JavaScript family by parsing with `grammar`: content guesses
    /// (documents with no path the extension table knows, labelled by the reader's
    /// features alone) are identified again with it, and `jsx_in_js` can relabel.
    pub fn with_grammar(mut self, grammar: SharedGrammar) -> Self {
        self.identifier = self.identifier.with_grammar(grammar);
        self
    }

    /// Relabels JavaScript (TypeScript) that needs JSX as JSX (TSX), when configured.
    fn relabel_jsx(&self, doc: &mut Document) {
        if self.config.jsx_in_js != JsxInJs::Relabel {
            return;
        }
        let Some(grammar) = self.identifier.grammar() else {
            return;
        };
        let Some(to) = grammar.jsx_upgrade(&doc.content, doc.language) else {
            return;
        };
        let from = doc.language;
        let extension = doc
            .path
            .as_deref()
            .and_then(|p| p.rsplit('/').next())
            .and_then(|name| name.rfind('.').map(|i| name[i..].to_string()));
        doc.provenance.modified(
            "language",
            format!("language {from} -> {to}: the content needs JSX"),
        );
        doc.metadata.insert(
            "language_relabel".into(),
            serde_json::json!({
                "from": from.name(),
                "to": to.name(),
                "reason": "needs_jsx",
                "extension": extension,
            }),
        );
        doc.language = to;
    }

    fn detection_of(doc: &Document) -> Option<Detection> {
        serde_json::from_value(doc.metadata.get("language_detection")?.clone()).ok()
    }
}

impl Filter for LanguageFilter {
    fn name(&self) -> &str {
        "language"
    }

    fn filter(&self, doc: &mut Document) -> Option<Rejection> {
        let mut detection = Self::detection_of(doc);
        // A reader's content guess was made without a grammar: guess again with it.
        let content_guess = matches!(
            detection,
            Some(Detection {
                method: Method::Content | Method::Shebang | Method::Unknown,
                ..
            })
        );
        let regrammar = content_guess && self.identifier.grammar().is_some();
        if self.config.reidentify
            || regrammar
            || doc.language == Language::Other && detection.is_none()
        {
            let d = self.identifier.identify(doc.path.as_deref(), &doc.content);
            if d.language != doc.language {
                doc.provenance.modified(
                    "language",
                    format!("language {} -> {}", doc.language, d.language),
                );
                doc.language = d.language;
            }
            doc.metadata
                .insert("language_detection".into(), serde_json::json!(d));
            detection = Some(d);
        }
        // A content decision just made with the grammar is already the least language
        // that parses: asking again would only parse the text a second time.
        let parsed_now = matches!(
            detection,
            Some(Detection {
                method: Method::Content | Method::Shebang,
                ..
            })
        ) && self.identifier.grammar().is_some();
        if !parsed_now {
            self.relabel_jsx(doc);
        }
        if !self.config.keep.contains(&doc.language) {
            return Some(Rejection::new(
                Reason::LanguageNotSelected,
                doc.language.name(),
            ));
        }
        match detection {
            Some(d)
                if matches!(d.method, Method::Content | Method::Unknown)
                    && d.confidence < self.config.min_confidence =>
            {
                Some(Rejection::new(
                    Reason::LowLanguageConfidence,
                    format!("{} at {:.2}", d.language, d.confidence),
                ))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::langid::GrammarCheck;

    /// JavaScript is text without `<X/>` or `: T`; JSX allows `<X/>`; TypeScript allows
    /// `: T`; TSX both. `BROKEN` parses as nothing.
    struct Markers;
    impl GrammarCheck for Markers {
        fn accepts(&self, text: &str, language: Language) -> bool {
            let (jsx, ts) = (text.contains("<X/>"), text.contains(": T"));
            !text.contains("BROKEN")
                && match language {
                    Language::JavaScript => !jsx && !ts,
                    Language::Jsx => !ts,
                    Language::TypeScript => !jsx,
                    Language::Tsx => true,
                    _ => false,
                }
        }
    }

    fn filter(jsx_in_js: JsxInJs) -> LanguageFilter {
        LanguageFilter::new(LanguageConfig {
            jsx_in_js,
            ..Default::default()
        })
        .with_grammar(SharedGrammar::new(Markers))
    }

    fn labelled(content: &str, path: &str) -> Document {
        let id = LanguageIdentifier::default();
        let d = id.identify(Some(path), content);
        let mut doc = Document::new(content, d.language).with_path(path);
        doc.metadata
            .insert("language_detection".into(), serde_json::json!(d));
        doc
    }

    #[test]
    fn js_that_needs_jsx_is_relabelled_with_the_original_kept() {
        let mut doc = labelled("const a = <X/>;\n", "src/App.js");
        assert_eq!(doc.language, Language::JavaScript);
        assert!(filter(JsxInJs::Relabel).filter(&mut doc).is_none());
        assert_eq!(doc.language, Language::Jsx);
        let r = &doc.metadata["language_relabel"];
        assert_eq!(r["from"], "JavaScript");
        assert_eq!(r["to"], "JSX");
        assert_eq!(r["extension"], ".js");
        // TypeScript that needs JSX becomes TSX.
        let mut doc = labelled("let a: T = <X/>;\n", "src/a.ts");
        assert!(filter(JsxInJs::Relabel).filter(&mut doc).is_none());
        assert_eq!(doc.language, Language::Tsx);
    }

    #[test]
    fn keep_leaves_the_label_and_broken_files_are_not_relabelled() {
        let mut doc = labelled("const a = <X/>;\n", "src/App.js");
        assert!(filter(JsxInJs::Keep).filter(&mut doc).is_none());
        assert_eq!(doc.language, Language::JavaScript);
        assert!(!doc.metadata.contains_key("language_relabel"));
        let mut doc = labelled("const a = <X/> BROKEN;\n", "src/App.js");
        assert!(filter(JsxInJs::Relabel).filter(&mut doc).is_none());
        assert_eq!(doc.language, Language::JavaScript);
        // Valid JavaScript with a `<` stays JavaScript.
        let mut doc = labelled("if (a < b) f();\n", "src/a.js");
        assert!(filter(JsxInJs::Relabel).filter(&mut doc).is_none());
        assert_eq!(doc.language, Language::JavaScript);
    }

    #[test]
    fn a_readers_content_guess_is_made_again_with_the_grammar() {
        // No path: the reader guessed from features; the grammar decides the family.
        let text = "let value: T = compute();\nexport default value;\n";
        let guess = LanguageIdentifier::default().identify(None, text);
        let mut doc = Document::new(text, guess.language);
        doc.metadata
            .insert("language_detection".into(), serde_json::json!(guess));
        assert!(filter(JsxInJs::Relabel).filter(&mut doc).is_none());
        assert_eq!(doc.language, Language::TypeScript);
        let d: Detection =
            serde_json::from_value(doc.metadata["language_detection"].clone()).unwrap();
        assert_eq!(d.method, Method::Content);
        assert!(d.confidence >= 0.9);
    }

    #[test]
    fn markup_and_json_are_not_given_to_the_parsers() {
        let id = LanguageIdentifier::default().with_grammar(SharedGrammar::new(Markers));
        // Every grammar of Markers accepts this, but it is markup.
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0h24v24H0z\"/></svg>\n";
        assert_eq!(id.identify_content(svg).language, Language::Xml);
        assert_eq!(
            id.identify_content("{\"name\": \"x\", \"version\": \"1.0.0\"}\n")
                .language,
            Language::Json
        );
        // A few words of prose are not evidence of code.
        assert_ne!(id.identify_content("MIT").language, Language::JavaScript);
        // `.env` lines and simple Python parse as JavaScript, but use none of its
        // constructs: they stay Other.
        let env = "DB_PASSWORD=hunter2hunter2\nAWS_REGION=eu-west-1\n";
        assert_eq!(id.identify_content(env).language, Language::Other);
        let py = "TOKEN = 'abc'\nprint(TOKEN)\n";
        assert_eq!(id.identify_content(py).language, Language::Other);
    }
}
