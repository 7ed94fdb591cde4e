//! Fill-in-the-middle (Bavarian et al. 2022, "Efficient Training of Language Models to
//! Fill in the Middle"), as StarCoder and Qwen2.5-Coder train it: character-level split
//! of a whole document, PSM or SPM order.

use serde::{Deserialize, Serialize};

use crate::error::{Result, TokenizeError};
use crate::rng::ItemRng;
use crate::tokenizer::{CodeTokenizer, FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX};

/// The `fim` configuration section.
///
/// ```
/// let c: sheikh_tokenize::FimConfig = serde_json::from_str("{}").unwrap();
/// assert_eq!((c.rate, c.spm_rate), (0.5, 0.5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FimConfig {
    /// Share of documents turned into a FIM example (default `0.5`, StarCoder's and
    /// Qwen2.5-Coder's rate; `0` turns FIM off).
    pub rate: f64,
    /// Share of FIM examples in SPM order, the rest PSM (default `0.5`, StarCoder's).
    pub spm_rate: f64,
}

impl Default for FimConfig {
    fn default() -> Self {
        FimConfig {
            rate: 0.5,
            spm_rate: 0.5,
        }
    }
}

impl FimConfig {
    /// Checks both rates are probabilities.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [("fim.rate", self.rate), ("fim.spm_rate", self.spm_rate)] {
            if !(0.0..=1.0).contains(&v) {
                return Err(TokenizeError::Config(format!(
                    "{name} = {v} is not in [0, 1]"
                )));
            }
        }
        Ok(())
    }
}

/// The order of a FIM example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FimMode {
    /// Prefix-suffix-middle:
    /// `<|fim_prefix|>` prefix `<|fim_suffix|>` suffix `<|fim_middle|>` middle.
    Psm,
    /// Suffix-prefix-middle in the variant of the FIM paper (§ D, "SPM variant 2") that
    /// StarCoder's Megatron-LM and NVIDIA Megatron-LM's `GPTFIMDataset` use:
    /// `<|fim_prefix|><|fim_suffix|>` suffix `<|fim_middle|>` prefix middle — prefix and
    /// middle are contiguous, so the middle is a plain continuation of the prefix.
    Spm,
}

/// A document cut at two character positions: `prefix + middle + suffix` is the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FimSplit<'a> {
    /// Text before the first cut.
    pub prefix: &'a str,
    /// Text between the cuts (what the model learns to fill in).
    pub middle: &'a str,
    /// Text after the second cut.
    pub suffix: &'a str,
}

impl<'a> FimSplit<'a> {
    /// Splits `text` at two uniformly drawn character positions in `0..=chars` (sorted;
    /// equal cuts give an empty middle), as StarCoder's `split_contents` does with
    /// `np_rng.randint(0, len(contents) + 1, size=2)`. Cuts fall on `char` boundaries,
    /// never inside a UTF-8 sequence.
    pub fn random(text: &'a str, rng: &mut ItemRng) -> Self {
        let n = text.chars().count() as u64;
        let mut a = rng.below(n + 1) as usize;
        let mut b = rng.below(n + 1) as usize;
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        Self::at_chars(text, a, b)
    }

    /// Splits at character positions `a <= b` (clamped to the text).
    pub fn at_chars(text: &'a str, a: usize, b: usize) -> Self {
        let byte_at = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(i, _)| i);
        let (a, b) = (a.min(b), a.max(b));
        let ia = byte_at(a);
        let ib = ia
            + text[ia..]
                .char_indices()
                .nth(b - a)
                .map_or(text.len() - ia, |(i, _)| i);
        FimSplit {
            prefix: &text[..ia],
            middle: &text[ia..ib],
            suffix: &text[ib..],
        }
    }
}

/// Token ids of the three FIM markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FimTokens {
    /// `<|fim_prefix|>`.
    pub prefix: u32,
    /// `<|fim_middle|>`.
    pub middle: u32,
    /// `<|fim_suffix|>`.
    pub suffix: u32,
}

impl FimTokens {
    /// Looks the markers up; an error names the first one missing.
    pub fn from_tokenizer(tok: &CodeTokenizer) -> Result<Self> {
        Ok(FimTokens {
            prefix: tok.require(FIM_PREFIX)?,
            middle: tok.require(FIM_MIDDLE)?,
            suffix: tok.require(FIM_SUFFIX)?,
        })
    }
}

/// Decides, for one item, whether it becomes a FIM example and in which order: one
/// Bernoulli draw at `rate`, then one at `spm_rate`.
pub fn draw_mode(config: &FimConfig, rng: &mut ItemRng) -> Option<FimMode> {
    if config.rate <= 0.0 || !rng.bernoulli(config.rate) {
        return None;
    }
    Some(if rng.bernoulli(config.spm_rate) {
        FimMode::Spm
    } else {
        FimMode::Psm
    })
}

/// Appends the FIM rendering of `split` to `out`: each part is encoded on its own
/// (as StarCoder does after its character-level split), markers inserted by id.
///
/// ```
/// use sheikh_tokenize::{encode_fim, CodeTokenizer, FimMode, FimSplit, FimTokens};
/// let tok = CodeTokenizer::from_file(
///     concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tokenizer/tokenizer.json"),
/// ).unwrap();
/// let fim = FimTokens::from_tokenizer(&tok).unwrap();
/// let split = FimSplit::at_chars("let a = 1;", 4, 5);
/// let mut ids = Vec::new();
/// encode_fim(&tok, &fim, &split, FimMode::Psm, &mut ids).unwrap();
/// assert_eq!(tok.decode(&ids).unwrap(), "<|fim_prefix|>let <|fim_suffix|> = 1;<|fim_middle|>a");
/// ids.clear();
/// encode_fim(&tok, &fim, &split, FimMode::Spm, &mut ids).unwrap();
/// assert_eq!(tok.decode(&ids).unwrap(), "<|fim_prefix|><|fim_suffix|> = 1;<|fim_middle|>let a");
/// ```
pub fn encode_fim(
    tok: &CodeTokenizer,
    fim: &FimTokens,
    split: &FimSplit<'_>,
    mode: FimMode,
    out: &mut Vec<u32>,
) -> Result<()> {
    match mode {
        FimMode::Psm => {
            out.push(fim.prefix);
            tok.encode_into(split.prefix, out)?;
            out.push(fim.suffix);
            tok.encode_into(split.suffix, out)?;
            out.push(fim.middle);
            tok.encode_into(split.middle, out)?;
        }
        FimMode::Spm => {
            out.push(fim.prefix);
            out.push(fim.suffix);
            tok.encode_into(split.suffix, out)?;
            out.push(fim.middle);
            tok.encode_into(split.prefix, out)?;
            tok.encode_into(split.middle, out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn split_at_chars_handles_multibyte() {
        let s = FimSplit::at_chars("héllo wörld", 2, 8);
        assert_eq!((s.prefix, s.middle, s.suffix), ("hé", "llo wö", "rld"));
        let s = FimSplit::at_chars("ab", 5, 9);
        assert_eq!((s.prefix, s.middle, s.suffix), ("ab", "", ""));
        let s = FimSplit::at_chars("", 0, 0);
        assert_eq!((s.prefix, s.middle, s.suffix), ("", "", ""));
    }

    #[test]
    fn rates_are_validated() {
        assert!(FimConfig {
            rate: 1.5,
            spm_rate: 0.5
        }
        .validate()
        .is_err());
        assert!(FimConfig {
            rate: 0.5,
            spm_rate: -0.1
        }
        .validate()
        .is_err());
        assert!(FimConfig::default().validate().is_ok());
    }

    #[test]
    fn mode_shares_follow_the_rates() {
        let c = FimConfig {
            rate: 0.5,
            spm_rate: 0.25,
        };
        let (mut psm, mut spm, mut none) = (0, 0, 0);
        for i in 0..20_000 {
            match draw_mode(&c, &mut ItemRng::for_item(1, &i.to_string())) {
                Some(FimMode::Psm) => psm += 1,
                Some(FimMode::Spm) => spm += 1,
                None => none += 1,
            }
        }
        assert!((9_500..10_500).contains(&none), "{none}");
        assert!((2_200..2_800).contains(&spm), "{spm}");
        assert!((7_200..7_800).contains(&psm), "{psm}");
        let off = FimConfig {
            rate: 0.0,
            spm_rate: 0.5,
        };
        assert!(
            (0..100).all(|i| draw_mode(&off, &mut ItemRng::for_item(1, &i.to_string())).is_none())
        );
    }

    proptest! {
        #[test]
        fn random_split_concatenates_back(text in "\\PC{0,200}", seed in any::<u64>()) {
            let mut rng = ItemRng::for_item(seed, "doc");
            let s = FimSplit::random(&text, &mut rng);
            prop_assert_eq!(format!("{}{}{}", s.prefix, s.middle, s.suffix), text);
        }
    }
}
