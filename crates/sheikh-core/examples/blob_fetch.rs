//! Blob-fetch throughput of [`StackV2Reader`] against a local S3 server (s3s + s3s-fs,
//! started in this process on 127.0.0.1): documents per second with N fetches in
//! flight. The figures in `docs/benchmarks/object-store.md` come from:
//!
//! ```text
//! cargo build --release -p sheikh-core --example blob_fetch
//! /usr/bin/time -v target/release/examples/blob_fetch --blobs 20000 --bytes 4096 --in-flight 64
//! ```
//!
//! The blobs are gzip-compressed JavaScript-like text of `--bytes` bytes, written into
//! the server's directory before the server starts (as s3s-fs stores objects); the rows
//! are one local Parquet file in The Stack v2 schema. Only reading is timed.

#[path = "../../../tests/common/s3.rs"]
mod s3;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use sheikh_core::io::{ReadOptions, StackV2Config, StackV2Reader};

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let blobs = arg(&args, "--blobs", 20_000);
    let bytes = arg(&args, "--bytes", 4096);
    let in_flight = arg(&args, "--in-flight", 64);

    let server = s3::S3Server::start();
    let content = server.root_dir().join(s3::BUCKET).join("content");
    std::fs::create_dir_all(&content).unwrap();
    let mut ids = Vec::with_capacity(blobs);
    for i in 0..blobs {
        let id = format!("{:040x}", (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut text = format!("// blob {i}\n");
        while text.len() < bytes {
            text.push_str(&format!("export const v{} = {};\n", text.len(), i));
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        std::fs::write(content.join(&id), gz.finish().unwrap()).unwrap();
        ids.push(id);
    }
    let rows = tempfile::tempdir().unwrap();
    let col = |f: &dyn Fn(usize) -> String| -> ArrayRef {
        Arc::new((0..blobs).map(|i| Some(f(i))).collect::<StringArray>())
    };
    let batch = RecordBatch::try_from_iter([
        ("blob_id", col(&|i| ids[i].clone())),
        ("path", col(&|i| format!("src/f{i}.js"))),
        ("language", col(&|_| "JavaScript".into())),
        ("src_encoding", col(&|_| "UTF-8".into())),
    ])
    .unwrap();
    let file = std::fs::File::create(rows.path().join("rows.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let config = StackV2Config {
        content_url: server.url("content"),
        in_flight,
        store: sheikh_core::store::StoreConfig {
            concurrency: in_flight.max(16),
            ..server.store_config()
        },
        ..StackV2Config::default()
    };
    let started = Instant::now();
    let reader = StackV2Reader::open(
        Path::new(&rows.path().join("rows.parquet")),
        config,
        ReadOptions::default(),
    )
    .unwrap();
    let (mut docs, mut rejected, mut content_bytes) = (0usize, 0usize, 0usize);
    for batch in reader {
        let batch = batch.unwrap();
        docs += batch.documents.len();
        rejected += batch.rejected.len();
        content_bytes += batch
            .documents
            .iter()
            .map(|d| d.content.len())
            .sum::<usize>();
    }
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(docs, blobs, "{rejected} rejected");
    println!(
        "blobs {blobs}  bytes/blob {bytes}  in_flight {in_flight}  {docs} docs in {secs:.2} s  = {:.0} docs/s, {:.1} MB/s of content",
        docs as f64 / secs,
        content_bytes as f64 / secs / 1e6
    );
}
