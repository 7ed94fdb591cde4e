//! The JSONL reader over the bytes as a `.jsonl` file and gzip-wrapped as a
//! `.jsonl.gz` file: no panic, no reader error, every non-blank line becomes a
//! document or a rejection, and both files read the same.
#![no_main]
use std::io::Write;

use libfuzzer_sys::fuzz_target;
use sheikh_core::io::{FieldNames, JsonlReader, ReadOptions};

fn read(path: &std::path::Path) -> (usize, Vec<sheikh_core::io::ReadBatch>) {
    let options = ReadOptions {
        batch_size: 3,
        ..ReadOptions::default()
    };
    let reader = JsonlReader::open(path, FieldNames::default(), options).expect("open");
    sheikh_fuzz::drain(reader)
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = dir.path().join("in.jsonl");
    std::fs::write(&plain, data).expect("write");
    let (total, batches) = read(&plain);
    let lines = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    // The reader decompresses gzip and zstd by their magic bytes whatever the name.
    let compressed = data.starts_with(b"\x1f\x8b") || data.starts_with(b"\x28\xb5\x2f\xfd");
    if compressed {
        assert!(total >= 1, "a non-empty compressed file gives nothing");
        return;
    }
    assert_eq!(total, lines, "documents + rejected != non-blank lines");

    let gz = dir.path().join("in.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("gzip");
    std::fs::write(&gz, enc.finish().expect("gzip")).expect("write");
    let (gz_total, gz_batches) = read(&gz);
    assert_eq!(gz_total, total, "gzip-wrapped input reads differently");
    let docs = |b: &[sheikh_core::io::ReadBatch]| -> Vec<String> {
        b.iter()
            .flat_map(|b| b.documents.iter().map(|d| d.content.clone()))
            .collect()
    };
    assert_eq!(docs(&gz_batches), docs(&batches));
});
