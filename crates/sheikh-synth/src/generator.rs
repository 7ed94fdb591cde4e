//! The [`Generator`] extension point and the built-in grammar generator,
//! [`WebDevSyntheticGenerator`].

use sheikh_core::{Document, Language};

use crate::error::{Result, SynthError};
use crate::kind::Kind;
use crate::rng::Dice;
use crate::synth::{SynthOptions, Synthesizer};
use crate::{js, mdx, xml};

/// One candidate text from a generator, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// The text.
    pub text: String,
    /// The language it must validate as.
    pub language: Language,
    /// The template family (`"svg_icon"`, `"docs_page"`, or a model prompt's topic).
    pub family: String,
}

/// A source of candidate samples. Implementations must be deterministic: the same
/// `(kind, index, attempt)` gives the same sample, whatever thread asks and in whatever
/// order, so a run is reproducible from [`seed`](Generator::seed). `attempt` counts
/// from 0; the [`Synthesizer`] asks for attempt `a + 1` when attempt `a` did not
/// validate, so an implementation should derive a different sample from it.
pub trait Generator: Send + Sync {
    /// A short name recorded in every document's metadata (`"grammar"`, `"openai"`).
    fn name(&self) -> &str;

    /// The run's seed.
    fn seed(&self) -> u64;

    /// Candidate `attempt` of sample `index` of `kind`.
    fn sample(&self, kind: Kind, index: u64, attempt: u32) -> Result<Sample>;
}

/// The built-in generator: recursive grammars for XML (11 families), MDX (6) and
/// JavaScript / TypeScript / JSX / TSX (4–6 each), no network, no model.
///
/// ```
/// use sheikh_synth::WebDevSyntheticGenerator;
/// let g = WebDevSyntheticGenerator::new(42);
/// let docs = g.generate_xml_examples(8)?;
/// assert_eq!(docs.len(), 8);
/// assert!(docs.iter().all(|d| sheikh_syntax::validate(&d.content, d.language).is_valid()));
/// assert_eq!(docs[0].metadata["synth"]["kind"], "xml");
/// // Same seed, same documents.
/// assert_eq!(docs, WebDevSyntheticGenerator::new(42).generate_xml_examples(8)?);
/// # Ok::<(), sheikh_synth::SynthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct WebDevSyntheticGenerator {
    seed: u64,
    families: Option<Vec<String>>,
}

impl WebDevSyntheticGenerator {
    /// A generator with this seed, drawing every family of a kind by its weight.
    pub fn new(seed: u64) -> Self {
        WebDevSyntheticGenerator {
            seed,
            families: None,
        }
    }

    /// Restricts generation to these families (of any kind; a kind none of whose
    /// families is listed falls back to all of its families).
    pub fn with_families<I, S>(mut self, families: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.families = Some(families.into_iter().map(Into::into).collect());
        self
    }

    /// The family of sample `index` of `kind`: a weighted draw from the sample's own
    /// stream, the same for every attempt.
    pub fn family_of(&self, kind: Kind, index: u64) -> &'static str {
        let (names, weights) = kind.families();
        let mut w: Vec<u32> = weights.to_vec();
        if let Some(allowed) = &self.families {
            let masked: Vec<u32> = names
                .iter()
                .zip(weights)
                .map(|(n, &w)| if allowed.iter().any(|a| a == n) { w } else { 0 })
                .collect();
            if masked.iter().any(|&x| x > 0) {
                w = masked;
            }
        }
        let mut d = Dice::for_sample(self.seed, &format!("family/{}", kind.name()), index, 0);
        names[d.weighted(&w)]
    }

    /// Generates one family's text directly (no validation), for tests and tools.
    pub fn render(&self, kind: Kind, family: &str, index: u64, attempt: u32) -> Result<String> {
        let mut d = Dice::for_sample(
            self.seed,
            &format!("{}/{family}", kind.name()),
            index,
            attempt,
        );
        let text = match kind {
            Kind::Xml => xml::generate(family, &mut d),
            Kind::Mdx => mdx::generate(family, &mut d),
            other => other
                .dialect()
                .and_then(|dia| js::generate(dia, family, &mut d)),
        };
        text.ok_or_else(|| SynthError::UnknownFamily {
            kind: kind.name().into(),
            family: family.into(),
        })
    }

    fn examples(&self, kind: Kind, n: usize) -> Result<Vec<Document>> {
        let s = Synthesizer::new(self.clone(), SynthOptions::default())?;
        s.generate(kind, n)
    }

    /// `n` validated, deduplicated XML/SVG documents (indices from 0).
    pub fn generate_xml_examples(&self, n: usize) -> Result<Vec<Document>> {
        self.examples(Kind::Xml, n)
    }

    /// `n` validated, deduplicated MDX documents.
    pub fn generate_mdx_examples(&self, n: usize) -> Result<Vec<Document>> {
        self.examples(Kind::Mdx, n)
    }

    /// `n` validated, deduplicated JavaScript documents.
    pub fn generate_js_examples(&self, n: usize) -> Result<Vec<Document>> {
        self.examples(Kind::JavaScript, n)
    }

    /// `n` validated, deduplicated TypeScript documents.
    pub fn generate_ts_examples(&self, n: usize) -> Result<Vec<Document>> {
        self.examples(Kind::TypeScript, n)
    }

    /// `n` validated, deduplicated JSX documents.
    pub fn generate_jsx_examples(&self, n: usize) -> Result<Vec<Document>> {
        self.examples(Kind::Jsx, n)
    }

    /// `n` validated, deduplicated TSX documents.
    pub fn generate_tsx_examples(&self, n: usize) -> Result<Vec<Document>> {
        self.examples(Kind::Tsx, n)
    }
}

impl Generator for WebDevSyntheticGenerator {
    fn name(&self) -> &str {
        "grammar"
    }

    fn seed(&self) -> u64 {
        self.seed
    }

    fn sample(&self, kind: Kind, index: u64, attempt: u32) -> Result<Sample> {
        let family = self.family_of(kind, index);
        let text = self.render(kind, family, index, attempt)?;
        Ok(Sample {
            text,
            language: kind.language(),
            family: family.to_string(),
        })
    }
}
