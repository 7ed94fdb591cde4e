//! MDX families: documentation pages, blog posts, API references, tutorials, component
//! showcases and changelogs. Pages are composed from YAML frontmatter, `import` /
//! `export` blocks, headings, prose with inline code, links and `{expressions}`, JSX
//! components with props and Markdown children, code fences in several languages,
//! GFM tables, lists, admonitions and blockquotes. Prose never contains a raw `<` or
//! `{`; where a page talks about them it escapes them (`\<`, `\{`).

use crate::js::{self, Dialect};
use crate::rng::Dice;
use crate::style::js_string;
use crate::vocab::{self, *};
use crate::xml;

/// Every MDX family, by name.
pub const FAMILIES: &[&str] = &[
    "docs_page",
    "blog_post",
    "api_reference",
    "tutorial",
    "component_showcase",
    "changelog",
];

/// Relative weights of [`FAMILIES`].
pub const WEIGHTS: &[u32] = &[26, 16, 16, 18, 14, 10];

/// Generates one sample of `family` (one of [`FAMILIES`]); `None` for an unknown name.
pub fn generate(family: &str, d: &mut Dice) -> Option<String> {
    let mut p = Page::new(d);
    match family {
        "docs_page" => p.docs_page(),
        "blog_post" => p.blog_post(),
        "api_reference" => p.api_reference(),
        "tutorial" => p.tutorial(),
        "component_showcase" => p.component_showcase(),
        "changelog" => p.changelog(),
        _ => return None,
    }
    Some(p.finish())
}

fn qq(quote: char, s: &str) -> String {
    js_string(s, quote)
}

/// Components a page may import, with where they come from.
const COMPONENTS: &[(&str, &str)] = &[
    ("Callout", "@/components/Callout"),
    ("Tabs", "@theme/Tabs"),
    ("TabItem", "@theme/TabItem"),
    ("Chart", "../components/Chart"),
    ("Badge", "@/components/Badge"),
    ("Card", "@/components/Card"),
    ("CardGrid", "@/components/CardGrid"),
    ("Steps", "@/components/Steps"),
    ("Figure", "../../components/Figure"),
    ("Playground", "@site/src/components/Playground"),
    ("Video", "@/components/Video"),
    ("Alert", "@acme/ui"),
    ("Tooltip", "@acme/ui"),
    ("PropsTable", "@/components/PropsTable"),
];

struct Page<'a> {
    d: &'a mut Dice,
    front: String,
    esm: Vec<String>,
    out: String,
    quote: char,
    imported: Vec<&'static str>,
    exported: Vec<String>,
    admonition_style: u8,
}

impl<'a> Page<'a> {
    fn new(d: &'a mut Dice) -> Self {
        let quote = if d.chance(0.5) { '\'' } else { '"' };
        let admonition_style = d.below(3) as u8;
        Page {
            d,
            front: String::new(),
            esm: Vec::new(),
            out: String::new(),
            quote,
            imported: Vec::new(),
            exported: Vec::new(),
            admonition_style,
        }
    }

    fn block(&mut self, s: impl AsRef<str>) {
        let s = s.as_ref().trim_end();
        if !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
        self.out.push_str(s);
    }

    /// Front matter, then the import/export blocks (hoisted), then the body.
    fn finish(self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.front.is_empty() {
            parts.push(self.front);
        }
        parts.extend(self.esm);
        if !self.out.is_empty() {
            parts.push(self.out);
        }
        let mut s = parts.join("\n\n");
        s.push('\n');
        s
    }

    // ------------------------------------------------------------ front matter, ESM

    fn frontmatter(&mut self, title: &str, kind: &str) {
        let mut y = String::from("---\n");
        let quoted = self.d.chance(0.5);
        if quoted {
            y.push_str(&format!("title: \"{title}\"\n"));
        } else {
            y.push_str(&format!("title: {title}\n"));
        }
        if self.d.chance(0.8) {
            y.push_str(&format!("description: {}\n", vocab::phrase(self.d)));
        }
        if kind == "blog" || self.d.chance(0.3) {
            y.push_str(&format!("date: {}\n", vocab::date(self.d)));
        }
        if kind == "blog" || self.d.chance(0.3) {
            let n = self.d.range(1, 2);
            if n == 1 && self.d.chance(0.5) {
                y.push_str(&format!("author: {}\n", vocab::person(self.d)));
            } else {
                y.push_str("authors:\n");
                for _ in 0..n {
                    y.push_str(&format!(
                        "  - name: {}\n    url: {}\n",
                        vocab::person(self.d),
                        vocab::url(self.d)
                    ));
                }
            }
        }
        if self.d.chance(0.6) {
            let tags = self.d.some(NOUNS, 1, 4);
            if self.d.chance(0.5) {
                y.push_str(&format!("tags: [{}]\n", tags.join(", ")));
            } else {
                y.push_str("tags:\n");
                for t in tags {
                    y.push_str(&format!("  - {t}\n"));
                }
            }
        }
        if kind == "docs" && self.d.chance(0.5) {
            y.push_str(&format!("sidebar_position: {}\n", self.d.range(1, 20)));
        }
        if self.d.chance(0.2) {
            y.push_str(&format!("slug: /{}\n", vocab::slug(self.d)));
        }
        if self.d.chance(0.15) {
            y.push_str(&format!("draft: {}\n", self.d.pick(&["true", "false"])));
        }
        y.push_str("---");
        self.front = y;
    }

    fn import(&mut self, wanted: &[&'static str]) {
        let mut by_source: Vec<(&str, Vec<&str>)> = Vec::new();
        for w in wanted {
            if self.imported.contains(w) {
                continue;
            }
            let Some((_, src)) = COMPONENTS.iter().find(|(n, _)| n == w) else {
                continue;
            };
            self.imported.push(w);
            match by_source.iter_mut().find(|(s, _)| s == src) {
                Some((_, names)) => names.push(w),
                None => by_source.push((src, vec![w])),
            }
        }
        if by_source.is_empty() {
            return;
        }
        let semi = if self.d.chance(0.5) { ";" } else { "" };
        let lines: Vec<String> = by_source
            .iter()
            .map(|(src, names)| {
                if names.len() == 1 && !src.starts_with("@acme") {
                    format!("import {} from {}{semi}", names[0], qq(self.quote, src))
                } else {
                    format!(
                        "import {{ {} }} from {}{semi}",
                        names.join(", "),
                        qq(self.quote, src)
                    )
                }
            })
            .collect();
        self.esm.push(lines.join("\n"));
    }

    fn export_data(&mut self) {
        let semi = if self.d.chance(0.5) { ";" } else { "" };
        match self.d.below(3) {
            0 => {
                let v = vocab::semver(self.d);
                {
                    let b = format!(
                        "export const meta = {{ version: {}, updated: {} }}{semi}",
                        qq(self.quote, &v),
                        qq(self.quote, &vocab::date(self.d))
                    );
                    self.esm.push(b)
                };
                self.exported.push("meta.version".into());
                self.exported.push("meta.updated".into());
            }
            1 => {
                let n = self.d.range(3, 7);
                let rows: Vec<String> = (0..n)
                    .map(|_| {
                        format!(
                            "  {{ label: {}, value: {} }}",
                            qq(self.quote, &vocab::capitalize(self.d.pick(NOUNS))),
                            self.d.range(1, 500)
                        )
                    })
                    .collect();
                self.block(format!(
                    "export const data = [\n{}\n]{semi}",
                    rows.join(",\n")
                ));
                self.exported.push("data.length".into());
                self.exported.push("data[0].value".into());
            }
            _ => {
                let name = vocab::camel(&[self.d.pick(ADJECTIVES), self.d.pick(NOUNS)]);
                {
                    let b = format!("export const {name} = {}{semi}", self.d.range(2, 999));
                    self.esm.push(b)
                };
                self.exported.push(name.clone());
                self.exported
                    .push(format!("{name} * {}", self.d.range(2, 12)));
            }
        }
    }

    // ------------------------------------------------------------ blocks

    fn inline_prose(&mut self) -> String {
        let mut s = vocab::sentence(self.d);
        for _ in 0..self.d.range(0, 3) {
            let extra = match self.d.below(16) {
                0 => {
                    let f = vocab::fn_name(self.d);
                    match self.d.below(3) {
                        0 => format!(" Call `{f}()` {}.", vocab::phrase(self.d).to_lowercase()),
                        1 => format!(
                            " The `{f}` helper {} first.",
                            vocab::third_person(self.d.pick(VERBS))
                        ),
                        _ => format!(
                            " Pass `{}` to `{f}` when {}.",
                            vocab::var_name(self.d),
                            vocab::phrase(self.d).to_lowercase()
                        ),
                    }
                }
                1 => {
                    let t = vocab::phrase(self.d).to_lowercase();
                    let u = vocab::url(self.d);
                    match self.d.below(3) {
                        0 => format!(" See [{t}]({u}) for details."),
                        1 => format!(" Read more in [{t}]({u})."),
                        _ => format!(" The [{t}]({u}) page covers the rest."),
                    }
                }
                2 => format!(
                    " {} **{}**.",
                    self.d.pick(&["This is", "Keep it", "Mark it as", "Prefer"]),
                    vocab::phrase(self.d).to_lowercase()
                ),
                3 => format!(
                    " {} _{}_ {}.",
                    vocab::capitalize(self.d.pick(DETS_PUB)),
                    self.d.pick(ADJECTIVES),
                    vocab::plural(self.d.pick(NOUNS))
                ),
                4 if !self.exported.is_empty() => {
                    let e = self.d.choose(&self.exported).clone();
                    match self.d.below(3) {
                        0 => format!(" The current value is {{{e}}}."),
                        1 => format!(" It shows {{{e}}} {}.", vocab::plural(self.d.pick(NOUNS))),
                        _ => format!(
                            " With {{{e}}} in place, {}",
                            vocab::sentence(self.d).to_lowercase()
                        ),
                    }
                }
                5 if self.d.chance(0.3) => format!(
                    " A check like `{} < {}` stays in code.",
                    self.d.pick(NOUNS),
                    self.d.range(1, 99)
                ),
                6 if self.d.chance(0.3) => format!(
                    " Type \\<{}\\> or \\{{{}\\}} literally.",
                    vocab::type_name(self.d),
                    self.d.pick(NOUNS)
                ),
                7 if self.d.chance(0.4) => format!(
                    " Press <kbd>{}</kbd> to {}.",
                    self.d.pick(&["Enter", "Esc", "Tab", "Ctrl"]),
                    self.d.pick(VERBS)
                ),
                8 => format!(
                    " {{{}}}",
                    self.d.pick(&[
                        "/* TODO: expand */",
                        "' '",
                        "new Date().getFullYear()",
                        "props.title ?? ''"
                    ])
                ),
                _ => format!(" {}", vocab::sentence(self.d)),
            };
            s.push_str(&extra);
        }
        s
    }

    fn paragraph(&mut self) {
        let n = self.d.range(1, 3);
        let s: Vec<String> = (0..n).map(|_| self.inline_prose()).collect();
        self.block(s.join(" "));
    }

    fn heading(&mut self, level: usize) {
        let t = vocab::title(self.d);
        self.block(format!("{} {t}", "#".repeat(level)));
    }

    fn list(&mut self) {
        let ordered = self.d.chance(0.35);
        let task = !ordered && self.d.chance(0.15);
        let bullet = self.d.pick(&["-", "*", "+"]);
        let n = self.d.range(2, 6);
        let mut lines = Vec::new();
        for i in 0..n {
            let marker = if ordered {
                format!("{}.", i + 1)
            } else if task {
                format!("{bullet} [{}]", self.d.pick(&[" ", "x"]))
            } else {
                bullet.to_string()
            };
            let text = match self.d.below(4) {
                0 => format!(
                    "`{}` — {}",
                    vocab::fn_name(self.d),
                    vocab::phrase(self.d).to_lowercase()
                ),
                1 => format!(
                    "**{}**: {}",
                    vocab::capitalize(self.d.pick(NOUNS)),
                    vocab::phrase(self.d).to_lowercase()
                ),
                _ => vocab::sentence(self.d),
            };
            lines.push(format!("{marker} {text}"));
            if self.d.chance(0.15) {
                let pad = " ".repeat(marker.len() + 1);
                lines.push(format!("{pad}- {}", vocab::phrase(self.d)));
            }
        }
        self.block(lines.join("\n"));
    }

    fn table(&mut self) {
        let cols = self.d.range(2, 5);
        let head: Vec<String> = (0..cols)
            .map(|i| {
                if i == 0 {
                    vocab::capitalize(self.d.pick(&["name", "option", "prop", "field", "key"]))
                } else {
                    vocab::capitalize(self.d.pick(&[
                        "type",
                        "default",
                        "description",
                        "required",
                        "since",
                        "value",
                    ]))
                }
            })
            .collect();
        let aligns: Vec<&str> = (0..cols)
            .map(|_| self.d.pick(&["---", ":---", "---:", ":---:", "---"]))
            .collect();
        let mut rows = vec![
            format!("| {} |", head.join(" | ")),
            format!("| {} |", aligns.join(" | ")),
        ];
        for _ in 0..self.d.range(1, 6) {
            let cells: Vec<String> = (0..cols)
                .map(|i| match (i, self.d.below(5)) {
                    (0, _) => format!("`{}`", vocab::var_name(self.d)),
                    (_, 0) => format!(
                        "`{}`",
                        self.d.pick(&[
                            "string",
                            "number",
                            "boolean",
                            "() => void",
                            "ReactNode",
                            "string[]"
                        ])
                    ),
                    (_, 1) => self.d.range(0, 100).to_string(),
                    (_, 2) => self.d.pick(&["yes", "no", "—"]).to_string(),
                    (_, 3) => format!("v{}", vocab::semver(self.d)),
                    _ => vocab::phrase(self.d),
                })
                .collect();
            rows.push(format!("| {} |", cells.join(" | ")));
        }
        self.block(rows.join("\n"));
    }

    fn code_fence(&mut self) {
        let lang = self.d.pick(&[
            "js", "jsx", "ts", "tsx", "bash", "json", "css", "yaml", "xml", "python", "rust", "go",
            "html", "diff",
        ]);
        let body = match lang {
            "js" => js::snippet(self.d, Dialect::Js),
            "ts" => js::snippet(self.d, Dialect::Ts),
            "jsx" => js::snippet(self.d, Dialect::Jsx),
            "tsx" => js::snippet(self.d, Dialect::Tsx),
            "xml" => {
                let fam = self.d.pick(&["svg_icon", "sitemap", "config", "csproj"]);
                xml::generate(fam, self.d).unwrap_or_default()
            }
            "bash" => {
                let pkg = format!("@{}/{}", self.d.pick(BRANDS), self.d.pick(NOUNS));
                let mut s = format!(
                    "{} {} {pkg}\n",
                    self.d.pick(&["npm", "pnpm", "yarn"]),
                    self.d.pick(&["install", "add"])
                );
                if self.d.chance(0.5) {
                    s.push_str(&format!(
                        "npx {} {} --{}\n",
                        self.d.pick(NOUNS),
                        self.d.pick(VERBS),
                        self.d.pick(ADJECTIVES)
                    ));
                }
                if self.d.chance(0.3) {
                    s.push_str(&format!(
                        "export {}={}\n",
                        vocab::screaming(&[self.d.pick(NOUNS), "url"]),
                        vocab::url(self.d)
                    ));
                }
                s
            }
            "json" => {
                let mut m = serde_json::Map::new();
                for k in self.d.some(NOUNS, 2, 5) {
                    let v = match self.d.below(4) {
                        0 => serde_json::json!(self.d.range(0, 1000)),
                        1 => serde_json::json!(self.d.chance(0.5)),
                        2 => serde_json::json!(self.d.some(ADJECTIVES, 1, 3)),
                        _ => serde_json::json!(vocab::phrase(self.d)),
                    };
                    m.insert(k.to_string(), v);
                }
                serde_json::to_string_pretty(&m).unwrap_or_default() + "\n"
            }
            "css" => format!(
                ".{} {{\n  display: {};\n  gap: {}px;\n  color: {};\n}}\n",
                vocab::slug(self.d),
                self.d.pick(&["flex", "grid", "block", "inline-flex"]),
                self.d.range(0, 32),
                vocab::hex_color(self.d)
            ),
            "yaml" => format!(
                "{}:\n  {}: {}\n  {}:\n    - {}\n    - {}\n",
                self.d.pick(NOUNS),
                self.d.pick(NOUNS),
                self.d.range(1, 100),
                vocab::plural(self.d.pick(NOUNS)),
                vocab::slug(self.d),
                vocab::slug(self.d)
            ),
            "python" => {
                let f = vocab::snake(&[self.d.pick(VERBS), self.d.pick(NOUNS)]);
                format!(
                    "def {f}({}):\n    \"\"\"{}\"\"\"\n    return {}\n",
                    self.d.pick(NOUNS),
                    vocab::sentence(self.d),
                    self.d.range(0, 99)
                )
            }
            "rust" => {
                let f = vocab::snake(&[self.d.pick(VERBS), self.d.pick(NOUNS)]);
                format!(
                    "pub fn {f}(input: &str) -> usize {{\n    input.len() * {}\n}}\n",
                    self.d.range(1, 9)
                )
            }
            "go" => {
                let f = vocab::pascal(&[self.d.pick(VERBS), self.d.pick(NOUNS)]);
                format!(
                    "func {f}(n int) int {{\n\treturn n + {}\n}}\n",
                    self.d.range(1, 99)
                )
            }
            "html" => format!(
                "<div class=\"{}\">\n  <p>{}</p>\n</div>\n",
                vocab::slug(self.d),
                vocab::sentence(self.d)
            ),
            _ => format!(
                "- {}\n+ {}\n",
                vocab::fn_name(self.d),
                vocab::fn_name(self.d)
            ),
        };
        let body = body.replace("```", "'''");
        let meta = if self.d.chance(0.3) {
            format!(
                " title=\"{}.{}\"",
                vocab::kebab(&[self.d.pick(NOUNS)]),
                match lang {
                    "bash" => "sh",
                    "yaml" => "yml",
                    "python" => "py",
                    "rust" => "rs",
                    l => l,
                }
            )
        } else if self.d.chance(0.1) {
            " showLineNumbers".to_string()
        } else {
            String::new()
        };
        self.block(format!("```{lang}{meta}\n{}\n```", body.trim_end()));
    }

    fn admonition(&mut self) {
        let kind = self
            .d
            .pick(&["note", "tip", "info", "warning", "danger", "caution"]);
        let text = self.inline_prose();
        match self.admonition_style {
            0 => {
                let title = if self.d.chance(0.4) {
                    format!(" {}", vocab::title(self.d))
                } else {
                    String::new()
                };
                self.block(format!(":::{kind}{title}\n\n{text}\n\n:::"));
            }
            1 => {
                self.import(&["Callout"]);
                let t = if self.d.chance(0.5) {
                    format!(" title={}", qq(self.quote, &vocab::title(self.d)))
                } else {
                    String::new()
                };
                {
                    let b = format!(
                        "<Callout type={}{t}>\n  {text}\n</Callout>",
                        qq(self.quote, kind)
                    );
                    self.block(b)
                };
            }
            _ => {
                self.block(format!("> **{}:** {text}", vocab::capitalize(kind)));
            }
        }
    }

    fn prop_value(&mut self) -> String {
        match self.d.below(7) {
            0 => qq(self.quote, &vocab::phrase(self.d)),
            1 => format!("{{{}}}", self.d.range(0, 1000)),
            2 => format!("{{{}}}", self.d.pick(&["true", "false"])),
            3 => format!(
                "{{{{ {}: {}, {}: {} }}}}",
                self.d.pick(NOUNS),
                self.d.range(0, 99),
                self.d.pick(ADJECTIVES),
                qq(self.quote, self.d.pick(NOUNS))
            ),
            4 => format!(
                "{{[{}]}}",
                (0..self.d.range(1, 4))
                    .map(|_| self.d.range(0, 99).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            5 => format!(
                "{{() => console.log({})}}",
                qq(self.quote, self.d.pick(VERBS))
            ),
            _ => {
                if let Some(e) = self.exported.first().cloned() {
                    format!("{{{}}}", e.split(' ').next().unwrap_or("null"))
                } else {
                    qq(self.quote, &vocab::hex_color(self.d))
                }
            }
        }
    }

    fn component(&mut self) {
        match self.d.below(6) {
            0 => {
                self.import(&["Tabs", "TabItem"]);
                let mut s = String::from("<Tabs>");
                for v in self.d.some(&["npm", "yarn", "pnpm", "bun"], 2, 3) {
                    let cmd = match v {
                        "npm" => "npm install",
                        "yarn" => "yarn add",
                        "pnpm" => "pnpm add",
                        _ => "bun add",
                    };
                    s.push_str(&format!(
                        "\n  <TabItem value={} label={}>\n\n```bash\n{cmd} {}\n```\n\n  </TabItem>",
                        qq(self.quote, v),
                        qq(self.quote, v),
                        vocab::slug(self.d)
                    ));
                }
                s.push_str("\n</Tabs>");
                self.block(s);
            }
            1 => {
                self.import(&["Chart"]);
                let data = if self.exported.iter().any(|e| e.starts_with("data")) {
                    "{data}".to_string()
                } else {
                    format!(
                        "{{[{}]}}",
                        (0..self.d.range(2, 6))
                            .map(|_| self.d.range(0, 99).to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let extra = self.prop_value();
                {
                    let b = format!(
                        "<Chart data={data} height={{{}}} {}={extra} />",
                        self.d.range(2, 6) * 100,
                        vocab::camel(&[self.d.pick(ADJECTIVES), self.d.pick(NOUNS)])
                    );
                    self.block(b)
                };
            }
            2 => {
                self.import(&["CardGrid", "Card"]);
                let mut s = String::from("<CardGrid>");
                for _ in 0..self.d.range(2, 4) {
                    s.push_str(&format!(
                        "\n  <Card title={} href={}>\n    {}\n  </Card>",
                        qq(self.quote, &vocab::title(self.d)),
                        qq(self.quote, &format!("/docs/{}", vocab::slug(self.d))),
                        vocab::sentence(self.d)
                    ));
                }
                s.push_str("\n</CardGrid>");
                self.block(s);
            }
            3 => {
                let s = format!(
                    "<details>\n  <summary>{}</summary>\n\n{}\n\n</details>",
                    vocab::title(self.d),
                    vocab::paragraph(self.d, 1, 3)
                );
                self.block(s);
            }
            4 => {
                let comp = self
                    .d
                    .pick(&["Figure", "Video", "Playground", "Alert", "Tooltip"]);
                self.import(&[comp]);
                let mut props = Vec::new();
                let mut seen = Vec::new();
                for _ in 0..self.d.range(1, 4) {
                    let k = vocab::camel(&[self.d.pick(&[
                        "src", "caption", "title", "width", "autoPlay", "variant", "code", "open",
                        "size",
                    ])]);
                    if seen.contains(&k) {
                        continue;
                    }
                    seen.push(k.clone());
                    if self.d.chance(0.15) {
                        props.push(k);
                    } else {
                        let v = self.prop_value();
                        props.push(format!("{k}={v}"));
                    }
                }
                if self.d.chance(0.5) {
                    self.block(format!("<{comp} {} />", props.join(" ")));
                } else {
                    let child = self.inline_prose();
                    self.block(format!(
                        "<{comp} {}>\n  {child}\n</{comp}>",
                        props.join(" ")
                    ));
                }
            }
            _ => {
                self.import(&["Steps"]);
                let mut s = String::from("<Steps>\n");
                for i in 0..self.d.range(2, 4) {
                    s.push_str(&format!(
                        "\n### Step {}: {}\n\n{}\n",
                        i + 1,
                        vocab::title(self.d),
                        vocab::sentence(self.d)
                    ));
                }
                s.push_str("\n</Steps>");
                self.block(s);
            }
        }
    }

    fn section(&mut self, level: usize, depth: usize) {
        self.heading(level);
        let n = self.d.range(1, 4);
        for _ in 0..n {
            match self.d.below(10) {
                0..=2 => self.paragraph(),
                3 => self.list(),
                4 => self.code_fence(),
                5 => self.table(),
                6 => self.admonition(),
                7 => self.component(),
                8 => {
                    let p = format!(
                        "![{}](/img/{}.{})",
                        vocab::phrase(self.d),
                        vocab::slug(self.d),
                        self.d.pick(&["png", "svg", "webp"])
                    );
                    self.block(p);
                }
                _ => {
                    let p = format!("> {}", vocab::paragraph(self.d, 1, 2));
                    self.block(p);
                }
            }
        }
        if depth < 2 && level < 4 && self.d.chance(0.4) {
            for _ in 0..self.d.range(1, 2) {
                self.section(level + 1, depth + 1);
            }
        }
    }

    fn intro(&mut self, kind: &str) -> String {
        let title = vocab::title(self.d);
        if self.d.chance(0.85) {
            self.frontmatter(&title, kind);
        }
        let wanted: Vec<&'static str> = {
            let k = self.d.range(0, 2);
            self.d
                .some(COMPONENTS, 0, k)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        self.import(&wanted);
        if self.d.chance(0.4) {
            self.export_data();
        }
        if self.d.chance(0.6) {
            self.block(format!("# {title}"));
        }
        title
    }

    // ------------------------------------------------------------ families

    fn docs_page(&mut self) {
        self.intro("docs");
        self.paragraph();
        for _ in 0..self.d.range(1, 4) {
            self.section(2, 0);
        }
    }

    fn blog_post(&mut self) {
        self.intro("blog");
        self.paragraph();
        if self.d.chance(0.5) {
            self.block("{/* truncate */}");
        }
        for _ in 0..self.d.range(1, 3) {
            self.section(2, 1);
        }
        if self.d.chance(0.5) {
            {
                let b = format!(
                    "_Thanks to {} and {} for reviewing this post._",
                    vocab::person(self.d),
                    vocab::person(self.d)
                );
                self.block(b)
            };
        }
    }

    fn api_reference(&mut self) {
        self.intro("docs");
        if self.d.chance(0.5) {
            self.import(&["PropsTable"]);
        }
        self.paragraph();
        for _ in 0..self.d.range(1, 4) {
            let f = vocab::fn_name(self.d);
            self.block(format!("## `{f}()`"));
            self.paragraph();
            let dia = self.d.pick(&[Dialect::Ts, Dialect::Js]);
            let (src, _, params, _) = js::plain_function(self.d, dia);
            let lang = if dia == Dialect::Ts { "ts" } else { "js" };
            self.block(format!("```{lang}\n{}\n```", src.trim_end()));
            if !params.is_empty() {
                self.block("### Parameters");
                let rows: Vec<String> = params
                    .iter()
                    .map(|p| format!("| `{p}` | {} |", vocab::phrase(self.d)))
                    .collect();
                self.block(format!(
                    "| Name | Description |\n| --- | --- |\n{}",
                    rows.join("\n")
                ));
            }
            if self.d.chance(0.4) {
                self.admonition();
            }
        }
        if self.imported.contains(&"PropsTable") {
            {
                let b = format!(
                    "<PropsTable of={} />",
                    qq(self.quote, &vocab::type_name(self.d))
                );
                self.block(b)
            };
        }
    }

    fn tutorial(&mut self) {
        self.intro("docs");
        self.paragraph();
        self.block("## Prerequisites");
        self.list();
        for i in 0..self.d.range(2, 5) {
            {
                let b = format!("## {}. {}", i + 1, vocab::title(self.d));
                self.block(b)
            };
            self.paragraph();
            self.code_fence();
            if self.d.chance(0.4) {
                self.admonition();
            }
            if self.d.chance(0.3) {
                self.component();
            }
        }
        self.block("## Next steps");
        self.list();
    }

    fn component_showcase(&mut self) {
        self.intro("docs");
        let comp = vocab::type_name(self.d);
        let src = format!("./{comp}");
        let semi = if self.d.chance(0.5) { ";" } else { "" };
        let b = format!("import {{ {comp} }} from {}{semi}", qq(self.quote, &src));
        self.esm.push(b);
        self.paragraph();
        for _ in 0..self.d.range(1, 4) {
            self.heading(2);
            let mut props = Vec::new();
            let mut seen = Vec::new();
            for _ in 0..self.d.range(0, 4) {
                let k = vocab::camel(&[self.d.pick(&[
                    "variant", "size", "label", "disabled", "count", "items", "onSelect", "color",
                    "icon",
                ])]);
                if seen.contains(&k) {
                    continue;
                }
                seen.push(k.clone());
                let v = self.prop_value();
                props.push(format!("{k}={v}"));
            }
            let p = if props.is_empty() {
                String::new()
            } else {
                format!(" {}", props.join(" "))
            };
            if self.d.chance(0.5) {
                self.block(format!("<{comp}{p} />"));
            } else {
                let child = vocab::phrase(self.d);
                self.block(format!("<{comp}{p}>{child}</{comp}>"));
            }
            let code = format!("<{comp}{p} />");
            self.block(format!("```jsx\n{code}\n```"));
            if self.d.chance(0.5) {
                self.table();
            }
        }
    }

    fn changelog(&mut self) {
        self.intro("docs");
        let (mut ma, mut mi, mut pa) =
            (self.d.range(0, 5), self.d.range(0, 20), self.d.range(0, 9));
        for _ in 0..self.d.range(2, 6) {
            {
                let b = format!("## v{ma}.{mi}.{pa} ({})", vocab::date(self.d));
                self.block(b)
            };
            for h in self.d.some(
                &[
                    "Added",
                    "Changed",
                    "Fixed",
                    "Deprecated",
                    "Removed",
                    "Security",
                ],
                1,
                3,
            ) {
                self.block(format!("### {h}"));
                let n = self.d.range(1, 4);
                let items: Vec<String> = (0..n)
                    .map(|_| {
                        let pr = self.d.range(10, 9999);
                        format!(
                            "- {} ([#{pr}]({}/pull/{pr}))",
                            vocab::sentence(self.d),
                            vocab::url(self.d)
                        )
                    })
                    .collect();
                self.block(items.join("\n"));
            }
            if pa > 0 {
                pa -= 1;
            } else if mi > 0 {
                mi -= 1;
                pa = self.d.range(0, 5);
            } else {
                ma = ma.saturating_sub(1);
                mi = self.d.range(0, 9);
            }
        }
    }
}
