//! Turning raw bytes into document text, or a typed rejection.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use crate::provenance::{Reason, Rejection};

/// How many leading bytes are scanned for NUL, as git does.
const BINARY_SNIFF: usize = 8000;

/// True when the bytes look binary: a NUL byte in the first 8000 bytes (git's test), or
/// a well-known binary magic number (PNG, GIF, JPEG, PDF, ZIP, gzip, WebAssembly, bplist).
pub fn looks_binary(bytes: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"\x89PNG",
        b"GIF8",
        b"\xff\xd8\xff",
        b"%PDF-",
        b"PK\x03\x04",
        b"\x1f\x8b",
        b"\0asm",
        b"bplist",
    ];
    let head = &bytes[..bytes.len().min(BINARY_SNIFF)];
    head.contains(&0) || MAGIC.iter().any(|m| bytes.starts_with(m))
}

/// Text decoded from raw bytes, and the encoding it came from when that was not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The source encoding's WHATWG name (`UTF-16LE`, `Shift_JIS`, `windows-1252`…), or
    /// `None` for UTF-8 (with or without a byte-order mark).
    pub encoding: Option<&'static str>,
}

/// How [`decode_bytes`] treats bytes that are neither UTF-8 nor UTF-16 with a BOM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecodeOptions {
    /// Detect a legacy encoding and transcode (otherwise: `invalid_utf8`).
    pub legacy_encodings: bool,
    /// Largest share of U+FFFD replacement characters a transcoded text may have.
    pub max_replacement_share: f64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            legacy_encodings: false,
            max_replacement_share: 0.001,
        }
    }
}

/// Decodes file bytes into text: rejects empty (or whitespace-only), binary and
/// non-UTF-8 input with the matching [`Reason`], strips a UTF-8 byte-order mark and
/// decodes UTF-16 (LE or BE) that starts with its byte-order mark.
///
/// ```
/// use sheikh_core::{io::decode_content, Reason};
/// assert_eq!(decode_content(b"\xef\xbb\xbfok".to_vec()).unwrap(), "ok");
/// assert_eq!(decode_content(b"\xff\xfeo\0k\0".to_vec()).unwrap(), "ok");
/// assert_eq!(decode_content(b"caf\xe9".to_vec()).unwrap_err().reason, Reason::InvalidUtf8);
/// assert_eq!(decode_content(b"a\0b".to_vec()).unwrap_err().reason, Reason::Binary);
/// assert_eq!(decode_content(b" \n".to_vec()).unwrap_err().reason, Reason::Empty);
/// ```
pub fn decode_content(bytes: Vec<u8>) -> Result<String, Rejection> {
    decode_bytes(bytes, DecodeOptions::default()).map(|d| d.text)
}

/// Decodes raw bytes as [`decode_content`] does and, when `options.legacy_encodings` is
/// set, also transcodes text in a legacy encoding guessed by `chardetng` (Shift-JIS,
/// EUC-KR, GBK, ISO-8859-x, windows-125x…). Such text is rejected as `invalid_utf8`
/// when more than `options.max_replacement_share` of its characters decode to U+FFFD
/// or to C1 control characters (what undecodable bytes become in single-byte
/// encodings).
///
/// ```
/// use sheikh_core::io::{decode_bytes, DecodeOptions};
/// let opts = DecodeOptions { legacy_encodings: true, ..Default::default() };
/// let d = decode_bytes(b"// caf\xe9 cr\xe8me br\xfbl\xe9e\nlet x = 1;\n".to_vec(), opts).unwrap();
/// assert_eq!(d.text, "// café crème brûlée\nlet x = 1;\n");
/// assert_eq!(d.encoding, Some("windows-1252"));
/// ```
pub fn decode_bytes(bytes: Vec<u8>, options: DecodeOptions) -> Result<Decoded, Rejection> {
    decode_bytes_declared(bytes, None, options)
}

/// Decodes raw bytes whose encoding the input declares (`declared`: a WHATWG label such
/// as The Stack v2's `src_encoding` column, `"Shift_JIS"`, `"windows-1252"`). The order
/// of evidence: a byte-order mark, then the declared encoding, then (for bytes that are
/// not UTF-8, with `options.legacy_encodings`) detection. An unknown label is ignored; a
/// declared encoding is held to the same `max_replacement_share` as a detected one.
///
/// ```
/// use sheikh_core::io::{decode_bytes_declared, DecodeOptions};
/// let sjis = b"// \x93\xfa\x96\x7b\x8c\xea\n".to_vec(); // "// 日本語" in Shift-JIS
/// let d = decode_bytes_declared(sjis, Some("Shift_JIS"), DecodeOptions::default()).unwrap();
/// assert_eq!(d.text, "// 日本語\n");
/// assert_eq!(d.encoding, Some("Shift_JIS"));
/// ```
pub fn decode_bytes_declared(
    mut bytes: Vec<u8>,
    declared: Option<&str>,
    options: DecodeOptions,
) -> Result<Decoded, Rejection> {
    let utf16 = if bytes.starts_with(b"\xff\xfe") {
        Some(UTF_16LE)
    } else if bytes.starts_with(b"\xfe\xff") {
        Some(UTF_16BE)
    } else {
        None
    };
    if let Some(enc) = utf16 {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        if had_errors {
            return Err(Rejection::new(
                Reason::InvalidUtf8,
                format!(
                    "{} byte-order mark, but not valid {} (odd length or unpaired surrogate)",
                    enc.name(),
                    enc.name()
                ),
            ));
        }
        return checked_text(text.into_owned(), Some(enc.name()));
    }
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Rejection::new(Reason::Empty, "no content"));
    }
    if looks_binary(&bytes) {
        return Err(Rejection::new(
            Reason::Binary,
            "NUL byte or binary magic number",
        ));
    }
    if let Some(enc) = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
        if enc != encoding_rs::UTF_8 && enc != UTF_16LE && enc != UTF_16BE {
            let (text, _) = enc.decode_without_bom_handling(&bytes);
            return checked_share(text.into_owned(), enc, options.max_replacement_share);
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text,
            encoding: None,
        }),
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            if !options.legacy_encodings {
                return Err(Rejection::new(
                    Reason::InvalidUtf8,
                    format!("invalid UTF-8 at byte {valid_up_to}"),
                ));
            }
            decode_legacy(&e.into_bytes(), options.max_replacement_share)
        }
    }
}

/// Guesses the legacy encoding of bytes that are not UTF-8 and transcodes them.
fn decode_legacy(bytes: &[u8], max_share: f64) -> Result<Decoded, Rejection> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc: &'static Encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _, _) = enc.decode(bytes);
    checked_share(text.into_owned(), enc, max_share)
}

/// Rejects transcoded text with too many undecodable characters.
fn checked_share(
    text: String,
    enc: &'static Encoding,
    max_share: f64,
) -> Result<Decoded, Rejection> {
    // Undecodable bytes become U+FFFD; in single-byte encodings they become C1 control
    // characters (U+0080..U+009F), which real text never holds: both count.
    let (chars, replaced) = text.chars().fold((0usize, 0usize), |(n, r), c| {
        let bad = c == char::REPLACEMENT_CHARACTER || ('\u{80}'..='\u{9f}').contains(&c);
        (n + 1, r + usize::from(bad))
    });
    let share = replaced as f64 / chars.max(1) as f64;
    if share > max_share {
        return Err(Rejection::new(
            Reason::InvalidUtf8,
            format!(
                "not UTF-8; as {} {replaced} of {chars} characters are U+FFFD or C1 controls ({:.4} > max_replacement_share {max_share})",
                enc.name(),
                share
            ),
        ));
    }
    checked_text(text, Some(enc.name()))
}

/// The empty and NUL checks on decoded text.
fn checked_text(text: String, encoding: Option<&'static str>) -> Result<Decoded, Rejection> {
    if text.trim().is_empty() {
        return Err(Rejection::new(Reason::Empty, "no content"));
    }
    if text.contains('\0') {
        return Err(Rejection::new(
            Reason::Binary,
            "NUL character in decoded text",
        ));
    }
    Ok(Decoded { text, encoding })
}
