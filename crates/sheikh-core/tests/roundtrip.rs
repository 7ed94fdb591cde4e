//! Writers and readers round-trip any set of documents exactly.

use proptest::prelude::*;
use sheikh_core::io::{
    DocumentWriter, FieldNames, JsonlFormat, JsonlReader, ParquetFormat, ParquetReader,
    ReadOptions, ShardedWriter, WriterOptions,
};
use sheikh_core::{Document, Language, Provenance, Reason, Rejection};

fn arb_language() -> impl Strategy<Value = Language> {
    prop::sample::select(Language::ALL.to_vec())
}

fn arb_document() -> impl Strategy<Value = Document> {
    (
        // Non-blank text without NUL (NUL is rejected as binary by design).
        "[^\u{0}]{0,200}[a-zA-Z{}<>]",
        arb_language(),
        prop::option::of("[a-z/]{1,20}\\.(js|ts|md|xml)"),
        prop::option::of("[a-z]{1,8}/[a-z]{1,8}"),
        prop::option::of(prop::sample::select(vec![
            "MIT",
            "Apache-2.0",
            "permissive",
        ])),
        prop::collection::btree_map(
            "[a-z_]{1,8}",
            prop_oneof![
                any::<i64>().prop_map(serde_json::Value::from),
                (-1e12f64..1e12).prop_map(serde_json::Value::from),
                any::<bool>().prop_map(serde_json::Value::from),
                "[^\u{0}]{0,12}".prop_map(serde_json::Value::from),
            ],
            0..4,
        ),
        any::<bool>(),
    )
        .prop_map(|(content, language, path, repo, license, meta, modified)| {
            let mut d = Document::new(content, language);
            if let Some(p) = path {
                d = d.with_path(p);
            }
            if let Some(r) = repo {
                d = d.with_repo_name(r);
            }
            if let Some(l) = license {
                d = d.with_license(l);
            }
            for (k, v) in meta {
                // Keys that are also input field names would be read as those fields.
                if ![
                    "id",
                    "content",
                    "text",
                    "language",
                    "lang",
                    "path",
                    "repo",
                    "license",
                    "metadata",
                    "provenance",
                ]
                .contains(&k.as_str())
                {
                    d.metadata.insert(k, v);
                }
            }
            if modified {
                let mut p = Provenance::default();
                p.modified("quality", "redacted 1 email");
                p.dropped("dedup", &Rejection::new(Reason::NearDuplicate, "of x"));
                d.provenance = p;
            }
            d
        })
}

fn read_all<I: Iterator<Item = sheikh_core::Result<sheikh_core::io::ReadBatch>>>(
    r: I,
) -> Vec<Document> {
    let mut out = Vec::new();
    for b in r {
        let b = b.unwrap();
        assert!(
            b.rejected.is_empty(),
            "unexpected rejections: {:?}",
            b.rejected
        );
        out.extend(b.documents);
    }
    out
}

/// Small batches; paths kept as they are: generated paths such as `gen/.js` or
/// `dist/a.js` would otherwise gain `metadata.path_flags` on reading (the default
/// `flag` policy), which is not what a round trip tests.
fn small_batches() -> ReadOptions {
    ReadOptions {
        batch_size: 3,
        vendored: sheikh_core::io::VendoredPolicy::Keep,
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn jsonl_round_trip(docs in prop::collection::vec(arb_document(), 0..20), shard in 1u64..400) {
        let dir = tempfile::tempdir().unwrap();
        let mut w = ShardedWriter::new(dir.path(), JsonlFormat, WriterOptions { shard_bytes: shard, ..Default::default() });
        w.write_batch(&docs).unwrap();
        w.finish().unwrap();
        let back = read_all(JsonlReader::open(dir.path(), FieldNames::default(), small_batches()).unwrap());
        prop_assert_eq!(back, docs);
    }

    #[test]
    fn parquet_round_trip(docs in prop::collection::vec(arb_document(), 0..20), shard in 1u64..400) {
        let dir = tempfile::tempdir().unwrap();
        let mut w = ShardedWriter::new(dir.path(), ParquetFormat::default(), WriterOptions { shard_bytes: shard, ..Default::default() });
        w.write_batch(&docs).unwrap();
        w.finish().unwrap();
        let back = read_all(ParquetReader::open(dir.path(), FieldNames::default(), small_batches()).unwrap());
        prop_assert_eq!(back, docs);
    }
}

#[test]
fn shard_boundaries_do_not_depend_on_batches() {
    let docs: Vec<Document> = (0..50)
        .map(|i| Document::new("x".repeat(i * 7 + 1), Language::JavaScript))
        .collect();
    let write = |chunk: usize| {
        let dir = tempfile::tempdir().unwrap();
        let mut w = ShardedWriter::new(
            dir.path(),
            JsonlFormat,
            WriterOptions {
                shard_bytes: 500,
                ..Default::default()
            },
        );
        for c in docs.chunks(chunk) {
            w.write_batch(c).unwrap();
        }
        let files = w.finish().unwrap();
        files
            .iter()
            .map(|f| std::fs::read(f).unwrap())
            .collect::<Vec<_>>()
    };
    let a = write(1);
    assert!(a.len() > 3);
    assert_eq!(a, write(7));
    assert_eq!(a, write(50));
}
