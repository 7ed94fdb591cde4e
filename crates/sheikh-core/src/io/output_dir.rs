//! Output directories a run owns.
//!
//! A run writes only into a new or empty directory, or — when asked to overwrite — into
//! one that holds what a previous sheikh run wrote, which is removed first (only that:
//! never a file the previous run did not write). [`claim_output_dir`] does this before
//! the first byte is read and leaves the marker [`RUN_MARKER`]. When everything is
//! written, [`write_success`] writes [`SUCCESS_FILE`] **last**: the list of every file
//! of the output with its size and xxh3-128 checksum. A directory without it is an
//! unfinished (killed, failed) run; [`verify_success`] checks a finished one.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::io::AtomicFile;

/// The completion marker, written last: a JSON [`SuccessManifest`].
pub const SUCCESS_FILE: &str = "_SUCCESS";

/// The marker a run leaves in the directory it claimed (before writing anything else),
/// so that `overwrite` can recognise the remains of a run that did not finish.
pub const RUN_MARKER: &str = ".sheikh-run";

/// The top-level names sheikh runs write (the single-process and the sharded run).
/// With [`RUN_MARKER`] present but no [`SUCCESS_FILE`] (an unfinished run), overwrite
/// removes files under these names only.
const KNOWN_OUTPUTS: &[&str] = &[
    "data",
    "rejected",
    "pairs",
    "tokens",
    "stats.json",
    "stats.md",
    "dedup.json",
    "report.json",
    "report.md",
    "report.html",
    "ondevice.md",
    "timings.json",
];

/// Whether `name` is one of the top-level names sheikh runs write (`data`, `stats.json`,
/// …), which an overwrite of an unfinished run may remove.
#[cfg(feature = "object-store")]
pub(crate) fn is_known_output(name: &str) -> bool {
    KNOWN_OUTPUTS.contains(&name)
}

/// The manifest version written.
const SUCCESS_VERSION: u32 = 1;

/// One file of a finished output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessEntry {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// xxh3-128 of the contents, 32 lower-case hex digits.
    pub xxh3_128: String,
}

/// The contents of [`SUCCESS_FILE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessManifest {
    /// Format version (1).
    pub version: u32,
    /// The tool that wrote the output (`sheikh`).
    pub tool: String,
    /// Every file of the output directory except the two markers, sorted by path.
    pub files: Vec<SuccessEntry>,
}

/// Checks that `name` (the value of config field `field`) is one plain path component:
/// not empty, not `.` or `..`, without `/`, `\` or NUL. Names that become file names
/// (shard prefixes, dataset names) must be, or they would write outside the output
/// directory.
///
/// ```
/// use sheikh_core::io::validate_file_name;
/// assert!(validate_file_name("output.shards.prefix", "part").is_ok());
/// let e = validate_file_name("output.shards.prefix", "../../x").unwrap_err();
/// assert!(e.contains("output.shards.prefix"));
/// ```
pub fn validate_file_name(field: &str, name: &str) -> std::result::Result<(), String> {
    let why = if name.is_empty() {
        Some("is empty")
    } else if name == "." || name == ".." {
        Some("is a relative directory name")
    } else if name.contains(['/', '\\']) {
        Some("contains a path separator")
    } else if name.contains('\0') {
        Some("contains a NUL character")
    } else {
        None
    };
    match why {
        Some(why) => Err(format!(
            "{field} {name:?} {why}: it must be one plain file name component"
        )),
        None => Ok(()),
    }
}

/// The absolute, symlink-resolved form of `path`, which need not exist: its nearest
/// existing ancestor is canonicalized and the rest appended (`.` and `..` resolved
/// lexically).
fn canonical_or_ancestor(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).map_err(|e| CoreError::io(path, e))?;
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(mut c) => {
                for part in rest.iter().rev() {
                    match part {
                        Component::ParentDir => {
                            c.pop();
                        }
                        Component::CurDir => {}
                        other => c.push(other.as_os_str()),
                    }
                }
                return Ok(c);
            }
            Err(_) => {
                let Some(parent) = existing.parent() else {
                    return Ok(abs);
                };
                if let Some(last) = existing.components().next_back() {
                    rest.push(last);
                }
                existing = parent;
            }
        }
    }
}

/// Whether two paths are the same, or one lies inside the other, after resolving
/// symbolic links (neither need exist: the nearest existing ancestor is resolved).
pub fn paths_overlap(a: &Path, b: &Path) -> Result<bool> {
    let (a, b) = (canonical_or_ancestor(a)?, canonical_or_ancestor(b)?);
    Ok(a.starts_with(&b) || b.starts_with(&a))
}

/// Refuses an output directory that is the input, lies inside it, or contains it: a
/// second run would read the first run's output (or overwrite would delete the input).
/// Paths are compared after resolving symbolic links; the output need not exist yet.
pub fn check_disjoint(input: &Path, output: &Path) -> Result<()> {
    let i = canonical_or_ancestor(input)?;
    let o = canonical_or_ancestor(output)?;
    let message = if i == o {
        Some("is the input directory".to_string())
    } else if o.starts_with(&i) {
        Some(format!("lies inside the input {}", i.display()))
    } else if i.starts_with(&o) {
        Some(format!("contains the input {}", i.display()))
    } else {
        None
    };
    match message {
        Some(m) => Err(CoreError::Output {
            path: output.to_path_buf(),
            message: format!(
                "{m}: a run would read its own (or an earlier run's) output; choose an output directory outside the input"
            ),
        }),
        None => Ok(()),
    }
}

/// Every file (anything not a directory; symbolic links are not followed) under `dir`,
/// relative to it, and every subdirectory, deepest first.
fn walk(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let abs = dir.join(&rel);
        for entry in fs::read_dir(&abs).map_err(|e| CoreError::io(&abs, e))? {
            let entry = entry.map_err(|e| CoreError::io(&abs, e))?;
            let kind = entry
                .file_type()
                .map_err(|e| CoreError::io(entry.path(), e))?;
            let child = rel.join(entry.file_name());
            if kind.is_dir() {
                dirs.push(child.clone());
                stack.push(child);
            } else {
                files.push(child);
            }
        }
    }
    files.sort();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    Ok((files, dirs))
}

fn slash_path(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/"))
}

/// A manifest path as a relative path inside the directory, or `None` when it could
/// point elsewhere (absolute, `..`, empty components).
fn manifest_path(p: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in p.split('/') {
        validate_file_name("path", part).ok()?;
        out.push(part);
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

fn write_marker(dir: &Path) -> Result<()> {
    let mut f = AtomicFile::create(dir.join(RUN_MARKER))?;
    f.write_all(b"{\"tool\": \"sheikh\", \"note\": \"this directory is the output of a sheikh run; _SUCCESS is written when the run finished\"}\n")
        .map_err(|e| CoreError::io(dir.join(RUN_MARKER), e))?;
    f.commit()?;
    Ok(())
}

fn examples(files: &[&PathBuf]) -> String {
    let shown: Vec<String> = files
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect();
    shown.join(", ")
}

/// Makes `dir` this run's output directory, before anything is written: creates it if
/// needed and accepts it when it holds no file. A directory holding files is refused,
/// unless `overwrite` is set **and** they are what a previous sheikh run wrote: the files
/// its [`SUCCESS_FILE`] lists (a finished run) or, with only the [`RUN_MARKER`] of an
/// unfinished run, the files under the names sheikh writes (`data/`, `rejected/`,
/// `stats.json`, …, and top-level `.NAME.tmp` files). Those are removed (nothing else is, and nothing at all when any
/// other file is there). Finally writes [`RUN_MARKER`].
pub fn claim_output_dir(dir: &Path, overwrite: bool) -> Result<()> {
    let refuse = |message: String| CoreError::Output {
        path: dir.to_path_buf(),
        message,
    };
    // The directory itself may be a symbolic link (to a bigger disk); nothing inside
    // it is followed.
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
            return write_marker(dir);
        }
        Err(e) => return Err(CoreError::io(dir, e)),
        Ok(m) if !m.is_dir() => return Err(refuse("exists and is not a directory".into())),
        Ok(_) => {}
    }
    let (files, dirs) = walk(dir)?;
    if files.is_empty() {
        return write_marker(dir);
    }
    let manifest = read_success(dir);
    if !overwrite {
        let what = match manifest {
            Ok(Some(_)) => "holds the output of a previous sheikh run".to_string(),
            _ => format!(
                "is not empty ({} file(s), e.g. {})",
                files.len(),
                examples(&files.iter().collect::<Vec<_>>())
            ),
        };
        return Err(refuse(format!(
            "{what}; a run writes only into a new or empty directory: pass --overwrite (output.overwrite: true) to replace a previous sheikh run's output, or choose another directory"
        )));
    }
    let manifest = manifest.map_err(|e| refuse(format!("--overwrite: {e}")))?;
    let marker = files.iter().any(|f| f == Path::new(RUN_MARKER));
    if manifest.is_none() && !marker {
        return Err(refuse(format!(
            "is not empty ({} file(s), e.g. {}) and holds neither {SUCCESS_FILE} nor {RUN_MARKER} of a sheikh run: --overwrite only replaces what a previous sheikh run wrote, it never empties a directory sheikh did not write; remove its contents yourself or choose another directory",
            files.len(),
            examples(&files.iter().collect::<Vec<_>>())
        )));
    }
    let mut listed: BTreeSet<PathBuf> = BTreeSet::new();
    listed.insert(PathBuf::from(SUCCESS_FILE));
    listed.insert(PathBuf::from(RUN_MARKER));
    if let Some(m) = &manifest {
        for e in &m.files {
            let p = manifest_path(&e.path).ok_or_else(|| {
                refuse(format!(
                    "{SUCCESS_FILE} lists {:?}, which is not a path inside the directory; not removing anything",
                    e.path
                ))
            })?;
            listed.insert(p);
        }
    }
    let owned = |rel: &PathBuf| -> bool {
        if listed.contains(rel) {
            return true;
        }
        // Sheikh's output names count only for an unfinished run (marker, no manifest):
        // a finished run's manifest lists exactly what it wrote.
        if !marker || manifest.is_some() {
            return false;
        }
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let top_level_tmp =
            rel.components().count() == 1 && first.starts_with('.') && first.ends_with(".tmp");
        KNOWN_OUTPUTS.contains(&first) || top_level_tmp
    };
    let foreign: Vec<&PathBuf> = files.iter().filter(|f| !owned(f)).collect();
    if !foreign.is_empty() {
        return Err(refuse(format!(
            "--overwrite removes only what the previous sheikh run wrote, and the directory also holds {} other file(s) (e.g. {}); nothing was removed: move them away or choose another directory",
            foreign.len(),
            examples(&foreign)
        )));
    }
    for f in &files {
        let p = dir.join(f);
        fs::remove_file(&p).map_err(|e| CoreError::io(&p, e))?;
    }
    for d in &dirs {
        // Deepest first; a directory still holding something is left alone.
        let _ = fs::remove_dir(dir.join(d));
    }
    tracing::info!(dir = %dir.display(), files = files.len(), "overwrite: removed the previous run's output");
    write_marker(dir)
}

fn checksum(path: &Path) -> Result<(u64, String)> {
    let meta = fs::symlink_metadata(path).map_err(|e| CoreError::io(path, e))?;
    if !meta.is_file() {
        return Err(CoreError::Output {
            path: path.to_path_buf(),
            message: "not a regular file (a run writes only regular files)".into(),
        });
    }
    let mut f = File::open(path).map_err(|e| CoreError::io(path, e))?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| CoreError::io(path, e))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        h.update(&buf[..n]);
    }
    Ok((bytes, format!("{:032x}", h.digest128())))
}

/// The files of `dir` a manifest describes: everything except the two markers.
fn output_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let (files, _) = walk(dir)?;
    Ok(files
        .into_iter()
        .filter(|f| f != Path::new(SUCCESS_FILE) && f != Path::new(RUN_MARKER))
        .collect())
}

/// Writes [`SUCCESS_FILE`] into a finished output directory: every file in it (except
/// the markers), with size and xxh3-128. Call it after the last file is committed.
pub fn write_success(dir: &Path) -> Result<SuccessManifest> {
    let mut files = Vec::new();
    for rel in output_files(dir)? {
        let path = slash_path(&rel).ok_or_else(|| CoreError::Output {
            path: dir.join(&rel),
            message: "not a UTF-8 file name".into(),
        })?;
        let (bytes, xxh3_128) = checksum(&dir.join(&rel))?;
        files.push(SuccessEntry {
            path,
            bytes,
            xxh3_128,
        });
    }
    let manifest = SuccessManifest {
        version: SUCCESS_VERSION,
        tool: "sheikh".into(),
        files,
    };
    let path = dir.join(SUCCESS_FILE);
    let mut f = AtomicFile::create(&path)?;
    serde_json::to_writer_pretty(&mut f, &manifest)?;
    f.write_all(b"\n").map_err(|e| CoreError::io(&path, e))?;
    f.commit()?;
    Ok(manifest)
}

/// Reads [`SUCCESS_FILE`] of `dir`: `None` when there is none (an unfinished output, or
/// not a sheikh output).
pub fn read_success(dir: &Path) -> Result<Option<SuccessManifest>> {
    let path = dir.join(SUCCESS_FILE);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CoreError::io(&path, e)),
    };
    let m: SuccessManifest = serde_json::from_slice(&bytes).map_err(|e| CoreError::Output {
        path: path.clone(),
        message: format!("not a sheikh completion manifest: {e}"),
    })?;
    if m.version != SUCCESS_VERSION {
        return Err(CoreError::Output {
            path,
            message: format!(
                "manifest version {} (this build reads {SUCCESS_VERSION})",
                m.version
            ),
        });
    }
    Ok(Some(m))
}

/// Checks that `dir` is a finished output: [`SUCCESS_FILE`] exists, every file it lists
/// has the recorded size and checksum, and the directory holds no other file.
pub fn verify_success(dir: &Path) -> Result<SuccessManifest> {
    let bad = |message: String| CoreError::Output {
        path: dir.to_path_buf(),
        message,
    };
    let m = read_success(dir)?.ok_or_else(|| {
        bad(format!(
            "no {SUCCESS_FILE}: the run did not finish (killed or failed)"
        ))
    })?;
    let mut listed = BTreeSet::new();
    for e in &m.files {
        let rel = manifest_path(&e.path).ok_or_else(|| {
            bad(format!(
                "{SUCCESS_FILE} lists {:?}, not a path inside the directory",
                e.path
            ))
        })?;
        let (bytes, sum) = checksum(&dir.join(&rel))?;
        if bytes != e.bytes || sum != e.xxh3_128 {
            return Err(bad(format!(
                "{} does not match {SUCCESS_FILE} ({bytes} bytes, xxh3-128 {sum}; recorded {} bytes, {})",
                e.path, e.bytes, e.xxh3_128
            )));
        }
        listed.insert(rel);
    }
    if let Some(extra) = output_files(dir)?.into_iter().find(|f| !listed.contains(f)) {
        return Err(bad(format!(
            "{} is not listed in {SUCCESS_FILE}",
            extra.display()
        )));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path, text: &str) {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    #[test]
    fn names_must_be_one_component() {
        for bad in ["", ".", "..", "../../x", "a/b", "a\\b", "a\0b"] {
            assert!(validate_file_name("f", bad).is_err(), "{bad:?}");
        }
        for good in ["part", "pairs-00001", "train.v2", ".hidden"] {
            assert!(validate_file_name("f", good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn success_lists_every_file_and_verifies() {
        let d = tempfile::tempdir().unwrap();
        claim_output_dir(d.path(), false).unwrap();
        touch(&d.path().join("data/part-00000.jsonl"), "{}\n");
        touch(&d.path().join("stats.json"), "{}");
        let m = write_success(d.path()).unwrap();
        let paths: Vec<_> = m.files.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["data/part-00000.jsonl", "stats.json"]);
        assert_eq!(m.files[0].bytes, 3);
        assert_eq!(m.files[0].xxh3_128.len(), 32);
        verify_success(d.path()).unwrap();
        // A changed file and an extra file are both caught.
        touch(&d.path().join("stats.json"), "{ }");
        assert!(verify_success(d.path()).is_err());
        touch(&d.path().join("stats.json"), "{}");
        touch(&d.path().join("data/part-00001.jsonl"), "{}\n");
        let e = verify_success(d.path()).unwrap_err().to_string();
        assert!(e.contains("part-00001"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_output_directory_is_accepted_and_links_inside_are_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("disk");
        fs::create_dir(&real).unwrap();
        let link = d.path().join("out");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        claim_output_dir(&link, false).unwrap();
        assert!(real.join(RUN_MARKER).exists());
        // An unfinished run holding a link to elsewhere: it is not a regular file of a
        // finished output, and overwrite removes the link only.
        let elsewhere = d.path().join("elsewhere");
        touch(&elsewhere.join("keep.txt"), "keep");
        fs::create_dir(real.join("data")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, real.join("data/link")).unwrap();
        assert!(write_success(&link).is_err());
        claim_output_dir(&link, true).unwrap();
        assert!(!real.join("data/link").exists());
        assert_eq!(
            fs::read_to_string(elsewhere.join("keep.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn manifest_paths_cannot_escape() {
        assert!(manifest_path("data/x").is_some());
        for bad in ["", "/etc/passwd", "../x", "a//b", "a/../../b", "./a"] {
            assert!(manifest_path(bad).is_none(), "{bad:?}");
        }
    }
}
