//! Property tests of the readers on arbitrary input (issue #14): they never panic, and
//! every record is accounted for: a document or a rejected input.
//!
//! `PROPTEST_CASES=10000 cargo test -p sheikh-core --release --test reader_properties`
//! runs them longer; the fuzz targets under `fuzz/` call the same entry points.

use std::io::Write;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use proptest::prelude::*;
use sheikh_core::io::{
    DirectoryReader, FieldNames, JsonlReader, ParquetReader, ReadBatch, ReadOptions, RejectedInput,
};
use sheikh_core::{Document, Reason};

fn collect(
    reader: impl Iterator<Item = sheikh_core::Result<ReadBatch>>,
) -> (Vec<Document>, Vec<RejectedInput>) {
    let mut docs = Vec::new();
    let mut rejected = Vec::new();
    for b in reader {
        let b = b.expect("a reader's batches are not errors once it is open");
        assert!(!b.is_empty(), "readers do not hand out empty batches");
        docs.extend(b.documents);
        rejected.extend(b.rejected);
    }
    (docs, rejected)
}

/// The records of a JSONL byte stream: its lines that are not blank.
fn jsonl_records(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count()
}

fn is_compressed(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b]) || bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
}

/// JSONL-ish text: a mix of valid records, broken JSON, blank lines and raw bytes.
fn jsonl_input() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        "[a-z =;(){}\\n\\\\\"]{0,40}".prop_map(|c| {
            serde_json::json!({"content": c, "path": "x.js"})
                .to_string()
                .into_bytes()
        }),
        "\\{\"content\": ?\"[a-z]{0,10}\"?\\}?".prop_map(String::into_bytes),
        "[ \t\r]{0,3}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..60),
    ];
    proptest::collection::vec(line, 0..30).prop_map(|lines| lines.join(&b'\n'))
}

fn small_batches(batch_size: usize, batch_bytes: usize) -> ReadOptions {
    ReadOptions {
        batch_size,
        batch_bytes,
        ..Default::default()
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A valid Parquet file of `rows` rows in row groups of `group` rows.
fn parquet_file(rows: usize, group: usize, zstd: bool) -> Vec<u8> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("content", DataType::Utf8, true),
        Field::new("path", DataType::Utf8, true),
    ]));
    let content: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..rows).map(|i| format!("export const v{i} = {i};\n")),
    ));
    let path: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..rows).map(|i| format!("src/f{i}.js")),
    ));
    let batch = RecordBatch::try_new(schema.clone(), vec![content, path]).unwrap();
    let mut props = WriterProperties::builder().set_max_row_group_row_count(Some(group));
    if zstd {
        props = props.set_compression(parquet::basic::Compression::ZSTD(Default::default()));
    }
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, schema, Some(props.build())).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

/// The row count a Parquet footer states, if the footer can be read.
fn footer_rows(path: &std::path::Path) -> Option<i64> {
    let file = std::fs::File::open(path).ok()?;
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(file).ok()?;
    Some(
        parquet::file::reader::FileReader::metadata(&reader)
            .file_metadata()
            .num_rows(),
    )
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(Vec<(usize, u8)>),
    Overwrite(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        proptest::collection::vec((any::<usize>(), 1u8..=255), 1..6).prop_map(Mutation::Flip),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(at, b)| Mutation::Overwrite(at, b)),
    ]
}

fn mutate(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let n = bytes.len();
    match m {
        Mutation::Truncate(at) => bytes.truncate(at % n),
        Mutation::Flip(flips) => {
            for (at, x) in flips {
                bytes[at % n] ^= x;
            }
        }
        Mutation::Overwrite(at, with) => {
            let at = at % n;
            for (i, b) in with.iter().enumerate() {
                if let Some(slot) = bytes.get_mut(at + i) {
                    *slot = *b;
                }
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any bytes as a file of a source tree: exactly one document or one rejection.
    #[test]
    fn any_file_in_a_source_tree_is_one_record(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..2048),
            "\\PC{0,200}".prop_map(String::into_bytes),
        ],
        legacy in any::<bool>(),
        max_doc in 1usize..4096,
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.js"), &bytes).unwrap();
        let opts = ReadOptions { legacy_encodings: legacy, max_doc_bytes: max_doc, ..Default::default() };
        let (docs, rejected) = collect(DirectoryReader::builder(dir.path()).options(opts).build().unwrap());
        prop_assert_eq!(docs.len() + rejected.len(), 1);
        if let Some(d) = docs.first() {
            prop_assert!(!d.content.trim().is_empty());
            prop_assert!(d.content.len() <= max_doc * 3, "decoded text grows at most 3x");
        }
    }

    /// Any bytes as a JSONL stream: each non-blank line is one document or one
    /// rejection; batches stay within `batch_size`.
    #[test]
    fn any_jsonl_bytes_balance(
        bytes in prop_oneof![jsonl_input(), proptest::collection::vec(any::<u8>(), 0..2048)],
        batch_size in 1usize..8,
        batch_bytes in 1usize..256,
    ) {
        prop_assume!(!is_compressed(&bytes));
        let reader = JsonlReader::from_reader("mem", std::io::Cursor::new(bytes.clone()), FieldNames::default(), small_batches(batch_size, batch_bytes)).unwrap();
        let mut docs = 0;
        let mut rejected = 0;
        for b in reader {
            let b = b.unwrap();
            prop_assert!(b.documents.len() <= batch_size);
            docs += b.documents.len();
            rejected += b.rejected.len();
        }
        prop_assert_eq!(docs + rejected, jsonl_records(&bytes));
    }

    /// The same as a `.jsonl.gz` file, whole or cut short: whole, every line is
    /// accounted for; cut, the lines before the cut are, plus one `corrupt_file`
    /// rejection for the unknown rest (or none, when the cut fell at the very end).
    #[test]
    fn jsonl_gz_files_whole_or_truncated_balance(
        bytes in jsonl_input(),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jsonl.gz");
        let mut gz = gzip(&bytes);
        if let Some(cut) = cut {
            gz.truncate(cut % gz.len());
        }
        std::fs::write(&path, &gz).unwrap();
        let (docs, rejected) = collect(JsonlReader::open(&path, FieldNames::default(), small_batches(4, 128)).unwrap());
        let corrupt = rejected.iter().filter(|r| r.rejection.reason == Reason::CorruptFile).count();
        prop_assert!(corrupt <= 1);
        if cut.is_none() {
            prop_assert_eq!(corrupt, 0);
            prop_assert_eq!(docs.len() + rejected.len(), jsonl_records(&bytes));
        } else {
            // Records before the cut, plus the one stating the loss.
            prop_assert!(docs.len() + rejected.len() <= jsonl_records(&bytes) + 1);
            if corrupt == 1 {
                let lost = rejected.iter().find(|r| r.rejection.reason == Reason::CorruptFile).unwrap();
                prop_assert!(lost.rejection.detail.contains("unknown number of records after byte"));
            }
        }
    }

    /// A valid Parquet file, cut or with bytes changed: when the footer still reads,
    /// its row count is the number of documents plus rejections; when not, the file is
    /// one `corrupt_file` rejection.
    #[test]
    fn mutated_parquet_balances(
        rows in 1usize..120,
        group in 1usize..50,
        zstd in any::<bool>(),
        m in mutation(),
    ) {
        let bytes = mutate(parquet_file(rows, group, zstd), &m);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.parquet");
        std::fs::write(&path, &bytes).unwrap();
        let (docs, rejected) = collect(ParquetReader::open(&path, FieldNames::default(), small_batches(16, 1 << 20)).unwrap());
        let footer_lost = rejected.iter().any(|r| r.rejection.detail.starts_with("unreadable footer"));
        if footer_lost {
            prop_assert_eq!(docs.len(), 0);
            prop_assert_eq!(rejected.len(), 1);
        } else {
            let stated = footer_rows(&path);
            prop_assert!(stated.is_some(), "the reader read a footer the library cannot");
            prop_assert_eq!((docs.len() + rejected.len()) as i64, stated.unwrap());
        }
    }
}
