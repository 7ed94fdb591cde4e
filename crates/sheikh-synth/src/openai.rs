//! [`OpenAiGenerator`]: a [`Generator`] backed by an OpenAI-compatible
//! `POST /v1/chat/completions` endpoint (vLLM, llama.cpp's `llama-server`, TGI,
//! Ollama's OpenAI API). Its samples go through the same validation, retries and
//! deduplication as the grammar generator's, since a [`Synthesizer`](crate::Synthesizer)
//! runs it.
//!
//! Each request carries a `seed` derived from `(run seed, kind, family, index,
//! attempt)`; servers that honour it (vLLM, llama.cpp) make runs reproducible, and a
//! retry asks with a new seed. Plain HTTP only (no TLS in this build): point it at a
//! local or in-cluster server.
//!
//! ```no_run
//! use sheikh_synth::{Kind, OpenAiConfig, OpenAiGenerator, SynthOptions, Synthesizer};
//! let cfg = OpenAiConfig {
//!     base_url: "http://127.0.0.1:8000/v1".into(),
//!     model: "Qwen/Qwen2.5-Coder-7B-Instruct".into(),
//!     ..Default::default()
//! };
//! let s = Synthesizer::new(OpenAiGenerator::new(cfg, 42)?, SynthOptions::default())?;
//! let docs = s.generate(Kind::Mdx, 100)?; // only valid, deduplicated documents
//! # Ok::<(), sheikh_synth::SynthError>(())
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{Result, SynthError};
use crate::generator::{Generator, Sample};
use crate::kind::Kind;
use crate::rng::{sample_seed_u64, Dice};

/// Settings of the model endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenAiConfig {
    /// Base URL up to and including `/v1` (default `http://127.0.0.1:8000/v1`).
    pub base_url: String,
    /// Model name sent in each request (default `default`).
    pub model: String,
    /// Bearer token, if the server wants one (default none).
    pub api_key: Option<String>,
    /// Sampling temperature (default 0.8).
    pub temperature: f64,
    /// Token limit of an answer (default 2048).
    pub max_tokens: u32,
    /// Request timeout in seconds (default 120).
    pub timeout_secs: u64,
    /// The system message (default: asks for one complete, valid file in one fenced
    /// code block and nothing else).
    pub system_prompt: String,
}

impl Default for OpenAiConfig {
    fn default() -> Self {
        OpenAiConfig {
            base_url: "http://127.0.0.1:8000/v1".into(),
            model: "default".into(),
            api_key: None,
            temperature: 0.8,
            max_tokens: 2048,
            timeout_secs: 120,
            system_prompt: "You write realistic web-development source files. Answer with exactly one complete, syntactically valid file inside a single fenced code block, and nothing else.".into(),
        }
    }
}

/// What to ask for, per family.
fn family_prompt(kind: Kind, family: &str) -> String {
    let what = match family {
        "svg_icon" => "an SVG icon (24x24 or 48x48 viewBox) with paths, groups and a <title>",
        "svg_chart" => "an SVG bar, line or pie chart with axes, labels and a <style> block",
        "rss" => "an RSS 2.0 feed with several items, using the atom and dc namespaces",
        "atom" => "an Atom feed with several entries",
        "sitemap" => "an XML sitemap with lastmod, changefreq and priority",
        "maven_pom" => "a Maven pom.xml with properties, dependencies and build plugins",
        "android_layout" => "an Android layout XML with nested views",
        "csproj" => "a .NET SDK-style .csproj file with package references",
        "xhtml" => "an XHTML 1.0 page with head, navigation, sections and a form",
        "config" => "an XML configuration file (log4j2, web.config or Spring beans)",
        "xsd" => "an XSD schema with complex and simple types",
        "docs_page" => "an MDX documentation page with YAML front matter, imports, JSX components, code blocks and a table",
        "blog_post" => "an MDX blog post with front matter, headings, an embedded JSX component and a code block",
        "api_reference" => "an MDX API reference page documenting several functions with code blocks and parameter tables",
        "tutorial" => "an MDX step-by-step tutorial with code blocks and admonitions",
        "component_showcase" => "an MDX page showcasing a React component with live examples and a props table",
        "changelog" => "an MDX changelog with several versions",
        "react_component" => "a React function component using hooks and typed props",
        "form_component" => "a React form component with controlled inputs and a submit handler",
        "context_provider" => "a React context provider with a custom hook",
        "component_test" => "React Testing Library tests for a component",
        "utility_module" => "a utility module of several documented functions",
        "class_module" => "a module exporting a class with fields, a constructor and methods",
        "async_module" => "an async data-fetching module with error handling and retries",
        "test_suite" => "a Vitest or Jest test suite",
        "http_server" => "an Express HTTP server with REST routes",
        "reducer" => "a state reducer with actions and selectors",
        "types_module" => "a module of exported interfaces, type aliases, enums and type guards",
        other => other,
    };
    let lang = match kind {
        Kind::Xml => "XML",
        Kind::Mdx => "MDX (MDX 2: JSX must be valid, no HTML comments)",
        Kind::JavaScript => "JavaScript",
        Kind::TypeScript => "TypeScript",
        Kind::Jsx => "JavaScript with JSX",
        Kind::Tsx => "TypeScript with JSX (TSX)",
    };
    format!("Write {what}. Language: {lang}.")
}

/// The first fenced code block of an answer, or the whole answer trimmed.
pub fn extract_code(answer: &str) -> String {
    let Some(start) = answer.find("```") else {
        return format!("{}\n", answer.trim());
    };
    let after = &answer[start + 3..];
    let body_start = after.find('\n').map_or(after.len(), |i| i + 1);
    let body = &after[body_start..];
    let end = body.find("\n```").map_or(body.len(), |i| i + 1);
    let code = &body[..end];
    format!("{}\n", code.trim_end())
}

/// A generator asking a chat-completions endpoint; see the [module docs](self).
#[derive(Debug)]
pub struct OpenAiGenerator {
    cfg: OpenAiConfig,
    seed: u64,
    agent: ureq::Agent,
}

impl OpenAiGenerator {
    /// A generator for this endpoint and run seed.
    pub fn new(cfg: OpenAiConfig, seed: u64) -> Result<Self> {
        if !cfg.base_url.starts_with("http://") {
            return Err(SynthError::Config(format!(
                "base_url must be an http:// URL (no TLS in this build), got `{}`",
                cfg.base_url
            )));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(cfg.timeout_secs.max(1))))
            .build()
            .into();
        Ok(OpenAiGenerator { cfg, seed, agent })
    }

    /// The chat-completions request body of one sample (exposed for logging and tests).
    pub fn request(&self, kind: Kind, family: &str, index: u64, attempt: u32) -> Value {
        let seed = sample_seed_u64(
            self.seed,
            &format!("openai/{}/{family}", kind.name()),
            index,
            attempt,
        );
        json!({
            "model": self.cfg.model,
            "messages": [
                {"role": "system", "content": self.cfg.system_prompt},
                {"role": "user", "content": family_prompt(kind, family)},
            ],
            "temperature": self.cfg.temperature,
            "max_tokens": self.cfg.max_tokens,
            "seed": seed,
            "n": 1,
        })
    }

    /// The family (prompt) of sample `index` of `kind`: a weighted draw from the
    /// sample's own stream.
    pub fn family_of(&self, kind: Kind, index: u64) -> &'static str {
        let (names, weights) = kind.families();
        let mut d = Dice::for_sample(
            self.seed,
            &format!("openai-family/{}", kind.name()),
            index,
            0,
        );
        names[d.weighted(weights)]
    }
}

impl Generator for OpenAiGenerator {
    fn name(&self) -> &str {
        "openai"
    }

    fn seed(&self) -> u64 {
        self.seed
    }

    fn sample(&self, kind: Kind, index: u64, attempt: u32) -> Result<Sample> {
        let family = self.family_of(kind, index);
        let body = self.request(kind, family, index, attempt);
        let url = format!(
            "{}/chat/completions",
            self.cfg.base_url.trim_end_matches('/')
        );
        let mut req = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json");
        if let Some(key) = &self.cfg.api_key {
            req = req.header("Authorization", format!("Bearer {key}"));
        }
        let mut resp = req
            .send_json(&body)
            .map_err(|e| SynthError::Model(format!("POST {url}: {e}")))?;
        let v: Value = resp
            .body_mut()
            .read_json()
            .map_err(|e| SynthError::Model(format!("reading the response: {e}")))?;
        let content = v["choices"][0]["message"]["content"]
            .as_str()
            .ok_or_else(|| {
                SynthError::Model("response has no choices[0].message.content".into())
            })?;
        Ok(Sample {
            text: extract_code(content),
            language: kind.language(),
            family: family.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_extracted_from_fences() {
        assert_eq!(extract_code("Here:\n```xml\n<a/>\n```\nDone."), "<a/>\n");
        assert_eq!(extract_code("<a/>"), "<a/>\n");
        assert_eq!(extract_code("```\nx\ny\n```"), "x\ny\n");
    }

    #[test]
    fn https_is_refused() {
        let cfg = OpenAiConfig {
            base_url: "https://x/v1".into(),
            ..Default::default()
        };
        assert!(OpenAiGenerator::new(cfg, 1).is_err());
    }
}
