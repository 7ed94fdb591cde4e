//! Diversity thresholds at a moderate scale, and deduplication of a generator that
//! repeats itself.

use sheikh_synth::{Generator, Kind, Sample, SynthOptions, Synthesizer, WebDevSyntheticGenerator};

#[test]
fn grammar_output_is_diverse() {
    let s = Synthesizer::new(WebDevSyntheticGenerator::new(42), SynthOptions::default()).unwrap();
    let mut run = s.stream();
    for (kind, n) in [
        (Kind::Xml, 500),
        (Kind::Mdx, 300),
        (Kind::JavaScript, 50),
        (Kind::TypeScript, 50),
        (Kind::Jsx, 50),
        (Kind::Tsx, 50),
    ] {
        assert_eq!(run.take(kind, n).unwrap().len() as u64, n);
    }
    let r = run.diversity().unwrap();
    assert_eq!(r.samples, 1000);
    // The requirement: fewer than 5 % near duplicates among samples.
    assert!(r.near_duplicate_rate < 0.05, "{}", r.to_markdown());
    assert_eq!(r.exact_duplicate_rate, 0.0);
    assert!(r.skeleton_ratio > 0.85, "{}", r.to_markdown());
    assert!(r.distinct_4 > 0.5, "{}", r.to_markdown());
    assert!(r.distinct_2 > 0.15, "{}", r.to_markdown());
    assert!(r.mean_sample_distinct_2 > 0.6, "{}", r.to_markdown());
    let t = run.stats().total();
    assert!(
        t.near_duplicates + t.exact_duplicates < 50,
        "{}",
        run.stats().to_markdown()
    );
}

/// Returns one of only four texts: most samples are duplicates.
struct Repetitive;

impl Generator for Repetitive {
    fn name(&self) -> &str {
        "repetitive"
    }
    fn seed(&self) -> u64 {
        0
    }
    fn sample(&self, kind: Kind, index: u64, _attempt: u32) -> sheikh_synth::Result<Sample> {
        let body: String = (0..40)
            .map(|i| format!("<item n=\"{i}\">value {}</item>\n", i * 7))
            .collect();
        let text = match index % 4 {
            0 => format!("<list>\n{body}</list>\n"),
            1 => format!("<list>\n{body}<extra/>\n</list>\n"), // near duplicate of 0
            2 => format!("<list>\n{body}</list>\n"),           // exact duplicate of 0
            _ => format!(
                "<other>{}</other>\n",
                "unique words here and there ".repeat(index as usize % 7 + 1)
            ),
        };
        Ok(Sample {
            text,
            language: kind.language(),
            family: "fixed".into(),
        })
    }
}

#[test]
fn duplicates_are_removed_and_counted() {
    let opts = SynthOptions {
        oversample: 3.0,
        ..Default::default()
    };
    let s = Synthesizer::new(Repetitive, opts).unwrap();
    let mut run = s.stream();
    let docs = run.take(Kind::Xml, 20).unwrap();
    let st = run.stats().kinds[&Kind::Xml];
    // Only 1 + 7 distinct texts exist ("other" repeats every 7), so the request is
    // cut off by the oversampling limit: 20 * 3 + 64 candidates.
    assert_eq!(st.candidates, 124);
    assert!(docs.len() < 20);
    assert_eq!(st.kept as usize, docs.len());
    assert_eq!(
        st.candidates,
        st.kept + st.exact_duplicates + st.near_duplicates + st.failed
    );
    assert!(st.exact_duplicates > 0 && st.near_duplicates > 0, "{st:?}");
    let mut contents: Vec<&str> = docs.iter().map(|d| d.content.as_str()).collect();
    contents.sort();
    contents.dedup();
    assert_eq!(contents.len(), docs.len());
    let r = run.diversity().unwrap();
    assert!(r.exact_duplicate_rate > 0.5, "{r:?}");
    assert!(r.near_duplicate_rate > 0.0, "{r:?}");
}

#[test]
fn dedup_can_be_switched_off() {
    let opts = SynthOptions {
        dedup: false,
        ..Default::default()
    };
    let s = Synthesizer::new(Repetitive, opts).unwrap();
    let docs = s.generate(Kind::Xml, 12).unwrap();
    assert_eq!(docs.len(), 12);
}
