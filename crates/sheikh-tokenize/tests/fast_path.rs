//! The fast encoder (hand-written pre-tokenizers + byte-level BPE) against the generic
//! `tokenizers` pipeline, on tokenizers of every supported layout built offline here:
//! the project's fixture (GPT-2 `ByteLevel` split), GPT-2's regex as a `Split`, Llama-3's
//! (`ignore_merges`), Qwen2's (NFC normalizer), a regex the hand-written splitter does not
//! know (onig splits), and an unsupported normalizer (generic fallback).

mod common;

use std::sync::OnceLock;

use sheikh_tokenize::{CodeTokenizer, DatasetWriter, EncodePath};
use tokenizers::models::bpe::{BpeTrainerBuilder, BPE};
use tokenizers::models::TrainerWrapper;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
use tokenizers::{AddedToken, Tokenizer};

const GPT2: &str = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// A split the hand-written pre-tokenizer does not know.
const OTHER: &str = r"\p{L}+|\p{N}+|\s+|[^\s\p{L}\p{N}]+";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Fixture,
    Gpt2Split,
    Llama3,
    Qwen2,
    OtherRegex,
    Lowercase,
}

const STYLES: [Style; 6] = [
    Style::Fixture,
    Style::Gpt2Split,
    Style::Llama3,
    Style::Qwen2,
    Style::OtherRegex,
    Style::Lowercase,
];

fn split_then_byte_level(regex: &str) -> serde_json::Value {
    serde_json::json!({"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Isolated", "invert": false},
        {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false},
    ]})
}

/// A byte-level BPE trained on the fixture corpus with `pre_tokenizer`, then given
/// `normalizer` and `ignore_merges` as a `tokenizer.json` would.
fn train(
    pre_tokenizer: serde_json::Value,
    normalizer: serde_json::Value,
    ignore_merges: bool,
) -> CodeTokenizer {
    let mut trainer: TrainerWrapper = BpeTrainerBuilder::new()
        .show_progress(false)
        .vocab_size(1200)
        .special_tokens(vec![AddedToken::from("<|endoftext|>", true)])
        .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
        .build()
        .into();
    let pre: PreTokenizerWrapper = serde_json::from_value(pre_tokenizer).unwrap();
    let mut tok = Tokenizer::new(BPE::default());
    tok.with_pre_tokenizer(Some(pre))
        .with_decoder(Some(ByteLevel::default()));
    let docs = common::corpus();
    tok.train(&mut trainer, docs.iter().map(|d| d.content.as_str()))
        .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&tok.to_string(false).unwrap()).unwrap();
    json["normalizer"] = normalizer;
    json["model"]["ignore_merges"] = serde_json::Value::Bool(ignore_merges);
    let tok: Tokenizer = json.to_string().parse().unwrap();
    CodeTokenizer::new(tok, "<trained in the test>")
}

fn tokenizer(style: Style) -> &'static CodeTokenizer {
    static TOKS: OnceLock<Vec<CodeTokenizer>> = OnceLock::new();
    let toks = TOKS.get_or_init(|| {
        let null = serde_json::Value::Null;
        let nfc = serde_json::json!({"type": "NFC"});
        STYLES
            .iter()
            .map(|s| match s {
                Style::Fixture => common::tokenizer(),
                Style::Gpt2Split => train(split_then_byte_level(GPT2), null.clone(), false),
                Style::Llama3 => train(split_then_byte_level(LLAMA3), null.clone(), true),
                Style::Qwen2 => train(split_then_byte_level(QWEN2), nfc.clone(), false),
                Style::OtherRegex => train(split_then_byte_level(OTHER), nfc.clone(), true),
                Style::Lowercase => train(
                    split_then_byte_level(GPT2),
                    serde_json::json!({"type": "Lowercase"}),
                    false,
                ),
            })
            .collect()
    });
    &toks[STYLES.iter().position(|s| *s == style).unwrap()]
}

#[test]
fn each_layout_gets_the_expected_path() {
    let fast = |p: &str| EncodePath::Fast {
        pattern: p.to_string(),
    };
    assert_eq!(tokenizer(Style::Fixture).encode_path(), &fast("gpt2"));
    assert_eq!(tokenizer(Style::Gpt2Split).encode_path(), &fast("gpt2"));
    assert_eq!(tokenizer(Style::Llama3).encode_path(), &fast("llama3"));
    assert_eq!(tokenizer(Style::Qwen2).encode_path(), &fast("qwen2"));
    assert!(matches!(
        tokenizer(Style::OtherRegex).encode_path(),
        EncodePath::FastRegex { .. }
    ));
    let generic = tokenizer(Style::Lowercase);
    assert!(!generic.has_fast_path());
    match generic.encode_path() {
        EncodePath::Generic { reason } => assert!(reason.contains("Lowercase"), "{reason}"),
        p => panic!("{p:?}"),
    }
    assert!(generic.encode_path().to_string().starts_with("generic"));
}

#[test]
fn every_fixture_document_encodes_as_the_generic_pipeline() {
    let docs = common::corpus();
    for style in STYLES {
        let tok = tokenizer(style);
        for doc in &docs {
            let ids = tok.encode(&doc.content).unwrap();
            assert_eq!(
                ids,
                tok.encode_generic(&doc.content).unwrap(),
                "{style:?} {:?}",
                doc.path
            );
            // Twice: the second time from the piece cache.
            assert_eq!(ids, tok.encode(&doc.content).unwrap(), "{style:?}");
        }
    }
}

#[test]
fn crafted_text_encodes_as_the_generic_pipeline() {
    let long_word = "x".repeat(5000);
    let long_space = " ".repeat(3000) + "y";
    for text in [
        "",
        "'s 'S 'ſ 'RE 'Re 'll 'LL 'x ''s ?'s don't I'M",
        "  x\t\ty \n\n z\r\n\r\n  w   ",
        "12345 1234567 ١٢٣٤ ½",
        "   \u{a0}x \u{3000}y\u{2028}\n z",
        "ÄÖÜ ß straße İstanbul ǅ ﬁ",
        // Not NFC: combining marks, a compatibility ideograph, Hangul jamo.
        "e\u{301} A\u{30a} \u{f900} \u{1100}\u{1161}\u{11a8} a\u{323}\u{302}",
        "日本語のテキスト 🚀🚀 ok",
        "<|endoftext|> <s> </s>",
        long_word.as_str(),
        long_space.as_str(),
    ] {
        for style in STYLES {
            let tok = tokenizer(style);
            assert_eq!(
                tok.encode(text).unwrap(),
                tok.encode_generic(text).unwrap(),
                "{style:?} {text:?}"
            );
        }
    }
}

#[test]
fn vocab_and_merges_files_load_like_the_tokenizer_json() {
    // The fixture's model written as GPT-2 / RoBERTa / CodeBERT ship theirs.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::tokenizer_path()).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vocab = dir.path().join("vocab.json");
    let merges = dir.path().join("merges.txt");
    std::fs::write(&vocab, json["model"]["vocab"].to_string()).unwrap();
    let mut text = String::from("#version: 0.2\n");
    for m in json["model"]["merges"].as_array().unwrap() {
        text.push_str(&format!(
            "{} {}\n",
            m[0].as_str().unwrap(),
            m[1].as_str().unwrap()
        ));
    }
    std::fs::write(&merges, text).unwrap();
    let tok = CodeTokenizer::from_vocab_merges(&vocab, &merges).unwrap();
    assert_eq!(
        tok.encode_path(),
        &EncodePath::Fast {
            pattern: "gpt2".into()
        }
    );
    let fixture = common::tokenizer();
    for doc in common::corpus().iter().take(20) {
        let ids = tok.encode(&doc.content).unwrap();
        assert_eq!(ids, fixture.encode(&doc.content).unwrap());
        assert_eq!(ids, tok.encode_generic(&doc.content).unwrap());
        assert_eq!(tok.decode(&ids).unwrap(), doc.content);
    }
    assert!(CodeTokenizer::from_vocab_merges(dir.path().join("nope.json"), &merges).is_err());
}

#[test]
fn the_dataset_statistics_say_which_path_ran() {
    let dir = tempfile::tempdir().unwrap();
    let writer = DatasetWriter::new(&common::config(), dir.path()).unwrap();
    assert_eq!(
        writer.stats().encode_path,
        Some(EncodePath::Fast {
            pattern: "gpt2".into()
        })
    );
    let json = serde_json::to_value(writer.stats()).unwrap();
    assert_eq!(
        json["encode_path"],
        serde_json::json!({"path": "fast", "pattern": "gpt2"})
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_unicode_encodes_as_the_generic_pipeline(
        text in "\\PC*|(\\PC|\\s|\\p{M}|['sStTrReEvVmMlLdDſ0-9 \\r\\n\\t])*"
    ) {
        for style in STYLES {
            let tok = tokenizer(style);
            proptest::prop_assert_eq!(
                tok.encode(&text).unwrap(),
                tok.encode_generic(&text).unwrap(),
                "{:?}", style
            );
        }
    }

    #[test]
    fn any_chars_encode_as_the_generic_pipeline(
        chars in proptest::collection::vec(proptest::char::any(), 0..80)
    ) {
        let text: String = chars.into_iter().collect();
        for style in STYLES {
            let tok = tokenizer(style);
            proptest::prop_assert_eq!(
                tok.encode(&text).unwrap(),
                tok.encode_generic(&text).unwrap(),
                "{:?}", style
            );
        }
    }
}
