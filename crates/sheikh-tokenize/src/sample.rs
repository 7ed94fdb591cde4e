//! Turning documents into training samples: one document (plain or FIM), or the files
//! of one repository in the repository-level format.

use serde::{Deserialize, Serialize};
use sheikh_core::{Document, Language};

use crate::config::TokenizeConfig;
use crate::error::{Result, TokenizeError};
use crate::fim::{draw_mode, encode_fim, FimConfig, FimMode, FimSplit, FimTokens};
use crate::rng::ItemRng;
use crate::stats::LanguageTokens;
use crate::tokenizer::{CodeTokenizer, FILE_SEP, REPO_NAME};

/// What kind of sample a document became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleKind {
    /// The document's tokens, then EOS.
    Plain,
    /// A fill-in-the-middle example.
    Fim(FimMode),
    /// Repository-level: `<|repo_name|>name\n<|file_sep|>path\ncontent…`, then EOS.
    Repo,
    /// Repository-level with the last file as a FIM example (Qwen2.5-Coder).
    RepoFim(FimMode),
}

/// One training sample: token ids (EOS last when configured) and how many of them
/// belong to each language.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The token ids.
    pub tokens: Vec<u32>,
    /// Plain, FIM or repository-level.
    pub kind: SampleKind,
    /// Documents and tokens per language (markers and EOS count towards the first
    /// file's language). The tokens add up to `tokens.len()`.
    pub languages: Vec<(Language, LanguageTokens)>,
    /// Documents in the sample (1, or the files of a repository group).
    pub documents: u32,
    /// Tokens cut off by `max_doc_tokens`.
    pub truncated: u64,
}

/// The `repo_level` configuration section.
///
/// ```
/// let c: sheikh_tokenize::RepoLevelConfig = serde_json::from_str("{}").unwrap();
/// assert!(!c.enabled && c.max_bytes == 1 << 20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepoLevelConfig {
    /// Group consecutive files of one repository into one sample (default `false`).
    /// Readers deliver a repository's files together (the directory reader walks in
    /// path order), which is what grouping relies on; documents without `repo_name`
    /// stay file-level.
    pub enabled: bool,
    /// A group closes once its content reaches this many bytes, and the next file of
    /// the same repository starts a new group with the same header (default 1 MiB,
    /// about 256k tokens: a memory bound, not a context length).
    pub max_bytes: usize,
}

impl Default for RepoLevelConfig {
    fn default() -> Self {
        RepoLevelConfig {
            enabled: false,
            max_bytes: 1 << 20,
        }
    }
}

/// Builds [`Sample`]s. Cheap to share across threads; every random decision comes from
/// an [`ItemRng`] keyed by `(seed, document id)`.
#[derive(Debug, Clone)]
pub struct SampleBuilder<'t> {
    tok: &'t CodeTokenizer,
    fim: FimConfig,
    fim_tokens: Option<FimTokens>,
    repo_tokens: Option<(u32, u32)>,
    eos: Option<u32>,
    seed: u64,
    max_doc_tokens: Option<usize>,
}

impl<'t> SampleBuilder<'t> {
    /// The builder a [`TokenizeConfig`] describes (its FIM, repo-level, EOS, seed and
    /// `max_doc_tokens` settings).
    pub fn from_config(tok: &'t CodeTokenizer, config: &TokenizeConfig) -> Result<Self> {
        Self::new(
            tok,
            config.fim,
            config.repo_level.enabled,
            config.eos_id(tok)?,
            config.seed,
            config.max_doc_tokens,
        )
    }

    /// A builder; fails when FIM is on (`rate > 0`) or `repo_level` is on but the
    /// tokenizer lacks their markers.
    pub fn new(
        tok: &'t CodeTokenizer,
        fim: FimConfig,
        repo_level: bool,
        eos: Option<u32>,
        seed: u64,
        max_doc_tokens: Option<usize>,
    ) -> Result<Self> {
        fim.validate()?;
        let fim_tokens = if fim.rate > 0.0 {
            Some(FimTokens::from_tokenizer(tok)?)
        } else {
            None
        };
        let repo_tokens = if repo_level {
            Some((tok.require(REPO_NAME)?, tok.require(FILE_SEP)?))
        } else {
            None
        };
        if max_doc_tokens == Some(0) {
            return Err(TokenizeError::Config("max_doc_tokens must be > 0".into()));
        }
        Ok(SampleBuilder {
            tok,
            fim,
            fim_tokens,
            repo_tokens,
            eos,
            seed,
            max_doc_tokens,
        })
    }

    fn fim_mode(&self, key: &str) -> (ItemRng, Option<FimMode>) {
        let mut rng = ItemRng::for_item(self.seed, key);
        let mode = match self.fim_tokens {
            Some(_) => draw_mode(&self.fim, &mut rng),
            None => None,
        };
        (rng, mode)
    }

    fn finish(&self, mut tokens: Vec<u32>) -> (Vec<u32>, u64) {
        let mut truncated = 0;
        if let Some(max) = self.max_doc_tokens {
            let keep = max.saturating_sub(self.eos.is_some() as usize).max(1);
            if tokens.len() > keep {
                truncated = (tokens.len() - keep) as u64;
                tokens.truncate(keep);
            }
        }
        if let Some(eos) = self.eos {
            tokens.push(eos);
        }
        (tokens, truncated)
    }

    /// One document: plain or (at the FIM rate) a FIM example, then EOS.
    pub fn document(&self, doc: &Document) -> Result<Sample> {
        let (mut rng, mode) = self.fim_mode(&doc.id);
        let mut tokens = Vec::with_capacity(doc.content.len() / 3 + 8);
        let kind = match (mode, &self.fim_tokens) {
            (Some(mode), Some(fim)) => {
                let split = FimSplit::random(&doc.content, &mut rng);
                encode_fim(self.tok, fim, &split, mode, &mut tokens)?;
                SampleKind::Fim(mode)
            }
            _ => {
                self.tok.encode_into(&doc.content, &mut tokens)?;
                SampleKind::Plain
            }
        };
        let (tokens, truncated) = self.finish(tokens);
        Ok(Sample {
            languages: vec![(
                doc.language,
                LanguageTokens {
                    documents: 1,
                    tokens: tokens.len() as u64,
                },
            )],
            tokens,
            kind,
            documents: 1,
            truncated,
        })
    }

    /// The files of one repository in the Qwen2.5-Coder repository-level format:
    /// `<|repo_name|>{repo}\n` then, per file, `<|file_sep|>{path}\n{content}` (a newline
    /// is added between files when a content does not end with one), then EOS. At the
    /// FIM rate the last file's content becomes a FIM example after its path line.
    pub fn repository(&self, repo: &str, docs: &[Document]) -> Result<Sample> {
        let (repo_id, sep_id) = self.repo_tokens.ok_or_else(|| {
            TokenizeError::Config("repository samples need repo_level enabled".into())
        })?;
        let key = docs.first().map_or(repo, |d| d.id.as_str());
        let (mut rng, mode) = self.fim_mode(key);
        let mut tokens = vec![repo_id];
        self.tok.encode_into(&format!("{repo}\n"), &mut tokens)?;
        let mut languages: Vec<(Language, LanguageTokens)> = Vec::new();
        let mut counted = 0usize;
        let n = docs.len();
        for (i, doc) in docs.iter().enumerate() {
            tokens.push(sep_id);
            let path = doc.path.as_deref().unwrap_or(&doc.id);
            let last = i + 1 == n;
            match (mode, &self.fim_tokens, last) {
                (Some(mode), Some(fim), true) => {
                    self.tok.encode_into(&format!("{path}\n"), &mut tokens)?;
                    let split = FimSplit::random(&doc.content, &mut rng);
                    encode_fim(self.tok, fim, &split, mode, &mut tokens)?;
                }
                _ => {
                    let sep = if !last && !doc.content.ends_with('\n') {
                        "\n"
                    } else {
                        ""
                    };
                    self.tok
                        .encode_into(&format!("{path}\n{}{sep}", doc.content), &mut tokens)?;
                }
            }
            let added = (tokens.len() - counted) as u64;
            counted = tokens.len();
            match languages.iter_mut().find(|(l, _)| *l == doc.language) {
                Some((_, c)) => {
                    c.documents += 1;
                    c.tokens += added;
                }
                None => languages.push((
                    doc.language,
                    LanguageTokens {
                        documents: 1,
                        tokens: added,
                    },
                )),
            }
        }
        let (tokens, truncated) = self.finish(tokens);
        balance(&mut languages, tokens.len() as u64);
        Ok(Sample {
            tokens,
            kind: match mode {
                Some(m) => SampleKind::RepoFim(m),
                None => SampleKind::Repo,
            },
            languages,
            documents: n as u32,
            truncated,
        })
    }
}

/// A unit of work for [`SampleBuilder`]: one document, or a repository group.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// A document sampled on its own.
    Document(Document),
    /// Consecutive files of one repository.
    Repository(String, Vec<Document>),
}

/// Groups consecutive documents of one repository (streaming, bounded by
/// [`RepoLevelConfig::max_bytes`]).
#[derive(Debug, Default)]
pub struct RepoGrouper {
    max_bytes: usize,
    repo: Option<String>,
    docs: Vec<Document>,
    bytes: usize,
}

impl RepoGrouper {
    /// A grouper closing groups at `max_bytes` of content.
    pub fn new(max_bytes: usize) -> Self {
        RepoGrouper {
            max_bytes: max_bytes.max(1),
            ..Default::default()
        }
    }

    /// Adds a document; returns the units it completed.
    pub fn push(&mut self, doc: Document, out: &mut Vec<Unit>) {
        match doc.repo_name.clone() {
            None => {
                self.flush(out);
                out.push(Unit::Document(doc));
            }
            Some(repo) => {
                let same = self.repo.as_deref() == Some(repo.as_str());
                if !same || self.bytes + doc.content.len() > self.max_bytes {
                    self.flush(out);
                }
                self.repo = Some(repo);
                self.bytes += doc.content.len();
                self.docs.push(doc);
            }
        }
    }

    /// Releases the open group, if any.
    pub fn flush(&mut self, out: &mut Vec<Unit>) {
        if let Some(repo) = self.repo.take() {
            if !self.docs.is_empty() {
                out.push(Unit::Repository(repo, std::mem::take(&mut self.docs)));
            }
        }
        self.docs.clear();
        self.bytes = 0;
    }
}

/// Makes the per-language counts add up to `total`: EOS is booked to the first
/// language, truncated tokens are taken from the last ones.
fn balance(languages: &mut [(Language, LanguageTokens)], total: u64) {
    let sum: u64 = languages.iter().map(|(_, c)| c.tokens).sum();
    if total >= sum {
        if let Some((_, c)) = languages.first_mut() {
            c.tokens += total - sum;
        }
    } else {
        let mut excess = sum - total;
        for (_, c) in languages.iter_mut().rev() {
            let take = excess.min(c.tokens);
            c.tokens -= take;
            excess -= take;
        }
    }
}
