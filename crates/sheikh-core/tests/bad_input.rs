//! Bad input becomes counted rejections or typed errors, never a panic, and nothing
//! else is lost.

use std::io::Write;

use sheikh_core::io::{
    DirectoryReader, FieldNames, JsonlReader, ParquetReader, ReadOptions, VendoredPolicy,
};
use sheikh_core::{Document, Language, Reason};

fn collect<I: Iterator<Item = sheikh_core::Result<sheikh_core::io::ReadBatch>>>(
    r: I,
) -> (Vec<Document>, Vec<(String, Reason)>) {
    let mut docs = Vec::new();
    let mut rej = Vec::new();
    for b in r {
        let b = b.unwrap();
        docs.extend(b.documents);
        rej.extend(
            b.rejected
                .into_iter()
                .map(|r| (r.source, r.rejection.reason)),
        );
    }
    (docs, rej)
}

#[test]
fn malformed_jsonl_lines_are_rejected_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.jsonl");
    let mut f = std::fs::File::create(&p).unwrap();
    writeln!(f, r#"{{"content": "const a = 1;", "path": "a.js"}}"#).unwrap();
    writeln!(f, r#"{{"content": "broken"#).unwrap(); // truncated JSON
    writeln!(f, r#"[1, 2, 3]"#).unwrap(); // not an object
    writeln!(
        f,
        r##"{{"text": "# Title\n\nSome prose here.", "lang": "Markdown"}}"##
    )
    .unwrap();
    writeln!(f, r#"{{"path": "no-content.js"}}"#).unwrap();
    writeln!(f, r#"{{"content": 42}}"#).unwrap();
    writeln!(f).unwrap(); // blank lines are skipped, not rejected
    writeln!(f, r#"{{"content": "   "}}"#).unwrap();
    writeln!(f, r#"{{"content": "a\u0000b"}}"#).unwrap();
    write!(f, r#"{{"content": "<svg/>", "language": "SVG"}}"#).unwrap(); // no final newline
    drop(f);
    let (docs, rej) =
        collect(JsonlReader::open(&p, FieldNames::default(), ReadOptions::default()).unwrap());
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].language, Language::JavaScript); // identified from the path
    assert_eq!(docs[1].language, Language::Markdown);
    assert_eq!(docs[2].language, Language::Xml);
    let reasons: Vec<Reason> = rej.iter().map(|r| r.1).collect();
    assert_eq!(
        reasons,
        [
            Reason::MalformedRecord,
            Reason::MalformedRecord,
            Reason::MalformedRecord,
            Reason::MalformedRecord,
            Reason::Empty,
            Reason::Binary
        ]
    );
    assert!(rej[0].0.ends_with("in.jsonl:2"), "{}", rej[0].0);
}

#[test]
fn overlong_jsonl_line_is_too_large_and_the_next_line_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.jsonl");
    let big = "x".repeat(3 << 20);
    std::fs::write(
        &p,
        format!("{{\"content\": \"{big}\"}}\n{{\"content\": \"ok();\", \"path\": \"b.js\"}}\n"),
    )
    .unwrap();
    let opts = ReadOptions {
        max_doc_bytes: 512 << 10,
        ..Default::default()
    };
    let (docs, rej) = collect(JsonlReader::open(&p, FieldNames::default(), opts).unwrap());
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].content, "ok();");
    assert_eq!(rej.len(), 1);
    assert_eq!(rej[0].1, Reason::TooLarge);
}

#[test]
fn truncated_gzip_jsonl_keeps_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(
            enc,
            "{{\"content\": \"let v{i} = {i};\", \"path\": \"f{i}.js\"}}"
        )
        .unwrap();
    }
    let bytes = enc.finish().unwrap();
    std::fs::write(&p, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let (docs, rej) =
        collect(JsonlReader::open(&p, FieldNames::default(), ReadOptions::default()).unwrap());
    assert!(docs.len() > 100 && docs.len() < 2000, "{}", docs.len());
    assert_eq!(rej.last().unwrap().1, Reason::CorruptFile);
}

#[test]
fn directory_reader_rejects_binary_non_utf8_empty_and_large_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/ok.js"), "export const a = 1;\n").unwrap();
    std::fs::write(root.join("src/latin1.js"), b"// caf\xe9\nvar a;\n").unwrap();
    std::fs::write(root.join("src/empty.js"), b"").unwrap();
    std::fs::write(root.join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(root.join("big.js"), "a".repeat(2000)).unwrap();
    std::fs::write(root.join("one-line.min.js"), "x".repeat(100)).unwrap();
    // Legacy encodings turned off: non-UTF-8 text is invalid_utf8 (by default it is
    // decoded; see hostile_inputs.rs).
    let opts = ReadOptions {
        max_doc_bytes: 1000,
        legacy_encodings: false,
        ..Default::default()
    };
    let reader = DirectoryReader::builder(root)
        .options(opts)
        .build()
        .unwrap();
    let (docs, rej) = collect(reader);
    let paths: Vec<_> = docs.iter().map(|d| d.path.clone().unwrap()).collect();
    assert_eq!(paths, ["one-line.min.js", "src/ok.js"]);
    assert_eq!(
        docs[0].metadata["path_flags"],
        serde_json::json!(["minified_name"])
    );
    let mut reasons: Vec<_> = rej.iter().map(|r| r.1).collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            Reason::InvalidUtf8,
            Reason::Binary,
            Reason::Empty,
            Reason::TooLarge
        ]
    );
}

#[test]
fn directory_reader_respects_gitignore_without_git_and_can_drop_vendored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
    std::fs::create_dir_all(root.join("out")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".gitignore"), "out/\n").unwrap();
    std::fs::write(root.join("out/gen.js"), "var ignored = 1;").unwrap();
    std::fs::write(root.join(".git/config"), "[core]").unwrap();
    std::fs::write(root.join("node_modules/x/index.js"), "module.exports = 1;").unwrap();
    std::fs::write(root.join("index.js"), "require('x');").unwrap();
    let read = |policy| {
        let opts = ReadOptions {
            vendored: policy,
            ..Default::default()
        };
        collect(
            DirectoryReader::builder(root)
                .options(opts)
                .build()
                .unwrap(),
        )
    };
    let (docs, rej) = read(VendoredPolicy::Flag);
    let paths: Vec<_> = docs.iter().map(|d| d.path.clone().unwrap()).collect();
    assert_eq!(paths, [".gitignore", "index.js", "node_modules/x/index.js"]);
    assert!(rej.is_empty());
    let (docs, rej) = read(VendoredPolicy::Drop);
    assert_eq!(docs.len(), 2);
    assert_eq!(rej[0].1, Reason::VendoredPath);
}

#[test]
fn missing_input_is_a_typed_error() {
    assert!(matches!(
        DirectoryReader::builder("/no/such/dir").build(),
        Err(sheikh_core::CoreError::Input { .. })
    ));
    assert!(matches!(
        JsonlReader::open(
            "/no/such.jsonl",
            FieldNames::default(),
            ReadOptions::default()
        ),
        Err(sheikh_core::CoreError::Io { .. })
    ));
}

fn write_parquet(path: &std::path::Path, n: usize) {
    use sheikh_core::io::{DocumentWriter, ParquetFormat, ShardedWriter, WriterOptions};
    let docs: Vec<Document> = (0..n)
        .map(|i| {
            Document::new(
                format!("export const v{i} = {i};\n").repeat(20),
                Language::JavaScript,
            )
            .with_path(format!("f{i}.js"))
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut w = ShardedWriter::new(
        tmp.path(),
        ParquetFormat {
            zstd_level: 1,
            row_group_bytes: 4096,
        },
        WriterOptions::default(),
    );
    w.write_batch(&docs).unwrap();
    let files = w.finish().unwrap();
    std::fs::copy(&files[0], path).unwrap();
}

#[test]
fn truncated_and_garbage_parquet_are_corrupt_file_rejections() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("a-good.parquet");
    write_parquet(&good, 300);
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(
        dir.path().join("b-truncated.parquet"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c-garbage.parquet"),
        b"PAR1 this is not parquet at all PAR1",
    )
    .unwrap();
    let (docs, rej) = collect(
        ParquetReader::open(dir.path(), FieldNames::default(), ReadOptions::default()).unwrap(),
    );
    assert_eq!(docs.len(), 300);
    assert_eq!(rej.len(), 2);
    assert!(rej.iter().all(|r| r.1 == Reason::CorruptFile));
}

#[test]
fn parquet_with_corrupt_row_group_keeps_earlier_rows() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("x.parquet");
    write_parquet(&good, 400);
    let mut bytes = std::fs::read(&good).unwrap();
    // Scribble over the middle of the data pages, keep the footer intact.
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b = 0xAB;
    }
    std::fs::write(&good, &bytes).unwrap();
    let (docs, rej) = collect(
        ParquetReader::open(
            dir.path(),
            FieldNames::default(),
            ReadOptions {
                batch_size: 50,
                ..Default::default()
            },
        )
        .unwrap(),
    );
    // Some rows were damaged: they must be accounted for by a rejection, not vanish silently.
    assert!(
        docs.len() < 400 || rej.is_empty(),
        "docs {} rej {:?}",
        docs.len(),
        rej
    );
    if docs.len() < 400 {
        assert!(!rej.is_empty());
    }
}

#[test]
fn directory_batches_respect_batch_bytes_and_keep_order() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        std::fs::write(
            dir.path().join(format!("f{i:02}.js")),
            format!("let v{i} = {i};\n").repeat(10 + i),
        )
        .unwrap();
    }
    let opts = ReadOptions {
        batch_size: 16,
        batch_bytes: 600,
        ..Default::default()
    };
    let mut names = Vec::new();
    let mut batches = 0;
    for b in DirectoryReader::builder(dir.path())
        .options(opts)
        .build()
        .unwrap()
    {
        let b = b.unwrap();
        let bytes: usize = b.documents.iter().map(|d| d.content.len()).sum();
        // A batch exceeds the budget only by its last file.
        let last = b.documents.last().map_or(0, |d| d.content.len());
        assert!(bytes - last < 600, "batch of {bytes} bytes");
        names.extend(b.documents.into_iter().map(|d| d.path.unwrap()));
        batches += 1;
    }
    let expected: Vec<String> = (0..40).map(|i| format!("f{i:02}.js")).collect();
    assert_eq!(names, expected);
    assert!(batches > 5, "{batches}");
}
