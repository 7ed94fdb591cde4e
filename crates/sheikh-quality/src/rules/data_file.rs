//! `data_file`: JSON that is data rather than configuration (StarCoder2: under 50 or
//! over 5,000 characters; ours also over 500 lines, and optionally a minimum
//! alphabetic share), and translation and locale tables in JSON and script files
//! (`quality.locale`: a locale path, and for scripts mostly string literals).
//!
//! Manifests, configs and schemas are configuration a developer writes, whatever
//! their size (`package.json`, `tsconfig.json`, `.eslintrc.json`, a JSON Schema, an
//! OpenAPI document): with `quality.json.keep_config_files` (default) they are exempt
//! from the size rules. They are recognised by file name ([`CONFIG_FILE_NAMES`],
//! [`CONFIG_FILE_SUFFIXES`]) or by content (a `"$schema"`, `"openapi"` or `"swagger"`
//! key at the top).

use sheikh_core::io::has_suffix;
use sheikh_core::{Reason, Rejection};

use super::{margin_flag, Measured, Rule, RuleId};
use crate::config::JsonConfig;

/// JSON file names that are configuration or manifests (lowercased, compared with the
/// last path component).
pub const CONFIG_FILE_NAMES: &[&str] = &[
    "package.json",
    "composer.json",
    "bower.json",
    "lerna.json",
    "nx.json",
    "project.json",
    "angular.json",
    "workspace.json",
    "turbo.json",
    "vercel.json",
    "now.json",
    "firebase.json",
    "app.json",
    "manifest.json",
    "renovate.json",
    ".renovaterc.json",
    "components.json",
    "deno.json",
    "deno.jsonc",
    "biome.json",
    "typedoc.json",
    "api-extractor.json",
    "tslint.json",
    "cspell.json",
    "jest.config.json",
    "babel.config.json",
    ".babelrc",
    ".babelrc.json",
    ".eslintrc",
    ".eslintrc.json",
    ".prettierrc",
    ".prettierrc.json",
    ".stylelintrc",
    ".stylelintrc.json",
    ".swcrc",
    ".jshintrc",
    ".nycrc",
    ".nycrc.json",
    ".releaserc",
    ".releaserc.json",
    ".markdownlint.json",
    "launch.json",
    "tasks.json",
    "settings.json",
    "extensions.json",
    "devcontainer.json",
    "openapi.json",
    "swagger.json",
];

/// File-name endings of configuration JSON (`tsconfig.build.json`, `*.schema.json`).
pub const CONFIG_FILE_SUFFIXES: &[&str] = &[".schema.json", "-schema.json"];

/// File-name beginnings of configuration JSON (`tsconfig.*.json`, `jsconfig.*.json`).
pub const CONFIG_FILE_PREFIXES: &[&str] = &["tsconfig", "jsconfig", ".eslintrc", "tsdoc"];

/// True when a JSON file is configuration, a manifest or a schema, by its name or the
/// keys at its top.
pub fn is_config_json(path: Option<&str>, text: &str) -> bool {
    if let Some(path) = path {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let starts = |p: &str| {
            name.len() >= p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        };
        if CONFIG_FILE_NAMES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
            || has_suffix(name, CONFIG_FILE_SUFFIXES)
            || (has_suffix(name, &[".json"]) && CONFIG_FILE_PREFIXES.iter().any(|p| starts(p)))
        {
            return true;
        }
    }
    let head_end = text.floor_char_boundary(512);
    let head = &text[..head_end];
    ["\"$schema\"", "\"openapi\"", "\"swagger\""]
        .iter()
        .any(|k| head.contains(k))
}

/// Drops JSON files flagged as data (`signals.json_data`).
#[derive(Debug, Clone)]
pub struct DataFile {
    cfg: JsonConfig,
}

impl DataFile {
    /// The rule with its thresholds.
    pub fn new(cfg: JsonConfig) -> Self {
        DataFile { cfg }
    }

    /// The measurement behind `signals.json_data`: outside the size window, too many
    /// lines or too few letters, unless it is configuration and those are kept.
    pub fn looks_like_data(
        cfg: &JsonConfig,
        stats: &crate::stats::TextStats,
        config_file: bool,
    ) -> bool {
        if config_file && cfg.keep_config_files {
            return false;
        }
        stats.chars < cfg.min_chars
            || stats.chars > cfg.max_chars
            || stats.lines > cfg.max_lines
            || stats.alpha_fraction() < cfg.min_alpha_fraction
    }
}

impl Rule for DataFile {
    fn id(&self) -> RuleId {
        RuleId::DataFile
    }

    fn check(&self, m: &Measured<'_>) -> Option<Rejection> {
        let c = &self.cfg;
        let st = m.stats;
        if m.signals.locale_table == Some(true) {
            return Some(Rejection::new(
                Reason::DataFile,
                if m.family == super::Family::Data {
                    "translation or locale table (JSON under a locale path)".to_string()
                } else {
                    "translation or locale table (script of string literals under a locale path)"
                        .to_string()
                },
            ));
        }
        (c.enabled && m.signals.json_data == Some(true)).then(|| {
            Rejection::new(
                Reason::DataFile,
                format!(
                    "JSON data file: {} chars, {} lines, alphabetic {:.2} (keep {}..={} chars, ≤ {} lines, ≥ {} alphabetic)",
                    st.chars,
                    st.lines,
                    st.alpha_fraction(),
                    c.min_chars,
                    c.max_chars,
                    c.max_lines,
                    c.min_alpha_fraction
                ),
            )
        })
    }

    fn margin(&self, m: &Measured<'_>) -> Option<f64> {
        let s = m.signals;
        let json = s.json_data.filter(|_| self.cfg.enabled);
        match (json, s.locale_table) {
            (None, None) => None,
            (j, l) => Some(margin_flag(j == Some(true) || l == Some(true), 0.25)),
        }
    }
}
