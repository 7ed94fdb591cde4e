//! Formatting styles drawn per sample: indentation, quotes, semicolons, trailing commas.

use crate::rng::Dice;

/// How one sample is formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation (`"  "`, `"    "` or `"\t"`).
    pub indent: &'static str,
    /// String / attribute quote character (`"` or `'`).
    pub quote: char,
    /// JavaScript: end statements with `;`.
    pub semicolons: bool,
    /// JavaScript: trailing commas in multi-line literals and calls.
    pub trailing_commas: bool,
    /// XML: a space before `/>` in empty elements.
    pub space_before_slash: bool,
    /// Blank lines between top-level items.
    pub airy: bool,
}

impl Style {
    /// A random style; `quote_single_share` is the probability of `'` quotes.
    pub fn draw(d: &mut Dice, quote_single_share: f64) -> Self {
        Style {
            indent: d.pick(&["  ", "  ", "    ", "\t"]),
            quote: if d.chance(quote_single_share) {
                '\''
            } else {
                '"'
            },
            semicolons: d.chance(0.7),
            trailing_commas: d.chance(0.5),
            space_before_slash: d.chance(0.5),
            airy: d.chance(0.6),
        }
    }

    /// `n` levels of indentation.
    pub fn ind(&self, n: usize) -> String {
        self.indent.repeat(n)
    }

    /// `;` or nothing.
    pub fn semi(&self) -> &'static str {
        if self.semicolons {
            ";"
        } else {
            ""
        }
    }

    /// `,` or nothing (after the last item of a multi-line list).
    pub fn tc(&self) -> &'static str {
        if self.trailing_commas {
            ","
        } else {
            ""
        }
    }

    /// A JavaScript string literal of `s` in this style's quotes (escaped).
    pub fn js_str(&self, s: &str) -> String {
        js_string(s, self.quote)
    }
}

/// A JavaScript string literal with `quote` (`'` or `"`), escaping backslashes, the quote
/// and line breaks.
pub fn js_string(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_strings_are_escaped() {
        assert_eq!(js_string("it's", '\''), r"'it\'s'");
        assert_eq!(js_string("a\"b\n", '"'), r#""a\"b\n""#);
    }
}
