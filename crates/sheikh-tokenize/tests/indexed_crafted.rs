//! `read_indexed_dataset` does not trust the `.idx` header: crafted counts, lengths and
//! offsets are errors, never a panic, a wrapped size check or a huge allocation.

use std::path::Path;

use sheikh_tokenize::{read_indexed_dataset, IndexedDatasetWriter, TokenDtype, INDEX_HEADER};

/// A valid two-sequence dataset `PREFIX.{bin,idx}`; returns the `.idx` bytes.
fn valid(prefix: &Path) -> Vec<u8> {
    let mut w = IndexedDatasetWriter::create(prefix, TokenDtype::U16).unwrap();
    w.add_document(&[1, 2, 3]).unwrap();
    w.add_document(&[4]).unwrap();
    w.finish().unwrap();
    let (_, seqs) = read_indexed_dataset(prefix).unwrap();
    assert_eq!(seqs, vec![vec![1, 2, 3], vec![4]]);
    std::fs::read(prefix.with_extension("idx")).unwrap()
}

fn assert_refused(prefix: &Path, idx: &[u8], what: &str) {
    std::fs::write(prefix.with_extension("idx"), idx).unwrap();
    let r = read_indexed_dataset(prefix);
    assert!(r.is_err(), "{what}: accepted {:?}", r.unwrap());
}

#[test]
fn counts_that_wrap_the_size_check_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("train");
    valid(&prefix);
    // n = 2^62: n * 12 wraps to 0 (mod 2^64), so an index holding only the header and
    // the document indices "matches" under wrapping arithmetic.
    let docs = 3u64;
    let mut idx = Vec::new();
    idx.extend_from_slice(INDEX_HEADER);
    idx.extend_from_slice(&1u64.to_le_bytes());
    idx.push(8);
    idx.extend_from_slice(&(1u64 << 62).to_le_bytes());
    idx.extend_from_slice(&docs.to_le_bytes());
    for d in 0..docs as i64 {
        idx.extend_from_slice(&d.to_le_bytes());
    }
    assert_refused(&prefix, &idx, "n = 2^62");
    // A document count whose * 8 wraps.
    let mut idx2 = idx.clone();
    idx2[18..26].copy_from_slice(&0u64.to_le_bytes());
    idx2[26..34].copy_from_slice(&((1u64 << 61) + docs).to_le_bytes());
    assert_refused(&prefix, &idx2, "docs wrapping");
}

#[test]
fn negative_and_out_of_range_lengths_and_offsets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("train");
    let good = valid(&prefix);
    let n = 2usize;
    let lengths = 34;
    let pointers = 34 + 4 * n;
    let mut idx = good.clone();
    idx[lengths..lengths + 4].copy_from_slice(&(-1i32).to_le_bytes());
    assert_refused(&prefix, &idx, "negative length");
    let mut idx = good.clone();
    idx[pointers + 8..pointers + 16].copy_from_slice(&(-2i64).to_le_bytes());
    assert_refused(&prefix, &idx, "negative offset");
    let mut idx = good.clone();
    idx[pointers + 8..pointers + 16].copy_from_slice(&i64::MAX.to_le_bytes());
    assert_refused(&prefix, &idx, "offset near the end of the address space");
    let mut idx = good.clone();
    idx[lengths..lengths + 4].copy_from_slice(&i32::MAX.to_le_bytes());
    assert_refused(&prefix, &idx, "length past .bin");
    // Truncated and extended index files.
    assert_refused(&prefix, &good[..good.len() - 1], "truncated");
    let mut longer = good.clone();
    longer.push(0);
    assert_refused(&prefix, &longer, "trailing byte");
    // The untouched index still reads.
    std::fs::write(prefix.with_extension("idx"), &good).unwrap();
    assert!(read_indexed_dataset(&prefix).is_ok());
}
