//! `fixtures/samples/` holds the fixture corpus as JSONL and Parquet; both must read back
//! as exactly the documents the directory reader produces. Regenerate them with
//! `SHEIKH_BLESS=1 cargo test -p sheikh-core --test fixture_samples`.

use std::path::{Path, PathBuf};

use sheikh_core::io::{
    DirectoryReader, DocumentWriter, FieldNames, JsonlFormat, JsonlReader, ParquetFormat,
    ParquetReader, ReadBatch, ReadOptions, ShardedWriter, WriterOptions,
};
use sheikh_core::{Document, Result};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn docs(reader: impl Iterator<Item = Result<ReadBatch>>) -> Vec<Document> {
    reader.flat_map(|b| b.unwrap().documents).collect()
}

fn from_directory() -> Vec<Document> {
    docs(
        DirectoryReader::builder(fixtures().join("corpus"))
            .repo_from_top_dir(true)
            .build()
            .unwrap(),
    )
}

#[test]
fn samples_match_the_corpus() {
    let expected = from_directory();
    assert!(expected.len() >= 50);
    let samples = fixtures().join("samples");
    if std::env::var_os("SHEIKH_BLESS").is_some() {
        let opts = || WriterOptions {
            prefix: "corpus".into(),
            shard_bytes: u64::MAX,
        };
        let mut w = ShardedWriter::new(&samples, JsonlFormat, opts());
        w.write_batch(&expected).unwrap();
        w.finish().unwrap();
        let mut w = ShardedWriter::new(&samples, ParquetFormat::default(), opts());
        w.write_batch(&expected).unwrap();
        w.finish().unwrap();
    }
    let jsonl = docs(
        JsonlReader::open(
            samples.join("corpus-00000.jsonl"),
            FieldNames::default(),
            ReadOptions::default(),
        )
        .unwrap(),
    );
    for (a, b) in jsonl.iter().zip(&expected) {
        assert_eq!(a.metadata, b.metadata, "{:?}", a.path);
        assert_eq!(a, b);
    }
    assert_eq!(jsonl, expected);
    let parquet = docs(
        ParquetReader::open(
            samples.join("corpus-00000.parquet"),
            FieldNames::default(),
            ReadOptions::default(),
        )
        .unwrap(),
    );
    assert_eq!(parquet, expected);
}
