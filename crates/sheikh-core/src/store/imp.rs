//! The `object_store`-backed half of [`crate::store`] (feature `object-store`).

use std::future::Future;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, Bytes};
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::limit::LimitStore;
use object_store::{
    BackoffConfig, ObjectStore, ObjectStoreExt, ObjectStoreScheme, PutPayload, RetryConfig,
    WriteMultipart,
};

pub use object_store::path::Path as ObjectPath;
pub use object_store::ObjectMeta;

use super::StoreConfig;
use crate::error::{CoreError, Result};
use crate::io::{has_suffix, read_success, RUN_MARKER, SUCCESS_FILE};

/// Multipart uploads keep at most this many parts in flight (memory: this many
/// `part_bytes` buffers plus one being filled).
const UPLOAD_PARTS_IN_FLIGHT: usize = 4;

/// A handle to one object store (an S3 bucket, a GCS bucket, an Azure container, an
/// HTTP origin or the local file system by `file://`), with the tokio runtime that
/// drives its requests. Cloning shares both. Requests in flight are limited to
/// [`StoreConfig::concurrency`] and retried with backoff on 5xx answers, timeouts and
/// connection errors.
///
/// ```no_run
/// use sheikh_core::store::{Store, StoreConfig};
/// let (store, prefix) = Store::open("s3://my-bucket/corpus", &StoreConfig::default())?;
/// for object in store.list(&prefix)? {
///     println!("{} ({} bytes)", store.url(&object.location), object.size);
/// }
/// # Ok::<(), sheikh_core::CoreError>(())
/// ```
#[derive(Clone)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
    runtime: Arc<tokio::runtime::Runtime>,
    /// `scheme://host` of the URL the store was opened with.
    root: String,
    config: StoreConfig,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("root", &self.root)
            .field("store", &self.inner.to_string())
            .finish()
    }
}

/// A configuration error naming the URL.
fn bad_url(url: &str, message: impl Into<String>) -> CoreError {
    CoreError::Input {
        path: url.into(),
        message: message.into(),
    }
}

/// Applies `options` to an `object_store` builder whose config keys parse from strings.
macro_rules! configure {
    ($builder:expr, $key:ty, $options:expr, $url:expr) => {{
        let mut b = $builder;
        for (k, v) in $options {
            let key: $key = k
                .parse()
                .map_err(|e| bad_url($url, format!("store option {k:?}: {e}")))?;
            b = b.with_config(key, v.clone());
        }
        b
    }};
}

impl Store {
    /// Opens the store a URL names and returns it with the object path the URL points
    /// at (`s3://bucket/a/b` → the bucket's store and `a/b`). Schemes: `s3://`,
    /// `s3a://`, `gs://`, `az://`, `abfs(s)://`, `http(s)://` (S3, GCS and Azure
    /// HTTPS URLs are recognised as such) and `file://`. Credentials and settings come
    /// from the environment, then from `config.options`.
    pub fn open(url: &str, config: &StoreConfig) -> Result<(Store, ObjectPath)> {
        config.validate("store").map_err(|m| bad_url(url, m))?;
        let parsed = url::Url::parse(url).map_err(|e| bad_url(url, format!("bad URL: {e}")))?;
        let (scheme, path) = ObjectStoreScheme::parse(&parsed).map_err(|e| CoreError::Store {
            url: url.into(),
            source: e.into(),
        })?;
        let path = ObjectPath::from_url_path(path).map_err(|e| CoreError::Store {
            url: url.into(),
            source: e.into(),
        })?;
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(config.backoff_ms),
                max_backoff: Duration::from_secs(15),
                base: 2.0,
            },
            max_retries: config.max_retries,
            retry_timeout: Duration::from_secs(config.retry_timeout_secs),
        };
        let mut options: Vec<(String, String)> = vec![(
            "timeout".into(),
            format!("{}s", config.request_timeout_secs),
        )];
        options.extend(config.options.iter().map(|(k, v)| (k.clone(), v.clone())));
        let origin = &parsed[..url::Position::BeforePath];
        let built = match scheme {
            ObjectStoreScheme::AmazonS3 => {
                let b = object_store::aws::AmazonS3Builder::from_env()
                    .with_url(url)
                    .with_retry(retry);
                configure!(b, object_store::aws::AmazonS3ConfigKey, &options, url)
                    .build()
                    .map(|s| Arc::new(LimitStore::new(s, config.concurrency)) as _)
            }
            ObjectStoreScheme::GoogleCloudStorage => {
                let b = object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_url(url)
                    .with_retry(retry);
                configure!(b, object_store::gcp::GoogleConfigKey, &options, url)
                    .build()
                    .map(|s| Arc::new(LimitStore::new(s, config.concurrency)) as _)
            }
            ObjectStoreScheme::MicrosoftAzure => {
                let b = object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_url(url)
                    .with_retry(retry);
                configure!(b, object_store::azure::AzureConfigKey, &options, url)
                    .build()
                    .map(|s| Arc::new(LimitStore::new(s, config.concurrency)) as _)
            }
            ObjectStoreScheme::Http => {
                let b = object_store::http::HttpBuilder::new()
                    .with_url(origin)
                    .with_retry(retry);
                configure!(b, object_store::ClientConfigKey, &options, url)
                    .build()
                    .map(|s| Arc::new(LimitStore::new(s, config.concurrency)) as _)
            }
            ObjectStoreScheme::Local => {
                Ok(Arc::new(object_store::local::LocalFileSystem::new()) as _)
            }
            other => {
                return Err(bad_url(
                    url,
                    format!("the {other:?} scheme is not an object store sheikh reads"),
                ))
            }
        };
        let inner: Arc<dyn ObjectStore> = built.map_err(|e| CoreError::Store {
            url: url.into(),
            source: e,
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sheikh-store")
            .enable_all()
            .build()
            .map_err(|e| CoreError::io(url, e))?;
        let root = match scheme {
            ObjectStoreScheme::Local => "file://".to_string(),
            _ => origin.to_string(),
        };
        Ok((
            Store {
                inner,
                runtime: Arc::new(runtime),
                root,
                config: config.clone(),
            },
            path,
        ))
    }

    /// The full URL of an object of this store.
    pub fn url(&self, path: &ObjectPath) -> String {
        if path.as_ref().is_empty() {
            self.root.clone()
        } else {
            format!("{}/{}", self.root, path)
        }
    }

    /// The underlying `object_store` (already limited and retrying).
    pub fn object_store(&self) -> Arc<dyn ObjectStore> {
        self.inner.clone()
    }

    /// The settings the store was opened with.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Runs a future of this store's requests to completion on its runtime, from
    /// synchronous code (never from inside an async task).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn error(&self, path: &ObjectPath, source: object_store::Error) -> CoreError {
        CoreError::Store {
            url: self.url(path),
            source,
        }
    }

    /// Every object under `prefix` (path segments: `in` lists `in/…`, not `input/…`),
    /// sorted by key.
    pub fn list(&self, prefix: &ObjectPath) -> Result<Vec<ObjectMeta>> {
        let prefix_opt = (!prefix.as_ref().is_empty()).then_some(prefix);
        let mut all: Vec<ObjectMeta> = self
            .block_on(self.inner.list(prefix_opt).try_collect())
            .map_err(|e| self.error(prefix, e))?;
        all.sort_by(|a, b| a.location.cmp(&b.location));
        Ok(all)
    }

    /// The object at `path`, or `None` when there is none.
    pub fn head(&self, path: &ObjectPath) -> Result<Option<ObjectMeta>> {
        match self.block_on(self.inner.head(path)) {
            Ok(m) => Ok(Some(m)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(path, e)),
        }
    }

    /// The input objects at `path`, like [`crate::io::list_files`] for a directory: the
    /// objects under the prefix whose names end in one of `suffixes` (ignoring case;
    /// names starting with `.` skipped), sorted by key; or the object `path` itself when
    /// nothing lies under it. Neither is an error naming the URL.
    pub fn list_files(&self, path: &ObjectPath, suffixes: &[&str]) -> Result<Vec<ObjectMeta>> {
        let under = self.list(path)?;
        if under.is_empty() {
            return match self.head(path)? {
                Some(m) => Ok(vec![m]),
                None => Err(bad_url(&self.url(path), "no such object or prefix")),
            };
        }
        Ok(under
            .into_iter()
            .filter(|m| {
                let name = m.location.filename().unwrap_or("");
                !name.starts_with('.') && has_suffix(name, suffixes)
            })
            .collect())
    }

    /// The whole object (for small objects: blobs, manifests).
    pub fn get(&self, path: &ObjectPath) -> Result<Bytes> {
        self.block_on(async { self.inner.get(path).await?.bytes().await })
            .map_err(|e| self.error(path, e))
    }

    /// A reader streaming the object chunk by chunk as the body arrives: memory is one
    /// network chunk, whatever the object's size. Fails when the object cannot be
    /// opened (missing, forbidden, the store unreachable after retries).
    pub fn reader(&self, path: &ObjectPath) -> Result<ObjectReader> {
        let got = self
            .block_on(self.inner.get(path))
            .map_err(|e| self.error(path, e))?;
        Ok(ObjectReader {
            runtime: self.runtime.clone(),
            stream: got.into_stream(),
            chunk: Bytes::new(),
        })
    }

    /// Writes `bytes` as one object (atomic: the object appears complete or not at all).
    pub fn put(&self, path: &ObjectPath, bytes: impl Into<Bytes>) -> Result<()> {
        let payload = PutPayload::from_bytes(bytes.into());
        self.block_on(self.inner.put(path, payload))
            .map(|_| ())
            .map_err(|e| self.error(path, e))
    }

    /// Deletes an object (no error when it is already gone).
    pub fn delete(&self, path: &ObjectPath) -> Result<()> {
        match self.block_on(self.inner.delete(path)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(path, e)),
        }
    }

    /// Uploads a local file to `path`: in one request up to
    /// [`StoreConfig::part_bytes`], else as a multipart upload of such parts with at
    /// most four in flight, which the store makes visible only once complete (and
    /// which is aborted on error). Returns the bytes uploaded.
    pub fn upload_file(&self, local: &std::path::Path, path: &ObjectPath) -> Result<u64> {
        let size = std::fs::metadata(local)
            .map_err(|e| CoreError::io(local, e))?
            .len();
        let part = self.config.part_bytes;
        if size <= part as u64 {
            let bytes = std::fs::read(local).map_err(|e| CoreError::io(local, e))?;
            self.put(path, bytes)?;
            return Ok(size);
        }
        let mut file = std::fs::File::open(local).map_err(|e| CoreError::io(local, e))?;
        let upload = self
            .block_on(self.inner.put_multipart(path))
            .map_err(|e| self.error(path, e))?;
        // WriteMultipart spawns one task per part: they run on this store's runtime.
        let _context = self.runtime.enter();
        let mut writer = WriteMultipart::new_with_chunk_size(upload, part);
        let mut buf = vec![0u8; part];
        let result: Result<()> = loop {
            let n = match read_full(&mut file, &mut buf) {
                Ok(n) => n,
                Err(e) => break Err(CoreError::io(local, e)),
            };
            if n == 0 {
                break Ok(());
            }
            if let Err(e) = self.block_on(writer.wait_for_capacity(UPLOAD_PARTS_IN_FLIGHT)) {
                break Err(self.error(path, e));
            }
            writer.write(&buf[..n]);
        };
        match result {
            Ok(()) => self
                .block_on(writer.finish())
                .map(|_| size)
                .map_err(|e| self.error(path, e)),
            Err(e) => {
                let _ = self.block_on(writer.abort());
                Err(e)
            }
        }
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A blocking [`Read`] over an object's body, pulling one network chunk at a time on
/// the store's runtime ([`Store::reader`]). A body that breaks off after the store's
/// retries is an I/O error of the read.
pub struct ObjectReader {
    runtime: Arc<tokio::runtime::Runtime>,
    stream: BoxStream<'static, object_store::Result<Bytes>>,
    chunk: Bytes,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() {
            match self.runtime.block_on(self.stream.next()) {
                None => return Ok(0),
                Some(Ok(b)) => self.chunk = b,
                Some(Err(e)) => return Err(std::io::Error::other(e)),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk.advance(n);
        Ok(n)
    }
}

/// An output "directory" in an object store, written through a local staging
/// directory: a run writes its whole output into [`local_dir`](Self::local_dir) with
/// the same code as a local run, then [`commit`](Self::commit) uploads it. The local
/// disk needs room for one run's output.
///
/// [`claim`](Self::claim) follows the local rules ([`crate::io::claim_output_dir`]):
/// the prefix must hold no object, or — with `overwrite` — only a previous sheikh run
/// (its `_SUCCESS` or run marker, and only objects under sheikh's output names), which
/// is deleted. The claimed prefix gets the run marker `.sheikh-run` first, so the
/// remains of an interrupted upload can be overwritten later.
#[derive(Debug)]
pub struct StagedOutput {
    store: Store,
    prefix: ObjectPath,
    url: String,
    staging: tempfile::TempDir,
}

impl StagedOutput {
    /// Claims the output prefix at `url` and creates the staging directory.
    pub fn claim(url: &str, config: &StoreConfig, overwrite: bool) -> Result<Self> {
        let (store, prefix) = Store::open(url, config)?;
        let existing = store.list(&prefix)?;
        if !existing.is_empty() {
            let rel = |m: &ObjectMeta| -> String {
                m.location
                    .prefix_match(&prefix)
                    .map(|parts| parts.map(|p| p.as_ref().to_string()).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .join("/")
            };
            let names: Vec<String> = existing.iter().map(rel).collect();
            let examples = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
            if !overwrite {
                return Err(CoreError::Output {
                    path: url.into(),
                    message: format!(
                        "holds {} object(s) (e.g. {examples}); a run writes only into an \
                         empty prefix, or pass overwrite to replace a previous sheikh run",
                        names.len()
                    ),
                });
            }
            let marked = names.iter().any(|n| n == SUCCESS_FILE || n == RUN_MARKER);
            let foreign: Vec<&String> = names
                .iter()
                .filter(|n| {
                    let top = n.split('/').next().unwrap_or("");
                    !(n.as_str() == SUCCESS_FILE
                        || n.as_str() == RUN_MARKER
                        || crate::io::is_known_output(top))
                })
                .collect();
            if !marked || !foreign.is_empty() {
                return Err(CoreError::Output {
                    path: url.into(),
                    message: format!(
                        "overwrite refused: the prefix does not hold only a previous sheikh \
                         run ({}); nothing was deleted",
                        if marked {
                            format!(
                                "other objects: {}",
                                foreign
                                    .iter()
                                    .take(3)
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        } else {
                            "no _SUCCESS or .sheikh-run marker".into()
                        }
                    ),
                });
            }
            // The completion marker goes first, so an interrupted delete leaves an
            // unfinished run, never a finished-looking one.
            let mut order: Vec<&ObjectMeta> = existing.iter().collect();
            order.sort_by_key(|m| rel(m) != SUCCESS_FILE);
            for m in order {
                store.delete(&m.location)?;
            }
        }
        store.put(&prefix.clone().join(RUN_MARKER), Bytes::new())?;
        let staging = match &config.staging_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
                tempfile::Builder::new()
                    .prefix("sheikh-staging-")
                    .tempdir_in(dir)
            }
            None => tempfile::Builder::new().prefix("sheikh-staging-").tempdir(),
        }
        .map_err(|e| CoreError::io(config.staging_dir.clone().unwrap_or_default(), e))?;
        Ok(StagedOutput {
            store,
            prefix,
            url: url.trim_end_matches('/').to_string(),
            staging,
        })
    }

    /// The local directory the run writes into.
    pub fn local_dir(&self) -> &std::path::Path {
        self.staging.path()
    }

    /// The output URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL a file of the staging directory is committed to.
    pub fn url_of(&self, local: &std::path::Path) -> String {
        match local.strip_prefix(self.staging.path()) {
            Ok(rel) => format!("{}/{}", self.url, slash(rel)),
            Err(_) => local.display().to_string(),
        }
    }

    /// Uploads the finished run: every file the staging directory's `_SUCCESS` lists,
    /// in its order, then `_SUCCESS` itself last. Fails (uploading nothing) when the
    /// staging directory holds no `_SUCCESS`. Returns the URLs written; the staging
    /// directory is removed.
    ///
    /// Before the upload, the run's descriptive files that name where the output is
    /// (`stats.json`, `stats.md`, `tokens/dataset.json`, `tokens/training.yaml`: top-level
    /// and `tokens/` files ending in `.json`, `.yaml`, `.md`, `.html`) are relocated: the
    /// staging directory's path in them becomes the output URL, as a local run names
    /// its own directory, and `_SUCCESS` is written again for the new contents. Data
    /// files (`data/`, `rejected/`, `pairs/`, token shards) are never changed.
    pub fn commit(self) -> Result<Vec<String>> {
        let dir = self.staging.path();
        if read_success(dir)?.is_none() {
            return Err(CoreError::Output {
                path: dir.to_path_buf(),
                message: "the run did not finish (no _SUCCESS): nothing was uploaded".into(),
            });
        }
        self.relocate()?;
        let manifest = crate::io::write_success(dir)?;
        let mut urls = Vec::with_capacity(manifest.files.len() + 1);
        for entry in manifest
            .files
            .iter()
            .map(|e| e.path.as_str())
            .chain([SUCCESS_FILE])
        {
            let mut key = self.prefix.clone();
            for part in entry.split('/') {
                key = key.join(part);
            }
            self.store.upload_file(&dir.join(entry), &key)?;
            urls.push(self.store.url(&key));
        }
        Ok(urls)
    }
}

impl StagedOutput {
    /// Replaces the staging directory's path by the output URL in the descriptive
    /// files (see [`commit`](Self::commit)).
    fn relocate(&self) -> Result<()> {
        let dir = self.staging.path();
        let Some(from) = dir.to_str() else {
            return Ok(());
        };
        let manifest = read_success(dir)?.unwrap_or_else(|| crate::io::SuccessManifest {
            version: 1,
            tool: "sheikh".into(),
            files: Vec::new(),
        });
        for entry in &manifest.files {
            let descriptive = matches!(
                entry.path.split('/').collect::<Vec<_>>()[..],
                [_] | ["tokens", _]
            ) && has_suffix(&entry.path, &[".json", ".yaml", ".md", ".html"]);
            if !descriptive {
                continue;
            }
            let path = dir.join(&entry.path);
            let text = std::fs::read(&path).map_err(|e| CoreError::io(&path, e))?;
            let Ok(text) = String::from_utf8(text) else {
                continue;
            };
            if text.contains(from) {
                let mut f = crate::io::AtomicFile::create(&path)?;
                std::io::Write::write_all(&mut f, text.replace(from, &self.url).as_bytes())
                    .map_err(|e| CoreError::io(&path, e))?;
                f.commit()?;
            }
        }
        Ok(())
    }
}

fn slash(rel: &std::path::Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
