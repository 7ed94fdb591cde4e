//! One pass over a text for the character and line statistics every rule needs.

/// Character and line statistics of a text, measured in Unicode scalar values (Python's
/// `len(str)`, as the StarCoder2 rules are written).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TextStats {
    /// Characters, line breaks included.
    pub chars: usize,
    /// Lines, as Python's `str.splitlines()` counts them for `\n` endings: a final
    /// newline does not start a new line, an empty text has 0 lines.
    pub lines: usize,
    /// Characters on lines, line breaks (`\n`, and `\r` anywhere) excluded.
    pub line_chars: usize,
    /// The longest line, in characters.
    pub max_line: usize,
    /// Alphabetic characters (`char::is_alphabetic`, Python's `str.isalpha`).
    pub alpha: usize,
    /// Whitespace characters, line breaks included.
    pub whitespace: usize,
    /// Characters on lines longer than the `long_line` threshold given to [`TextStats::measure`].
    pub long_line_chars: usize,
    /// Characters on lines longer than the `max_line` threshold given to [`TextStats::measure`].
    pub over_max_line_chars: usize,
    /// Lines that hold something other than whitespace.
    pub non_blank_lines: usize,
}

impl TextStats {
    /// Measures `text`; lines longer than `long_line` characters count towards
    /// [`long_line_chars`](Self::long_line_chars), lines longer than `max_line` towards
    /// [`over_max_line_chars`](Self::over_max_line_chars).
    pub fn measure(text: &str, long_line: usize, max_line: usize) -> TextStats {
        let mut s = TextStats::default();
        let mut line = 0usize;
        let mut blank = true;
        let close_line = |s: &mut TextStats, line: usize, blank: bool| {
            s.lines += 1;
            s.line_chars += line;
            s.max_line = s.max_line.max(line);
            if line > long_line {
                s.long_line_chars += line;
            }
            if line > max_line {
                s.over_max_line_chars += line;
            }
            if !blank {
                s.non_blank_lines += 1;
            }
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        // ASCII fast path; other characters are decoded one by one.
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                i += 1;
                s.chars += 1;
                match b {
                    b'\n' => {
                        s.whitespace += 1;
                        close_line(&mut s, line, blank);
                        line = 0;
                        blank = true;
                    }
                    b'\r' => s.whitespace += 1,
                    b' ' | b'\t' | 0x0b | 0x0c => {
                        s.whitespace += 1;
                        line += 1;
                    }
                    _ => {
                        if b.is_ascii_alphabetic() {
                            s.alpha += 1;
                        }
                        blank = false;
                        line += 1;
                    }
                }
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{fffd}');
                i += c.len_utf8();
                s.chars += 1;
                line += 1;
                if c.is_whitespace() {
                    s.whitespace += 1;
                } else {
                    blank = false;
                    if c.is_alphabetic() {
                        s.alpha += 1;
                    }
                }
            }
        }
        if line > 0 || !blank {
            close_line(&mut s, line, blank);
        }
        s
    }

    /// Mean line length in characters (0 for an empty text).
    pub fn mean_line(&self) -> f64 {
        if self.lines == 0 {
            0.0
        } else {
            self.line_chars as f64 / self.lines as f64
        }
    }

    /// Alphabetic share of all characters (0 for an empty text).
    pub fn alpha_fraction(&self) -> f64 {
        ratio(self.alpha, self.chars)
    }

    /// Whitespace share of all characters (0 for an empty text).
    pub fn whitespace_fraction(&self) -> f64 {
        ratio(self.whitespace, self.chars)
    }

    /// Share of line characters on long lines.
    pub fn long_line_share(&self) -> f64 {
        ratio(self.long_line_chars, self.line_chars)
    }

    /// Share of line characters on lines longer than `max_line`.
    pub fn over_max_line_share(&self) -> f64 {
        ratio(self.over_max_line_chars, self.line_chars)
    }
}

pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The byte offset where line `n` (0-based) starts, or the text's length.
pub(crate) fn offset_of_line(text: &str, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let mut seen = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            seen += 1;
            if seen == n {
                return i + 1;
            }
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_like_python_splitlines() {
        assert_eq!(TextStats::measure("", 10, 1000).lines, 0);
        assert_eq!(TextStats::measure("a", 10, 1000).lines, 1);
        assert_eq!(TextStats::measure("a\n", 10, 1000).lines, 1);
        assert_eq!(TextStats::measure("a\n\nb", 10, 1000).lines, 3);
        let s = TextStats::measure("ab\r\ncdef\n", 10, 1000);
        assert_eq!((s.lines, s.line_chars, s.max_line), (2, 6, 4));
        assert_eq!(s.mean_line(), 3.0);
    }

    #[test]
    fn counts_unicode_characters() {
        let s = TextStats::measure("Köln é1\n", 3, 1000);
        assert_eq!(s.chars, 8);
        assert_eq!(s.alpha, 5);
        assert_eq!(s.whitespace, 2);
        assert_eq!(s.max_line, 7);
        assert_eq!(s.long_line_chars, 7);
        assert_eq!(s.non_blank_lines, 1);
    }

    #[test]
    fn line_offsets() {
        assert_eq!(offset_of_line("a\nb\nc", 0), 0);
        assert_eq!(offset_of_line("a\nb\nc", 2), 4);
        assert_eq!(offset_of_line("a\nb\nc", 5), 5);
    }
}
