//! Validates every file under a directory and prints one JSON line per file, in path
//! order: `{"path", "language", "verdict", "errors", "first_error", "nodes",
//! "max_depth", "error_share", "elapsed_us"}`.
//!
//! ```text
//! cargo run --release -p sheikh-syntax --example validate_dir -- DIR [--lang LANGUAGE] [--timeout-ms N]
//! ```
//!
//! The language comes from the extension unless `--lang` forces one (`JavaScript`,
//! `TypeScript`, `JSX`, `TSX`, `HTML`, `XML`, `MDX`, `Markdown`, `CSS`, `JSON`). Files
//! with an unknown extension are skipped; files that are not UTF-8 get the verdict
//! `not_utf8`. Used by `scripts/syntax/agreement.sh`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use sheikh_core::Language;
use sheikh_syntax::{ValidateOptions, Validator};

fn language_of(path: &Path) -> Option<Language> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let ext = name.rsplit('.').next()?;
    Some(match ext {
        "js" | "mjs" | "cjs" => Language::JavaScript,
        "jsx" => Language::Jsx,
        "ts" | "mts" | "cts" => Language::TypeScript,
        "tsx" => Language::Tsx,
        "html" | "htm" | "xhtml" => Language::Html,
        "xml" | "svg" | "xsd" | "xsl" | "xslt" | "rss" | "atom" | "csproj" | "plist" | "kml"
        | "gpx" | "wsdl" | "xaml" | "resx" => Language::Xml,
        "mdx" => Language::Mdx,
        "md" | "markdown" => Language::Markdown,
        "css" => Language::Css,
        "json" => Language::Json,
        _ => return None,
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut forced: Option<Language> = None;
    let mut options = ValidateOptions::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lang" => match args.next().map(|l| serde_json::from_value(l.into())) {
                Some(Ok(l)) => forced = Some(l),
                _ => {
                    eprintln!("--lang needs a language name (JavaScript, TSX, XML, MDX, …)");
                    return ExitCode::from(2);
                }
            },
            "--timeout-ms" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => options.timeout_ms = n,
                None => {
                    eprintln!("--timeout-ms needs a number");
                    return ExitCode::from(2);
                }
            },
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => {
                eprintln!("usage: validate_dir DIR [--lang LANGUAGE] [--timeout-ms N]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: validate_dir DIR [--lang LANGUAGE] [--timeout-ms N]");
        return ExitCode::from(2);
    };
    let mut files = Vec::new();
    if let Err(e) = walk(&dir, &mut files) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(1);
    }
    let validator = Validator::new(options);
    let lines: Vec<String> = files
        .par_iter()
        .filter_map(|path| {
            let language = forced.or_else(|| language_of(path))?;
            let shown = path.display().to_string();
            let line = match std::fs::read(path).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    let report = validator.validate(&text, language);
                    let mut v = report.summary();
                    v["path"] = shown.into();
                    v["language"] = language.name().into();
                    v["elapsed_us"] = report.elapsed_us.into();
                    v
                }
                Ok(Err(_)) => serde_json::json!({"path": shown, "language": language.name(), "verdict": "not_utf8"}),
                Err(e) => serde_json::json!({"path": shown, "language": language.name(), "verdict": "unreadable", "error": e.to_string()}),
            };
            Some(line.to_string())
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for l in lines {
        if writeln!(out, "{l}").is_err() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
