//! Measures language identification on a labelled corpus laid out as
//! `DIR/<Language>/<file>` (the directory name is the truth label, a Stack language
//! name). Prints per-language accuracy with the path present and from content alone
//! (the file name hidden), and the confusions.
//!
//! ```text
//! bash scripts/langid/build_eval_corpus.sh /tmp/langid-eval
//! cargo run --release -p sheikh-core --example langid_eval -- /tmp/langid-eval/files
//! node scripts/langid/effective_labels.mjs /tmp/langid-eval/files
//! cargo run --release -p sheikh-core --example langid_eval -- /tmp/langid-eval/files /tmp/langid-eval/effective.tsv
//! ```
//!
//! With the second argument, the truth for the content-only column is the *effective*
//! label: the least language the content needs, found by parsers (a `.ts` file with no
//! type syntax is JavaScript by content; an `.mdx` file with no ESM, JSX or expression is
//! Markdown; JSON with comments stays JSON).

use std::collections::BTreeMap;
use std::path::PathBuf;

use sheikh_core::{Language, LanguageIdentifier};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--explain") {
        for f in std::env::args().skip(2) {
            let text = std::fs::read_to_string(&f).expect("read file");
            let d = LanguageIdentifier::default().identify_content(&text);
            println!("{f}: {:?}", d);
            for (feat, n) in sheikh_core::langid::explain_content(&text) {
                println!("  {n:3} × {feat}");
            }
        }
        return;
    }
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: langid_eval DIR (DIR/<Language>/<files>)"),
    );
    let effective: BTreeMap<String, Language> = match std::env::args().nth(2) {
        None => BTreeMap::new(),
        Some(tsv) => std::fs::read_to_string(tsv)
            .expect("read effective.tsv")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let (file, _label, eff) = (cols.next()?, cols.next()?, cols.next()?);
                Some((file.to_string(), eff.parse().ok()?))
            })
            .collect(),
    };
    let id = LanguageIdentifier::default();
    // truth -> (n, correct with path, correct content-only)
    let mut per: BTreeMap<Language, (usize, usize, usize)> = BTreeMap::new();
    let mut confusions: BTreeMap<(Language, Language), Vec<String>> = BTreeMap::new();
    let mut labels: Vec<_> = std::fs::read_dir(&dir)
        .expect("read DIR")
        .map(|e| e.unwrap().path())
        .collect();
    labels.sort();
    for label_dir in labels {
        let name = label_dir.file_name().unwrap().to_string_lossy().to_string();
        let Ok(truth) = name.parse::<Language>() else {
            eprintln!("skipping {name}: not a language name");
            continue;
        };
        let mut files: Vec<_> = std::fs::read_dir(&label_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let fname = f.file_name().unwrap().to_string_lossy().to_string();
            // Files are named `<package>__<flattened path>`; the original name is the last part.
            let orig = fname.rsplit("__").next().unwrap_or(&fname).to_string();
            let with_path = id.identify(Some(&orig), &text).language;
            let content = id.identify_content(&text).language;
            let content_truth = effective
                .get(&format!("{name}/{fname}"))
                .copied()
                .unwrap_or(truth);
            let e = per.entry(content_truth).or_default();
            e.0 += 1;
            e.1 += usize::from(with_path == truth);
            e.2 += usize::from(content == content_truth);
            if content != content_truth {
                confusions
                    .entry((content_truth, content))
                    .or_default()
                    .push(fname);
            }
        }
    }
    let (mut n, mut p, mut c) = (0, 0, 0);
    println!("| language (content truth) | files | path label correct | content-only correct |");
    println!("|---|---:|---:|---:|");
    for (lang, (ln, lp, lc)) in &per {
        println!(
            "| {lang} | {ln} | {:.1}% | {:.1}% |",
            100.0 * *lp as f64 / *ln as f64,
            100.0 * *lc as f64 / *ln as f64
        );
        n += ln;
        p += lp;
        c += lc;
    }
    println!(
        "| **all** | {n} | {:.2}% | {:.2}% |",
        100.0 * p as f64 / n as f64,
        100.0 * c as f64 / n as f64
    );
    let macro_c: f64 = per
        .values()
        .map(|(ln, _, lc)| *lc as f64 / *ln as f64)
        .sum::<f64>()
        / per.len() as f64;
    println!(
        "\ncontent-only macro average over languages: {:.2}%",
        100.0 * macro_c
    );
    println!("\nContent-only confusions (truth -> guess: count, examples):");
    let mut conf: Vec<_> = confusions.into_iter().collect();
    conf.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    for ((t, g), files) in conf {
        let ex: Vec<_> = files.iter().take(3).map(String::as_str).collect();
        println!("  {t} -> {g}: {} ({})", files.len(), ex.join(", "));
    }
}
