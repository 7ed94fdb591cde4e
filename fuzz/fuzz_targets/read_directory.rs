//! The directory reader's per-file path: the bytes as one file in a temp dir become
//! exactly one document or one rejection, and agree with `decode_bytes` under the
//! reader's default options (legacy encodings decoded since #15).
#![no_main]
use libfuzzer_sys::fuzz_target;
use sheikh_core::io::{decode_bytes, DirectoryReader, ReadOptions};
use sheikh_core::Reason;

fuzz_target!(|data: &[u8]| {
    let decoded =
        decode_bytes(data.to_vec(), ReadOptions::default().decode_options()).map(|d| d.text);
    if let Ok(text) = &decoded {
        // Not only ASCII whitespace (`str::trim` would also strip e.g. U+000B).
        assert!(!text.bytes().all(|b| b.is_ascii_whitespace()));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("input.js"), data).expect("write");
    let reader = DirectoryReader::builder(dir.path())
        .build()
        .expect("reader");
    let (total, batches) = sheikh_fuzz::drain(reader);
    assert_eq!(total, 1, "one file must give one document or one rejection");
    let batch = &batches[0];
    match decoded {
        Ok(_) => {
            // Decodable content is rejected only for reasons decoding does not check.
            for r in &batch.rejected {
                assert!(
                    !matches!(
                        r.rejection.reason,
                        Reason::Binary | Reason::InvalidUtf8 | Reason::Empty
                    ),
                    "decode_bytes accepted what the reader rejects: {r:?}"
                );
            }
        }
        Err(rej) => {
            assert!(
                batch.documents.is_empty(),
                "decode_bytes rejected ({rej:?}) what the reader kept"
            );
            assert_eq!(batch.rejected[0].rejection.reason, rej.reason);
        }
    }
    for d in &batch.documents {
        assert!(!d.content.is_empty());
    }
});
