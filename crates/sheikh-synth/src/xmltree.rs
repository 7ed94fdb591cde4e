//! A small XML tree and its serializer: escaping of text and attributes, CDATA,
//! comments, processing instructions, inline (mixed-content) elements, and the
//! formatting choices of a [`Style`].

use crate::style::Style;

/// One XML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An element.
    El(El),
    /// Character data, escaped on output.
    Text(String),
    /// Already-escaped character data (entity and character references).
    Raw(String),
    /// A CDATA section (`]]>` inside is split across two sections).
    CData(String),
    /// A comment (`--` inside is made safe).
    Comment(String),
    /// A processing instruction `<?target data?>`.
    Pi(String, String),
}

/// An element with ordered attributes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct El {
    /// Qualified name.
    pub name: String,
    /// Attributes in output order (names are unique by construction).
    pub attrs: Vec<(String, String)>,
    /// Children.
    pub children: Vec<Node>,
    /// Render children on one line (mixed content such as `<p>a <em>b</em></p>`).
    pub inline: bool,
}

impl El {
    /// An empty element.
    pub fn new(name: impl Into<String>) -> Self {
        El {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Adds an attribute, replacing an earlier one of the same name.
    pub fn attr(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.set(k, v);
        self
    }

    /// Sets an attribute in place, replacing an earlier one of the same name.
    pub fn set(&mut self, k: impl Into<String>, v: impl Into<String>) {
        let k = k.into();
        let v = v.into();
        if let Some(slot) = self.attrs.iter_mut().find(|(n, _)| *n == k) {
            slot.1 = v;
        } else {
            self.attrs.push((k, v));
        }
    }

    /// Adds a child element.
    pub fn child(mut self, c: El) -> Self {
        self.children.push(Node::El(c));
        self
    }

    /// Adds a child node.
    pub fn node(mut self, n: Node) -> Self {
        self.children.push(n);
        self
    }

    /// Adds a text child.
    pub fn text(mut self, t: impl Into<String>) -> Self {
        self.children.push(Node::Text(t.into()));
        self
    }

    /// Adds a child element in place.
    pub fn push(&mut self, c: El) {
        self.children.push(Node::El(c));
    }

    /// Marks the element as inline (mixed content on one line).
    pub fn inline(mut self) -> Self {
        self.inline = true;
        self
    }

    /// `<name>text</name>`.
    pub fn leaf(name: impl Into<String>, text: impl Into<String>) -> Self {
        El::new(name).text(text)
    }
}

/// Escapes character data (`&`, `<`, `>`).
pub fn escape_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            c => o.push(c),
        }
    }
    o
}

/// Escapes an attribute value for the given quote character.
pub fn escape_attr(s: &str, quote: char) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '"' if quote == '"' => o.push_str("&quot;"),
            '\'' if quote == '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            '\t' => o.push_str("&#9;"),
            c => o.push(c),
        }
    }
    o
}

/// The XML serializer settings for one document.
#[derive(Debug, Clone)]
pub struct XmlWriter<'s> {
    /// Indentation, quotes, `/>` spacing.
    pub style: &'s Style,
    /// Put each attribute on its own line when an element has more than this many
    /// (Android layouts); `usize::MAX` for never.
    pub attrs_per_line_over: usize,
}

impl XmlWriter<'_> {
    /// Serializes an element at depth `depth` into `out` (no trailing newline).
    pub fn write(&self, el: &El, depth: usize, out: &mut String) {
        let ind = self.style.ind(depth);
        out.push_str(&ind);
        self.open_tag(el, depth, out);
        if el.children.is_empty() {
            if self.style.space_before_slash {
                out.push(' ');
            }
            out.push_str("/>");
            return;
        }
        out.push('>');
        let inline = el.inline || el.children.iter().all(|c| !matches!(c, Node::El(_)));
        if inline {
            for c in &el.children {
                self.inline_node(c, out);
            }
        } else {
            for c in &el.children {
                out.push('\n');
                match c {
                    Node::El(e) => self.write(e, depth + 1, out),
                    other => {
                        out.push_str(&self.style.ind(depth + 1));
                        self.inline_node(other, out);
                    }
                }
            }
            out.push('\n');
            out.push_str(&ind);
        }
        out.push_str("</");
        out.push_str(&el.name);
        out.push('>');
    }

    fn open_tag(&self, el: &El, depth: usize, out: &mut String) {
        out.push('<');
        out.push_str(&el.name);
        let q = self.style.quote;
        let multiline = el.attrs.len() > self.attrs_per_line_over;
        for (k, v) in &el.attrs {
            if multiline {
                out.push('\n');
                out.push_str(&self.style.ind(depth + 1));
            } else {
                out.push(' ');
            }
            out.push_str(k);
            out.push('=');
            out.push(q);
            out.push_str(&escape_attr(v, q));
            out.push(q);
        }
    }

    fn inline_node(&self, n: &Node, out: &mut String) {
        match n {
            Node::El(e) => {
                // Inline children are written without indentation.
                let mut s = String::new();
                let flat = XmlWriter {
                    style: self.style,
                    attrs_per_line_over: usize::MAX,
                };
                let mut e2 = e.clone();
                e2.inline = true;
                flat.write_flat(&e2, &mut s);
                out.push_str(&s);
            }
            Node::Text(t) => out.push_str(&escape_text(t)),
            Node::Raw(r) => out.push_str(r),
            Node::CData(c) => {
                out.push_str("<![CDATA[");
                out.push_str(&c.replace("]]>", "]]]]><![CDATA[>"));
                out.push_str("]]>");
            }
            Node::Comment(c) => {
                out.push_str("<!-- ");
                out.push_str(&safe_comment(c));
                out.push_str(" -->");
            }
            Node::Pi(t, d) => {
                out.push_str("<?");
                out.push_str(t);
                if !d.is_empty() {
                    out.push(' ');
                    out.push_str(&d.replace("?>", "? >"));
                }
                out.push_str("?>");
            }
        }
    }

    fn write_flat(&self, el: &El, out: &mut String) {
        self.open_tag(el, 0, out);
        if el.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for c in &el.children {
            self.inline_node(c, out);
        }
        out.push_str("</");
        out.push_str(&el.name);
        out.push('>');
    }

    /// A whole document: optional declaration, prolog nodes (PIs, comments, a DOCTYPE
    /// given as raw text), the root, a final newline.
    pub fn document(&self, decl: Option<&str>, prolog: &[Node], root: &El) -> String {
        let mut out = String::new();
        if let Some(d) = decl {
            out.push_str(d);
            out.push('\n');
        }
        for n in prolog {
            match n {
                Node::Raw(r) => out.push_str(r),
                other => self.inline_node(other, &mut out),
            }
            out.push('\n');
        }
        self.write(root, 0, &mut out);
        out.push('\n');
        out
    }
}

/// Makes comment text legal: no `--`, no trailing `-`.
pub fn safe_comment(c: &str) -> String {
    let mut s = c.replace("--", "- -");
    while s.contains("--") {
        s = s.replace("--", "- -");
    }
    if s.ends_with('-') {
        s.push(' ');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style() -> Style {
        Style {
            indent: "  ",
            quote: '"',
            semicolons: true,
            trailing_commas: false,
            space_before_slash: true,
            airy: false,
        }
    }

    #[test]
    fn writes_nested_escaped_xml() {
        let s = style();
        let w = XmlWriter {
            style: &s,
            attrs_per_line_over: usize::MAX,
        };
        let root = El::new("a")
            .attr("t", "x\"<&y")
            .child(El::leaf("b", "1 < 2 & 3"))
            .child(El::new("c"))
            .node(Node::CData("x ]]> y".into()))
            .node(Node::Comment("a -- b-".into()));
        let doc = w.document(Some("<?xml version=\"1.0\"?>"), &[], &root);
        assert_eq!(
            doc,
            "<?xml version=\"1.0\"?>\n<a t=\"x&quot;&lt;&amp;y\">\n  <b>1 &lt; 2 &amp; 3</b>\n  <c />\n  <![CDATA[x ]]]]><![CDATA[> y]]>\n  <!-- a - - b-  -->\n</a>\n"
        );
        assert!(sheikh_syntax::validate(&doc, sheikh_core::Language::Xml).is_valid());
    }
}
