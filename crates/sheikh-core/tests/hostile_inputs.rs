//! Hostile inputs (issue #14): every input record becomes a document or a counted
//! rejection with a typed reason, and the readers stay memory-bounded. Each test builds
//! its input in a temporary directory, runs the reader (through a `Pipeline` without
//! stages where the books matter) and checks the conservation law.

#![cfg(unix)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BinaryArray, BinaryViewArray, DictionaryArray, Int64Array, LargeBinaryArray,
    LargeStringArray, RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use sheikh_core::config::{InputConfig, InputFormat};
use sheikh_core::io::{
    BoxReader, DirectoryReader, FieldNames, JsonlFormat, JsonlReader, ParquetReader, ReadBatch,
    ReadOptions, RejectedInput, ShardedWriter, WriterOptions,
};
use sheikh_core::{CoreError, Document, Pipeline, PipelineStats, Reason, Sinks};

/// Everything a reader produced.
#[derive(Default)]
struct Read {
    docs: Vec<Document>,
    rejected: Vec<RejectedInput>,
    batches: Vec<(usize, usize)>,
}

fn collect(reader: impl Iterator<Item = sheikh_core::Result<ReadBatch>>) -> Read {
    let mut out = Read::default();
    for b in reader {
        let b = b.unwrap();
        let bytes = b.documents.iter().map(|d| d.content.len()).sum();
        out.batches.push((b.documents.len(), bytes));
        out.docs.extend(b.documents);
        out.rejected.extend(b.rejected);
    }
    out
}

/// Runs the reader through a pipeline without stages into a temporary JSONL writer and
/// checks the books: `expected` records in, each written or dropped by the reader.
fn run_balanced(reader: BoxReader, expected: u64) -> PipelineStats {
    let out = tempfile::tempdir().unwrap();
    let sinks = Sinks::new(Box::new(ShardedWriter::new(
        out.path(),
        JsonlFormat,
        WriterOptions::default(),
    )));
    let (stats, _) = Pipeline::new().run(reader, sinks, |_| {}).unwrap();
    stats.check_balance().unwrap();
    assert_eq!(
        stats.read.input.docs, expected,
        "records read (documents + rejected inputs) != records in the input"
    );
    assert_eq!(
        stats.read.output.docs + stats.read.dropped_docs(),
        stats.read.input.docs
    );
    stats
}

fn jsonl_lines(n: usize) -> String {
    (0..n)
        .map(|i| format!("{{\"content\":\"export const v{i} = {i};\\n\",\"path\":\"f{i}.js\"}}\n"))
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

fn input(path: &Path, format: InputFormat, read: ReadOptions) -> InputConfig {
    InputConfig {
        path: path.to_path_buf(),
        format,
        read,
        ..Default::default()
    }
}

// --- 1. sizes of 0 ---------------------------------------------------------------

#[test]
fn zero_sizes_are_config_errors_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.js"), "let a = 1;\n").unwrap();
    let jsonl = dir.path().join("x.jsonl");
    std::fs::write(&jsonl, jsonl_lines(2)).unwrap();
    for key in [
        "batch_size",
        "batch_bytes",
        "max_doc_bytes",
        "langid_window",
    ] {
        let mut opts = ReadOptions::default();
        match key {
            "batch_size" => opts.batch_size = 0,
            "batch_bytes" => opts.batch_bytes = 0,
            "max_doc_bytes" => opts.max_doc_bytes = 0,
            _ => opts.langid_window = 0,
        }
        let msg = opts.validate().unwrap_err().to_string();
        assert!(msg.contains(&format!("input.read.{key} is 0")), "{msg}");
        let config_err = |r: sheikh_core::Result<()>| match r {
            Err(CoreError::Config { message, .. }) => assert!(message.contains(key), "{message}"),
            Err(e) => panic!("{key}: not a config error: {e}"),
            Ok(()) => panic!("{key}: accepted"),
        };
        config_err(
            DirectoryReader::builder(dir.path())
                .options(opts.clone())
                .build()
                .map(drop),
        );
        config_err(JsonlReader::open(&jsonl, FieldNames::default(), opts.clone()).map(drop));
        config_err(
            JsonlReader::from_reader("mem", &b""[..], FieldNames::default(), opts.clone())
                .map(drop),
        );
        config_err(ParquetReader::open(dir.path(), FieldNames::default(), opts.clone()).map(drop));
        let cfg = input(dir.path(), InputFormat::Auto, opts.clone());
        config_err(cfg.validate());
        config_err(cfg.open().map(drop));
    }
    let share = ReadOptions {
        max_replacement_share: 1.5,
        ..Default::default()
    };
    assert!(share.validate().is_err());
    // The defaults read the tree: two files in, two documents out.
    let cfg = input(dir.path(), InputFormat::Directory, ReadOptions::default());
    let stats = run_balanced(cfg.open().unwrap(), 2);
    assert_eq!(stats.written.docs, 2);
}

// --- 2. FIFOs and process substitution ---------------------------------------------

#[test]
fn jsonl_from_a_fifo_plain_and_gzip_is_read_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    for (name, data) in [
        ("plain", jsonl_lines(25).into_bytes()),
        ("gzip", gzip(jsonl_lines(25).as_bytes())),
        (
            "zstd",
            zstd::encode_all(jsonl_lines(25).as_bytes(), 3).unwrap(),
        ),
    ] {
        let fifo = dir.path().join(name);
        mkfifo(&fifo);
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&fifo)
                    .unwrap()
                    .write_all(&data)
                    .unwrap();
            })
        };
        let cfg = input(&fifo, InputFormat::Jsonl, ReadOptions::default());
        let stats = run_balanced(cfg.open().unwrap(), 25);
        assert_eq!(stats.written.docs, 25, "{name}");
        writer.join().unwrap();
    }
}

#[test]
fn jsonl_from_dev_fd_of_a_child_process_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("x.jsonl.gz");
    std::fs::write(&gz, gzip(jsonl_lines(40).as_bytes())).unwrap();
    // `--input <(cat x.jsonl.gz)`: the shell hands over /dev/fd/N of a pipe.
    let mut child = std::process::Command::new("cat")
        .arg(&gz)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(child.stdout.as_ref().unwrap());
    let path = PathBuf::from(format!("/dev/fd/{fd}"));
    let cfg = input(&path, InputFormat::Jsonl, ReadOptions::default());
    let stats = run_balanced(cfg.open().unwrap(), 40);
    assert_eq!(stats.written.docs, 40);
    child.wait().unwrap();
}

#[test]
fn a_fifo_with_auto_format_or_as_parquet_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    // Neither call opens the FIFO, so no writer is needed.
    let err = input(&fifo, InputFormat::Auto, ReadOptions::default())
        .open()
        .err()
        .expect("auto on a FIFO is an error");
    assert!(err.to_string().contains("--format jsonl"), "{err}");
    let err = ParquetReader::open(&fifo, FieldNames::default(), ReadOptions::default())
        .err()
        .expect("Parquet from a FIFO is an error");
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

// --- 3. upper-case suffixes --------------------------------------------------------

#[test]
fn upper_case_suffixes_are_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let upper = dir.path().join("DATA.JSONL");
    std::fs::write(&upper, jsonl_lines(7)).unwrap();
    let nd = dir.path().join("more.NDJSON.GZ");
    std::fs::write(&nd, gzip(jsonl_lines(5).as_bytes())).unwrap();
    let pq = dir.path().join("part-0.Parquet");
    write_parquet(
        &pq,
        &[("content", text_column(&["a = 1", "b = 2", "c = 3"]))],
        100,
    );
    for (path, format, n) in [
        (&upper, InputFormat::Jsonl, 7),
        (&nd, InputFormat::Jsonl, 5),
        (&pq, InputFormat::Parquet, 3),
    ] {
        let cfg = input(path, InputFormat::Auto, ReadOptions::default());
        assert_eq!(cfg.resolved_format().unwrap(), format, "{}", path.display());
        let stats = run_balanced(cfg.open().unwrap(), n);
        assert_eq!(stats.written.docs, n);
    }
    // A directory of JSONL files finds the upper-case names too.
    let jsonl = collect(
        JsonlReader::open(dir.path(), FieldNames::default(), ReadOptions::default()).unwrap(),
    );
    assert_eq!(jsonl.docs.len(), 12);
    let pq = collect(
        ParquetReader::open(dir.path(), FieldNames::default(), ReadOptions::default()).unwrap(),
    );
    assert_eq!(pq.docs.len(), 3);
}

// --- 4. Arrow string representations -------------------------------------------------

fn text_column(values: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

/// Writes one Parquet file of the given columns, `rows_per_group` rows per row group.
fn write_parquet(path: &Path, columns: &[(&str, ArrayRef)], rows_per_group: usize) {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, c)| Field::new(*n, c.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.iter().map(|(_, c)| c.clone()).collect(),
    )
    .unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(rows_per_group))
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn parquet_content_in_every_arrow_string_type_is_read() {
    let texts = ["const a = 1;", "const b = 2;", "const a = 1;"];
    let paths = ["src/a.js", "src/b.js", "src/c.js"];
    let dict = || -> ArrayRef {
        Arc::new(
            texts
                .iter()
                .copied()
                .collect::<DictionaryArray<arrow_array::types::Int32Type>>(),
        )
    };
    let path_dict: ArrayRef = Arc::new(
        paths
            .iter()
            .copied()
            .collect::<DictionaryArray<arrow_array::types::Int32Type>>(),
    );
    let bytes: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
    let variants: Vec<(&str, ArrayRef)> = vec![
        ("dictionary", dict()),
        (
            "large_utf8",
            Arc::new(LargeStringArray::from(texts.to_vec())),
        ),
        ("utf8_view", Arc::new(StringViewArray::from(texts.to_vec()))),
        ("binary", Arc::new(BinaryArray::from(bytes.clone()))),
        (
            "large_binary",
            Arc::new(LargeBinaryArray::from(bytes.clone())),
        ),
        (
            "binary_view",
            Arc::new(BinaryViewArray::from(bytes.clone())),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in variants {
        let file = dir.path().join(format!("{name}.parquet"));
        write_parquet(
            &file,
            &[("content", content), ("path", path_dict.clone())],
            100,
        );
        let r = collect(
            ParquetReader::open(&file, FieldNames::default(), ReadOptions::default()).unwrap(),
        );
        assert!(r.rejected.is_empty(), "{name}: {:?}", r.rejected);
        let got: Vec<_> = r.docs.iter().map(|d| d.content.as_str()).collect();
        assert_eq!(got, texts, "{name}");
        let got: Vec<_> = r.docs.iter().map(|d| d.path.as_deref().unwrap()).collect();
        assert_eq!(got, paths, "{name}");
        let cfg = input(&file, InputFormat::Auto, ReadOptions::default());
        assert_eq!(run_balanced(cfg.open().unwrap(), 3).written.docs, 3);
    }
}

#[test]
fn parquet_content_of_a_wrong_type_names_the_type_and_no_content_column_counts_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ints.parquet");
    let ints: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3, 4]));
    write_parquet(&file, &[("content", ints.clone())], 3);
    let r =
        collect(ParquetReader::open(&file, FieldNames::default(), ReadOptions::default()).unwrap());
    assert!(r.docs.is_empty());
    assert_eq!(r.rejected.len(), 4);
    for x in &r.rejected {
        assert_eq!(x.rejection.reason, Reason::MalformedRecord);
        assert_eq!(x.rejection.detail, "content column has type Int64");
    }
    // No content column at all: each row is counted, not the file once.
    let file = dir.path().join("none.parquet");
    write_parquet(&file, &[("numbers", ints)], 3);
    let cfg = input(&file, InputFormat::Auto, ReadOptions::default());
    let stats = run_balanced(cfg.open().unwrap(), 4);
    assert_eq!(stats.read.dropped[&Reason::MalformedRecord].docs, 4);
}

// --- 5. damage mid-file ---------------------------------------------------------------

#[test]
fn truncated_gzip_jsonl_keeps_what_came_before_and_says_what_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let full = gzip(jsonl_lines(2000).as_bytes());
    let file = dir.path().join("cut.jsonl.gz");
    std::fs::write(&file, &full[..full.len() * 6 / 10]).unwrap();
    let r =
        collect(JsonlReader::open(&file, FieldNames::default(), ReadOptions::default()).unwrap());
    assert!(
        r.docs.len() > 100 && r.docs.len() < 2000,
        "{}",
        r.docs.len()
    );
    assert_eq!(r.rejected.len(), 1);
    let lost = &r.rejected[0];
    assert_eq!(lost.rejection.reason, Reason::CorruptFile);
    assert!(
        lost.rejection
            .detail
            .contains("an unknown number of records after byte"),
        "{}",
        lost.rejection.detail
    );
    assert_eq!(
        lost.source,
        format!("{}:{}", file.display(), r.docs.len() + 1)
    );
    let cfg = input(&file, InputFormat::Auto, ReadOptions::default());
    run_balanced(cfg.open().unwrap(), r.docs.len() as u64 + 1);
}

#[test]
fn corrupt_parquet_page_loses_only_its_row_group_and_counts_each_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.parquet");
    let texts: Vec<String> = (0..400)
        .map(|i| format!("export const v{i} = {i};\n").repeat(20))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    write_parquet(&file, &[("content", text_column(&refs))], 50);
    // Overwrite the first page header of row group 3 (rows 150..200).
    let meta = parquet::file::reader::FileReader::metadata(
        &parquet::file::serialized_reader::SerializedFileReader::new(
            std::fs::File::open(&file).unwrap(),
        )
        .unwrap(),
    )
    .clone();
    assert_eq!(meta.num_row_groups(), 8);
    let offset = meta.row_group(3).column(0).data_page_offset() as usize;
    let mut bytes = std::fs::read(&file).unwrap();
    for b in &mut bytes[offset..offset + 24] {
        *b = 0xff;
    }
    std::fs::write(&file, &bytes).unwrap();
    let opts = ReadOptions {
        batch_size: 16,
        ..Default::default()
    };
    let r = collect(ParquetReader::open(&file, FieldNames::default(), opts.clone()).unwrap());
    assert_eq!(r.docs.len() + r.rejected.len(), 400);
    assert_eq!(r.docs.len(), 350, "only row group 3 is lost");
    let mut rows: Vec<u64> = r
        .rejected
        .iter()
        .map(|x| {
            assert_eq!(x.rejection.reason, Reason::CorruptFile);
            assert!(
                x.rejection.detail.contains("row group 3"),
                "{}",
                x.rejection.detail
            );
            x.source.rsplit_once('#').unwrap().1.parse().unwrap()
        })
        .collect();
    rows.sort();
    assert_eq!(rows, (150..200).collect::<Vec<u64>>());
    // Documents keep their texts in order around the hole.
    assert_eq!(r.docs[150].content, texts[200]);
    let stats = run_balanced(
        Box::new(ParquetReader::open(&file, FieldNames::default(), opts).unwrap()),
        400,
    );
    assert_eq!(stats.read.dropped[&Reason::CorruptFile].docs, 50);
}

// --- 6. non-regular files in a source tree ----------------------------------------------

#[test]
fn links_fifos_and_sockets_in_a_tree_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("a.js"), "export const a = 1;\n").unwrap();
    std::os::unix::fs::symlink("a.js", root.join("b-link.js")).unwrap();
    std::os::unix::fs::symlink(".", root.join("c-loop")).unwrap();
    std::os::unix::fs::symlink("/dev/null", root.join("d-null")).unwrap();
    mkfifo(&root.join("e-fifo"));
    let _sock = std::os::unix::net::UnixListener::bind(root.join("f-sock")).unwrap();
    // Not following links: a.js is read, the five others are not_regular_file.
    let reader = DirectoryReader::builder(&root).build().unwrap();
    let r = collect(reader);
    assert_eq!(r.docs.len(), 1);
    let mut got: Vec<_> = r
        .rejected
        .iter()
        .map(|x| {
            assert_eq!(x.rejection.reason, Reason::NotRegularFile, "{x:?}");
            Path::new(&x.source)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    got.sort();
    assert_eq!(got, ["b-link.js", "c-loop", "d-null", "e-fifo", "f-sock"]);
    run_balanced(
        Box::new(DirectoryReader::builder(&root).build().unwrap()),
        6,
    );
    // Following links: the link is read, the loop is an unreadable entry, /dev/null a
    // device, and the walk ends.
    let opts = ReadOptions {
        follow_symlinks: true,
        ..Default::default()
    };
    let r = collect(
        DirectoryReader::builder(&root)
            .options(opts.clone())
            .build()
            .unwrap(),
    );
    let paths: Vec<_> = r.docs.iter().map(|d| d.path.clone().unwrap()).collect();
    assert_eq!(paths, ["a.js", "b-link.js"]);
    let mut reasons: Vec<_> = r
        .rejected
        .iter()
        .map(|x| {
            (
                Path::new(&x.source)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string(),
                x.rejection.reason,
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            ("c-loop".to_string(), Reason::Unreadable),
            ("d-null".to_string(), Reason::NotRegularFile),
            ("e-fifo".to_string(), Reason::NotRegularFile),
            ("f-sock".to_string(), Reason::NotRegularFile),
        ]
    );
    assert!(r
        .rejected
        .iter()
        .any(|x| x.rejection.detail.contains("character device")));
    run_balanced(
        Box::new(
            DirectoryReader::builder(&root)
                .follow_symlinks(true)
                .build()
                .unwrap(),
        ),
        6,
    );
}

#[test]
fn many_links_are_rejected_in_bounded_batches() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zz.js"), "let z = 1;\n").unwrap();
    for i in 0..40 {
        std::os::unix::fs::symlink("zz.js", dir.path().join(format!("l{i:02}.js"))).unwrap();
    }
    let opts = ReadOptions {
        batch_size: 8,
        ..Default::default()
    };
    let mut rejected = 0;
    let mut docs = 0;
    for b in DirectoryReader::builder(dir.path())
        .options(opts)
        .build()
        .unwrap()
    {
        let b = b.unwrap();
        assert!(
            b.rejected.len() <= 8,
            "{} rejections in one batch",
            b.rejected.len()
        );
        rejected += b.rejected.len();
        docs += b.documents.len();
    }
    assert_eq!((docs, rejected), (1, 40));
}

// --- 7. encodings ----------------------------------------------------------------------------

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xfe, 0xff]
    } else {
        vec![0xff, 0xfe]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn legacy(enc: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable, "{} cannot encode the sample", enc.name());
    bytes.into_owned()
}

const JAPANESE: &str = "// 日本語のコメントです。これはテストのためのファイルです。\n\
    const メッセージ = \"こんにちは、世界！今日はとても良い天気ですね。\";\n\
    console.log(メッセージ); // 表示する\n";
const POLISH: &str = "// Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig.\n\
    const powitanie = \"Dzień dobry, świecie! Żółw i źrebię śpią w łóżku.\";\n\
    console.log(powitanie); // wyświetl powitanie\n";
const FRENCH: &str = "// Café, crème brûlée et façade: élève à l'école, déjà vu.\n\
    const message = \"Où est la bibliothèque? Là-bas, près du théâtre.\";\n\
    console.log(message); // afficher le message\n";

#[test]
fn utf16_and_utf8_bom_files_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-le.js"), utf16(FRENCH, false)).unwrap();
    std::fs::write(dir.path().join("b-be.js"), utf16(JAPANESE, true)).unwrap();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(POLISH.as_bytes());
    std::fs::write(dir.path().join("c-bom.js"), bom).unwrap();
    let mut odd = utf16(FRENCH, false);
    odd.push(b'x'); // odd length: not UTF-16
    std::fs::write(dir.path().join("d-odd.js"), odd).unwrap();
    let r = collect(DirectoryReader::builder(dir.path()).build().unwrap());
    let got: Vec<_> = r.docs.iter().map(|d| d.content.as_str()).collect();
    assert_eq!(got, [FRENCH, JAPANESE, POLISH]);
    assert_eq!(r.docs[0].metadata["source_encoding"], "UTF-16LE");
    assert_eq!(r.docs[1].metadata["source_encoding"], "UTF-16BE");
    assert!(!r.docs[2].metadata.contains_key("source_encoding"));
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].rejection.reason, Reason::InvalidUtf8);
    assert!(r.rejected[0].rejection.detail.contains("UTF-16LE"));
    run_balanced(
        Box::new(DirectoryReader::builder(dir.path()).build().unwrap()),
        4,
    );
}

#[test]
fn legacy_encodings_are_transcoded_by_default_and_rejected_when_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let samples = [
        (
            "a-sjis.js",
            encoding_rs::SHIFT_JIS,
            JAPANESE,
            &["Shift_JIS"][..],
        ),
        (
            "b-latin2.js",
            encoding_rs::ISO_8859_2,
            POLISH,
            &["ISO-8859-2", "windows-1250"][..],
        ),
        (
            "c-cp1252.js",
            encoding_rs::WINDOWS_1252,
            FRENCH,
            &["windows-1252"][..],
        ),
    ];
    for (name, enc, text, _) in &samples {
        std::fs::write(dir.path().join(name), legacy(enc, text)).unwrap();
    }
    // Shift-JIS text with damaged double-byte characters (a lead byte followed by a
    // space): detected as Shift-JIS, but too many characters decode to U+FFFD.
    let mut junk = legacy(encoding_rs::SHIFT_JIS, JAPANESE);
    for i in (40..junk.len()).step_by(30) {
        junk.splice(i..i, [0x81, b' ']);
    }
    std::fs::write(dir.path().join("d-junk.js"), junk).unwrap();
    // Turned off: each is invalid_utf8.
    let off = ReadOptions {
        legacy_encodings: false,
        ..Default::default()
    };
    let r = collect(
        DirectoryReader::builder(dir.path())
            .options(off)
            .build()
            .unwrap(),
    );
    assert!(r.docs.is_empty());
    assert_eq!(r.rejected.len(), 4);
    assert!(r
        .rejected
        .iter()
        .all(|x| x.rejection.reason == Reason::InvalidUtf8));
    // By default (#15): each legacy file is decoded exactly, the junk is still rejected.
    let opts = ReadOptions::default();
    assert!(opts.legacy_encodings);
    let r = collect(
        DirectoryReader::builder(dir.path())
            .options(opts.clone())
            .build()
            .unwrap(),
    );
    assert_eq!(
        r.docs.len(),
        3,
        "{:?}",
        r.docs
            .iter()
            .map(|d| (d.path.clone(), d.metadata.get("source_encoding").cloned()))
            .collect::<Vec<_>>()
    );
    for (doc, (name, _, text, names)) in r.docs.iter().zip(&samples) {
        assert_eq!(doc.content, *text, "{name}");
        let enc = doc.metadata["source_encoding"].as_str().unwrap();
        assert!(names.contains(&enc), "{name}: detected {enc}");
    }
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].rejection.reason, Reason::InvalidUtf8);
    assert!(
        r.rejected[0].rejection.detail.contains("U+FFFD"),
        "{}",
        r.rejected[0].rejection.detail
    );
    run_balanced(
        Box::new(
            DirectoryReader::builder(dir.path())
                .options(opts)
                .build()
                .unwrap(),
        ),
        4,
    );
}

#[test]
fn binary_parquet_content_in_utf16_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("u16.parquet");
    let le = utf16(FRENCH, false);
    let be = utf16(JAPANESE, true);
    let col: ArrayRef = Arc::new(BinaryArray::from(vec![le.as_slice(), be.as_slice()]));
    write_parquet(&file, &[("content", col)], 10);
    let r =
        collect(ParquetReader::open(&file, FieldNames::default(), ReadOptions::default()).unwrap());
    let got: Vec<_> = r.docs.iter().map(|d| d.content.as_str()).collect();
    assert_eq!(got, [FRENCH, JAPANESE]);
}

// --- 8. memory ------------------------------------------------------------------------

#[test]
fn a_huge_row_group_is_read_in_batches_of_about_batch_bytes() {
    const ROWS: usize = 120;
    const DOC: usize = 512 << 10;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.parquet");
    // One row group of 60 MiB of highly compressible text.
    let texts: Vec<String> = (0..ROWS)
        .map(|i| format!("// row {i:04}\n") + &"a = 1;\n".repeat(DOC / 7))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let schema = Arc::new(Schema::new(vec![Field::new(
        "content",
        DataType::Utf8,
        false,
    )]));
    let props = WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROWS * 2))
        .set_max_row_group_bytes(None)
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(&file).unwrap(),
        schema.clone(),
        Some(props),
    )
    .unwrap();
    for chunk in refs.chunks(10) {
        let batch = RecordBatch::try_new(schema.clone(), vec![text_column(chunk)]).unwrap();
        w.write(&batch).unwrap();
    }
    let meta = w.close().unwrap();
    assert_eq!(meta.num_row_groups(), 1);
    drop(texts);
    let opts = ReadOptions {
        batch_bytes: 2 << 20,
        ..Default::default()
    };
    let r = collect(ParquetReader::open(&file, FieldNames::default(), opts.clone()).unwrap());
    assert_eq!(r.docs.len(), ROWS);
    assert!(r.rejected.is_empty());
    for (i, d) in r.docs.iter().enumerate() {
        assert!(d.content.starts_with(&format!("// row {i:04}\n")));
    }
    let largest = r.batches.iter().map(|b| b.1).max().unwrap();
    assert!(
        largest <= opts.batch_bytes + DOC + 64,
        "a batch carried {largest} bytes of content (batch_bytes {})",
        opts.batch_bytes
    );
    assert!(r.batches.len() >= ROWS * DOC / opts.batch_bytes);
}
