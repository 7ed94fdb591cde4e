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

/// File-name endings of JSON Lines inputs ([`JsonlReader`] reads these in a directory),
/// lower case; names are matched ignoring case (see [`has_suffix`]).
pub const JSONL_SUFFIXES: &[&str] = &[
    ".jsonl",
    ".ndjson",
    ".jsonl.gz",
    ".ndjson.gz",
    ".json.gz",
    ".jsonl.zst",
    ".ndjson.zst",
    ".json.zst",
];

/// File-name endings of Parquet inputs, lower case; matched ignoring case.
pub const PARQUET_SUFFIXES: &[&str] = &[".parquet"];

/// True when the file name `name` ends in one of `suffixes`, ignoring ASCII case
/// (`DATA.JSONL`, `x.Parquet` match `.jsonl`, `.parquet`).
///
/// ```
/// use sheikh_core::io::{has_suffix, JSONL_SUFFIXES, PARQUET_SUFFIXES};
/// assert!(has_suffix("DATA.JSONL.GZ", JSONL_SUFFIXES));
/// assert!(has_suffix("part-0.Parquet", PARQUET_SUFFIXES));
/// assert!(!has_suffix("notes.json", JSONL_SUFFIXES));
/// ```
pub fn has_suffix(name: &str, suffixes: &[&str]) -> bool {
    let bytes = name.as_bytes();
    suffixes.iter().any(|s| {
        bytes.len() >= s.len() && bytes[bytes.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
    })
}

/// Lists the input files of a JSONL or Parquet input: the path itself when it is not a
/// directory (a regular file, or a FIFO / `/dev/fd/N` read as a stream), or the
/// regular files of a directory (recursively, hidden files skipped) whose names end in
/// one of `suffixes` ignoring case, in the order the readers read them. Used by the
/// readers and by planners that split the same input into shards.
pub fn list_files(path: &Path, suffixes: &[&str]) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).map_err(|e| CoreError::io(path, e))?;
    if !meta.is_dir() {
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
            && has_suffix(&name, suffixes)
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
/// Adds the bytes consumed to `offset`.
fn read_line_limited(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
    offset: &mut u64,
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
        *offset += consumed as u64;
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

/// Wraps a byte stream in a decompressor chosen by its magic bytes (gzip `1f 8b`, zstd
/// `28 b5 2f fd`; anything else is read as it is), so a compressed stream without a
/// telling name (a pipe, `/dev/fd/N`) is read as well as `x.jsonl.gz`.
fn open_decoded(mut input: Box<dyn Read + Send>) -> std::io::Result<Box<dyn BufRead + Send>> {
    // Peek at up to four bytes; a pipe may hand them over one read at a time.
    let mut head = Vec::with_capacity(4);
    while head.len() < 4 {
        let mut b = [0u8; 4];
        let want = 4 - head.len();
        match input.read(&mut b[..want]) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&b[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let zstd = head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    let stream = std::io::Cursor::new(head).chain(input);
    let inner: Box<dyn Read + Send> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(stream))
    } else if zstd {
        Box::new(zstd::stream::read::Decoder::new(stream)?)
    } else {
        Box::new(stream)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, inner)))
}

/// One JSONL input: a file (or FIFO) by path, or a stream handed over by the caller.
enum Source {
    Path(PathBuf),
    Stream(String, Box<dyn Read + Send>),
    /// An object, opened (one GET, streamed) when its turn comes.
    #[cfg(feature = "object-store")]
    Object(crate::store::Store, crate::store::ObjectPath),
}

/// The input being read.
struct Current {
    /// The name used in rejection sources.
    name: String,
    reader: Box<dyn BufRead + Send>,
    /// Lines read so far.
    line_no: u64,
    /// Decompressed bytes consumed so far.
    offset: u64,
}

/// A streaming JSONL reader over one file, a FIFO or other stream, or a directory of
/// `*.jsonl`, `*.ndjson`, `*.jsonl.gz`, `*.jsonl.zst` … files (suffixes matched ignoring
/// case). gzip and zstd are recognised by their magic bytes, so `--input <(zcat x.gz)`
/// and an unnamed compressed stream both work.
///
/// Each line is one object; field names are mapped with [`FieldNames`]. A line that is
/// not a JSON object, has no content, or is longer than the limit becomes a
/// `malformed_record` / `too_large` rejection naming `file:line`; a stream that breaks
/// off (a truncated or corrupt `.gz`/`.zst`, an I/O error) is one `corrupt_file`
/// rejection whose detail says that an unknown number of records after byte N (of the
/// decompressed stream) are lost; reading goes on with the next file.
pub struct JsonlReader {
    sources: std::collections::VecDeque<Source>,
    current: Option<Current>,
    ctx: RecordCtx,
    batch_size: usize,
    batch_bytes: usize,
    line_limit: usize,
    buf: Vec<u8>,
}

impl JsonlReader {
    /// Opens `path` (a file, a FIFO such as `/dev/fd/63`, or a directory) with the given
    /// field names and options. Fails when the options are invalid
    /// ([`ReadOptions::validate`]) or the path cannot be listed.
    pub fn open(path: impl AsRef<Path>, fields: FieldNames, options: ReadOptions) -> Result<Self> {
        options.validate()?;
        let files = list_files(path.as_ref(), JSONL_SUFFIXES)?;
        Ok(Self::with_sources(
            files.into_iter().map(Source::Path).collect(),
            fields,
            options,
        ))
    }

    /// Opens the JSONL objects at `path` in `store`: the objects under the prefix whose
    /// names end in one of [`JSONL_SUFFIXES`] (sorted by key), or the object itself.
    /// Each object is streamed by one GET when its turn comes (memory: one network
    /// chunk plus one line); an object that cannot be fetched (missing, forbidden, the
    /// store failing after its retries) is one `unreadable` rejection naming its URL, a
    /// body that breaks off or a corrupt `.gz`/`.zst` one `corrupt_file` rejection, as
    /// for local files. Fails when the options are invalid or the prefix cannot be
    /// listed.
    #[cfg(feature = "object-store")]
    pub fn open_store(
        store: &crate::store::Store,
        path: &crate::store::ObjectPath,
        fields: FieldNames,
        options: ReadOptions,
    ) -> Result<Self> {
        options.validate()?;
        let objects = store.list_files(path, JSONL_SUFFIXES)?;
        Ok(Self::with_sources(
            objects
                .into_iter()
                .map(|m| Source::Object(store.clone(), m.location))
                .collect(),
            fields,
            options,
        ))
    }

    /// Reads JSON Lines from any byte stream (plain, gzip or zstd, told apart by magic
    /// bytes), e.g. standard input or an in-memory buffer. `name` stands for the stream
    /// in rejection sources (`name:line`). Fails only when the options are invalid.
    ///
    /// ```
    /// use sheikh_core::io::{FieldNames, JsonlReader, ReadOptions};
    /// let data: &[u8] = b"{\"content\":\"let a = 1;\",\"language\":\"JavaScript\"}\nnot json\n";
    /// let reader = JsonlReader::from_reader("mem", data, FieldNames::default(), ReadOptions::default()).unwrap();
    /// let batches: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
    /// assert_eq!(batches[0].documents.len(), 1);
    /// assert_eq!(batches[0].rejected[0].source, "mem:2");
    /// ```
    pub fn from_reader(
        name: impl Into<String>,
        reader: impl Read + Send + 'static,
        fields: FieldNames,
        options: ReadOptions,
    ) -> Result<Self> {
        options.validate()?;
        Ok(Self::with_sources(
            [Source::Stream(name.into(), Box::new(reader))].into(),
            fields,
            options,
        ))
    }

    fn with_sources(
        sources: std::collections::VecDeque<Source>,
        fields: FieldNames,
        options: ReadOptions,
    ) -> Self {
        JsonlReader {
            sources,
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
        }
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
                let Some(source) = self.sources.pop_front() else {
                    break;
                };
                let (name, opened) = match source {
                    Source::Path(path) => {
                        let name = path.display().to_string();
                        let opened = File::open(&path)
                            .and_then(|f| open_decoded(Box::new(f)))
                            .map_err(|e| CoreError::io(&path, e).to_string());
                        (name, opened)
                    }
                    Source::Stream(name, stream) => {
                        let opened = open_decoded(stream).map_err(|e| format!("{name}: {e}"));
                        (name, opened)
                    }
                    #[cfg(feature = "object-store")]
                    Source::Object(store, path) => {
                        let name = store.url(&path);
                        let opened = store
                            .reader(&path)
                            .map_err(|e| e.to_string())
                            .and_then(|r| {
                                open_decoded(Box::new(r)).map_err(|e| format!("{name}: {e}"))
                            });
                        (name, opened)
                    }
                };
                match opened {
                    Ok(reader) => {
                        self.current = Some(Current {
                            name,
                            reader,
                            line_no: 0,
                            offset: 0,
                        })
                    }
                    Err(message) => {
                        rejected.push(RejectedInput {
                            source: name,
                            bytes: 0,
                            rejection: Rejection::new(Reason::Unreadable, message),
                        });
                        continue;
                    }
                }
            }
            let cur = self.current.as_mut().expect("set above");
            cur.line_no += 1;
            let source = format!("{}:{}", cur.name, cur.line_no);
            let line_start = cur.offset;
            match read_line_limited(
                cur.reader.as_mut(),
                &mut self.buf,
                self.line_limit,
                &mut cur.offset,
            ) {
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
                            format!(
                                "stopped reading at this line: {e}; an unknown number of \
                                 records after byte {line_start} (of the decompressed \
                                 stream) are lost"
                            ),
                        ),
                    });
                    self.current = None;
                }
            }
            if self.current.is_none() && self.sources.is_empty() {
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
