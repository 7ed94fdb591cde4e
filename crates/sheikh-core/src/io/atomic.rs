//! Files that appear under their final name only when complete.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};

/// A file written under a hidden temporary name (`.NAME.tmp` in the same directory) and
/// renamed to its final name by [`commit`](AtomicFile::commit). Dropped without a commit,
/// the temporary file is removed, so an interrupted run never leaves a half file under a
/// real name.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.jsonl");
/// let mut f = sheikh_core::io::AtomicFile::create(&path).unwrap();
/// f.write_all(b"{}\n").unwrap();
/// assert!(!path.exists());
/// f.commit().unwrap();
/// assert!(path.exists());
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    final_path: PathBuf,
    tmp_path: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file (and the parent directories).
    pub fn create(final_path: impl AsRef<Path>) -> Result<Self> {
        let final_path = final_path.as_ref().to_path_buf();
        let parent = final_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(|e| CoreError::io(&parent, e))?;
        let name = final_path
            .file_name()
            .ok_or_else(|| CoreError::Input {
                path: final_path.clone(),
                message: "output path has no file name".into(),
            })?
            .to_string_lossy();
        let tmp_path = parent.join(format!(".{name}.tmp"));
        let file = File::create(&tmp_path).map_err(|e| CoreError::io(&tmp_path, e))?;
        Ok(AtomicFile {
            final_path,
            tmp_path,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// The name the file will have once committed.
    pub fn final_path(&self) -> &Path {
        &self.final_path
    }

    /// The temporary path being written.
    pub fn tmp_path(&self) -> &Path {
        &self.tmp_path
    }

    /// Flushes, syncs and renames the file to its final name. On any error (a failing
    /// flush on a full disk, a failing sync or rename) the temporary file is removed, so
    /// a failed commit leaves nothing behind, under either name.
    pub fn commit(mut self) -> Result<PathBuf> {
        let Some(writer) = self.writer.take() else {
            return Err(CoreError::Input {
                path: self.final_path.clone(),
                message: "atomic file committed twice".into(),
            });
        };
        // From here on `Drop` no longer removes the temporary file: every error path
        // below does.
        match Self::finish(writer, &self.tmp_path, &self.final_path) {
            Ok(()) => Ok(self.final_path.clone()),
            Err(e) => {
                let _ = fs::remove_file(&self.tmp_path);
                Err(e)
            }
        }
    }

    fn finish(writer: BufWriter<File>, tmp_path: &Path, final_path: &Path) -> Result<()> {
        let file = writer
            .into_inner()
            .map_err(|e| CoreError::io(tmp_path, e.into_error()))?;
        file.sync_all().map_err(|e| CoreError::io(tmp_path, e))?;
        drop(file);
        fs::rename(tmp_path, final_path).map_err(|e| CoreError::io(final_path, e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.writer.as_mut() {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("atomic file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.writer.as_mut() {
            Some(w) => w.flush(),
            None => Err(io::Error::other("atomic file already committed")),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.tmp_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.parquet");
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"half").unwrap();
            assert!(f.tmp_path().exists());
        }
        assert!(!path.exists());
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 0);
    }

    /// A failing final flush (a full disk, simulated by writing through `/dev/full`)
    /// is an error and leaves no temporary file behind.
    #[cfg(target_os = "linux")]
    #[test]
    fn failed_flush_on_commit_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stats.json");
        let mut f = AtomicFile::create(&path).unwrap();
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        f.writer = Some(BufWriter::with_capacity(1 << 20, full));
        // Buffered: the write succeeds, the flush inside commit fails.
        f.write_all(b"{\"docs\": 1}").unwrap();
        let tmp = f.tmp_path().to_path_buf();
        assert!(tmp.exists());
        let err = f.commit().unwrap_err();
        assert!(err.to_string().contains(".stats.json.tmp"), "{err}");
        assert!(!tmp.exists(), "temporary file left behind");
        assert!(!path.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A failing rename (the final name is a non-empty directory) is an error and
    /// leaves no temporary file behind.
    #[test]
    fn failed_rename_on_commit_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("keep"), b"x").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"# report").unwrap();
        let tmp = f.tmp_path().to_path_buf();
        assert!(f.commit().is_err());
        assert!(!tmp.exists(), "temporary file left behind");
        assert_eq!(fs::read(path.join("keep")).unwrap(), b"x");
    }
}
