//! Language identification: file name and extension first, content when the path is
//! missing, unknown or ambiguous.
//!
//! ```
//! use sheikh_core::{Language, LanguageIdentifier, langid::Method};
//! let id = LanguageIdentifier::default();
//! let d = id.identify(Some("src/App.tsx"), "export const App = () => <div/>;");
//! assert_eq!((d.language, d.method), (Language::Tsx, Method::Extension));
//!
//! let d = id.identify(None, "interface Props { name: string; }\nexport type Id = number;\n");
//! assert_eq!((d.language, d.method), (Language::TypeScript, Method::Content));
//! assert!(d.confidence > 0.5);
//! ```

mod content;
mod extensions;
mod grammar;

pub use extensions::extension_table;
pub use grammar::{GrammarCheck, SharedGrammar};

use serde::{Deserialize, Serialize};

use crate::language::Language;
use extensions::PathMatch;

/// How a language was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A whole file name (`.babelrc`, `Web.config`).
    Filename,
    /// The file extension.
    Extension,
    /// An ambiguous extension settled by the content (`.ts` holding Qt Linguist XML).
    ExtensionAndContent,
    /// A `#!` interpreter line.
    Shebang,
    /// Content features alone.
    Content,
    /// Nothing decided it.
    Unknown,
}

/// A language decision with how sure it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// The language.
    pub language: Language,
    /// Confidence in `[0, 1]`: about 0.99 for an unambiguous extension, lower for content guesses.
    pub confidence: f32,
    /// What decided it.
    pub method: Method,
}

/// Texts longer than this are not parsed to decide the JavaScript family; the content
/// features decide them (default of [`LanguageIdentifier::with_max_parse_bytes`]).
pub const DEFAULT_MAX_PARSE_BYTES: usize = 4 << 20;

/// Identifies languages from paths and content. Cheap to clone and `Sync`.
///
/// From content, weighted features over the first window decide the family (markup,
/// style, data, prose, script). With a [`GrammarCheck`] ([`with_grammar`](Self::with_grammar)),
/// a text that is not markup (it does not start with `<`) or JSON is then given to the
/// parsers, least language first — JavaScript, JSX, TypeScript, TSX — and the first
/// that accepts the whole text decides; the features stay the decision when nothing
/// parses (a broken file still needs a label). A text the features read as Markdown or
/// MDX is parsed as MDX by the same check: MDX when it uses ESM, an expression or a
/// component, Markdown otherwise.
#[derive(Debug, Clone)]
pub struct LanguageIdentifier {
    window: usize,
    grammar: Option<SharedGrammar>,
    max_parse_bytes: usize,
}

impl Default for LanguageIdentifier {
    fn default() -> Self {
        LanguageIdentifier {
            window: 16 * 1024,
            grammar: None,
            max_parse_bytes: DEFAULT_MAX_PARSE_BYTES,
        }
    }
}

impl LanguageIdentifier {
    /// An identifier that reads at most `window` bytes of content (default 16 KiB).
    pub fn with_window(window: usize) -> Self {
        LanguageIdentifier {
            window: window.max(256),
            ..Default::default()
        }
    }

    /// Decides the JavaScript family from content by parsing with `grammar`.
    pub fn with_grammar(mut self, grammar: SharedGrammar) -> Self {
        self.grammar = Some(grammar);
        self
    }

    /// Texts longer than `bytes` are not parsed for identification (default
    /// [`DEFAULT_MAX_PARSE_BYTES`]).
    pub fn with_max_parse_bytes(mut self, bytes: usize) -> Self {
        self.max_parse_bytes = bytes;
        self
    }

    /// The grammar check, if any.
    pub fn grammar(&self) -> Option<&SharedGrammar> {
        self.grammar.as_ref()
    }

    /// Identifies a document from its path (if any) and content.
    ///
    /// The path decides when its name or extension is in the table; `.ts` is checked
    /// for Qt Linguist XML. Otherwise the content decides.
    pub fn identify(&self, path: Option<&str>, content: &str) -> Detection {
        match path.and_then(extensions::lookup) {
            Some(PathMatch::Filename(language)) => Detection {
                language,
                confidence: 0.99,
                method: Method::Filename,
            },
            Some(PathMatch::Extension(language)) => Detection {
                language,
                confidence: 0.99,
                method: Method::Extension,
            },
            Some(PathMatch::AmbiguousTs) => {
                let head = content.trim_start_matches('\u{feff}').trim_start();
                if head.starts_with("<?xml")
                    || head.starts_with("<TS")
                    || head.starts_with("<!DOCTYPE TS")
                {
                    Detection {
                        language: Language::Xml,
                        confidence: 0.97,
                        method: Method::ExtensionAndContent,
                    }
                } else {
                    Detection {
                        language: Language::TypeScript,
                        confidence: 0.98,
                        method: Method::Extension,
                    }
                }
            }
            None => self.identify_content(content),
        }
    }

    /// Identifies a document from its content alone (the path is unknown or ignored).
    pub fn identify_content(&self, content: &str) -> Detection {
        let (window, truncated) = cut(content, self.window);
        let is_shebang = window.trim_start_matches('\u{feff}').starts_with("#!");
        let g = content::guess(window, truncated);
        let method = |language: Language| {
            if language == Language::Other {
                Method::Unknown
            } else if is_shebang {
                Method::Shebang
            } else {
                Method::Content
            }
        };
        if let Some(language) = self.parse_family(content, g.language) {
            // The parse decides; confidence follows whether the features agreed.
            let confidence = if g.language == language {
                0.99
            } else if g.language.is_script() {
                0.95
            } else {
                0.9
            };
            return Detection {
                language,
                confidence,
                method: method(language),
            };
        }
        let mdx = self.markdown_or_mdx(content, g.language);
        // A text that opens with a tag is markup: a JavaScript-family file never starts
        // with a JSX element (as a statement it would do nothing). HTML fragments and
        // templates with inline scripts score as JSX on features alone.
        let body = window.trim_start_matches('\u{feff}').trim_start();
        if matches!(g.language, Language::Jsx | Language::Tsx)
            && mdx.is_none()
            && body.starts_with('<')
            && !body.starts_with("<script")
        {
            let language = if body.starts_with("<?xml") || body.starts_with("<svg") {
                Language::Xml
            } else {
                Language::Html
            };
            return Detection {
                language,
                confidence: 0.6,
                method: method(language),
            };
        }
        if let Some(language) = mdx {
            let confidence = if g.language == language { 0.99 } else { 0.9 };
            return Detection {
                language,
                confidence,
                method: method(language),
            };
        }
        Detection {
            language: g.language,
            confidence: g.confidence,
            method: method(g.language),
        }
    }

    /// Markdown or MDX for a text whose features read as either, decided by the MDX
    /// parse of the grammar check when one is set and the text is not over
    /// `max_parse_bytes` (ESM, an expression or a component make it MDX).
    ///
    /// A text the features read as script but that no script grammar accepts (so it
    /// reached here) is MDX when it parses as MDX and uses its syntax: a Storybook docs
    /// page of imports and JSX blocks around a little prose. Otherwise the features keep it.
    fn markdown_or_mdx(&self, content: &str, feature_guess: Language) -> Option<Language> {
        let grammar = self.grammar.as_ref()?;
        if content.len() > self.max_parse_bytes {
            return None;
        }
        match feature_guess {
            Language::Markdown | Language::Mdx => grammar.markdown_or_mdx(content),
            l if l.is_script() => {
                (grammar.markdown_or_mdx(content) == Some(Language::Mdx)).then_some(Language::Mdx)
            }
            _ => None,
        }
    }

    /// The least JavaScript-family language that accepts `content`, when a grammar is
    /// set and the text is worth parsing: not markup (starts with `<`), not JSON
    /// (`feature_guess`), not a few words of prose, not over `max_parse_bytes`.
    fn parse_family(&self, content: &str, feature_guess: Language) -> Option<Language> {
        let grammar = self.grammar.as_ref()?;
        if content.len() > self.max_parse_bytes || feature_guess == Language::Json {
            return None;
        }
        let body = content.trim_start_matches('\u{feff}').trim_start();
        // Markup: a whole SVG/XML/HTML document is also one JSX expression, so markup
        // signals decide before the parsers do.
        if body.starts_with('<') {
            return None;
        }
        // A lone word or two parse as JavaScript expressions; so little text is not
        // evidence of code unless the features already said script.
        if !feature_guess.is_script() && !looks_like_statements(body) {
            return None;
        }
        // With no feature evidence at all, `KEY=value` lines (`.env`) and simple Python
        // (`x = 'a'\nprint(x)`) also parse as JavaScript: ask for one construct of the
        // language too.
        if feature_guess == Language::Other && !has_script_construct(body) {
            return None;
        }
        grammar.least_accepting(content)
    }
}

/// The content features that fire on `text`, with their counts. For tuning and
/// debugging the identifier; the output format is not stable.
#[doc(hidden)]
pub fn explain_content(text: &str) -> Vec<(String, usize)> {
    content::explain(text)
}

/// True when `text` holds more than a phrase: an operator or punctuation of code, or
/// several lines. Guards the parse decision against prose fragments like `MIT`.
fn looks_like_statements(text: &str) -> bool {
    let t = text.trim();
    t.len() >= 16 && (t.lines().nth(1).is_some() || t.contains(['=', '(', ';', '{']))
}

/// True when `text` uses a construct only scripts use: a declaration or module
/// keyword, an arrow, or a statement ending in `;`.
fn has_script_construct(text: &str) -> bool {
    static CONSTRUCT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?m)\b(?:function|const|let|var|import|export|return|class|typeof|async|await|require|module\.exports)\b|=>|;[ \t]*$",
        )
        .expect("valid regex")
    });
    CONSTRUCT.is_match(text)
}

/// The first `max` bytes of `s`, cut back to a character boundary.
fn cut(s: &str, max: usize) -> (&str, bool) {
    if s.len() <= max {
        return (s, false);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (&s[..end], true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ts_extension_with_qt_linguist_xml() {
        let id = LanguageIdentifier::default();
        let qt =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE TS>\n<TS version=\"2.1\"></TS>";
        let d = id.identify(Some("i18n/app_fr.ts"), qt);
        assert_eq!(d.language, Language::Xml);
        assert_eq!(d.method, Method::ExtensionAndContent);
        let d = id.identify(Some("src/a.ts"), "export const a = 1;");
        assert_eq!(d.language, Language::TypeScript);
    }

    #[test]
    fn window_cut_is_char_safe() {
        let s = "é".repeat(1000);
        let (w, t) = cut(&s, 301);
        assert!(t);
        assert_eq!(w.len(), 300);
        let id = LanguageIdentifier::with_window(10);
        // Must not panic on a multi-byte boundary.
        let _ = id.identify_content(&s);
    }

    #[test]
    fn unknown_path_falls_back_to_content() {
        let id = LanguageIdentifier::default();
        let d = id.identify(
            Some("bin/serve"),
            "#!/usr/bin/env node\nconst x = require('y');\n",
        );
        assert_eq!(d.language, Language::JavaScript);
        assert_eq!(d.method, Method::Shebang);
    }
}
