//! Instruction pairs: every task over many seeds yields a checked, valid answer.

use proptest::prelude::*;
use sheikh_syntax::validate;
use sheikh_synth::{InstructionGenerator, InstructionPair, Task};

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_task_answers_validly(seed in any::<u64>(), index in 0u64..100_000) {
        let g = InstructionGenerator::new(seed);
        for task in Task::ALL {
            let p = g.pair(task, index).unwrap();
            prop_assert_eq!(&p.task, task.name());
            prop_assert!(validate(&p.output, p.language).is_valid(), "{:?}", p);
            prop_assert!(!p.instruction.is_empty());
            prop_assert!(p.retries <= 8, "{:?}", p);
        }
    }
}

#[test]
fn pairs_have_the_expected_shape() {
    let g = InstructionGenerator::new(11).with_tasks(&[Task::JsonToXml, Task::Jsdoc]);
    let pairs = g.generate(6).unwrap();
    assert_eq!(pairs.iter().filter(|p| p.task == "json_to_xml").count(), 3);
    for p in &pairs {
        assert_eq!(p.source, "sheikh-synth/grammar");
        assert!(!p.input.is_empty());
        assert!(p.id.starts_with("synth-"));
        if p.task == "jsdoc" {
            assert!(p.output.starts_with("/**"));
            assert!(p.output.ends_with(&p.input));
        }
    }
    let mdx = InstructionGenerator::new(4)
        .pair(Task::MdxAddProp, 9)
        .unwrap();
    assert!(validate(&mdx.input, sheikh_core::Language::Mdx).is_valid());
    assert!(mdx.output.len() > mdx.input.len());
}

#[test]
fn jsonl_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pairs.jsonl");
    let g = InstructionGenerator::new(5);
    g.write_jsonl(&path, 12, 5).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<InstructionPair> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows, g.generate(12).unwrap());
    let keys: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    for k in ["instruction", "input", "output", "language", "source"] {
        assert!(keys.get(k).is_some(), "{k}");
    }
}
