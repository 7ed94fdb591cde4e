//! The Parquet reader over the bytes as a `.parquet` file: no panic, no reader error,
//! and when the file is read to its end without a corrupt-file rejection, one
//! document or rejection per row of the footer's row count.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parquet::file::reader::{FileReader, SerializedFileReader};
use sheikh_core::io::{FieldNames, ParquetReader, ReadOptions};
use sheikh_core::Reason;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.parquet");
    std::fs::write(&path, data).expect("write");
    let reader =
        ParquetReader::open(&path, FieldNames::default(), ReadOptions::default()).expect("open");
    let (total, batches) = sheikh_fuzz::drain(reader);
    let corrupt = batches
        .iter()
        .flat_map(|b| &b.rejected)
        .any(|r| r.rejection.reason == Reason::CorruptFile);
    if corrupt {
        return;
    }
    let file = std::fs::File::open(&path).expect("open");
    let rows = SerializedFileReader::new(file)
        .expect("the reader read it, so the footer parses")
        .metadata()
        .file_metadata()
        .num_rows();
    assert_eq!(
        total as i64, rows,
        "documents + rejected != rows in the footer"
    );
});
