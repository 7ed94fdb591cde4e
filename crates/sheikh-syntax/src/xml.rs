//! XML and SVG well-formedness with the streaming `quick-xml` reader: a single root,
//! matched and properly nested tags, quoted and unique attributes, defined entities and
//! legal character references, legal names, legal characters, and the XML declaration
//! only at the very start. The reader keeps no tree, so depth costs only a name stack.

use std::collections::BTreeSet;

use quick_xml::errors::{Error, IllFormedError, SyntaxError};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::report::{IssueKind, Structure};
use crate::validate::Ctx;

const PREDEFINED: &[&str] = &["lt", "gt", "amp", "apos", "quot"];

pub(crate) fn check(ctx: &mut Ctx<'_>) -> Structure {
    let full = ctx.text;
    let (text, shift) = match full.strip_prefix('\u{feff}') {
        Some(rest) => (rest, full.len() - rest.len()),
        None => (full, 0),
    };
    let mut st = Structure::default();
    if let Some((at, c)) = first_illegal_char(text) {
        ctx.issue(
            IssueKind::Other,
            at + shift,
            at + shift + c.len_utf8(),
            format!("character U+{:04X} is not allowed in XML", c as u32),
        );
    }
    let mut reader = Reader::from_str(text);
    {
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.check_comments = true;
        cfg.allow_dangling_amp = false;
        cfg.allow_unmatched_ends = false;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let mut depth: u32 = 0;
    let mut roots = 0u32;
    let mut first_event = true;
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut has_external_dtd = false;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event();
        let after = reader.buffer_position() as usize;
        let (s, e) = (before + shift, after + shift);
        let was_first = std::mem::replace(&mut first_event, false);
        match event {
            Err(err) => {
                let at = reader.error_position() as usize + shift;
                let (kind, msg) = classify(&err);
                ctx.issue(kind, at, e.max(at), msg);
                return st;
            }
            Ok(Event::Eof) => {
                if depth > 0 {
                    ctx.issue(
                        IssueKind::UnclosedTag,
                        e,
                        e,
                        format!("{depth} element(s) not closed at end of file"),
                    );
                } else if roots == 0 {
                    ctx.issue(IssueKind::BadRoot, e, e, "no root element".into());
                }
                return st;
            }
            Ok(Event::Start(ref tag)) | Ok(Event::Empty(ref tag)) => {
                let is_start = matches!(event, Ok(Event::Start(_)));
                st.node_count += 1;
                if depth == 0 {
                    roots += 1;
                    if roots == 2 {
                        ctx.issue(
                            IssueKind::BadRoot,
                            s,
                            e,
                            "more than one root element".into(),
                        );
                    }
                }
                st.max_depth = st.max_depth.max(depth + 1);
                check_start(ctx, tag, s, e, &declared, has_external_dtd);
                if is_start {
                    depth += 1;
                }
            }
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Text(t)) => {
                st.node_count += 1;
                if depth == 0 && !t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
                    let lead = t.len() - t.trim_start_matches([' ', '\t', '\r', '\n']).len();
                    ctx.issue(
                        IssueKind::BadRoot,
                        s + lead,
                        e,
                        "text outside the root element".into(),
                    );
                }
            }
            Ok(Event::GeneralRef(r)) => {
                st.node_count += 1;
                if depth == 0 {
                    ctx.issue(
                        IssueKind::BadRoot,
                        s,
                        e,
                        "reference outside the root element".into(),
                    );
                }
                if r.is_char_ref() {
                    if let Err(msg) = check_char_ref(&r) {
                        ctx.issue(IssueKind::BadEntity, s, e, msg);
                    }
                } else if !PREDEFINED.contains(&&*r) && !declared.contains(&*r) && !has_external_dtd
                {
                    ctx.issue(
                        IssueKind::BadEntity,
                        s,
                        e,
                        format!("undefined entity &{};", &*r),
                    );
                }
            }
            Ok(Event::CData(_)) => {
                st.node_count += 1;
                if depth == 0 {
                    ctx.issue(
                        IssueKind::BadRoot,
                        s,
                        e,
                        "CDATA outside the root element".into(),
                    );
                }
            }
            Ok(Event::Comment(_)) => st.node_count += 1,
            Ok(Event::Decl(_)) => {
                if !(was_first && before == 0) {
                    ctx.issue(
                        IssueKind::MisplacedDeclaration,
                        s,
                        e,
                        "XML declaration not at the start of the document".into(),
                    );
                }
            }
            Ok(Event::PI(pi)) => {
                st.node_count += 1;
                if pi.target().eq_ignore_ascii_case("xml") {
                    ctx.issue(
                        IssueKind::MisplacedDeclaration,
                        s,
                        e,
                        "processing instruction target `xml` is reserved".into(),
                    );
                }
            }
            Ok(Event::DocType(dt)) => {
                if roots > 0 {
                    ctx.issue(
                        IssueKind::Other,
                        s,
                        e,
                        "DOCTYPE after the root element".into(),
                    );
                }
                let body: &str = &dt;
                has_external_dtd |= has_external_id(body);
                declared.extend(entity_declarations(body));
            }
        }
    }
}

fn classify(err: &Error) -> (IssueKind, String) {
    let msg = err.to_string();
    let kind = match err {
        Error::IllFormed(IllFormedError::MismatchedEndTag { .. }) => IssueKind::MismatchedTag,
        Error::IllFormed(IllFormedError::UnmatchedEndTag(_)) => IssueKind::UnexpectedClosingTag,
        Error::IllFormed(IllFormedError::MissingEndTag(_)) => IssueKind::UnclosedTag,
        Error::Syntax(
            SyntaxError::UnclosedTag
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedPI
            | SyntaxError::UnclosedXmlDecl
            | SyntaxError::UnclosedDoctype
            | SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue,
        ) => IssueKind::UnclosedTag,
        Error::InvalidAttr(AttrError::Duplicated(..)) => IssueKind::DuplicateAttribute,
        Error::InvalidAttr(_) => IssueKind::BadAttribute,
        Error::Escape(_) => IssueKind::BadEntity,
        _ => IssueKind::Other,
    };
    (kind, msg)
}

fn check_start(
    ctx: &mut Ctx<'_>,
    tag: &BytesStart<'_>,
    s: usize,
    e: usize,
    declared: &BTreeSet<String>,
    has_external_dtd: bool,
) {
    let name = tag.name().into_inner();
    if !is_xml_name(name) {
        ctx.issue(
            IssueKind::InvalidName,
            s,
            e,
            format!("`{}` is not a legal element name", name.escape_debug()),
        );
    }
    let mut attrs = tag.attributes();
    attrs.with_checks(true);
    for attr in attrs {
        match attr {
            Err(err) => {
                let kind = match err {
                    AttrError::Duplicated(..) => IssueKind::DuplicateAttribute,
                    _ => IssueKind::BadAttribute,
                };
                ctx.issue(kind, s, e, format!("in <{name}>: {err}"));
                // The attribute iterator cannot resynchronise after an error.
                return;
            }
            Ok(a) => {
                let key = a.key.into_inner();
                if !is_xml_name(key) {
                    ctx.issue(
                        IssueKind::InvalidName,
                        s,
                        e,
                        format!("`{}` is not a legal attribute name", key.escape_debug()),
                    );
                }
                if a.value.contains('<') {
                    ctx.issue(
                        IssueKind::BadAttribute,
                        s,
                        e,
                        format!("`<` in the value of attribute `{key}`"),
                    );
                }
                if let Some(msg) = bad_reference_in(&a.value, declared, has_external_dtd) {
                    ctx.issue(IssueKind::BadEntity, s, e, msg);
                }
            }
        }
    }
}

/// Checks `&...;` references inside an attribute value.
fn bad_reference_in(
    value: &str,
    declared: &BTreeSet<String>,
    has_external_dtd: bool,
) -> Option<String> {
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find(';') else {
            return Some("`&` without `;` in attribute value".into());
        };
        let name = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(num) = name.strip_prefix('#') {
            if parse_char_ref(num).is_none() {
                return Some(format!("bad character reference &{name};"));
            }
        } else if !is_xml_name(name) {
            return Some("`&` not starting a reference in attribute value".into());
        } else if !PREDEFINED.contains(&name) && !declared.contains(name) && !has_external_dtd {
            return Some(format!("undefined entity &{name};"));
        }
    }
    None
}

fn check_char_ref(r: &str) -> Result<(), String> {
    let num = r.strip_prefix('#').unwrap_or(r);
    parse_char_ref(num)
        .map(|_| ())
        .ok_or_else(|| format!("bad character reference &{r};"))
}

/// `123` or `x1F`, to a character legal in XML.
fn parse_char_ref(num: &str) -> Option<char> {
    let code = match num.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()?
        }
        None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => num.parse().ok()?,
        _ => return None,
    };
    char::from_u32(code).filter(|&c| is_xml_char(c))
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// The first character XML 1.0 forbids anywhere (controls, U+FFFE, U+FFFF).
fn first_illegal_char(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| !is_xml_char(c))
}

fn is_name_start(c: char) -> bool {
    matches!(c, ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// The XML `Name` production.
pub(crate) fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// Whether a DOCTYPE names an external DTD (`SYSTEM`/`PUBLIC`), whose entities we
/// cannot see; undefined-entity checks are then skipped, as a non-validating parser does.
fn has_external_id(doctype: &str) -> bool {
    let head = doctype.split('[').next().unwrap_or("");
    head.split_ascii_whitespace()
        .any(|w| w == "SYSTEM" || w == "PUBLIC")
}

/// Names declared with `<!ENTITY name …>` in an internal subset (parameter entities
/// excluded).
fn entity_declarations(doctype: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = doctype;
    while let Some(i) = rest.find("<!ENTITY") {
        rest = &rest[i + "<!ENTITY".len()..];
        let mut words = rest.split_ascii_whitespace();
        match words.next() {
            Some("%") | None => {}
            Some(name) => out.push(name.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_names() {
        assert!(is_xml_name("svg:path"));
        assert!(is_xml_name("_a-b.c9"));
        assert!(!is_xml_name("9a"));
        assert!(!is_xml_name("a b"));
        assert!(!is_xml_name(""));
    }

    #[test]
    fn char_refs() {
        assert_eq!(parse_char_ref("65"), Some('A'));
        assert_eq!(parse_char_ref("x41"), Some('A'));
        assert_eq!(parse_char_ref("0"), None);
        assert_eq!(parse_char_ref("xD800"), None);
        assert_eq!(parse_char_ref("x"), None);
        assert_eq!(parse_char_ref("99999999999"), None);
    }

    #[test]
    fn doctype_entities() {
        let dt = "note [<!ENTITY writer \"Me\"> <!ENTITY % p \"x\">]";
        assert_eq!(entity_declarations(dt), vec!["writer".to_string()]);
        assert!(!has_external_id(dt));
        assert!(has_external_id(
            "html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"x.dtd\""
        ));
    }
}
