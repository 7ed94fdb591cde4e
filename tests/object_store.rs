//! Inputs and outputs in an object store, against a real S3 server started on
//! 127.0.0.1 by the tests (`common::s3`): JSONL and Parquet inputs read from `s3://`
//! like local files, missing and corrupt objects counted, server errors retried, and the
//! full pipeline from `s3://` to `s3://` writing the same bytes as a local run.

mod common;

use std::io::Write;
use std::path::Path;

use common::s3::S3Server;
use sheikh::core::io::{
    documents_to_record_batch, FieldNames, JsonlReader, ParquetReader, ReadBatch, ReadOptions,
    SuccessManifest,
};
use sheikh::core::store::{ObjectPath, StagedOutput, Store};
use sheikh::core::{Document, Reason};
use sheikh::PipelineConfig;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2_encoder();
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn flate2_encoder() -> flate2::write::GzEncoder<Vec<u8>> {
    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default())
}

fn jsonl(n: usize, tag: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\":\"{tag}-{i}\",\"content\":\"export const {tag}{i} = {i};\\n\",\"language\":\"JavaScript\",\"path\":\"src/{tag}{i}.js\"}}\n"
            )
        })
        .collect()
}

fn collect(reader: impl Iterator<Item = sheikh::core::Result<ReadBatch>>) -> ReadBatch {
    let mut all = ReadBatch::default();
    for b in reader {
        let b = b.unwrap();
        all.documents.extend(b.documents);
        all.rejected.extend(b.rejected);
    }
    all
}

fn open(server: &S3Server, key: &str) -> (Store, ObjectPath) {
    Store::open(&server.url(key), &server.store_config()).unwrap()
}

fn put(server: &S3Server, key: &str, bytes: Vec<u8>) {
    let (store, path) = open(server, key);
    store.put(&path, bytes).unwrap();
}

fn small_batches() -> ReadOptions {
    ReadOptions {
        batch_size: 3,
        ..ReadOptions::default()
    }
}

/// A prefix of plain and gzip JSONL objects reads as the same documents, in key order,
/// as the same files on disk.
#[test]
fn a_jsonl_prefix_reads_like_local_files() {
    let server = S3Server::start();
    let local = tempfile::tempdir().unwrap();
    let files = [
        ("a.jsonl", jsonl(4, "a").into_bytes()),
        ("b.jsonl.gz", gzip(jsonl(5, "b").as_bytes())),
        ("sub/c.ndjson", jsonl(2, "c").into_bytes()),
        ("notes.txt", b"not an input".to_vec()),
    ];
    for (name, bytes) in &files {
        put(&server, &format!("in/{name}"), bytes.clone());
        let p = local.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let (store, prefix) = open(&server, "in");
    let remote = collect(
        JsonlReader::open_store(&store, &prefix, FieldNames::default(), small_batches()).unwrap(),
    );
    let local =
        collect(JsonlReader::open(local.path(), FieldNames::default(), small_batches()).unwrap());
    assert_eq!(remote.documents.len(), 11);
    assert!(remote.rejected.is_empty(), "{:?}", remote.rejected);
    assert_eq!(remote.documents, local.documents);
}

/// An object that disappears between listing and reading is one `unreadable`
/// rejection naming its URL; a corrupt gzip object is a `corrupt_file` rejection; the
/// other objects are read.
#[test]
fn a_missing_object_and_a_corrupt_gzip_are_counted_rejections() {
    let server = S3Server::start();
    put(&server, "in/1-good.jsonl", jsonl(3, "g").into_bytes());
    put(&server, "in/2-gone.jsonl", jsonl(3, "x").into_bytes());
    let mut corrupt = gzip(jsonl(50, "z").as_bytes());
    let mid = corrupt.len() / 2;
    corrupt[mid..].iter_mut().for_each(|b| *b ^= 0x5a);
    put(&server, "in/3-corrupt.jsonl.gz", corrupt);
    let (store, prefix) = open(&server, "in");
    let reader =
        JsonlReader::open_store(&store, &prefix, FieldNames::default(), small_batches()).unwrap();
    // Gone after the listing: the GET fails with 404.
    store.delete(&prefix.clone().join("2-gone.jsonl")).unwrap();
    let got = collect(reader);
    let good = got
        .documents
        .iter()
        .filter(|d| d.id.starts_with("g-"))
        .count();
    assert_eq!(good, 3);
    let unreadable: Vec<_> = got
        .rejected
        .iter()
        .filter(|r| r.rejection.reason == Reason::Unreadable)
        .collect();
    assert_eq!(unreadable.len(), 1, "{:?}", got.rejected);
    assert_eq!(unreadable[0].source, "s3://bucket/in/2-gone.jsonl");
    let corrupt: Vec<_> = got
        .rejected
        .iter()
        .filter(|r| r.rejection.reason == Reason::CorruptFile)
        .collect();
    assert_eq!(corrupt.len(), 1, "{:?}", got.rejected);
    assert!(corrupt[0]
        .source
        .starts_with("s3://bucket/in/3-corrupt.jsonl.gz:"));
}

/// A server answering 500 twice is retried and the object read; one that keeps
/// answering 500 fails after exactly `max_retries` retries, as a counted rejection.
#[test]
fn server_errors_are_retried_with_backoff() {
    let server = S3Server::start();
    put(&server, "in/retry.jsonl", jsonl(2, "r").into_bytes());
    put(&server, "down/broken.jsonl", jsonl(2, "b").into_bytes());
    server.faults.fail_gets("in/retry.jsonl", 2);
    let (store, prefix) = open(&server, "in");
    let got = collect(
        JsonlReader::open_store(&store, &prefix, FieldNames::default(), small_batches()).unwrap(),
    );
    assert_eq!(server.faults.served(), 2);
    assert_eq!(got.documents.len(), 2);
    assert!(got.rejected.is_empty(), "{:?}", got.rejected);

    server.faults.fail_gets("down/broken.jsonl", 1000);
    let config = server.store_config();
    let (store, prefix) = Store::open(&server.url("down"), &config).unwrap();
    let got = collect(
        JsonlReader::open_store(&store, &prefix, FieldNames::default(), small_batches()).unwrap(),
    );
    assert_eq!(server.faults.served(), 2 + 1 + config.max_retries);
    assert!(got.documents.is_empty());
    assert_eq!(got.rejected.len(), 1);
    assert_eq!(got.rejected[0].rejection.reason, Reason::Unreadable);
}

/// A request the server leaves unanswered past `request_timeout_secs` times out and is
/// retried; the object is read.
#[test]
fn a_slow_answer_times_out_and_is_retried() {
    let server = S3Server::start();
    put(&server, "slow/a.jsonl", jsonl(2, "s").into_bytes());
    server
        .faults
        .stall_gets("slow/a.jsonl", 1, std::time::Duration::from_secs(5));
    let mut config = server.store_config();
    config.request_timeout_secs = 1;
    let (store, prefix) = Store::open(&server.url("slow"), &config).unwrap();
    let started = std::time::Instant::now();
    let got = collect(
        JsonlReader::open_store(&store, &prefix, FieldNames::default(), small_batches()).unwrap(),
    );
    assert_eq!(got.documents.len(), 2, "{:?}", got.rejected);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// A file larger than `part_bytes` is uploaded in parts (multipart upload) and reads
/// back byte for byte.
#[test]
fn large_files_are_uploaded_in_parts() {
    let server = S3Server::start();
    let mut config = server.store_config();
    config.part_bytes = 5 << 20;
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("big.bin");
    let data: Vec<u8> = (0..(12u32 << 20))
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    std::fs::write(&local, &data).unwrap();
    let (store, path) = Store::open(&server.url("up/big.bin"), &config).unwrap();
    assert_eq!(store.upload_file(&local, &path).unwrap(), data.len() as u64);
    assert!(store.get(&path).unwrap().as_ref() == data.as_slice());
}

/// Parquet objects are read by range requests, row group by row group, into the same
/// documents as the file on disk.
#[test]
fn parquet_objects_read_like_local_files() {
    let server = S3Server::start();
    let docs: Vec<Document> = (0..40)
        .map(|i| {
            let mut d = Document::new(
                format!("export function f{i}() {{ return {i}; }}\n"),
                sheikh::core::Language::JavaScript,
            );
            d.path = Some(format!("src/f{i}.js"));
            d.repo_name = Some("acme/web".into());
            d
        })
        .collect();
    let batch = documents_to_record_batch(&docs).unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(7))
        .build();
    let mut bytes = Vec::new();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("part-0.parquet"), &bytes).unwrap();
    put(&server, "pq/part-0.parquet", bytes);
    let (store, prefix) = open(&server, "pq");
    let remote = collect(
        ParquetReader::open_store(&store, &prefix, FieldNames::default(), small_batches()).unwrap(),
    );
    let local =
        collect(ParquetReader::open(local.path(), FieldNames::default(), small_batches()).unwrap());
    assert_eq!(remote.documents.len(), 40);
    assert!(remote.rejected.is_empty(), "{:?}", remote.rejected);
    assert_eq!(remote.documents, local.documents);
}

/// The fixtures corpus as JSONL documents (two objects, one gzip).
fn corpus_jsonl(root: &Path) -> Vec<(String, Vec<u8>)> {
    let reader = sheikh::core::io::DirectoryReader::builder(root.join("fixtures/corpus"))
        .repo_from_top_dir(true)
        .build()
        .unwrap();
    let docs = collect(reader).documents;
    let half = docs.len() / 2;
    let lines = |d: &[Document]| -> Vec<u8> {
        d.iter()
            .flat_map(|d| {
                let mut l = serde_json::to_vec(d).unwrap();
                l.push(b'\n');
                l
            })
            .collect()
    };
    vec![
        ("corpus-0.jsonl".into(), lines(&docs[..half])),
        ("corpus-1.jsonl.gz".into(), gzip(&lines(&docs[half..]))),
    ]
}

fn pipeline_config(root: &Path) -> PipelineConfig {
    let mut c = PipelineConfig::load(root.join("configs/pipeline.yaml"))
        .unwrap()
        .rebase(root);
    c.input.format = sheikh::core::config::InputFormat::Jsonl;
    c.input.read.batch_size = 7;
    c.output.shards.shard_bytes = 20_000;
    c
}

/// `full_pipeline` from `s3://bucket/in` to `s3://bucket/out` writes the same data
/// bytes as the same run on local files; `_SUCCESS` is uploaded and lists every
/// object; the output prefix is then claimed like a local output directory.
#[test]
fn full_pipeline_from_s3_to_s3_writes_the_same_bytes_as_a_local_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = S3Server::start();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for (name, bytes) in corpus_jsonl(root) {
        std::fs::write(input.join(&name), &bytes).unwrap();
        put(&server, &format!("in/{name}"), bytes);
    }

    let mut local = pipeline_config(root);
    local.input.path = input.clone();
    local.output.path = tmp.path().join("out");
    let local_summary = sheikh::run_pipeline(&local, |_| {}).unwrap();

    let mut remote = pipeline_config(root);
    remote.input.path = server.url("in").into();
    remote.input.store = server.store_config();
    remote.output.path = server.url("out").into();
    remote.output.store = server.store_config();
    remote.output.store.staging_dir = Some(tmp.path().join("staging"));
    let remote_summary = sheikh::run_pipeline(&remote, |_| {}).unwrap();

    assert_eq!(
        remote_summary.stats.written.docs,
        local_summary.stats.written.docs
    );
    assert!(local_summary.stats.written.docs > 0);
    assert_eq!(
        remote_summary.success.to_string_lossy(),
        "s3://bucket/out/_SUCCESS"
    );
    // The staging directory is gone once uploaded.
    assert_eq!(
        std::fs::read_dir(tmp.path().join("staging"))
            .unwrap()
            .count(),
        0
    );

    let manifest: SuccessManifest =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/_SUCCESS")).unwrap()).unwrap();
    let (store, out) = open(&server, "out");
    let remote_manifest: SuccessManifest =
        serde_json::from_slice(&store.get(&out.clone().join("_SUCCESS")).unwrap()).unwrap();
    let listed: Vec<String> = store
        .list(&out)
        .unwrap()
        .iter()
        .map(|m| m.location.as_ref().trim_start_matches("out/").to_string())
        .collect();
    let mut expected: Vec<String> = remote_manifest
        .files
        .iter()
        .map(|e| e.path.clone())
        .chain([".sheikh-run".to_string(), "_SUCCESS".to_string()])
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    // Files that name the input or the output (path or URL) or hold the wall time
    // differ: they name the URLs, never the staging directory. Every data file is
    // byte-identical.
    let names_place = |p: &str| {
        matches!(
            p,
            "stats.json"
                | "stats.md"
                | "report.json"
                | "report.md"
                | "report.html"
                | "rejected/inputs.jsonl"
                | "tokens/dataset.json"
                | "tokens/training.yaml"
        )
    };
    let staging = tmp.path().join("staging");
    let mut compared = 0;
    for entry in &manifest.files {
        if names_place(&entry.path) {
            let mut key = out.clone();
            for part in entry.path.split('/') {
                key = key.join(part);
            }
            let text = String::from_utf8(store.get(&key).unwrap().to_vec()).unwrap();
            assert!(!text.contains(staging.to_str().unwrap()), "{}", entry.path);
            if entry.path.starts_with("tokens/") || entry.path == "stats.md" {
                assert!(text.contains("s3://bucket/out"), "{}", entry.path);
            }
            continue;
        }
        let mut key = out.clone();
        for part in entry.path.split('/') {
            key = key.join(part);
        }
        let got = store.get(&key).unwrap();
        let want = std::fs::read(tmp.path().join("out").join(&entry.path)).unwrap();
        assert!(got.as_ref() == want.as_slice(), "{} differs", entry.path);
        compared += 1;
    }
    assert!(
        manifest.files.iter().any(|e| e.path.starts_with("data/"))
            && manifest.files.iter().any(|e| e.path.starts_with("tokens/"))
            && manifest.files.iter().any(|e| e.path.starts_with("pairs/"))
    );
    assert_eq!(compared, manifest.files.len() - 8);

    // The prefix now holds a run: claimed again only with overwrite, which deletes it.
    let config = server.store_config();
    let err = StagedOutput::claim(&server.url("out"), &config, false).unwrap_err();
    assert!(err.to_string().contains("overwrite"), "{err}");
    let staged = StagedOutput::claim(&server.url("out"), &config, true).unwrap();
    let left: Vec<_> = store.list(&out).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].location.filename(), Some(".sheikh-run"));
    drop(staged);
}

/// Overwrite never deletes a prefix that holds anything but a sheikh run.
#[test]
fn overwrite_refuses_a_prefix_sheikh_did_not_write() {
    let server = S3Server::start();
    put(&server, "mixed/data/part-00000.parquet", b"x".to_vec());
    put(&server, "mixed/_SUCCESS", b"{}".to_vec());
    put(&server, "mixed/precious.csv", b"keep me".to_vec());
    put(&server, "unmarked/data/part-00000.parquet", b"x".to_vec());
    let config = server.store_config();
    for prefix in ["mixed", "unmarked"] {
        let err = StagedOutput::claim(&server.url(prefix), &config, true).unwrap_err();
        assert!(err.to_string().contains("nothing was deleted"), "{err}");
    }
    let (store, mixed) = open(&server, "mixed");
    assert_eq!(store.list(&mixed).unwrap().len(), 3);
}

/// The Stack v2 as published: metadata rows in Parquet (read from the store by range
/// requests), blobs fetched by `blob_id` from `content/{blob_id}` (gzip) and decoded
/// with `src_encoding`; a missing blob is `fetch_failed`, a corrupt one
/// `decode_failed`, a row the language pre-filter drops never fetched; order kept.
#[test]
fn the_stack_v2_rows_become_documents_with_fetched_blobs() {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
    use sheikh::core::io::{StackV2Config, StackV2Reader};
    use std::sync::Arc;

    /// (blob_id, path, language, src_encoding, is_vendor, bytes of the file)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
        Vec<u8>,
    );
    let server = S3Server::start();
    let rows: Vec<Row> = vec![
        (
            "a1",
            "src/a.js",
            "JavaScript",
            "UTF-8",
            false,
            b"export const a = 1;\n".to_vec(),
        ),
        (
            "b2",
            "src/b.js",
            "JavaScript",
            "Windows-1252",
            false,
            b"// caf\xe9 cr\xe8me\nlet b = 2;\n".to_vec(),
        ),
        (
            "c3",
            "src/c.ts",
            "TypeScript",
            "Shift_JIS",
            false,
            b"// \x93\xfa\x96\x7b\x8c\xea\nconst c: number = 3;\n".to_vec(),
        ),
        ("e5", "src/e.js", "JavaScript", "UTF-8", false, Vec::new()),
        (
            "f6",
            "src/f.js",
            "JavaScript",
            "UTF-8",
            false,
            b"let f = 6;\n".to_vec(),
        ),
        (
            "g7",
            "app/g.py",
            "Python",
            "UTF-8",
            false,
            b"print(7)\n".to_vec(),
        ),
        (
            "h8",
            "lib/h.js",
            "JavaScript",
            "UTF-8",
            true,
            b"module.exports = 8;\n".to_vec(),
        ),
    ];
    for (id, _, _, _, _, bytes) in &rows {
        match *id {
            "e5" => {} // missing
            "f6" => put(
                &server,
                &format!("content/{id}"),
                b"\x1f\x8b\x08\0garbage".to_vec(),
            ),
            "g7" => {} // never fetched: the pre-filter drops it first
            _ => put(&server, &format!("content/{id}"), gzip(bytes)),
        }
    }
    let mut licenses = ListBuilder::new(StringBuilder::new());
    for _ in &rows {
        licenses.values().append_value("MIT");
        licenses.append(true);
    }
    let col = |f: &dyn Fn(&Row) -> String| -> ArrayRef {
        Arc::new(rows.iter().map(|r| Some(f(r))).collect::<StringArray>())
    };
    let batch = RecordBatch::try_from_iter([
        ("blob_id", col(&|r| r.0.to_string())),
        ("path", col(&|r| r.1.to_string())),
        ("repo_name", col(&|_| "acme/web".to_string())),
        ("src_encoding", col(&|r| r.3.to_string())),
        ("language", col(&|r| r.2.to_string())),
        ("detected_licenses", Arc::new(licenses.finish()) as ArrayRef),
        ("license_type", col(&|_| "permissive".to_string())),
        (
            "is_vendor",
            Arc::new(rows.iter().map(|r| Some(r.4)).collect::<BooleanArray>()) as ArrayRef,
        ),
        (
            "is_generated",
            Arc::new(BooleanArray::from(vec![false; rows.len()])) as ArrayRef,
        ),
        (
            "star_events_count",
            Arc::new(Int64Array::from_iter_values(0..rows.len() as i64)) as ArrayRef,
        ),
    ])
    .unwrap();
    let mut bytes = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    put(&server, "stack/data/JavaScript/train-00000.parquet", bytes);

    let config = StackV2Config {
        content_url: server.url("content"),
        in_flight: 2,
        languages: vec!["javascript".into(), "TypeScript".into()],
        store: server.store_config(),
        ..StackV2Config::default()
    };
    let reader = StackV2Reader::open(
        Path::new(&server.url("stack/data")),
        config.clone(),
        small_batches(),
    )
    .unwrap();
    let got = collect(reader);
    let ids: Vec<&str> = got.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a1", "b2", "c3", "h8"]);
    let doc = |id: &str| got.documents.iter().find(|d| d.id == id).unwrap();
    assert_eq!(doc("a1").content, "export const a = 1;\n");
    assert_eq!(doc("b2").content, "// café crème\nlet b = 2;\n");
    assert_eq!(doc("c3").content, "// 日本語\nconst c: number = 3;\n");
    assert_eq!(doc("c3").language, sheikh::core::Language::TypeScript);
    assert_eq!(doc("a1").license.as_deref(), Some("permissive"));
    assert_eq!(doc("a1").repo_name.as_deref(), Some("acme/web"));
    assert_eq!(
        doc("b2").metadata["star_events_count"],
        serde_json::json!(1)
    );
    assert_eq!(
        doc("a1").metadata["detected_licenses"],
        serde_json::json!(["MIT"])
    );
    assert_eq!(
        doc("h8").metadata["path_flags"],
        serde_json::json!(["vendored"])
    );
    let reason = |source: &str| {
        got.rejected
            .iter()
            .find(|r| r.source.ends_with(source))
            .map(|r| r.rejection.reason)
    };
    assert_eq!(got.rejected.len(), 3, "{:?}", got.rejected);
    assert_eq!(reason("content/e5"), Some(Reason::FetchFailed));
    assert_eq!(reason("content/f6"), Some(Reason::DecodeFailed));
    assert_eq!(reason("g7"), Some(Reason::LanguageNotSelected));
}

/// A blob stored larger than the document limit is refused from its size (`too_large`)
/// before its body is read; a blob within it next to it still becomes a document.
#[test]
fn a_stack_v2_blob_stored_over_the_limit_is_too_large_unread() {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use sheikh::core::io::{StackV2Config, StackV2Reader};
    use std::sync::Arc;

    let server = S3Server::start();
    // 300 kB that gzip can not shrink (a xorshift stream), stored over 100 kB + 64 KiB.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..300_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    put(&server, "content/big1", gzip(&noise));
    put(&server, "content/ok2", gzip(b"export const ok = 2;\n"));
    let col = |v: [&str; 2]| -> ArrayRef { Arc::new(StringArray::from(v.to_vec())) };
    let batch = RecordBatch::try_from_iter([
        ("blob_id", col(["big1", "ok2"])),
        ("path", col(["src/big.js", "src/ok.js"])),
        ("language", col(["JavaScript", "JavaScript"])),
        ("src_encoding", col(["UTF-8", "UTF-8"])),
    ])
    .unwrap();
    let mut bytes = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    put(&server, "rows/train-00000.parquet", bytes);
    let config = StackV2Config {
        content_url: server.url("content"),
        store: server.store_config(),
        ..StackV2Config::default()
    };
    let options = ReadOptions {
        max_doc_bytes: 100_000,
        ..ReadOptions::default()
    };
    let got =
        collect(StackV2Reader::open(Path::new(&server.url("rows")), config, options).unwrap());
    let ids: Vec<&str> = got.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["ok2"]);
    assert_eq!(got.rejected.len(), 1, "{:?}", got.rejected);
    assert_eq!(got.rejected[0].rejection.reason, Reason::TooLarge);
    assert!(
        got.rejected[0].rejection.detail.contains("stored blob"),
        "{:?}",
        got.rejected[0]
    );
}

/// The full pipeline on The Stack v2 rows (`input.stack_v2`): fetched documents reach
/// our Parquet, fetch and decode failures are in the books.
#[test]
fn the_full_pipeline_runs_on_the_stack_v2_layout() {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use sheikh::core::io::StackV2Config;
    use std::sync::Arc;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = S3Server::start();
    let files = [
        ("0a", "src/app.js", "import { h } from './h.js';\nexport function app() {\n  return h('div', null, 'hello');\n}\n"),
        ("1b", "src/util.ts", "export function add(a: number, b: number): number {\n  return a + b;\n}\n"),
        ("2c", "src/missing.js", ""),
    ];
    for (id, _, text) in &files {
        if !text.is_empty() {
            put(&server, &format!("content/{id}"), gzip(text.as_bytes()));
        }
    }
    let col = |i: usize| -> ArrayRef {
        Arc::new(
            files
                .iter()
                .map(|f| Some([f.0, f.1][i].to_string()))
                .collect::<StringArray>(),
        )
    };
    let utf8: ArrayRef = Arc::new(StringArray::from(vec!["UTF-8"; files.len()]));
    let batch = RecordBatch::try_from_iter([
        ("blob_id", col(0)),
        ("path", col(1)),
        ("src_encoding", utf8),
    ])
    .unwrap();
    let mut bytes = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    put(&server, "stack/train-00000-of-00001.parquet", bytes);

    let tmp = tempfile::tempdir().unwrap();
    let mut c = pipeline_config(root);
    c.input.format = sheikh::core::config::InputFormat::Parquet;
    c.input.path = server.url("stack").into();
    c.input.stack_v2 = Some(StackV2Config {
        content_url: server.url("content"),
        store: server.store_config(),
        ..StackV2Config::default()
    });
    c.output.path = tmp.path().join("out");
    let summary = sheikh::run_pipeline(&c, |_| {}).unwrap();
    summary.stats.check_balance().unwrap();
    // Three rows read: two documents, one counted drop.
    assert_eq!(summary.stats.read.input.docs, 3);
    assert_eq!(
        summary.stats.read.dropped[&Reason::FetchFailed].docs,
        1,
        "{:?}",
        summary.stats.read.dropped
    );
    assert!(summary.stats.written.docs >= 1);
    let inputs = std::fs::read_to_string(tmp.path().join("out/rejected/inputs.jsonl")).unwrap();
    assert!(inputs.contains("s3://bucket/content/2c"), "{inputs}");
}
