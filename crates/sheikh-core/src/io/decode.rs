//! Turning raw bytes into document text, or a typed rejection.

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

/// Decodes file bytes into text: rejects empty (or whitespace-only), binary and
/// non-UTF-8 input with the matching [`Reason`], and strips a UTF-8 byte-order mark.
///
/// ```
/// use sheikh_core::{io::decode_content, Reason};
/// assert_eq!(decode_content(b"\xef\xbb\xbfok".to_vec()).unwrap(), "ok");
/// assert_eq!(decode_content(b"caf\xe9".to_vec()).unwrap_err().reason, Reason::InvalidUtf8);
/// assert_eq!(decode_content(b"a\0b".to_vec()).unwrap_err().reason, Reason::Binary);
/// assert_eq!(decode_content(b" \n".to_vec()).unwrap_err().reason, Reason::Empty);
/// ```
pub fn decode_content(mut bytes: Vec<u8>) -> Result<String, Rejection> {
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
    String::from_utf8(bytes).map_err(|e| {
        let err = e.utf8_error();
        Rejection::new(
            Reason::InvalidUtf8,
            format!("invalid UTF-8 at byte {}", err.valid_up_to()),
        )
    })
}
