//! Hand-written pre-tokenizers for the split regexes of GPT-2 (and RoBERTa / CodeBERT,
//! StarCoder, the project's own tokenizer), Llama-3 and Qwen2 / Qwen2.5 / Qwen3: the same
//! pieces as the tokenizer's onig regex, found in one forward pass without a backtracking
//! engine.
//!
//! A pattern is recognised only when the tokenizer's regex string is exactly one of
//! [`GPT2`], [`LLAMA3`] or [`QWEN2`]. The character classes (`\p{L}`, `\p{N}`, `\s`) are
//! read, once per process, from the regex engine the `tokenizers` crate uses (onig, on a
//! string of every Unicode scalar value), so they agree with it by construction, whatever
//! Unicode version that engine has; ASCII is a 128-entry table, the rest a two-level table.
//! The tests compare the pieces with onig's on every code point, on arbitrary Unicode
//! strings and on the fixture corpus.
//!
//! How each alternative of the regexes resolves (leftmost alternative wins, quantifiers
//! greedy; every character is matched by some alternative, so the pieces tile the text):
//!
//! - `'s|'t|'re|'ve|'m|'ll|'d` first (ASCII case-insensitive in Llama-3 / Qwen2, where
//!   onig's case folding also maps `ſ` U+017F to `s`);
//! - GPT-2: an optional space before a run of letters, of digits, or of "other"
//!   (neither whitespace, letter nor digit) characters;
//! - Llama-3 / Qwen2: a letter run, optionally preceded by one character that is not
//!   `\r`, `\n`, a letter or a digit; then digits (1–3 for Llama-3, one for Qwen2); then an
//!   optional space, an "other" run and any `\r` / `\n` after it; then `\s*[\r\n]+`, which
//!   ends just after the last `\r` / `\n` of the whitespace run;
//! - `\s+(?!\S)`: a whitespace run less its last character when a non-space follows it
//!   and it has at least two characters, else `\s+`: the whole run.

use std::sync::OnceLock;

use tokenizers::utils::SysRegex;

/// GPT-2's split regex (`ByteLevel { use_regex: true }`; RoBERTa, CodeBERT, StarCoder).
pub(crate) const GPT2: &str =
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
/// Llama-3's split regex (as in its `tokenizer.json`).
pub(crate) const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// Qwen2's split regex (Qwen2, Qwen2.5, Qwen2.5-Coder, Qwen3): Llama-3's with single digits.
pub(crate) const QWEN2: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// A split regex this module reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// [`GPT2`].
    Gpt2,
    /// [`LLAMA3`].
    Llama3,
    /// [`QWEN2`].
    Qwen2,
}

impl Pattern {
    /// The pattern whose regex is exactly `regex`.
    pub(crate) fn recognise(regex: &str) -> Option<Self> {
        [Pattern::Gpt2, Pattern::Llama3, Pattern::Qwen2]
            .into_iter()
            .find(|p| p.regex() == regex)
    }

    /// The regex this pattern reproduces.
    pub(crate) fn regex(self) -> &'static str {
        match self {
            Pattern::Gpt2 => GPT2,
            Pattern::Llama3 => LLAMA3,
            Pattern::Qwen2 => QWEN2,
        }
    }

    /// A short name for logs and statistics.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Pattern::Gpt2 => "gpt2",
            Pattern::Llama3 => "llama3",
            Pattern::Qwen2 => "qwen2",
        }
    }

    /// The pieces of `text`, in order; they concatenate to `text`.
    pub(crate) fn split(self, text: &str) -> Pieces<'_> {
        Pieces {
            text,
            pos: 0,
            pattern: self,
            classes: classes(),
        }
    }
}

/// `\p{L}`.
const LETTER: u8 = 0;
/// `\p{N}`.
const NUMBER: u8 = 1;
/// `\s`.
const SPACE: u8 = 2;
/// Anything else (`[^\s\p{L}\p{N}]`).
const OTHER: u8 = 3;

/// The class of every code point, as onig sees it.
pub(crate) struct Classes {
    ascii: [u8; 128],
    /// Block (`cp >> 8`) → index into `blocks`.
    index: Vec<u16>,
    blocks: Vec<[u8; 256]>,
}

impl Classes {
    fn build() -> Self {
        let mut all = String::with_capacity(4 * 0x11_0000);
        all.extend((0..0x11_0000u32).filter_map(char::from_u32));
        let mut class = vec![OTHER; 0x11_0000];
        for (regex, c) in [(r"\p{L}+", LETTER), (r"\p{N}+", NUMBER), (r"\s+", SPACE)] {
            let re = SysRegex::new(regex).expect("class regex compiles");
            for (start, end) in re.find_iter(&all) {
                for ch in all[start..end].chars() {
                    class[ch as usize] = c;
                }
            }
        }
        let mut ascii = [OTHER; 128];
        ascii.copy_from_slice(&class[..128]);
        let mut blocks: Vec<[u8; 256]> = Vec::new();
        let mut seen = std::collections::HashMap::new();
        let index = class
            .chunks(256)
            .map(|chunk| {
                let block: [u8; 256] = chunk.try_into().expect("256 code points");
                *seen.entry(block).or_insert_with(|| {
                    blocks.push(block);
                    (blocks.len() - 1) as u16
                })
            })
            .collect();
        Classes {
            ascii,
            index,
            blocks,
        }
    }

    #[inline]
    fn of(&self, c: char) -> u8 {
        let cp = c as usize;
        self.blocks[self.index[cp >> 8] as usize][cp & 0xff]
    }
}

/// The class tables, built on first use (a few tens of milliseconds).
pub(crate) fn classes() -> &'static Classes {
    static CLASSES: OnceLock<Classes> = OnceLock::new();
    CLASSES.get_or_init(Classes::build)
}

/// Iterator over the pieces of a text (see [`Pattern::split`]).
pub(crate) struct Pieces<'a> {
    text: &'a str,
    pos: usize,
    pattern: Pattern,
    classes: &'static Classes,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.pos >= self.text.len() {
            return None;
        }
        let end = match self.pattern {
            Pattern::Gpt2 => self.gpt2(self.pos),
            Pattern::Llama3 => self.llama(self.pos, 3),
            Pattern::Qwen2 => self.llama(self.pos, 1),
        };
        debug_assert!(end > self.pos);
        let piece = &self.text[self.pos..end];
        self.pos = end;
        Some(piece)
    }
}

impl Pieces<'_> {
    /// Class and UTF-8 length of the character at byte `i` (`i` < len, a boundary).
    #[inline(always)]
    fn at(&self, i: usize) -> (u8, usize) {
        let b = self.text.as_bytes()[i];
        if b < 0x80 {
            (self.classes.ascii[b as usize], 1)
        } else {
            let c = self.text[i..].chars().next().expect("char boundary");
            (self.classes.of(c), c.len_utf8())
        }
    }

    /// The end of the run of class `class` starting at `i`.
    #[inline(always)]
    fn run(&self, mut i: usize, class: u8) -> usize {
        let len = self.text.len();
        while i < len {
            let (c, n) = self.at(i);
            if c != class {
                break;
            }
            i += n;
        }
        i
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` after the apostrophe at `i - 1`: the end of the match.
    #[inline]
    fn contraction(&self, i: usize, ignore_case: bool) -> Option<usize> {
        let letter = |j: usize| -> Option<(u8, usize)> {
            let bytes = self.text.as_bytes();
            let b = *bytes.get(j)?;
            if b < 0x80 {
                Some((
                    if ignore_case {
                        b.to_ascii_lowercase()
                    } else {
                        b
                    },
                    1,
                ))
            } else if ignore_case && bytes[j..].starts_with("ſ".as_bytes()) {
                // U+017F LATIN SMALL LETTER LONG S case-folds to `s`.
                Some((b's', 2))
            } else {
                None
            }
        };
        let (first, n) = letter(i)?;
        match first {
            b's' | b't' | b'm' | b'd' => Some(i + n),
            b'r' | b'v' | b'l' => {
                let want = if first == b'l' { b'l' } else { b'e' };
                match letter(i + n)? {
                    (second, m) if second == want => Some(i + n + m),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `\s+(?!\S)|\s+` from `p` (a whitespace character).
    #[inline]
    fn space_tail(&self, p: usize) -> usize {
        let len = self.text.len();
        let mut q = p;
        let mut last = p;
        while q < len {
            let (c, n) = self.at(q);
            if c != SPACE {
                break;
            }
            last = q;
            q += n;
        }
        if q == len || last == p {
            q
        } else {
            last
        }
    }

    fn gpt2(&self, p: usize) -> usize {
        let bytes = self.text.as_bytes();
        let b = bytes[p];
        if b == b'\'' {
            if let Some(end) = self.contraction(p + 1, false) {
                return end;
            }
        }
        if b == b' ' && p + 1 < bytes.len() {
            let (next, _) = self.at(p + 1);
            if next != SPACE {
                return self.run(p + 1, next);
            }
        }
        let (class, _) = self.at(p);
        if class != SPACE {
            return self.run(p, class);
        }
        self.space_tail(p)
    }

    fn llama(&self, p: usize, max_digits: usize) -> usize {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let b = bytes[p];
        if b == b'\'' {
            if let Some(end) = self.contraction(p + 1, true) {
                return end;
            }
        }
        let (class, n) = self.at(p);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if class == LETTER {
            return self.run(p + n, LETTER);
        }
        if class != NUMBER && b != b'\r' && b != b'\n' && p + n < len && self.at(p + n).0 == LETTER
        {
            return self.run(p + n, LETTER);
        }
        // \p{N}{1,3} / \p{N}
        if class == NUMBER {
            let mut end = p + n;
            for _ in 1..max_digits {
                if end >= len {
                    break;
                }
                let (c, m) = self.at(end);
                if c != NUMBER {
                    break;
                }
                end += m;
            }
            return end;
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let other_start = if class == OTHER {
            Some(p)
        } else if b == b' ' && p + 1 < len && self.at(p + 1).0 == OTHER {
            Some(p + 1)
        } else {
            None
        };
        if let Some(start) = other_start {
            let mut end = self.run(start, OTHER);
            while end < len && matches!(bytes[end], b'\r' | b'\n') {
                end += 1;
            }
            return end;
        }
        // \s*[\r\n]+ : up to the last \r or \n of the whitespace run.
        let mut q = p;
        let mut newline_end = None;
        while q < len {
            let (c, m) = self.at(q);
            if c != SPACE {
                break;
            }
            if matches!(bytes[q], b'\r' | b'\n') {
                newline_end = Some(q + 1);
            }
            q += m;
        }
        if let Some(end) = newline_end {
            return end;
        }
        self.space_tail(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn onig(pattern: Pattern, text: &str) -> Vec<(usize, usize)> {
        let re = SysRegex::new(pattern.regex()).unwrap();
        let mut out = Vec::new();
        let mut prev = 0;
        for (s, e) in re.find_iter(text) {
            if s > prev {
                out.push((prev, s));
            }
            if e > s {
                out.push((s, e));
            }
            prev = e;
        }
        if prev < text.len() {
            out.push((prev, text.len()));
        }
        out
    }

    fn ours(pattern: Pattern, text: &str) -> Vec<(usize, usize)> {
        let mut pos = 0;
        pattern
            .split(text)
            .map(|p| {
                let r = (pos, pos + p.len());
                pos += p.len();
                r
            })
            .collect()
    }

    const ALL: [Pattern; 3] = [Pattern::Gpt2, Pattern::Llama3, Pattern::Qwen2];

    #[test]
    fn recognises_exact_strings_only() {
        for p in ALL {
            assert_eq!(Pattern::recognise(p.regex()), Some(p));
        }
        assert_eq!(Pattern::recognise(&format!("{GPT2}|x")), None);
    }

    #[test]
    fn classes_are_disjoint_and_ascii_is_as_expected() {
        let c = classes();
        assert_eq!(c.ascii[b'a' as usize], LETTER);
        assert_eq!(c.ascii[b'7' as usize], NUMBER);
        for b in [b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c] {
            assert_eq!(c.ascii[b as usize], SPACE, "{b:#x}");
        }
        for b in [b'\'', b'_', 0x1c, 0x1f, 0x7f, 0] {
            assert_eq!(c.ascii[b as usize], OTHER, "{b:#x}");
        }
        assert_eq!(c.of('é'), LETTER);
        assert_eq!(c.of('٣'), NUMBER);
        assert_eq!(c.of('\u{3000}'), SPACE);
        assert_eq!(c.of('\u{85}'), SPACE);
        assert_eq!(c.of('→'), OTHER);
        // Each single code point classified alone, as onig classifies it in context.
        for (regex, class) in [(r"^\p{L}$", LETTER), (r"^\p{N}$", NUMBER), (r"^\s$", SPACE)] {
            let re = SysRegex::new(regex).unwrap();
            for cp in (0..0x11_0000u32).step_by(97) {
                let Some(ch) = char::from_u32(cp) else {
                    continue;
                };
                let s = ch.to_string();
                assert_eq!(
                    re.find_iter(&s).next().is_some(),
                    c.of(ch) == class,
                    "{cp:#x}"
                );
            }
        }
    }

    /// Every code point, in every position that matters: alone between letters, spaces,
    /// digits, apostrophes and newlines.
    #[test]
    fn every_code_point_splits_as_onig() {
        let contexts = ["a{}b ", " {}'", "'{}e", "'{}l", "1{}{}\r\n x"];
        for p in ALL {
            for ctx in contexts {
                let mut text = String::new();
                for cp in 0..0x11_0000u32 {
                    if let Some(ch) = char::from_u32(cp) {
                        let s = ch.to_string();
                        text.push_str(&ctx.replace("{}", &s));
                        text.push('|');
                    }
                }
                let (a, b) = (ours(p, &text), onig(p, &text));
                if a != b {
                    let i = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(0);
                    panic!(
                        "{p:?} {ctx:?}: ours {:?} onig {:?} near {:?}",
                        a.get(i),
                        b.get(i),
                        &text[b[i].0.saturating_sub(12)..b[i].1 + 12]
                    );
                }
            }
        }
    }

    #[test]
    fn crafted_cases_split_as_onig() {
        for text in [
            "",
            "'s 'S 'ſ 'RE 'Re 'll 'LL 'x ''s ?'s",
            "  x\t\ty \n\n z\r\n\r\n  w   ",
            "a  ",
            " ",
            "\n",
            "12345 1234567 ١٢٣٤",
            "foo(bar) { return x+1; }\n\n\tconst y = 'it's';\r\n",
            "   \u{a0}x \u{3000}y\u{2028}\n z",
            "ÄÖÜ ß straße İstanbul ǅ ﬁ",
            "日本語のテキスト 🚀🚀 ok",
            "x = ';\n\n'\n",
            "... !!!\n\n\n word",
        ] {
            for p in ALL {
                assert_eq!(ours(p, text), onig(p, text), "{p:?} {text:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_unicode_splits_as_onig(text in "\\PC*|(\\PC|\\s|['sStTrReEvVmMlLdDſ0-9 ])*") {
            for p in ALL {
                proptest::prop_assert_eq!(ours(p, &text), onig(p, &text));
            }
        }

        #[test]
        fn any_chars_split_as_onig(chars in proptest::collection::vec(proptest::char::any(), 0..64)) {
            let text: String = chars.into_iter().collect();
            for p in ALL {
                proptest::prop_assert_eq!(ours(p, &text), onig(p, &text));
            }
        }
    }
}
