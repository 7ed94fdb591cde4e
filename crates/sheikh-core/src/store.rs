//! Object storage: inputs and outputs at `s3://`, `gs://`, `az://`, `http(s)://` URLs.
//!
//! One abstraction, the Apache Arrow project's [`object_store`] crate, serves every
//! store: a [`Store`] is an `Arc<dyn ObjectStore>` for one bucket (or container, or
//! HTTP origin), limited to [`StoreConfig::concurrency`] requests in flight, retrying
//! 5xx answers and timeouts with exponential backoff ([`StoreConfig::max_retries`]),
//! plus the one small tokio runtime that drives its requests. The pipeline stays
//! synchronous: readers block on the runtime for the next chunk of a stream or the next
//! Parquet row group, so memory stays bounded by bytes as with local files.
//!
//! Credentials and settings come from the environment the way each cloud's tools read
//! them (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`, `GOOGLE_SERVICE_ACCOUNT`, `AZURE_STORAGE_*` …,
//! see `AmazonS3Builder::from_env`), overridden by [`StoreConfig::options`] (any
//! `object_store` configuration key: `aws_endpoint`, `aws_region`, `allow_http`,
//! `aws_skip_signature` for public buckets …), so S3-compatible stores (MinIO, R2, Ceph)
//! need only an endpoint.
//!
//! Outputs: an [`StagedOutput`] is an output prefix claimed like a local output
//! directory (new or empty, or a previous sheikh run when overwriting), written through
//! a local staging directory and committed by uploading every file the run's
//! `_SUCCESS` lists — large files as multipart uploads, which S3 makes visible only
//! when complete, so no half object ever appears under a final key — and `_SUCCESS`
//! itself last.
//!
//! [`object_store`]: https://docs.rs/object_store

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Whether `path` is a URL (`scheme://…`, e.g. `s3://bucket/prefix`) rather than a
/// local path. The scheme is letters, digits, `+`, `-`, `.`, starting with a letter.
///
/// ```
/// use std::path::Path;
/// use sheikh_core::store::is_url;
/// assert!(is_url(Path::new("s3://bucket/in")));
/// assert!(is_url(Path::new("https://example.com/x.jsonl")));
/// assert!(!is_url(Path::new("data/in.jsonl")));
/// assert!(!is_url(Path::new("C:/data")));
/// ```
pub fn is_url(path: &Path) -> bool {
    let Some(s) = path.to_str() else {
        return false;
    };
    let Some((scheme, _)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// How to reach an object store (the `store:` key of the `input:` and `output:`
/// sections). Every field has a default; the environment supplies credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `object_store` configuration keys and values, applied over what the environment
    /// gives (default none). Examples: `aws_endpoint: http://127.0.0.1:9000`,
    /// `aws_region: eu-west-1`, `allow_http: "true"`, `aws_skip_signature: "true"`.
    pub options: BTreeMap<String, String>,
    /// Requests in flight at most, per store handle (default 16).
    pub concurrency: usize,
    /// Retries of a failed request (5xx, timeout, connection error) before it fails
    /// (default 10).
    pub max_retries: usize,
    /// First backoff between retries in milliseconds, doubled up to 15 s (default 100).
    pub backoff_ms: u64,
    /// No retry starts later than this many seconds after the first attempt
    /// (default 180).
    pub retry_timeout_secs: u64,
    /// Timeout of one request in seconds, unless `options` sets `timeout` (default 60).
    pub request_timeout_secs: u64,
    /// Size of one part of a multipart upload; files up to this size are uploaded in one
    /// request (default 16 MiB; S3 needs at least 5 MiB).
    pub part_bytes: usize,
    /// Where outputs to a store are staged before upload (default the system's
    /// temporary directory).
    pub staging_dir: Option<PathBuf>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            options: BTreeMap::new(),
            concurrency: 16,
            max_retries: 10,
            backoff_ms: 100,
            retry_timeout_secs: 180,
            request_timeout_secs: 60,
            part_bytes: 16 << 20,
            staging_dir: None,
        }
    }
}

impl StoreConfig {
    /// Checks the values serde cannot: `concurrency` and `request_timeout_secs` at
    /// least 1, `part_bytes` at least 5 MiB (the S3 minimum of a part).
    pub fn validate(&self, section: &str) -> std::result::Result<(), String> {
        if self.concurrency == 0 {
            return Err(format!("{section}.store.concurrency must be at least 1"));
        }
        if self.request_timeout_secs == 0 {
            return Err(format!(
                "{section}.store.request_timeout_secs must be at least 1"
            ));
        }
        if self.part_bytes < 5 << 20 {
            return Err(format!(
                "{section}.store.part_bytes is {}; S3 needs parts of at least 5 MiB (5242880)",
                self.part_bytes
            ));
        }
        Ok(())
    }
}

#[cfg(feature = "object-store")]
mod imp;
#[cfg(feature = "object-store")]
pub use imp::*;
