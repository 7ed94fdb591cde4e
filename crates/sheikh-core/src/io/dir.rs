//! Reading a source tree, with `.gitignore` rules, in bounded batches.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{CoreError, Result};
use crate::io::record::{RawContent, RecordParts};
use crate::io::{ReadBatch, ReadOptions, RejectedInput};
use crate::langid::LanguageIdentifier;
use crate::provenance::{Reason, Rejection};

/// Builds a [`DirectoryReader`].
#[derive(Debug, Clone)]
pub struct DirectoryReaderBuilder {
    root: PathBuf,
    options: ReadOptions,
    repo_name: Option<String>,
    repo_from_top_dir: bool,
    hidden: bool,
}

impl DirectoryReaderBuilder {
    /// Read options (batch size, size limit, vendored policy…).
    pub fn options(mut self, options: ReadOptions) -> Self {
        self.options = options;
        self
    }

    /// Every document gets this repository name.
    pub fn repo_name(mut self, name: impl Into<String>) -> Self {
        self.repo_name = Some(name.into());
        self
    }

    /// Treat each top-level directory as a repository: its name becomes `repo_name` and
    /// paths are relative to it.
    pub fn repo_from_top_dir(mut self, yes: bool) -> Self {
        self.repo_from_top_dir = yes;
        self
    }

    /// Also read hidden files (default `true`; `.git/` is always skipped).
    pub fn hidden(mut self, yes: bool) -> Self {
        self.hidden = yes;
        self
    }

    /// Follow symbolic links (overrides `options.follow_symlinks`; default `false`).
    pub fn follow_symlinks(mut self, yes: bool) -> Self {
        self.options.follow_symlinks = yes;
        self
    }

    /// Starts the walk. Fails if the root does not exist or the options are invalid
    /// (see [`ReadOptions::validate`]).
    pub fn build(self) -> Result<DirectoryReader> {
        self.options.validate()?;
        if !self.root.exists() {
            return Err(CoreError::Input {
                path: self.root,
                message: "does not exist".into(),
            });
        }
        let walk = source_walk_with(&self.root, self.hidden, self.options.follow_symlinks);
        Ok(DirectoryReader {
            identifier: self.options.identifier(),
            root: self.root,
            options: self.options,
            repo_name: self.repo_name,
            repo_from_top_dir: self.repo_from_top_dir,
            walk,
            queue: std::collections::VecDeque::new(),
            done: false,
        })
    }
}

/// A streaming reader over a source tree.
///
/// Walks in file-name order (so the output order is deterministic), respects
/// `.gitignore` and `.ignore` files (with or without a git repository), follows
/// symbolic links only when asked (`follow_symlinks`, with loop detection), and reads
/// each batch's files in parallel. Binary, non-UTF-8, empty, too large and unreadable
/// files become counted rejections, and so does every entry that is not a regular file
/// or a directory (symlinks when not followed, FIFOs, sockets, devices:
/// `not_regular_file`), so every entry of the tree is accounted for.
///
/// ```no_run
/// use sheikh_core::io::DirectoryReader;
/// for batch in DirectoryReader::builder("fixtures/corpus").repo_from_top_dir(true).build()? {
///     let batch = batch?;
///     println!("{} documents, {} rejected", batch.documents.len(), batch.rejected.len());
/// }
/// # Ok::<(), sheikh_core::CoreError>(())
/// ```
pub struct DirectoryReader {
    root: PathBuf,
    options: ReadOptions,
    identifier: LanguageIdentifier,
    repo_name: Option<String>,
    repo_from_top_dir: bool,
    walk: ignore::Walk,
    queue: std::collections::VecDeque<Pending>,
    done: bool,
}

/// A file found by the walk, not yet read.
struct Pending {
    path: PathBuf,
    rel: String,
    /// Size in bytes, once known.
    size: Option<u64>,
}

impl DirectoryReader {
    /// A builder for a reader rooted at `root` (a directory or a single file).
    pub fn builder(root: impl AsRef<Path>) -> DirectoryReaderBuilder {
        DirectoryReaderBuilder {
            root: root.as_ref().to_path_buf(),
            options: ReadOptions::default(),
            repo_name: None,
            repo_from_top_dir: false,
            hidden: true,
        }
    }

    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let rel = if rel.as_os_str().is_empty() {
            Path::new(path.file_name().unwrap_or_default())
        } else {
            rel
        };
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn read_one(&self, p: Pending) -> std::result::Result<crate::Document, RejectedInput> {
        let reject = |rejection: Rejection, bytes: u64| RejectedInput {
            source: p.path.display().to_string(),
            bytes,
            rejection,
        };
        let size = p.size.unwrap_or(0);
        if size as usize > self.options.max_doc_bytes {
            return Err(reject(
                Rejection::new(
                    Reason::TooLarge,
                    format!(
                        "{size} bytes > max_doc_bytes {}",
                        self.options.max_doc_bytes
                    ),
                ),
                size,
            ));
        }
        let bytes = read_at_most(&p.path, self.options.max_doc_bytes)
            .map_err(|e| reject(Rejection::new(Reason::Unreadable, e.to_string()), size))?;
        if bytes.len() > self.options.max_doc_bytes {
            // The file grew after its size was taken.
            return Err(reject(
                Rejection::new(
                    Reason::TooLarge,
                    format!(
                        "more than max_doc_bytes {} bytes",
                        self.options.max_doc_bytes
                    ),
                ),
                bytes.len() as u64,
            ));
        }
        let (repo, path) = match (&self.repo_name, self.repo_from_top_dir) {
            (_, true) => match p.rel.split_once('/') {
                Some((repo, rest)) => (Some(repo.to_string()), rest.to_string()),
                None => (self.repo_name.clone(), p.rel.clone()),
            },
            (repo, false) => (repo.clone(), p.rel.clone()),
        };
        let parts = RecordParts {
            content: Some(RawContent::Bytes(bytes)),
            path: Some(path),
            repo_name: repo,
            ..Default::default()
        };
        parts
            .into_document(&self.options, &self.identifier)
            .map_err(|r| reject(r, size))
    }
}

impl Iterator for DirectoryReader {
    type Item = Result<ReadBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut rejected = Vec::new();
        // 1. Top the queue up from the walk (names only: the walk is sequential).
        while !self.done
            && self.queue.len() < self.options.batch_size
            && rejected.len() < self.options.batch_size
        {
            let Some(entry) = self.walk.next() else {
                self.done = true;
                break;
            };
            match entry {
                Err(e) => rejected.push(RejectedInput {
                    source: error_path(&e).unwrap_or(&self.root).display().to_string(),
                    bytes: 0,
                    rejection: Rejection::new(Reason::Unreadable, e.to_string()),
                }),
                Ok(entry) => {
                    let Some(ft) = entry.file_type() else {
                        // Only stdin has no file type; the walk never yields it.
                        continue;
                    };
                    if ft.is_dir() {
                        continue;
                    }
                    if !ft.is_file() {
                        rejected.push(RejectedInput {
                            source: entry.path().display().to_string(),
                            bytes: 0,
                            rejection: Rejection::new(
                                Reason::NotRegularFile,
                                describe_file_type(ft),
                            ),
                        });
                        continue;
                    }
                    let path = entry.into_path();
                    let rel = self.relative(&path);
                    self.queue.push_back(Pending {
                        path,
                        rel,
                        size: None,
                    });
                }
            }
        }
        if self.queue.is_empty() && rejected.is_empty() {
            return None;
        }
        // 2. Sizes, in parallel.
        self.queue
            .par_iter_mut()
            .filter(|p| p.size.is_none())
            .for_each(|p| p.size = Some(fs::metadata(&p.path).map(|m| m.len()).unwrap_or(0)));
        // 3. The batch: up to `batch_bytes` of readable files (at least one file); the
        // rest waits for the next batch. Files over the limit are not read, so they do
        // not count against the batch.
        let mut bytes = 0usize;
        let mut take = 0;
        for p in &self.queue {
            if take > 0 && bytes >= self.options.batch_bytes {
                break;
            }
            let size = p.size.unwrap_or(0) as usize;
            if size <= self.options.max_doc_bytes {
                bytes += size;
            }
            take += 1;
        }
        let pending: Vec<Pending> = self.queue.drain(..take).collect();
        let results: Vec<_> = pending.into_par_iter().map(|p| self.read_one(p)).collect();
        Some(Ok(ReadBatch::from_results(results, rejected)))
    }
}

/// Reads a file, but no more than `limit + 1` bytes (so a file that grew past the limit
/// is noticed without reading all of it).
fn read_at_most(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The path a walk error is about, if it names one.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// What kind of non-regular file this is, for a `not_regular_file` rejection.
fn describe_file_type(ft: fs::FileType) -> &'static str {
    if ft.is_symlink() {
        return "symbolic link (not followed; set input.read.follow_symlinks to follow links)";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_block_device() {
            return "block device";
        }
        if ft.is_char_device() {
            return "character device";
        }
    }
    "not a regular file"
}

/// The walk of a source tree that [`DirectoryReader`] reads, in its order: sorted by
/// file name, `.gitignore`/`.ignore` files honoured without needing git, no parent or
/// global ignore files, symlinks not followed, `.git/` skipped, hidden files included
/// when `hidden` is true. Planners that split the same tree into shards use it too.
pub fn source_walk(root: &Path, hidden: bool) -> ignore::Walk {
    source_walk_with(root, hidden, false)
}

/// [`source_walk`], following symbolic links when `follow_links` is true (the walk then
/// reports link loops as errors instead of looping).
pub fn source_walk_with(root: &Path, hidden: bool, follow_links: bool) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .hidden(!hidden)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .ignore(true)
        .parents(false)
        .follow_links(follow_links)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| e.file_name() != ".git")
        .build()
}
