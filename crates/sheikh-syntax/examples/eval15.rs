//! Our side of the issue-#15 held-out evaluation (`scripts/eval15/`): one JSON line per
//! file of `OUT/files/<Label>/`, `OUT/reencoded/<Label>/` and `OUT/broken/<Label>/`, in order:
//! `{"path", "label", "encoding", "with_path", "content", "verdict", "first_error"}`.
//!
//! ```text
//! cargo run --release -p sheikh-syntax --example eval15 -- OUT > OUT/ours.jsonl
//! ```
//!
//! * `path` is relative to OUT (`files/TSX/<file>`), `label` the directory name (the
//!   extension label).
//! * The bytes are decoded as the pipeline's reader does with `legacy_encodings: true`
//!   (UTF-8, UTF-16 with BOM, else a legacy encoding guessed by chardetng); `encoding`
//!   is the encoding's name when it was not UTF-8, `decode_error` the rejection if any.
//! * `with_path`: `identify` with the original file name (the part of the corpus file
//!   name after the last `__`); `content`: `identify_content` (no name), both with
//!   `sheikh_syntax::language_identifier(16 KiB)` as the pipeline's language stage uses
//!   it. Only for `files/` and `reencoded/`. (Trees before `language_identifier`
//!   existed use the version of this file in commit b9105cd, with
//!   `LanguageIdentifier::default()`; `scripts/eval15/run_ours.sh` picks it.)
//! * `verdict`/`first_error`: `Validator::validate` (default options) with the label's
//!   language, as `validate_dir` reports them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use sheikh_core::io::{decode_bytes, DecodeOptions};
use sheikh_core::Language;
use sheikh_syntax::{ValidateOptions, Validator};

fn files_of(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    v
}

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: eval15 OUT   (OUT/files/<Label>/..., OUT/broken/<Label>/...)");
        return ExitCode::from(2);
    };
    // (relative path, label, is a real file)
    let mut jobs: Vec<(PathBuf, String, Language, bool)> = Vec::new();
    for (part, real) in [("files", true), ("reencoded", true), ("broken", false)] {
        for label_dir in files_of(&out.join(part)) {
            let name = label_dir.file_name().unwrap().to_string_lossy().to_string();
            let Ok(lang) = name.parse::<Language>() else {
                eprintln!("skipping {}: not a language name", label_dir.display());
                continue;
            };
            for f in files_of(&label_dir) {
                jobs.push((f, name.clone(), lang, real));
            }
        }
    }
    // What the pipeline's language stage uses: content features plus the oxc grammar
    // check for the JavaScript family, over the default 16 KiB window.
    let id = sheikh_syntax::language_identifier(16 * 1024);
    let validator = Validator::new(ValidateOptions::default());
    let decode = DecodeOptions {
        legacy_encodings: true,
        ..Default::default()
    };
    let lines: Vec<String> = jobs
        .par_iter()
        .map(|(path, label, lang, real)| {
            let rel = path
                .strip_prefix(&out)
                .unwrap_or(path)
                .display()
                .to_string();
            let mut v = serde_json::json!({"path": rel, "label": label});
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    v["verdict"] = "unreadable".into();
                    v["first_error"] = e.to_string().into();
                    return v.to_string();
                }
            };
            match decode_bytes(bytes, decode) {
                Ok(d) => {
                    if let Some(enc) = d.encoding {
                        v["encoding"] = enc.into();
                    }
                    if *real {
                        let fname = path.file_name().unwrap().to_string_lossy().to_string();
                        let orig = fname.rsplit("__").next().unwrap_or(&fname).to_string();
                        v["with_path"] = id.identify(Some(&orig), &d.text).language.name().into();
                        v["content"] = id.identify_content(&d.text).language.name().into();
                    }
                    let report = validator.validate(&d.text, *lang);
                    let s = report.summary();
                    v["verdict"] = s.get("verdict").cloned().unwrap_or_default();
                    v["first_error"] = s.get("first_error").cloned().unwrap_or_default();
                }
                Err(e) => {
                    v["verdict"] = "not_decoded".into();
                    v["decode_error"] = format!("{e:?}").into();
                }
            }
            v.to_string()
        })
        .collect();
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    for l in lines {
        if writeln!(w, "{l}").is_err() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
