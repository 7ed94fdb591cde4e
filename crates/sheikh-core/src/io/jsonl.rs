//! JSON Lines: reading (plain, `.gz`, `.zst`) with configurable field names, and writing.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::document::Document;
use crate::error::{CoreError, Result};
use crate::io::record::{json_to_field, FieldNames, Part, RawContent, RecordCtx, RecordParts};
use crate::io::writer::{Record, ShardFormat};
use crate::io::{AtomicFile, ReadBatch, ReadOptions, RejectedInput};
use crate::provenance::{Reason, Rejection};

/// File-name endings of JSON Lines inputs ([`JsonlReader`] reads these in a directory).
pub const JSONL_SUFFIXES: &[&str] = &[".jsonl", ".ndjson", ".jsonl.gz", ".jsonl.zst", ".json.gz"];

/// File-name endings of Parquet inputs.
pub const PARQUET_SUFFIXES: &[&str] = &[".parquet"];

/// Lists the input files of a JSONL or Parquet input: the file itself, or the files of a
/// directory (recursively, hidden files skipped) whose names end in one of `suffixes`,
/// in the order the readers read them. Used by the readers and by planners that split
/// the same input into shards.
pub fn list_files(path: &Path, suffixes: &[&str]) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).map_err(|e| CoreError::io(path, e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(path)
        .standard_filters(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build()
    {
        let entry = entry.map_err(|e| CoreError::Input {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_some_and(|t| t.is_file())
            && !name.starts_with('.')
            && suffixes.iter().any(|s| name.ends_with(s))
        {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Result of reading one line with a length limit.
enum Line {
    Eof,
    Ok,
    TooLong(usize),
}

/// Reads one `\n`-terminated line into `buf` (without the newline), keeping at most
/// `limit` bytes; a longer line is consumed to its end and reported as `TooLong`.
fn read_line_limited(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Line> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(if !any {
                Line::Eof
            } else if total > limit {
                Line::TooLong(total)
            } else {
                Line::Ok
            });
        }
        any = true;
        let (part, found) = match memchr(chunk) {
            Some(i) => (&chunk[..i], Some(i)),
            None => (chunk, None),
        };
        total += part.len();
        if total <= limit {
            buf.extend_from_slice(part);
        } else {
            buf.clear();
        }
        let consumed = found.map_or(part.len(), |i| i + 1);
        r.consume(consumed);
        if found.is_some() {
            return Ok(if total > limit {
                Line::TooLong(total)
            } else {
                Line::Ok
            });
        }
    }
}

fn memchr(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// Opens a file, decompressing `.gz` and `.zst` by their suffix.
fn open_decoded(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let file = File::open(path).map_err(|e| CoreError::io(path, e))?;
    let name = path.to_string_lossy();
    let inner: Box<dyn Read + Send> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if name.ends_with(".zst") {
        Box::new(zstd::stream::read::Decoder::new(file).map_err(|e| CoreError::io(path, e))?)
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, inner)))
}

/// A streaming JSONL reader over one file or a directory of `*.jsonl`, `*.ndjson`,
/// `*.jsonl.gz`, `*.jsonl.zst` files.
///
/// Each line is one object; field names are mapped with [`FieldNames`]. A line that is
/// not a JSON object, has no content, or is longer than the limit becomes a
/// `malformed_record` / `too_large` rejection naming `file:line`; a file that ends in
/// the middle of a compressed stream is a `corrupt_file` rejection; reading goes on.
pub struct JsonlReader {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<(PathBuf, Box<dyn BufRead + Send>, u64)>,
    ctx: RecordCtx,
    batch_size: usize,
    batch_bytes: usize,
    line_limit: usize,
    buf: Vec<u8>,
}

impl JsonlReader {
    /// Opens `path` (a file or a directory) with the given field names and options.
    pub fn open(path: impl AsRef<Path>, fields: FieldNames, options: ReadOptions) -> Result<Self> {
        let files = list_files(path.as_ref(), JSONL_SUFFIXES)?;
        Ok(JsonlReader {
            files: files.into_iter(),
            current: None,
            batch_size: options.batch_size.max(1),
            batch_bytes: options.batch_bytes,
            // JSON escaping can make a document's line several times its size.
            line_limit: options
                .max_doc_bytes
                .saturating_mul(2)
                .saturating_add(1 << 20),
            ctx: RecordCtx::new(fields, options),
            buf: Vec::new(),
        })
    }
}

impl RecordCtx {
    fn parse_line(
        &self,
        line: &[u8],
        source: String,
    ) -> std::result::Result<Document, RejectedInput> {
        let reject = |rejection: Rejection| RejectedInput {
            source: source.clone(),
            bytes: line.len() as u64,
            rejection,
        };
        let value: serde_json::Value = serde_json::from_slice(line).map_err(|e| {
            reject(Rejection::new(
                Reason::MalformedRecord,
                format!("bad JSON: {e}"),
            ))
        })?;
        let serde_json::Value::Object(map) = value else {
            return Err(reject(Rejection::new(
                Reason::MalformedRecord,
                "line is not a JSON object",
            )));
        };
        let parts = self.fields.assign(map.keys().map(String::as_str));
        let mut rec = RecordParts::default();
        for ((key, value), part) in map.into_iter().zip(parts) {
            match part {
                Part::Content => match value {
                    serde_json::Value::String(s) => rec.content = Some(RawContent::Text(s)),
                    serde_json::Value::Null => {}
                    _ => {
                        return Err(reject(Rejection::new(
                            Reason::MalformedRecord,
                            format!("field {key:?} is not a string"),
                        )))
                    }
                },
                Part::Id => rec.id = json_to_field(value),
                Part::Language => rec.language = json_to_field(value),
                Part::Path => rec.path = json_to_field(value),
                Part::RepoName => rec.repo_name = json_to_field(value),
                Part::License => rec.license = json_to_field(value),
                Part::Metadata => match value {
                    serde_json::Value::Object(m) => rec.metadata.extend(m),
                    serde_json::Value::Null => {}
                    other => {
                        rec.metadata.insert(key, other);
                    }
                },
                Part::Provenance => {
                    rec.provenance = Some(serde_json::from_value(value).map_err(|e| {
                        reject(Rejection::new(
                            Reason::MalformedRecord,
                            format!("bad provenance: {e}"),
                        ))
                    })?)
                }
                Part::Extra => {
                    rec.metadata.insert(key, value);
                }
            }
        }
        rec.into_document(&self.options, &self.identifier)
            .map_err(reject)
    }
}

impl Iterator for JsonlReader {
    type Item = Result<ReadBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut lines: Vec<(Vec<u8>, String)> = Vec::new();
        let mut rejected = Vec::new();
        let mut bytes = 0usize;
        while lines.len() < self.batch_size && bytes < self.batch_bytes {
            if self.current.is_none() {
                let Some(path) = self.files.next() else {
                    break;
                };
                match open_decoded(&path) {
                    Ok(r) => self.current = Some((path, r, 0)),
                    Err(e) => {
                        rejected.push(RejectedInput {
                            source: path.display().to_string(),
                            bytes: 0,
                            rejection: Rejection::new(Reason::Unreadable, e.to_string()),
                        });
                        continue;
                    }
                }
            }
            let (path, reader, line_no) = self.current.as_mut().expect("set above");
            *line_no += 1;
            let source = format!("{}:{}", path.display(), line_no);
            match read_line_limited(reader.as_mut(), &mut self.buf, self.line_limit) {
                Ok(Line::Eof) => self.current = None,
                Ok(Line::TooLong(n)) => rejected.push(RejectedInput {
                    source,
                    bytes: n as u64,
                    rejection: Rejection::new(Reason::TooLarge, format!("line of {n} bytes")),
                }),
                Ok(Line::Ok) => {
                    if self.buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    bytes += self.buf.len();
                    lines.push((std::mem::take(&mut self.buf), source));
                }
                Err(e) => {
                    rejected.push(RejectedInput {
                        source,
                        bytes: 0,
                        rejection: Rejection::new(
                            Reason::CorruptFile,
                            format!("stopped reading this file: {e}"),
                        ),
                    });
                    self.current = None;
                }
            }
            if self.current.is_none() && self.files.len() == 0 {
                break;
            }
        }
        if lines.is_empty() && rejected.is_empty() {
            return None;
        }
        let ctx = &self.ctx;
        let results: Vec<_> = lines
            .into_par_iter()
            .map(|(line, source)| ctx.parse_line(&line, source))
            .collect();
        Some(Ok(ReadBatch::from_results(results, rejected)))
    }
}

/// JSON Lines output: one record per line in its serde form. For documents, the same
/// schema the reader reads back; any other `Serialize` record works too.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonlFormat;

impl<R: Record + serde::Serialize> ShardFormat<R> for JsonlFormat {
    type Encoder = AtomicFile;

    fn extension(&self) -> &'static str {
        "jsonl"
    }

    fn open(&self, file: AtomicFile) -> Result<AtomicFile> {
        Ok(file)
    }

    fn write(&self, enc: &mut AtomicFile, records: &[R]) -> Result<()> {
        for d in records {
            serde_json::to_writer(&mut *enc, d)?;
            enc.write_all(b"\n")
                .map_err(|e| CoreError::io(enc.tmp_path(), e))?;
        }
        Ok(())
    }

    fn close(&self, enc: AtomicFile) -> Result<AtomicFile> {
        Ok(enc)
    }
}
