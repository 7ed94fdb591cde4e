//! A line-oriented code buffer with indentation, shared by the JavaScript/TypeScript
//! and MDX generators.

/// Lines of code at an indentation level.
#[derive(Debug, Clone)]
pub struct Code {
    out: String,
    level: usize,
    indent: &'static str,
}

impl Code {
    /// An empty buffer with this indentation unit.
    pub fn new(indent: &'static str) -> Self {
        Code {
            out: String::new(),
            level: 0,
            indent,
        }
    }

    /// The current indentation level.
    pub fn level(&self) -> usize {
        self.level
    }

    /// Indentation string for the current level plus `extra`.
    pub fn pad(&self, extra: usize) -> String {
        self.indent.repeat(self.level + extra)
    }

    /// Appends one line at the current level (each line of a multi-line string is
    /// indented).
    pub fn line(&mut self, s: impl AsRef<str>) {
        for l in s.as_ref().split('\n') {
            if l.is_empty() {
                self.out.push('\n');
            } else {
                for _ in 0..self.level {
                    self.out.push_str(self.indent);
                }
                self.out.push_str(l);
                self.out.push('\n');
            }
        }
    }

    /// An empty line.
    pub fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// A line, then one level deeper.
    pub fn open(&mut self, s: impl AsRef<str>) {
        self.line(s);
        self.level += 1;
    }

    /// One level shallower, then a line.
    pub fn close(&mut self, s: impl AsRef<str>) {
        self.level = self.level.saturating_sub(1);
        self.line(s);
    }

    /// One level deeper without a line.
    pub fn indent(&mut self) {
        self.level += 1;
    }

    /// One level shallower without a line.
    pub fn dedent(&mut self) {
        self.level = self.level.saturating_sub(1);
    }

    /// The text, ending with exactly one newline.
    pub fn finish(self) -> String {
        let mut s = self.out.trim_end().to_string();
        s.push('\n');
        s
    }
}
