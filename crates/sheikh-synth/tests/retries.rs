//! Invalid candidates are regenerated with derived seeds and counted; samples that never
//! validate are dropped and counted.

use sheikh_synth::{Generator, Kind, Sample, SynthOptions, Synthesizer};

/// Invalid at attempt 0 for even indices, valid afterwards; never valid for multiples
/// of 5 when `stubborn`.
struct Flaky {
    stubborn: bool,
}

impl Generator for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    fn seed(&self) -> u64 {
        3
    }
    fn sample(&self, kind: Kind, index: u64, attempt: u32) -> sheikh_synth::Result<Sample> {
        let broken =
            (self.stubborn && index.is_multiple_of(5)) || (index.is_multiple_of(2) && attempt == 0);
        let words: String = (0..30).map(|i| format!(" w{}x{}", index, i)).collect();
        let text = if broken {
            format!("<a><b>{words}</a>")
        } else {
            format!("<a><b>{words}</b></a>\n")
        };
        Ok(Sample {
            text,
            language: kind.language(),
            family: "flaky".into(),
        })
    }
}

#[test]
fn retries_are_counted_and_recorded() {
    let s = Synthesizer::new(Flaky { stubborn: false }, SynthOptions::default()).unwrap();
    let mut run = s.stream();
    let docs = run.take(Kind::Xml, 10).unwrap();
    assert_eq!(docs.len(), 10);
    for d in &docs {
        let i = d.metadata["synth"]["index"].as_u64().unwrap();
        let r = d.metadata["synth"]["retries"].as_u64().unwrap();
        assert_eq!(r, if i % 2 == 0 { 1 } else { 0 }, "index {i}");
        assert!(sheikh_syntax::validate(&d.content, d.language).is_valid());
    }
    let st = run.stats().kinds[&Kind::Xml];
    assert_eq!(
        (st.valid_first_try, st.recovered, st.retries, st.failed),
        (5, 5, 5, 0)
    );
}

#[test]
fn hopeless_samples_are_dropped_and_replaced() {
    let opts = SynthOptions {
        max_retries: 2,
        ..Default::default()
    };
    let s = Synthesizer::new(Flaky { stubborn: true }, opts).unwrap();
    let mut run = s.stream();
    let docs = run.take(Kind::Xml, 8).unwrap();
    assert_eq!(docs.len(), 8);
    assert!(docs
        .iter()
        .all(|d| d.metadata["synth"]["index"].as_u64().unwrap() % 5 != 0));
    let st = run.stats().kinds[&Kind::Xml];
    assert_eq!(st.failed, 2); // indices 0 and 5
    assert_eq!(st.candidates, 10);
    assert_eq!(st.retries, 2 * 2 + 4); // 2 per hopeless sample + 1 per other even index (2, 4, 6, 8)
    let c = s.check(Kind::Xml, 0);
    assert!(c.text.is_none());
    assert!(c.error.unwrap().contains("invalid"));
}

#[test]
fn options_are_checked() {
    assert!(Synthesizer::new(
        Flaky { stubborn: false },
        SynthOptions {
            batch_size: 0,
            ..Default::default()
        }
    )
    .is_err());
    assert!(Synthesizer::new(
        Flaky { stubborn: false },
        SynthOptions {
            oversample: 0.5,
            ..Default::default()
        }
    )
    .is_err());
}
