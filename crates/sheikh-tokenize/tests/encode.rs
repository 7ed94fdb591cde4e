//! Encode/decode round trips on the fixtures and the special-token policy.

mod common;

use sheikh_tokenize::{train_bpe, CodeTokenizer, TokenizeError, TrainConfig, CODE_SPECIAL_TOKENS};

#[test]
fn every_fixture_document_round_trips() {
    let tok = common::tokenizer();
    for doc in common::corpus() {
        let ids = tok.encode(&doc.content).unwrap();
        assert!(
            ids.iter().all(|&i| (i as usize) < tok.vocab_size()),
            "{:?}",
            doc.path
        );
        assert_eq!(tok.decode(&ids).unwrap(), doc.content, "{:?}", doc.path);
    }
}

#[test]
fn unicode_and_odd_text_round_trips() {
    let tok = common::tokenizer();
    for text in [
        "",
        " ",
        "\n\n\t  \r\n",
        "const ünïcödé = '日本語 🚀';",
        "\u{feff}BOM then text",
        "<|endoftext|><|fim_prefix|><|im_start|>user",
    ] {
        let ids = tok.encode(text).unwrap();
        assert_eq!(tok.decode(&ids).unwrap(), text);
    }
}

#[test]
fn special_token_text_in_documents_is_not_special() {
    let tok = common::tokenizer();
    let specials: Vec<u32> = CODE_SPECIAL_TOKENS
        .iter()
        .map(|t| tok.require(t).unwrap())
        .collect();
    assert_eq!(specials, (0..7).collect::<Vec<u32>>());
    let ids = tok
        .encode("x <|endoftext|> <|fim_middle|> <|file_sep|> <|im_end|>")
        .unwrap();
    assert!(ids.iter().all(|i| *i > 8), "{ids:?}");
}

#[test]
fn special_token_ids_of_the_fixture() {
    let tok = common::tokenizer();
    let s = tok.special();
    assert_eq!(s.eos, Some(0));
    assert_eq!(
        (s.fim_prefix, s.fim_middle, s.fim_suffix, s.fim_pad),
        (Some(1), Some(2), Some(3), Some(4))
    );
    assert_eq!((s.repo_name, s.file_sep), (Some(5), Some(6)));
    assert_eq!((s.im_start, s.im_end), (Some(7), Some(8)));
    assert_eq!(tok.vocab_size(), 2048);
}

#[test]
fn missing_files_and_tokens_are_typed_errors() {
    assert!(matches!(
        CodeTokenizer::from_file("/nonexistent/tokenizer.json"),
        Err(TokenizeError::Tokenizer { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("tokenizer.json");
    std::fs::write(&bad, "{not json").unwrap();
    assert!(CodeTokenizer::from_file(&bad).is_err());
    assert!(matches!(
        common::tokenizer().require("<|nope|>"),
        Err(TokenizeError::MissingSpecialToken { .. })
    ));
}

#[test]
fn training_is_deterministic_and_keeps_special_ids() {
    let docs = common::corpus();
    let config = TrainConfig {
        vocab_size: 600,
        ..Default::default()
    };
    let a = train_bpe(docs.iter().map(|d| d.content.as_str()), &config).unwrap();
    // Another thread count and the reverse order: the same merges.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b =
        pool.install(|| train_bpe(docs.iter().rev().map(|d| d.content.as_str()), &config).unwrap());
    assert_eq!(
        a.inner().to_string(false).unwrap(),
        b.inner().to_string(false).unwrap()
    );
    assert_eq!(a.vocab_size(), 600);
    assert_eq!(a.special().im_end, Some(8));
    for d in docs.iter().take(10) {
        assert_eq!(a.decode(&a.encode(&d.content).unwrap()).unwrap(), d.content);
    }
    let too_small = TrainConfig {
        vocab_size: 100,
        ..Default::default()
    };
    assert!(train_bpe(["x"].iter(), &too_small).is_err());
}

#[test]
fn the_shipped_tokenizer_is_what_the_documented_command_builds() {
    // fixtures/tokenizer/README.md: train_tokenizer on fixtures/corpus, vocab 2048, defaults.
    let docs = common::corpus();
    // The example reads the corpus without repo_from_top_dir; content is the same.
    let tok = train_bpe(
        docs.iter().map(|d| d.content.as_str()),
        &TrainConfig::default(),
    )
    .unwrap();
    let shipped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::tokenizer_path()).unwrap()).unwrap();
    let trained: serde_json::Value =
        serde_json::from_str(&tok.inner().to_string(false).unwrap()).unwrap();
    assert_eq!(
        shipped["model"], trained["model"],
        "re-run the command in fixtures/tokenizer/README.md"
    );
    assert_eq!(shipped["added_tokens"], trained["added_tokens"]);
}

#[test]
fn fast_path_matches_the_generic_pipeline() {
    let tok = common::tokenizer();
    assert!(tok.has_fast_path());
    for doc in common::corpus() {
        assert_eq!(
            tok.encode(&doc.content).unwrap(),
            tok.encode_generic(&doc.content).unwrap(),
            "{:?}",
            doc.path
        );
    }
}

proptest::proptest! {
    #[test]
    fn fast_path_matches_on_random_text(text in "(\\PC|[ \\t\\n\\r'\"{}<>|_])*") {
        let tok = common::tokenizer();
        proptest::prop_assert_eq!(tok.encode(&text).unwrap(), tok.encode_generic(&text).unwrap());
        proptest::prop_assert_eq!(tok.decode(&tok.encode(&text).unwrap()).unwrap(), text);
    }
}

#[test]
fn tokens_marked_non_special_in_the_file_are_text_too() {
    // Qwen2.5-Coder's tokenizer.json marks <|fim_prefix|> and friends "special": false,
    // so plain `encode` would match them inside code. Ours never does.
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::tokenizer_path()).unwrap()).unwrap();
    for t in json["added_tokens"].as_array_mut().unwrap() {
        t["special"] = serde_json::Value::Bool(false);
    }
    json["normalizer"] = serde_json::json!({"type": "NFC"});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokenizer.json");
    std::fs::write(&path, json.to_string()).unwrap();
    let plain = tokenizers::Tokenizer::from_file(&path).unwrap();
    let text = "s = '<|fim_prefix|>' + '<|endoftext|>' // ünïcode";
    assert!(plain.encode(text, false).unwrap().get_ids().contains(&1));
    let tok = CodeTokenizer::from_file(&path).unwrap();
    assert!(tok.has_fast_path());
    for t in [text, "ascii <|fim_prefix|> only"] {
        let ids = tok.encode(t).unwrap();
        assert!(ids.iter().all(|&i| i > 8), "{ids:?}");
        assert_eq!(ids, tok.encode_generic(t).unwrap());
        assert_eq!(tok.decode(&ids).unwrap(), t);
    }
    assert_eq!(tok.require("<|fim_prefix|>").unwrap(), 1);
}
