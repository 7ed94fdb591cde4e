//! Configuration of inputs, outputs and the run, read from YAML files.
//!
//! Each section has documented defaults, so a config file names only what differs.
//! The full pipeline's config (see `configs/pipeline.yaml`) composes these sections with
//! the other crates' stage settings.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::io::{
    check_disjoint, claim_output_dir, BoxReader, DirectoryReader, DocumentWriter, FieldNames,
    JsonlFormat, JsonlReader, ParquetFormat, ParquetReader, ReadOptions, ShardedWriter,
    WriterOptions,
};
use crate::io::{has_suffix, JSONL_SUFFIXES, PARQUET_SUFFIXES};
use crate::pipeline::{RejectedPolicy, DEFAULT_REJECTED_MAX_BYTES};
use crate::redact::{RejectedContent, SharedRedactor};
use crate::store::{is_url, StoreConfig};

/// Reads a YAML file into any config type (unknown keys are errors when the type says so).
pub fn load_yaml<T: DeserializeOwned>(path: impl AsRef<Path>) -> Result<T> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| CoreError::io(path, e))?;
    from_yaml_str(&text).map_err(|message| CoreError::Config {
        path: path.to_path_buf(),
        message,
    })
}

/// Parses YAML text into a config type.
pub fn from_yaml_str<T: DeserializeOwned>(text: &str) -> std::result::Result<T, String> {
    serde_saphyr::from_str(text).map_err(|e| e.to_string())
}

/// How to interpret the input path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// A file by its suffix (`.jsonl[.gz|.zst]`, `.ndjson`, `.parquet`); a directory is a source tree (default).
    #[default]
    Auto,
    /// A source tree read with `.gitignore` rules.
    Directory,
    /// JSON Lines file(s).
    Jsonl,
    /// Parquet file(s), The Stack v2 layout.
    Parquet,
}

/// The `input:` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    /// File or directory to read (default `fixtures/corpus`), or an object-store URL
    /// (`s3://bucket/prefix`, `gs://…`, `az://…`, `https://…`) of a JSONL or Parquet
    /// object or of a prefix holding them (see [`crate::store`]).
    pub path: PathBuf,
    /// How to read it (default `auto`).
    pub format: InputFormat,
    /// Directory input: repository name for every file (default none).
    pub repo_name: Option<String>,
    /// Directory input: each top-level directory is a repository (default `false`).
    pub repo_from_top_dir: bool,
    /// JSONL/Parquet input: field names (defaults read The Stack v1/v2 and our output).
    pub fields: FieldNames,
    /// Batching, size limit, vendored-path policy.
    pub read: ReadOptions,
    /// How to reach the object store when `path` is a URL (endpoint, region, retries,
    /// concurrency; credentials come from the environment).
    pub store: StoreConfig,
    /// Read `path` as The Stack v2's metadata rows (Parquet without content) and fetch
    /// each file by `blob_id` from a content store (default none: `path` holds the
    /// documents). See [`StackV2Reader`](crate::io::StackV2Reader).
    #[cfg(feature = "object-store")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_v2: Option<crate::io::StackV2Config>,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            path: PathBuf::from("fixtures/corpus"),
            format: InputFormat::Auto,
            repo_name: None,
            repo_from_top_dir: false,
            fields: FieldNames::default(),
            read: ReadOptions::default(),
            store: StoreConfig::default(),
            #[cfg(feature = "object-store")]
            stack_v2: None,
        }
    }
}

impl InputConfig {
    /// The format `auto` resolves to for this path: a directory is a source tree, a file
    /// is JSONL or Parquet by its suffix (ignoring case, [`JSONL_SUFFIXES`] /
    /// [`PARQUET_SUFFIXES`]) and a source tree of one file otherwise. A pipe or other
    /// non-regular file without such a suffix is an error asking for the format.
    pub fn resolved_format(&self) -> Result<InputFormat> {
        if self.format != InputFormat::Auto {
            return Ok(self.format);
        }
        if is_url(&self.path) {
            return self.resolved_url_format();
        }
        let meta = std::fs::metadata(&self.path).map_err(|e| CoreError::io(&self.path, e))?;
        if meta.is_dir() {
            return Ok(InputFormat::Directory);
        }
        let name = self.path.to_string_lossy();
        if has_suffix(&name, PARQUET_SUFFIXES) {
            Ok(InputFormat::Parquet)
        } else if has_suffix(&name, JSONL_SUFFIXES) {
            Ok(InputFormat::Jsonl)
        } else if !meta.is_file() {
            Err(CoreError::Input {
                path: self.path.clone(),
                message: "is not a regular file (a pipe or process substitution?) and its \
                          name does not tell the format: give the format (--format jsonl, \
                          input.format: jsonl); JSONL streams may be gzip or zstd"
                    .into(),
            })
        } else {
            Ok(InputFormat::Directory)
        }
    }

    /// `auto` for a URL: by its suffix, or for a prefix by the suffixes of the objects
    /// under it (Parquet when any is `.parquet` and none is JSONL, JSONL when any is).
    fn resolved_url_format(&self) -> Result<InputFormat> {
        let name = self.path.to_string_lossy();
        if has_suffix(&name, PARQUET_SUFFIXES) {
            return Ok(InputFormat::Parquet);
        }
        if has_suffix(&name, JSONL_SUFFIXES) {
            return Ok(InputFormat::Jsonl);
        }
        #[cfg(feature = "object-store")]
        {
            let (store, prefix) = crate::store::Store::open(&name, &self.store)?;
            let objects = store.list(&prefix)?;
            let names = || objects.iter().filter_map(|m| m.location.filename());
            if names().any(|n| has_suffix(n, JSONL_SUFFIXES)) {
                return Ok(InputFormat::Jsonl);
            }
            if names().any(|n| has_suffix(n, PARQUET_SUFFIXES)) {
                return Ok(InputFormat::Parquet);
            }
        }
        Err(CoreError::Input {
            path: self.path.clone(),
            message: "holds no JSONL or Parquet object (by name); give input.format, \
                      or point at a prefix of *.jsonl[.gz|.zst] or *.parquet objects"
                .into(),
        })
    }

    /// Checks values that serde cannot (see [`ReadOptions::validate`],
    /// [`StoreConfig::validate`]); [`open`](Self::open) and the readers call it too.
    pub fn validate(&self) -> Result<()> {
        self.read.validate()?;
        #[cfg(feature = "object-store")]
        if let Some(stack) = &self.stack_v2 {
            stack.validate()?;
        }
        self.store
            .validate("input")
            .map_err(|message| CoreError::Config {
                path: "input.store".into(),
                message,
            })
    }

    /// Opens the reader of an object-store URL.
    #[cfg(feature = "object-store")]
    fn open_url(&self) -> Result<BoxReader> {
        let url = self.path.to_string_lossy();
        let format = self.resolved_format()?;
        let (store, path) = crate::store::Store::open(&url, &self.store)?;
        Ok(match format {
            InputFormat::Jsonl => Box::new(JsonlReader::open_store(
                &store,
                &path,
                self.fields.clone(),
                self.read.clone(),
            )?),
            InputFormat::Parquet => Box::new(ParquetReader::open_store(
                &store,
                &path,
                self.fields.clone(),
                self.read.clone(),
            )?),
            InputFormat::Directory | InputFormat::Auto => {
                return Err(CoreError::Input {
                    path: self.path.clone(),
                    message: "a source tree cannot be read from an object store; store \
                              it as JSONL or Parquet (input.format: jsonl or parquet)"
                        .into(),
                })
            }
        })
    }

    /// Opens the reader this section describes.
    pub fn open(&self) -> Result<BoxReader> {
        self.validate()?;
        #[cfg(feature = "object-store")]
        if let Some(stack) = &self.stack_v2 {
            return Ok(Box::new(crate::io::StackV2Reader::open(
                &self.path,
                stack.clone(),
                self.read.clone(),
            )?));
        }
        if is_url(&self.path) {
            #[cfg(feature = "object-store")]
            return self.open_url();
            #[cfg(not(feature = "object-store"))]
            return Err(CoreError::Input {
                path: self.path.clone(),
                message: "is a URL, and this build has no object-store support (enable \
                          sheikh-core's `object-store` feature)"
                    .into(),
            });
        }
        Ok(match self.resolved_format()? {
            InputFormat::Directory | InputFormat::Auto => {
                let mut b = DirectoryReader::builder(&self.path)
                    .options(self.read.clone())
                    .repo_from_top_dir(self.repo_from_top_dir);
                if let Some(r) = &self.repo_name {
                    b = b.repo_name(r.clone());
                }
                Box::new(b.build()?)
            }
            InputFormat::Jsonl => Box::new(JsonlReader::open(
                &self.path,
                self.fields.clone(),
                self.read.clone(),
            )?),
            InputFormat::Parquet => Box::new(ParquetReader::open(
                &self.path,
                self.fields.clone(),
                self.read.clone(),
            )?),
        })
    }
}

/// Output file format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    /// zstd-compressed Parquet in the document schema (default).
    #[default]
    Parquet,
    /// JSON Lines.
    Jsonl,
}

/// The `output:` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// Output directory (default `target/sheikh-out`), or an object-store URL
    /// (`s3://bucket/prefix`; the run is staged locally and uploaded, `_SUCCESS` last,
    /// see [`crate::store::StagedOutput`]).
    pub path: PathBuf,
    /// File format of the kept documents (default `parquet`).
    pub format: OutputFormat,
    /// Shard prefix and size.
    pub shards: WriterOptions,
    /// Also write dropped documents, with their provenance, to `rejected/` as JSONL (default `true`).
    pub write_rejected: bool,
    /// What `rejected/` holds of each dropped document: `none` (id, path, reason, content
    /// hash), `redacted` (default: every text field redacted) or `full` (verbatim).
    pub rejected_content: RejectedContent,
    /// Content bytes written to `rejected/` at most (default 1 GiB); later dropped
    /// documents are written without content and counted in `rejected_without_content`.
    pub rejected_max_bytes: u64,
    /// Replace the output of a previous sheikh run in `path` (default `false`: a run
    /// writes only into a new or empty directory). Only what that run wrote (listed in
    /// its `_SUCCESS`, or under sheikh's output names after a killed run) is removed; a
    /// directory holding anything else is refused. See [`claim_output_dir`].
    pub overwrite: bool,
    /// How to reach the object store when `path` is a URL.
    pub store: StoreConfig,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            path: PathBuf::from("target/sheikh-out"),
            format: OutputFormat::Parquet,
            shards: WriterOptions::default(),
            write_rejected: true,
            rejected_content: RejectedContent::Redacted,
            rejected_max_bytes: DEFAULT_REJECTED_MAX_BYTES,
            overwrite: false,
            store: StoreConfig::default(),
        }
    }
}

impl OutputConfig {
    /// Checks values that serde cannot: the path is not empty and the shard prefix is
    /// one plain file name (shards stay inside `data/` and `rejected/`).
    pub fn validate(&self) -> Result<()> {
        let bad = |message: String| CoreError::Config {
            path: PathBuf::from("output"),
            message,
        };
        if self.path.as_os_str().is_empty() {
            return Err(bad("output.path is empty".into()));
        }
        self.store.validate("output").map_err(bad)?;
        self.shards.validate("output.shards").map_err(bad)
    }

    /// Makes `path` this run's output directory before anything is written (see
    /// [`claim_output_dir`]): refuses a directory that is the input, lies inside it or
    /// contains it, and a non-empty one unless `overwrite` is set and it holds a
    /// previous sheikh run, which is then removed.
    pub fn claim(&self, input: &Path) -> Result<()> {
        check_disjoint(input, &self.path)?;
        claim_output_dir(&self.path, self.overwrite)
    }

    /// The directory kept documents go to.
    pub fn data_dir(&self) -> PathBuf {
        self.path.join("data")
    }

    /// The directory rejected documents go to.
    pub fn rejected_dir(&self) -> PathBuf {
        self.path.join("rejected")
    }

    /// Opens the writer of kept documents.
    pub fn open_writer(&self) -> Box<dyn DocumentWriter> {
        match self.format {
            OutputFormat::Parquet => Box::new(ShardedWriter::new(
                self.data_dir(),
                ParquetFormat::default(),
                self.shards.clone(),
            )),
            OutputFormat::Jsonl => Box::new(ShardedWriter::new(
                self.data_dir(),
                JsonlFormat,
                self.shards.clone(),
            )),
        }
    }

    /// The rejected-sink policy this section describes, with the redactor it uses.
    pub fn rejected_policy(&self, redactor: Option<SharedRedactor>) -> RejectedPolicy {
        RejectedPolicy {
            content: self.rejected_content,
            redactor,
            max_bytes: self.rejected_max_bytes,
        }
    }

    /// Opens the writer of rejected documents, if asked for.
    pub fn open_rejected_writer(&self) -> Option<Box<dyn DocumentWriter>> {
        self.write_rejected.then(|| {
            Box::new(ShardedWriter::new(
                self.rejected_dir(),
                JsonlFormat,
                self.shards.clone(),
            )) as Box<dyn DocumentWriter>
        })
    }
}

/// The `runtime:` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuntimeConfig {
    /// Worker threads; 0 means one per core (default 0). Output does not depend on it.
    pub threads: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_yaml_fills_defaults_and_rejects_typos() {
        let c: InputConfig =
            from_yaml_str("path: data/in.jsonl\nread:\n  batch_size: 7\n").unwrap();
        assert_eq!(c.path, PathBuf::from("data/in.jsonl"));
        assert_eq!(c.read.batch_size, 7);
        assert_eq!(c.read.max_doc_bytes, ReadOptions::default().max_doc_bytes);
        assert_eq!(c.fields, FieldNames::default());
        let err = from_yaml_str::<InputConfig>("pathh: x\n").unwrap_err();
        assert!(err.contains("pathh"), "{err}");
    }
}
