//! JSON validation with `serde_json` (strict RFC 8259: no comments, no trailing commas).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::report::{IssueKind, Structure};
use crate::validate::{Ctx, Unchecked};

/// Counts values and nesting while deserializing into nothing.
struct Count<'s> {
    st: &'s mut Structure,
    depth: u32,
}

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.st.node_count += 1;
        self.st.max_depth = self.st.max_depth.max(self.depth);
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Count {
                st: self.st,
                depth: self.depth + 1,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Count {
                st: self.st,
                depth: self.depth + 1,
            })?;
        }
        Ok(())
    }
}

/// Validates JSON. serde_json's own recursion limit (128) keeps the stack safe; a text
/// hitting it is [`Unchecked::TooDeep`].
pub(crate) fn check(ctx: &mut Ctx<'_>) -> Result<Structure, Unchecked> {
    let mut st = Structure::default();
    let text = ctx.text.strip_prefix('\u{feff}').unwrap_or(ctx.text);
    let mut de = serde_json::Deserializer::from_str(text);
    let res = Count {
        st: &mut st,
        depth: 1,
    }
    .deserialize(&mut de)
    .and_then(|_| de.end());
    if let Err(e) = res {
        let msg = e.to_string();
        if msg.starts_with("recursion limit exceeded") {
            return Err(Unchecked::TooDeep);
        }
        // RFC 8259 lets any number through the grammar; only our counting visitor needs
        // it as an f64. A number beyond f64 is valid JSON: check the syntax without
        // converting numbers (the structure counts then stop at that number).
        if msg.starts_with("number out of range") {
            let mut de = serde_json::Deserializer::from_str(text);
            if IgnoredAny::deserialize(&mut de)
                .and_then(|_| de.end())
                .is_ok()
            {
                return Ok(st);
            }
        }
        // serde_json saw the text without its BOM: shift its position back.
        let bom = ctx.text.len() - text.len();
        let offset = bom + line_col_to_offset(text, e.line(), e.column());
        let kind = if e.is_eof() {
            IssueKind::MissingNode
        } else {
            IssueKind::UnexpectedToken
        };
        ctx.issue(kind, offset, offset, msg);
    }
    Ok(st)
}

/// serde_json reports 1-based line and 1-based column (in bytes) of the error.
fn line_col_to_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}
