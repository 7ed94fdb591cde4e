//! Path conventions that mark vendored, built, minified or generated files.

use serde::{Deserialize, Serialize};

/// What to do with a document whose path is vendored, built, minified or generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VendoredPolicy {
    /// Keep it and say nothing.
    Keep,
    /// Keep it and record the flags in `metadata.path_flags` (default), so that quality
    /// filters and dedup can weigh them.
    #[default]
    Flag,
    /// Drop it with reason `vendored_path`.
    Drop,
}

const VENDOR_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "vendor",
    "vendors",
    "third_party",
    "third-party",
    "thirdparty",
    "external",
    ".yarn",
];
const BUILD_DIRS: &[&str] = &[
    "dist",
    "build",
    "out",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".output",
    "coverage",
    "target",
];
const GENERATED_DIRS: &[&str] = &["generated", "__generated__", "gen", ".docusaurus"];
const MINIFIED_SUFFIXES: &[&str] = &[
    ".min.js",
    ".min.mjs",
    ".min.cjs",
    ".min.css",
    ".bundle.js",
    "-bundle.js",
    ".chunk.js",
    ".prod.js",
];

/// Flags derived from a path alone.
///
/// ```
/// use sheikh_core::io::PathFlags;
/// let f = PathFlags::of("web/node_modules/react/dist/react.min.js");
/// assert!(f.vendored && f.build_output && f.minified_name);
/// assert_eq!(f.names(), ["vendored", "build_output", "minified_name"]);
/// assert!(PathFlags::of("src/app.js").is_empty());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathFlags {
    /// Under a dependency directory (`node_modules/`, `vendor/`, …).
    pub vendored: bool,
    /// Under a build-output directory (`dist/`, `build/`, `.next/`, …).
    pub build_output: bool,
    /// A minified or bundled file name (`*.min.js`, `*.bundle.js`, …).
    pub minified_name: bool,
    /// Under a generated-code directory (`generated/`, `__generated__/`).
    pub generated_path: bool,
}

impl PathFlags {
    /// Flags of a `/`- or `\`-separated path.
    pub fn of(path: &str) -> PathFlags {
        let mut f = PathFlags::default();
        let mut parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
        let name = parts.pop().unwrap_or("").to_ascii_lowercase();
        for dir in parts {
            let d = dir.to_ascii_lowercase();
            f.vendored |= VENDOR_DIRS.contains(&d.as_str());
            f.build_output |= BUILD_DIRS.contains(&d.as_str());
            f.generated_path |= GENERATED_DIRS.contains(&d.as_str());
        }
        f.minified_name = MINIFIED_SUFFIXES.iter().any(|s| name.ends_with(s));
        f
    }

    /// True when no flag is set.
    pub fn is_empty(&self) -> bool {
        *self == PathFlags::default()
    }

    /// The names of the flags that are set, in a fixed order.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.vendored, "vendored"),
            (self.build_output, "build_output"),
            (self.minified_name, "minified_name"),
            (self.generated_path, "generated_path"),
        ]
        .into_iter()
        .filter_map(|(on, n)| on.then_some(n))
        .collect()
    }
}
