//! Validation throughput per language, and pair extraction, on one core (the
//! single-document API, called in a loop on the bench thread).
//!
//! ```text
//! cargo bench -p sheikh-syntax --bench syntax
//! SHEIKH_SYNTAX_BENCH_DIR=/tmp/langid-eval/files cargo bench -p sheikh-syntax --bench syntax
//! ```
//!
//! Inputs: the files of `fixtures/corpus` by language, or, when
//! `SHEIKH_SYNTAX_BENCH_DIR` is set, the files of `$DIR/<Language>/` (e.g. the
//! real-package corpus of scripts/langid/build_eval_corpus.sh). Figures in
//! docs/BENCHMARKS.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sheikh_core::{Document, Language};
use sheikh_syntax::{extract_pairs, parses_as, PairsConfig, Validator};

fn extension_language(path: &Path) -> Option<Language> {
    let ext = path.extension()?.to_str()?;
    Some(match ext {
        "js" | "mjs" | "cjs" => Language::JavaScript,
        "jsx" => Language::Jsx,
        "ts" | "mts" => Language::TypeScript,
        "tsx" => Language::Tsx,
        "html" => Language::Html,
        "xml" | "svg" | "xsd" | "rss" | "csproj" => Language::Xml,
        "mdx" => Language::Mdx,
        "md" => Language::Markdown,
        "css" => Language::Css,
        "json" => Language::Json,
        _ => return None,
    })
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// `(language, texts)` for every language with inputs.
fn inputs() -> Vec<(Language, Vec<String>)> {
    let langs = [
        Language::JavaScript,
        Language::Jsx,
        Language::TypeScript,
        Language::Tsx,
        Language::Css,
        Language::Html,
        Language::Xml,
        Language::Mdx,
        Language::Markdown,
        Language::Json,
    ];
    let mut out = Vec::new();
    if let Ok(dir) = std::env::var("SHEIKH_SYNTAX_BENCH_DIR") {
        for lang in langs {
            let mut files = Vec::new();
            files_under(&Path::new(&dir).join(lang.name()), &mut files);
            let texts: Vec<String> = files
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect();
            if !texts.is_empty() {
                out.push((lang, texts));
            }
        }
    } else {
        let mut files = Vec::new();
        files_under(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/corpus"),
            &mut files,
        );
        for lang in langs {
            let texts: Vec<String> = files
                .iter()
                .filter(|p| extension_language(p) == Some(lang))
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect();
            if !texts.is_empty() {
                out.push((lang, texts));
            }
        }
    }
    out
}

fn validation(c: &mut Criterion) {
    let validator = Validator::default();
    for (lang, texts) in inputs() {
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("validate/{}", lang.name()));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(5));
        group.bench_function(format!("{} files", texts.len()), |b| {
            b.iter(|| {
                for t in &texts {
                    black_box(validator.validate(black_box(t), lang));
                }
            })
        });
        group.finish();
    }
}

/// JavaScript, JSX, TypeScript and TSX with oxc: the full report of
/// `validate_document` (the file's path chooses the source type), and the yes/no
/// `parses_as` check used for language identification. Figures in
/// docs/benchmarks/syntax-oxc.md.
fn js_family(c: &mut Criterion) {
    let validator = Validator::default();
    let mut files = Vec::new();
    files_under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/corpus"),
        &mut files,
    );
    for lang in [
        Language::JavaScript,
        Language::Jsx,
        Language::TypeScript,
        Language::Tsx,
    ] {
        let docs: Vec<Document> = files
            .iter()
            .filter(|p| extension_language(p) == Some(lang))
            .filter_map(|p| {
                let text = std::fs::read_to_string(p).ok()?;
                Some(Document::new(text, lang).with_path(p.display().to_string()))
            })
            .collect();
        if docs.is_empty() {
            continue;
        }
        let bytes: usize = docs.iter().map(|d| d.content.len()).sum();
        let mut group = c.benchmark_group(format!("js_family/{}", lang.name()));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(5));
        group.bench_function(format!("validate_document/{} files", docs.len()), |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(validator.validate_document(black_box(d)));
                }
            })
        });
        group.bench_function(format!("parses_as/{} files", docs.len()), |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(parses_as(black_box(&d.content), lang));
                }
            })
        });
        group.finish();
    }
}

fn pairs(c: &mut Criterion) {
    let config = PairsConfig {
        enabled: true,
        ..Default::default()
    };
    for (lang, texts) in inputs() {
        if !lang.is_script() {
            continue;
        }
        let docs: Vec<Document> = texts
            .iter()
            .map(|t| Document::new(t.clone(), lang).with_repo_name("bench/repo"))
            .collect();
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("pairs/{}", lang.name()));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(5));
        group.bench_function(format!("{} files", docs.len()), |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(extract_pairs(black_box(d), &config));
                }
            })
        });
        group.finish();
    }
}

/// `levels` nested `<div>`s, each closed: 11 bytes a level.
fn nested_divs(bytes: usize) -> String {
    let levels = bytes / 11;
    let mut s = String::with_capacity(levels * 11);
    for _ in 0..levels {
        s.push_str("<div>");
    }
    for _ in 0..levels {
        s.push_str("</div>");
    }
    s
}

/// HTML validation time against nesting depth: it must grow linearly with the size
/// (tree-sitter-html did not: 81 KB 0.35 s, 324 KB 2.7 s, 648 KB past the 5 s limit).
/// Figures in docs/benchmarks/html.md.
fn nested_html(c: &mut Criterion) {
    let validator = Validator::default();
    let mut group = c.benchmark_group("nested_html");
    group.sample_size(10);
    for (label, bytes) in [
        ("81KB", 81_000),
        ("324KB", 324_000),
        ("648KB", 648_000),
        ("1.3MB", 1_300_000),
    ] {
        let text = nested_divs(bytes);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(label, |b| {
            b.iter(|| black_box(validator.validate(black_box(&text), Language::Html)))
        });
        // The worst case that is fully checked: blocks nested 200 deep (under the
        // default `max_nesting` of 256), side by side.
        let block = nested_divs(200 * 11);
        let text = format!("<!doctype html>{}", block.repeat(bytes / block.len()));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("blocks200/{label}"), |b| {
            b.iter(|| black_box(validator.validate(black_box(&text), Language::Html)))
        });
    }
    group.finish();
}

criterion_group!(benches, validation, js_family, pairs, nested_html);
criterion_main!(benches);
