//! # sheikh-synth
//!
//! Seeded synthetic XML/SVG, MDX and JavaScript/TypeScript training examples, every one syntax-validated and deduplicated.

#![warn(missing_docs)]
