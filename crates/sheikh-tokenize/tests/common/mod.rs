//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::PathBuf;

use sheikh_core::io::DirectoryReader;
use sheikh_core::Document;
use sheikh_tokenize::{CodeTokenizer, TokenizeConfig};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn tokenizer_path() -> PathBuf {
    root().join("fixtures/tokenizer/tokenizer.json")
}

pub fn tokenizer() -> CodeTokenizer {
    CodeTokenizer::from_file(tokenizer_path()).unwrap()
}

pub fn config() -> TokenizeConfig {
    TokenizeConfig::default().rebase(&root())
}

/// The fixture corpus, each top-level directory a repository, in walk order.
pub fn corpus() -> Vec<Document> {
    let reader = DirectoryReader::builder(root().join("fixtures/corpus"))
        .repo_from_top_dir(true)
        .build()
        .unwrap();
    let docs: Vec<Document> = reader.flat_map(|b| b.unwrap().documents).collect();
    assert!(
        docs.len() > 50,
        "fixture corpus has {} documents",
        docs.len()
    );
    docs
}
