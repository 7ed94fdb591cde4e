//! Deciding languages by parsing: which of JavaScript, JSX, TypeScript and TSX accepts a
//! text, and whether a Markdown text uses MDX's own syntax.
//!
//! sheikh-core has no JavaScript parser of its own; a parser crate implements
//! [`GrammarCheck`] (sheikh-syntax does, with `oxc_parser`) and is handed to
//! [`LanguageIdentifier::with_grammar`](super::LanguageIdentifier::with_grammar).

use std::fmt;
use std::sync::Arc;

use crate::language::Language;

/// Tells whether a text parses, without error, as one language of the JavaScript family
/// ([`Language::JavaScript`] as a module or a CommonJS script, [`Language::Jsx`],
/// [`Language::TypeScript`], [`Language::Tsx`]). Only those four are asked.
///
/// ```
/// use sheikh_core::langid::GrammarCheck;
/// use sheikh_core::Language;
///
/// /// A toy check: "TypeScript" is any text with a type annotation.
/// struct Toy;
/// impl GrammarCheck for Toy {
///     fn accepts(&self, text: &str, language: Language) -> bool {
///         match language {
///             Language::TypeScript => text.contains(": number"),
///             _ => !text.contains(": number"),
///         }
///     }
/// }
/// assert!(Toy.accepts("let a: number = 1;", Language::TypeScript));
/// ```
pub trait GrammarCheck: Send + Sync {
    /// True when `text` parses as `language` with no syntax error.
    fn accepts(&self, text: &str, language: Language) -> bool;

    /// For a text that reads as Markdown or MDX: `Some(true)` when it parses as MDX and
    /// uses syntax of MDX's own — an `import`/`export` block, a `{expression}`, a
    /// component (`<Note>`, `<Tabs.Item>`, `<>`), or a JSX attribute with an expression
    /// value; `Some(false)` when it parses as MDX without any (plain Markdown, lowercase
    /// HTML tags included); `None` when the check cannot tell (the text does not parse
    /// as MDX, or no MDX parser is at hand — the default). Content features decide on
    /// `None`.
    fn mdx_syntax(&self, _text: &str) -> Option<bool> {
        None
    }
}

/// A shared [`GrammarCheck`].
#[derive(Clone)]
pub struct SharedGrammar(pub Arc<dyn GrammarCheck>);

impl fmt::Debug for SharedGrammar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedGrammar(..)")
    }
}

impl SharedGrammar {
    /// Shares `check`.
    pub fn new(check: impl GrammarCheck + 'static) -> Self {
        SharedGrammar(Arc::new(check))
    }

    /// The least language of the JavaScript family that accepts `text`, trying
    /// JavaScript, JSX, TypeScript, TSX in that order (JavaScript ⊂ JSX and
    /// JavaScript ⊂ TypeScript ⊂ TSX). JSX and TSX are tried only when the text holds a
    /// `<`. `None` when no grammar accepts it.
    pub fn least_accepting(&self, text: &str) -> Option<Language> {
        let angle = text.contains('<');
        [
            (Language::JavaScript, true),
            (Language::Jsx, angle),
            (Language::TypeScript, true),
            (Language::Tsx, angle),
        ]
        .into_iter()
        .find(|&(language, worth_trying)| worth_trying && self.0.accepts(text, language))
        .map(|(language, _)| language)
    }

    /// The language a document labelled `language` really is when its content needs
    /// JSX: `Some(Jsx)` for JavaScript that only JSX accepts, `Some(Tsx)` for
    /// TypeScript that only TSX accepts, `None` otherwise (including texts no grammar
    /// accepts: a broken file keeps its label).
    pub fn jsx_upgrade(&self, text: &str, language: Language) -> Option<Language> {
        let target = match language {
            Language::JavaScript => Language::Jsx,
            Language::TypeScript => Language::Tsx,
            _ => return None,
        };
        (text.contains('<') && !self.0.accepts(text, language) && self.0.accepts(text, target))
            .then_some(target)
    }

    /// [`Language::Mdx`] or [`Language::Markdown`] for a text whose features read as
    /// either, when the check can tell ([`GrammarCheck::mdx_syntax`]).
    pub fn markdown_or_mdx(&self, text: &str) -> Option<Language> {
        self.0.mdx_syntax(text).map(|mdx| {
            if mdx {
                Language::Mdx
            } else {
                Language::Markdown
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check driven by markers in the text, to test the order of the decisions.
    struct Markers;
    impl GrammarCheck for Markers {
        fn accepts(&self, text: &str, language: Language) -> bool {
            let ts = text.contains("TS");
            let jsx = text.contains("<X/>");
            let broken = text.contains("BROKEN");
            !broken
                && match language {
                    Language::JavaScript => !ts && !jsx,
                    Language::Jsx => !ts,
                    Language::TypeScript => !jsx,
                    Language::Tsx => true,
                    _ => false,
                }
        }
    }

    #[test]
    fn least_language_first() {
        let g = SharedGrammar::new(Markers);
        assert_eq!(g.least_accepting("a"), Some(Language::JavaScript));
        assert_eq!(g.least_accepting("a <X/>"), Some(Language::Jsx));
        assert_eq!(g.least_accepting("TS"), Some(Language::TypeScript));
        assert_eq!(g.least_accepting("TS <X/>"), Some(Language::Tsx));
        assert_eq!(g.least_accepting("BROKEN"), None);
    }

    #[test]
    fn jsx_upgrade_only_when_needed() {
        let g = SharedGrammar::new(Markers);
        assert_eq!(
            g.jsx_upgrade("a <X/>", Language::JavaScript),
            Some(Language::Jsx)
        );
        assert_eq!(g.jsx_upgrade("a < b", Language::JavaScript), None);
        assert_eq!(
            g.jsx_upgrade("TS <X/>", Language::TypeScript),
            Some(Language::Tsx)
        );
        assert_eq!(g.jsx_upgrade("BROKEN <X/>", Language::JavaScript), None);
        assert_eq!(g.jsx_upgrade("<X/>", Language::Html), None);
    }
}
