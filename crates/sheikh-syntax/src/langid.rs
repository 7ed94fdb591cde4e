//! The grammar check that language identification uses: which of JavaScript, JSX,
//! TypeScript and TSX accepts a text, decided by `oxc_parser`, and whether a Markdown
//! text uses MDX's own syntax, decided by the `markdown` crate's MDX parse.

use sheikh_core::langid::{GrammarCheck, SharedGrammar};
use sheikh_core::{Language, LanguageIdentifier};

/// [`GrammarCheck`] by [`parses_as`](crate::parses_as): JavaScript as a module or a
/// CommonJS script (node's rules for a `.js` file), JSX, TypeScript, TSX; and MDX's own
/// syntax in Markdown by the `markdown` crate's MDX parse (ESM and expressions by oxc).
///
/// ```
/// use sheikh_core::langid::GrammarCheck;
/// use sheikh_core::Language;
/// use sheikh_syntax::OxcGrammar;
/// let g = OxcGrammar;
/// assert!(!g.accepts("const a = <b/>;", Language::JavaScript));
/// assert!(g.accepts("const a = <b/>;", Language::Jsx));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OxcGrammar;

impl GrammarCheck for OxcGrammar {
    fn accepts(&self, text: &str, language: Language) -> bool {
        crate::js::parses_as(text, language)
    }

    fn mdx_syntax(&self, text: &str) -> Option<bool> {
        crate::mdx::uses_mdx_syntax(text)
    }
}

/// [`OxcGrammar`], shared: give it to
/// [`LanguageFilter::with_grammar`](sheikh_core::LanguageFilter::with_grammar) or
/// [`LanguageIdentifier::with_grammar`].
pub fn grammar() -> SharedGrammar {
    SharedGrammar::new(OxcGrammar)
}

/// A language identifier reading `window` bytes for its content features that decides
/// the JavaScript family by parsing.
///
/// ```
/// use sheikh_core::Language;
/// // Regular-expression-dense JavaScript: the features alone are unsure, the parser is not.
/// let js = "var rules = [/^\\s*#.*$/m, /[{}()[\\]]/g, /\\b(?:if|else)\\b/];\nmodule.exports = rules;\n";
/// let d = sheikh_syntax::language_identifier(16 * 1024).identify_content(js);
/// assert_eq!(d.language, Language::JavaScript);
/// ```
pub fn language_identifier(window: usize) -> LanguageIdentifier {
    LanguageIdentifier::with_window(window).with_grammar(grammar())
}
