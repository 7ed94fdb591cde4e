//! Instruction data: ChatML rendering, response-only loss, packing without splits.

mod common;

use std::io::Write;

use sheikh_tokenize::{
    read_sequences, ChatTemplate, InstructReader, InstructRecord, PackingMode, SftDatasetWriter,
    TokenizeConfig,
};

fn fixture() -> Vec<InstructRecord> {
    let path = common::root().join("fixtures/instruct/opencodeinstruct-sample.jsonl");
    let mut out = Vec::new();
    for batch in InstructReader::open(path, 5).unwrap() {
        let (records, bad) = batch.unwrap();
        assert!(bad.is_empty());
        out.extend(records);
    }
    assert_eq!(out.len(), 12);
    out
}

#[test]
fn loss_mask_covers_exactly_the_response() {
    let tok = common::tokenizer();
    let t = ChatTemplate::new(&tok, Some("You are a coding assistant.".into())).unwrap();
    for r in fixture() {
        let ex = t.encode(&r).unwrap();
        assert_eq!(ex.input_ids.len(), ex.loss_mask.len());
        // The whole example decodes to the rendered template.
        assert_eq!(tok.decode(&ex.input_ids).unwrap(), t.render(&r));
        // The trained tokens are one contiguous run: the answer and <|im_end|>.
        let first = ex.loss_mask.iter().position(|&m| m).unwrap();
        let last = ex.loss_mask.iter().rposition(|&m| m).unwrap();
        assert!(ex.loss_mask[first..=last].iter().all(|&m| m));
        assert_eq!(
            tok.decode(&ex.input_ids[first..=last]).unwrap(),
            format!("{}<|im_end|>", r.output)
        );
        // Everything before is the prompt, ending with the assistant header.
        assert!(tok
            .decode(&ex.input_ids[..first])
            .unwrap()
            .ends_with("<|im_start|>assistant\n"));
    }
}

#[test]
fn both_record_layouts_are_read() {
    let records = fixture();
    let oci = &records[0];
    assert!(oci.instruction.is_none());
    assert_eq!(oci.prompt(), oci.input);
    assert_eq!(oci.key(), "oci-0001");
    assert_eq!(oci.metadata["domain"], "generic");
    let alpaca = records.iter().find(|r| r.key() == "alpaca-0001").unwrap();
    assert!(alpaca
        .prompt()
        .starts_with("Convert this CommonJS module to an ES module.\n\nconst path"));
    let no_input = records.iter().find(|r| r.key() == "alpaca-0002").unwrap();
    assert!(no_input.prompt().starts_with("Write a CSS rule"));
    assert!(!no_input.prompt().ends_with('\n'));
}

#[test]
fn malformed_lines_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, r#"{{"input": "a", "output": "b"}}"#).unwrap();
    writeln!(f, "not json").unwrap();
    writeln!(f).unwrap();
    writeln!(f, r#"{{"input": "no output"}}"#).unwrap();
    writeln!(f, r#"{{"instruction": "c", "output": "d"}}"#).unwrap();
    drop(f);
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for b in InstructReader::open(&path, 1).unwrap() {
        let (r, e) = b.unwrap();
        good.extend(r);
        bad.extend(e);
    }
    assert_eq!(good.len(), 2);
    assert_eq!(bad.len(), 2);
    assert!(bad[0].source.ends_with("x.jsonl:2"));
    assert!(bad[1].source.ends_with("x.jsonl:4"));
}

fn run(
    config: &TokenizeConfig,
    records: &[InstructRecord],
) -> (
    sheikh_tokenize::DatasetSummary,
    Vec<sheikh_tokenize::SequenceRecord>,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SftDatasetWriter::new(config, dir.path()).unwrap();
    for chunk in records.chunks(4) {
        w.write_batch(chunk).unwrap();
    }
    let s = w.finish().unwrap();
    let rows = s
        .parquet
        .iter()
        .flat_map(|f| read_sequences(f).unwrap())
        .collect();
    (s, rows)
}

#[test]
fn packed_examples_are_never_split_and_labels_mask_prompts() {
    let tok = common::tokenizer();
    let records = fixture();
    let t = ChatTemplate::new(&tok, None).unwrap();
    let examples: Vec<_> = records.iter().map(|r| t.encode(r).unwrap()).collect();
    let longest = examples.iter().map(|e| e.len()).max().unwrap();
    for mode in [PackingMode::Concat, PackingMode::Pad] {
        let config = TokenizeConfig {
            seq_len: longest + 40,
            packing: mode,
            ..common::config()
        };
        let (summary, rows) = run(&config, &records);
        let stats = summary.sft.unwrap();
        assert_eq!((stats.examples, stats.too_long), (12, 0));
        assert_eq!(stats.sequences as usize, rows.len());
        if mode == PackingMode::Pad {
            assert_eq!(rows.len(), 12);
        } else {
            assert!(rows.len() < 12, "concat packing should share sequences");
        }
        // Walk the rows: each holds whole examples, in order.
        let mut next = 0;
        for r in &rows {
            let (ids, labels, mask) = (&r.input_ids, &r.labels, &r.attention_mask);
            assert_eq!(ids.len(), config.seq_len);
            let valid = mask.iter().filter(|&&m| m == 1).count();
            let mut at = 0;
            while at < valid {
                let ex = &examples[next];
                let got: Vec<u32> = ids[at..at + ex.len()].iter().map(|&t| t as u32).collect();
                assert_eq!(got, ex.input_ids, "example {next} split or reordered");
                for (j, &m) in ex.loss_mask.iter().enumerate() {
                    let expected = if m { ids[at + j] } else { -100 };
                    assert_eq!(labels[at + j], expected);
                }
                at += ex.len();
                next += 1;
            }
            assert_eq!(at, valid);
            assert!(labels[valid..].iter().all(|&l| l == -100));
        }
        assert_eq!(next, 12);
        assert_eq!(
            stats.response_tokens,
            examples
                .iter()
                .map(|e| e.response_tokens() as u64)
                .sum::<u64>()
        );
    }
}

#[test]
fn examples_longer_than_a_sequence_are_counted_and_skipped() {
    let records = fixture();
    let config = TokenizeConfig {
        seq_len: 64,
        ..common::config()
    };
    let (summary, rows) = run(&config, &records);
    let stats = summary.sft.unwrap();
    assert!(stats.too_long > 0);
    assert_eq!(stats.examples + stats.too_long, 12);
    assert!(rows.iter().all(|r| r.input_ids.len() == 64));
}
