//! Pretraining datasets end to end on the fixture corpus: FIM invariants, the three
//! output formats read back, determinism, statistics.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use sheikh_core::Document;
use sheikh_tokenize::{
    read_indexed_dataset, read_sequences, DatasetSummary, DatasetWriter, FimConfig, PackingMode,
    RepoLevelConfig, TokenDtype, TokenizeConfig,
};

fn write(config: &TokenizeConfig, docs: &[Document], dir: &Path, batch: usize) -> DatasetSummary {
    let mut w = DatasetWriter::new(config, dir).unwrap();
    for chunk in docs.chunks(batch) {
        w.write_batch(chunk).unwrap();
    }
    w.finish().unwrap()
}

fn flat_tokens(summary: &DatasetSummary) -> Vec<u32> {
    let bytes = std::fs::read(summary.flat.as_ref().unwrap()).unwrap();
    assert_eq!(summary.flat_dtype, Some(TokenDtype::U16));
    bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]) as u32)
        .collect()
}

#[test]
fn fim_parts_concatenate_back_to_the_document() {
    let tok = common::tokenizer();
    let docs = common::corpus();
    let config = TokenizeConfig {
        fim: FimConfig {
            rate: 1.0,
            spm_rate: 0.5,
        },
        ..common::config()
    };
    let dir = tempfile::tempdir().unwrap();
    let summary = write(&config, &docs, dir.path(), 16);
    let (_, seqs) = read_indexed_dataset(summary.megatron_prefix.as_ref().unwrap()).unwrap();
    assert_eq!(seqs.len(), docs.len());
    let s = tok.special();
    let (pre, mid, suf, eos) = (
        s.fim_prefix.unwrap(),
        s.fim_middle.unwrap(),
        s.fim_suffix.unwrap(),
        s.eos.unwrap(),
    );
    let (mut psm, mut spm) = (0, 0);
    for (doc, seq) in docs.iter().zip(&seqs) {
        assert_eq!(seq.last(), Some(&eos));
        let body = &seq[..seq.len() - 1];
        let pos = |t: u32| body.iter().position(|&x| x == t).unwrap();
        let dec = |ids: &[u32]| tok.decode(ids).unwrap();
        // Each marker appears exactly once.
        for m in [pre, mid, suf] {
            assert_eq!(body.iter().filter(|&&x| x == m).count(), 1);
        }
        let (p, m, x) = (pos(pre), pos(mid), pos(suf));
        assert_eq!(p, 0);
        let text = if x == 1 {
            // SPM: <pre><suf> suffix <mid> prefix+middle
            spm += 1;
            format!("{}{}", dec(&body[m + 1..]), dec(&body[2..m]))
        } else {
            // PSM: <pre> prefix <suf> suffix <mid> middle
            psm += 1;
            assert!(x < m);
            format!(
                "{}{}{}",
                dec(&body[1..x]),
                dec(&body[m + 1..]),
                dec(&body[x + 1..m])
            )
        };
        assert_eq!(text, doc.content, "{:?}", doc.path);
    }
    let stats = summary.stats.unwrap();
    assert_eq!((stats.fim_psm, stats.fim_spm), (psm, spm));
    assert!(psm > 10 && spm > 10, "psm {psm} spm {spm}");
}

#[test]
fn fim_rate_zero_gives_plain_documents() {
    let tok = common::tokenizer();
    let docs = common::corpus();
    let config = TokenizeConfig {
        fim: FimConfig {
            rate: 0.0,
            spm_rate: 0.5,
        },
        ..common::config()
    };
    let dir = tempfile::tempdir().unwrap();
    let summary = write(&config, &docs, dir.path(), 1000);
    let (_, seqs) = read_indexed_dataset(summary.megatron_prefix.as_ref().unwrap()).unwrap();
    for (doc, seq) in docs.iter().zip(&seqs) {
        let mut expected = tok.encode(&doc.content).unwrap();
        expected.push(0);
        assert_eq!(seq, &expected);
    }
    assert_eq!(summary.stats.unwrap().plain, docs.len() as u64);
}

#[test]
fn outputs_agree_and_nothing_is_lost() {
    let docs = common::corpus();
    let config = TokenizeConfig {
        seq_len: 256,
        ..common::config()
    };
    let dir = tempfile::tempdir().unwrap();
    let summary = write(&config, &docs, dir.path(), 10);
    let stats = summary.stats.clone().unwrap();
    // Megatron: one sequence per document.
    let prefix = summary.megatron_prefix.clone().unwrap();
    assert!(prefix.ends_with("megatron/train_text_document"));
    let (dtype, seqs) = read_indexed_dataset(&prefix).unwrap();
    assert_eq!(dtype, TokenDtype::U16);
    assert_eq!(seqs.len() as u64, stats.samples);
    let concat: Vec<u32> = seqs.concat();
    assert_eq!(concat.len() as u64, stats.tokens);
    // Flat file: the same tokens back to back.
    assert_eq!(flat_tokens(&summary), concat);
    // Parquet (concat packing): the same tokens in 256-token rows, only the last padded.
    let mut rows = Vec::new();
    for f in &summary.parquet {
        rows.extend(read_sequences(f).unwrap());
    }
    assert_eq!(rows.len() as u64, stats.sequences);
    assert_eq!(rows.len(), concat.len().div_ceil(256));
    let mut from_rows = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let (ids, labels, mask) = (&r.input_ids, &r.labels, &r.attention_mask);
        assert_eq!(ids.len(), 256);
        let valid = mask.iter().filter(|&&m| m == 1).count();
        if i + 1 < rows.len() {
            assert_eq!(valid, 256);
        }
        for j in 0..256 {
            if j < valid {
                assert_eq!(labels[j], ids[j]);
            } else {
                assert_eq!((labels[j], mask[j]), (-100, 0));
            }
        }
        from_rows.extend(ids[..valid].iter().map(|&t| t as u32));
    }
    assert_eq!(from_rows, concat);
    // Statistics add up.
    let lang_tokens: u64 = stats.languages.values().map(|c| c.tokens).sum();
    let lang_docs: u64 = stats.languages.values().map(|c| c.documents).sum();
    assert_eq!((lang_tokens, lang_docs), (stats.tokens, stats.documents));
    assert_eq!(stats.histogram.docs(), stats.samples);
    assert_eq!(stats.histogram.tokens(), stats.tokens);
    assert_eq!(stats.padding_tokens, rows.len() as u64 * 256 - stats.tokens);
    // The manifest and the tokenizer copy.
    let manifest: DatasetSummary =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("dataset.json")).unwrap())
            .unwrap();
    assert_eq!(manifest.stats, summary.stats);
    assert!(dir.path().join("tokenizer.json").exists());
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("flat/meta.json")).unwrap())
            .unwrap();
    assert_eq!(meta["dtype"], "<u2");
    assert_eq!(meta["tokens"], stats.tokens);
    // No temporary files are left behind.
    for e in walk(dir.path()) {
        let name = e.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.starts_with('.'), "leftover {name}");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn pad_packing_keeps_one_document_per_row() {
    let docs = common::corpus();
    let config = TokenizeConfig {
        seq_len: 128,
        packing: PackingMode::Pad,
        ..common::config()
    };
    let dir = tempfile::tempdir().unwrap();
    let summary = write(&config, &docs, dir.path(), 5);
    let (_, seqs) = read_indexed_dataset(summary.megatron_prefix.as_ref().unwrap()).unwrap();
    let rows: Vec<_> = summary
        .parquet
        .iter()
        .flat_map(|f| read_sequences(f).unwrap())
        .collect();
    let mut it = rows.iter();
    for seq in &seqs {
        // Each document fills ceil(len / 128) rows of its own.
        let mut got = Vec::new();
        for _ in 0..seq.len().div_ceil(128) {
            let r = it.next().unwrap();
            let (ids, mask) = (&r.input_ids, &r.attention_mask);
            let valid = mask.iter().filter(|&&m| m == 1).count();
            got.extend(ids[..valid].iter().map(|&t| t as u32));
        }
        assert_eq!(&got, seq);
    }
    assert!(it.next().is_none());
}

#[test]
fn output_is_identical_for_any_batch_size_and_thread_count() {
    let docs = common::corpus();
    let config = TokenizeConfig {
        seq_len: 64,
        repo_level: RepoLevelConfig {
            enabled: true,
            max_bytes: 8 << 10,
        },
        ..common::config()
    };
    let mut outputs = Vec::new();
    for (threads, batch) in [(1, 3), (2, 1000), (2, 17)] {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let summary = pool.install(|| write(&config, &docs, dir.path(), batch));
        let mut files = BTreeMap::new();
        for f in walk(dir.path()) {
            let rel = f.strip_prefix(dir.path()).unwrap().to_path_buf();
            if rel != Path::new("dataset.json") {
                files.insert(rel, std::fs::read(&f).unwrap());
            }
        }
        outputs.push((files, summary.stats));
    }
    assert!(outputs[0].0.len() >= 6, "{:?}", outputs[0].0.keys());
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

#[test]
fn repository_level_samples_group_the_files_of_one_repo() {
    let tok = common::tokenizer();
    let docs = common::corpus();
    let config = TokenizeConfig {
        fim: FimConfig {
            rate: 0.0,
            spm_rate: 0.5,
        },
        repo_level: RepoLevelConfig {
            enabled: true,
            max_bytes: 1 << 20,
        },
        ..common::config()
    };
    let dir = tempfile::tempdir().unwrap();
    let summary = write(&config, &docs, dir.path(), 7);
    let stats = summary.stats.unwrap();
    let mut repos: Vec<Option<&str>> = docs.iter().map(|d| d.repo_name.as_deref()).collect();
    repos.dedup();
    assert_eq!(stats.samples as usize, repos.len());
    assert_eq!(stats.documents as usize, docs.len());
    let (_, seqs) = read_indexed_dataset(summary.megatron_prefix.as_ref().unwrap()).unwrap();
    let first = docs
        .iter()
        .position(|d| d.repo_name.as_deref() == Some("acme-web"))
        .unwrap();
    let sample = seqs
        .iter()
        .find(|s| {
            s[0] == 5
                && tok
                    .decode(s)
                    .unwrap()
                    .starts_with("<|repo_name|>acme-web\n")
        })
        .expect("an acme-web sample");
    let text = tok.decode(sample).unwrap();
    let d = &docs[first];
    let expected_start = format!(
        "<|repo_name|>acme-web\n<|file_sep|>{}\n{}",
        d.path.as_deref().unwrap(),
        d.content
    );
    assert!(text.starts_with(&expected_start), "{}", &text[..200]);
    assert!(text.ends_with("<|endoftext|>"));
    let acme_files = docs
        .iter()
        .filter(|d| d.repo_name.as_deref() == Some("acme-web"))
        .count();
    assert_eq!(text.matches("<|file_sep|>").count(), acme_files);

    // A small byte cap splits a repository into several samples, each with the header.
    let small = TokenizeConfig {
        repo_level: RepoLevelConfig {
            enabled: true,
            max_bytes: 4096,
        },
        ..config
    };
    let dir = tempfile::tempdir().unwrap();
    let s2 = write(&small, &docs, dir.path(), 7).stats.unwrap();
    assert!(s2.samples > stats.samples);
    assert_eq!(s2.documents, stats.documents);
}

#[test]
fn truncation_only_when_asked() {
    let docs = common::corpus();
    let config = TokenizeConfig {
        max_doc_tokens: Some(50),
        ..common::config()
    };
    let dir = tempfile::tempdir().unwrap();
    let summary = write(&config, &docs, dir.path(), 100);
    let (_, seqs) = read_indexed_dataset(summary.megatron_prefix.as_ref().unwrap()).unwrap();
    assert!(seqs.iter().all(|s| s.len() <= 50 && s.last() == Some(&0)));
    assert!(summary.stats.unwrap().truncated_tokens > 0);
}

#[test]
fn bad_configs_are_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    for config in [
        TokenizeConfig {
            seq_len: 0,
            ..common::config()
        },
        TokenizeConfig {
            pad_token: "<|nope|>".into(),
            ..common::config()
        },
        TokenizeConfig {
            fim: FimConfig {
                rate: 2.0,
                spm_rate: 0.5,
            },
            ..common::config()
        },
        TokenizeConfig {
            tokenizer: "missing.json".into(),
            ..common::config()
        },
    ] {
        assert!(DatasetWriter::new(&config, dir.path()).is_err());
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
