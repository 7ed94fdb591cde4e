//! # sheikh-synth
//!
//! Seeded synthetic XML/SVG, MDX and JavaScript/TypeScript training examples, every one
//! syntax-validated and deduplicated, with no network and no model; plus checked
//! instruction pairs and an extension point for model-backed generators.
//!
//! - [`WebDevSyntheticGenerator`] (a [`Generator`]): recursive grammars, not fixed
//!   strings — random depth and fan-out, composed identifiers, values and prose,
//!   attribute sets, comments and per-sample formatting [`style`]s:
//!   - [`xml`]: SVG icons and charts, RSS and Atom feeds, sitemaps, Maven `pom.xml`,
//!     Android layouts, `.csproj`, XHTML, configuration files (log4j2, web.config,
//!     Spring, custom with an internal DTD), XSD — namespaces, CDATA, entity and
//!     character references, processing instructions;
//!   - [`mdx`]: docs pages, blog posts, API references, tutorials, component
//!     showcases, changelogs — YAML front matter, `import`/`export`, JSX components
//!     with props and children, `{expressions}`, code fences in 14 languages, GFM
//!     tables, lists, admonitions;
//!   - [`js`]: React components with hooks and props types / PropTypes, context
//!     providers, forms, component tests (JSX/TSX); utility modules with JSDoc,
//!     classes, async modules, reducers, Express servers, type modules, test suites
//!     (JS/TS).
//! - [`Synthesizer`]: runs any [`Generator`] — validation with `sheikh-syntax`
//!   (invalid candidates regenerated from a derived seed, retries counted), streaming
//!   exact + near deduplication with `sheikh-dedup`'s MinHash LSH ([`StreamDedup`]),
//!   diversity measurement ([`DiversityMeter`]: distinct-1/2/4, structural skeletons,
//!   near-duplicate rate), batches of [`Document`](sheikh_core::Document)s with
//!   `metadata.synth = {generator, kind, family, seed, index, retries}`.
//! - Determinism: sample `i` of a kind draws from its own ChaCha8 stream seeded by
//!   `(seed, kind/family, i, attempt)` ([`Dice`]), samples are generated in parallel
//!   and deduplicated in index order: the same seed and counts give byte-identical
//!   output on any thread count and batch size.
//! - [`InstructionGenerator`]: OpenCodeInstruct-style [`InstructionPair`]s (write an
//!   SVG of …, JSON → XML, XML → JSON, add a prop to an MDX component, document a
//!   function with JSDoc) whose answers are validated and checked (conversions parsed
//!   back).
//! - [`SynthConfig`] / [`mix_into`] / [`SynthReader`]: the `synth:` pipeline section —
//!   append counts of documents per kind to a corpus reader, or interleave them at a
//!   ratio.
//! - Feature `openai`: `OpenAiGenerator`, a [`Generator`] calling an OpenAI-compatible
//!   `/v1/chat/completions` endpoint (vLLM, llama.cpp server), through the same checks.
//!
//! ```
//! use sheikh_synth::{Kind, SynthOptions, Synthesizer, WebDevSyntheticGenerator};
//!
//! // The seed's request, at a small scale: XML and MDX examples, streamed in batches.
//! let synth = Synthesizer::new(WebDevSyntheticGenerator::new(42), SynthOptions::default())?;
//! let mut run = synth.stream();
//! let xml = run.take(Kind::Xml, 20)?;
//! let mdx = run.take(Kind::Mdx, 10)?;
//! assert!(xml.iter().chain(&mdx).all(|d| sheikh_syntax::validate(&d.content, d.language).is_valid()));
//! println!("{}", run.stats().to_markdown());
//! let diversity = run.diversity()?;
//! assert!(diversity.near_duplicate_rate < 0.05);
//!
//! // Checked instruction pairs.
//! let pairs = sheikh_synth::InstructionGenerator::new(42).generate(5)?;
//! assert_eq!(pairs[1].task, "json_to_xml");
//! # Ok::<(), sheikh_synth::SynthError>(())
//! ```

#![warn(missing_docs)]

pub mod code;
mod config;
mod dedup;
mod diversity;
mod error;
mod generator;
mod instruct;
pub mod js;
mod kind;
pub mod mdx;
mod mix;
#[cfg(feature = "openai")]
pub mod openai;
mod rng;
pub mod style;
mod synth;
pub mod vocab;
pub mod xml;
pub mod xmltree;

pub use config::{KindCounts, SynthConfig};
pub use dedup::{Duplicate, Fingerprint, StreamDedup};
pub use diversity::{skeleton, DiversityMeter, DiversityReport};
pub use error::{Result, SynthError};
pub use generator::{Generator, Sample, WebDevSyntheticGenerator};
pub use instruct::{InstructionGenerator, InstructionPair, Task};
pub use kind::Kind;
pub use mix::{mix_into, SynthReader};
#[cfg(feature = "openai")]
pub use openai::{OpenAiConfig, OpenAiGenerator};
pub use rng::{sample_seed, sample_seed_u64, Dice};
pub use synth::{Batches, Checked, KindStats, SynthOptions, SynthStats, SynthStream, Synthesizer};
