//! Language identification from content alone: shebangs, declarations, and a weighted
//! feature score over the first window of the text.

use std::sync::LazyLock;

use regex::Regex;

use crate::language::Language;

/// The families the first decision separates; scripts and Markdown are refined after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Script,
    Html,
    Xml,
    Css,
    Json,
    Markdown,
}

const FAMILIES: [Family; 6] = [
    Family::Script,
    Family::Html,
    Family::Xml,
    Family::Css,
    Family::Json,
    Family::Markdown,
];

/// Which score a feature feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Family(Family),
    /// TypeScript-only syntax (feeds Script too).
    Ts,
    /// JSX-only syntax (feeds Script too).
    Jsx,
    /// MDX ESM: `import`/`export` at column 0.
    MdxEsm,
    /// MDX components: capitalised JSX tags opening a line.
    MdxTag,
}

struct Feature {
    re: Regex,
    target: Target,
    weight: f32,
}

macro_rules! features {
    ($( $target:expr, $weight:expr, $re:expr; )*) => {
        vec![ $( Feature { re: Regex::new(concat!("(?m)", $re)).expect("feature regex"), target: $target, weight: $weight } ),* ]
    };
}

use Family::*;
use Target::Family as F;

static FEATURES: LazyLock<Vec<Feature>> = LazyLock::new(|| {
    features![
        // ---- JavaScript family ----
        F(Script), 2.0, r"\b(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*[=:]";
        F(Script), 2.0, r"\b(?:const|let|var)\s+\{[^}\n]*\}\s*=";
        F(Script), 2.0, r"\bfunction\b\s*\*?\s*[\w$]*\s*\(";
        F(Script), 1.5, r"=>";
        F(Script), 3.0, r"\brequire\(\s*['\x22]";
        F(Script), 3.0, r"\bmodule\.exports\b|\bexports\.\w+\s*=";
        F(Script), 1.5, r"^import\s+(?:[\w*{][^;\n]*\s+from\s+)?['\x22][^'\x22\n]+['\x22];?\s*$";
        F(Script), 2.0, r"^export\s+(?:default|const|function|class|async|\{)";
        F(Script), 2.0, r"\bconsole\.\w+\(";
        F(Script), 1.0, r"\b(?:document|window|process)\.\w+";
        F(Script), 1.0, r"^\s+return\b[^\n]*;?\s*$";
        F(Script), 1.0, r"\bthis\.\w+";
        F(Script), 1.0, r"\b(?:async|await)\s";
        F(Script), 2.0, r"===|!==";
        F(Script), 1.0, r"^\s*(?:export\s+(?:default\s+)?)?class\s+\w+(?:\s+extends\s+[\w.]+)?\s*\{";
        F(Script), 1.0, r"\bnew\s+[A-Z]\w*\(";
        F(Script), 1.0, r"^\s*\}\s*\)+;?\s*$|^\s*\};\s*$";
        F(Script), 0.5, r"^\s*//";
        F(Script), 5.0, r"^//# sourceMappingURL=";
        F(Script), 1.0, r"(?:^|[{,]\s*)[A-Za-z_$][\w$]*\s*:\s*(?:'[^'\n]*'|\x22[^\x22\n]*\x22|-?\d[\d.]*|\[|\{|true|false|null|function\b)";
        F(Script), 1.5, r"\b[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+\(";
        F(Script), 2.0, r"\bfunction\s*\([^)\n]*\)\s*\{|\breturn\s+[\w$!(\[{'\x22]";
        F(Script), 2.0, r"^\s*\*\s*@(?:param|returns?|type|typedef|template|example|see|deprecated|license|module)\b";
        F(Script), 3.0, r"^export\s+(?:\*(?:\s+as\s+\w+)?|\{[^}\n]*\})\s+from\s+['\x22]|^export\s*\{[^}\n]*\};?\s*$";
        F(Script), 1.0, r"^\s*(?:if|for|while|switch)\s*\(";
        F(Script), 1.0, r"\b(?:describe|it|test|expect)\(";
        // ---- TypeScript-only syntax ----
        Target::Ts, 5.0, r"^\s*(?:export\s+)?(?:declare\s+)?interface\s+[A-Z]\w*(?:<[^>\n]*>)?\s*(?:extends\s+[^{\n]+)?\{";
        Target::Ts, 5.0, r"^\s*(?:export\s+)?(?:declare\s+)?type\s+[A-Z]\w*(?:<[^>\n]*>)?\s*=";
        Target::Ts, 3.0, r"[\w)\]?]\s*:\s*(?:string|number|boolean|void|any|unknown|never|bigint|symbol|object)\b(?:\[\])?\s*[;,)=|{\n]";
        Target::Ts, 6.0, r"\b(?:const|let|var)\s+\w+\s*:\s*[\w<\[{(]";
        Target::Ts, 4.0, r"\(\s*\w+\??\s*:\s*[A-Za-z_\[{(][\w.<>\[\]|, ]*[,)=]";
        Target::Ts, 3.0, r"\)\s*:\s*(?:Promise|void|string|number|boolean|[A-Z]\w*)(?:<[^>\n]*>)?(?:\[\])?\s*(?:\{|=>)";
        Target::Ts, 3.0, r"^\s*(?:public|private|protected|readonly)\s+(?:readonly\s+|static\s+|async\s+)?\w+";
        Target::Ts, 4.0, r"^\s*(?:export\s+)?(?:const\s+|declare\s+)?enum\s+\w+\s*\{";
        Target::Ts, 5.0, r"\bas\s+const\b";
        Target::Ts, 3.0, r"[)\]]\s+as\s+(?:string|number|any|unknown|boolean|[A-Z]\w*(?:<[^>\n]*>)?)\b|\w\s+as\s+(?:string|number|any|unknown|boolean)\b";
        Target::Ts, 6.0, r"\{\s*type\s+[A-Z]\w*\s*[,}]";
        Target::Ts, 4.0, r"\}\s*:\s*(?:[A-Z][\w.]*(?:<|\s*[,)=])|\{)";
        Target::Ts, 5.0, r"^\s*(?:export\s+)?declare\s+(?:module|global|const|function|class|namespace|let|var)\b";
        Target::Ts, 3.0, r"^\s*(?:export\s+)?namespace\s+\w+\s*\{";
        Target::Ts, 3.0, r"\bimplements\s+[A-Z]\w*";
        Target::Ts, 5.0, r"^\s*(?:import|export)\s+type\s";
        Target::Ts, 4.0, r"^\s+(?:readonly\s+)?\w+\??\s*:\s*(?:string|number|boolean|any|unknown|never|object|bigint|[A-Z][\w.]*(?:<[^>\n]*>)?|\([^)\n]*\)\s*=>\s*(?:void|string|number|boolean|any|unknown|Promise<[^>\n]*>|[A-Z][\w.]*(?:<[^>\n]*>)?)(?:\[\])?|\{[^}\n]*\}|'[^'\n]*'(?:\s*\|\s*'[^'\n]*')+)(?:\[\])*(?:\s*\|\s*[\w'\x22\[\]<>. ]+)*;?\s*$";
        Target::Ts, 3.0, r"\w\s*:\s*(?:string|number|boolean|[A-Z]\w*)\[\]";
        Target::Ts, 3.0, r"\)\s*:\s*\[[\w\s,()=>\[\]]+\]\s*\{";
        Target::Ts, 5.0, r"\b\w+<(?:string|number|boolean|any|unknown|[A-Z]\w*)(?:\[\])?(?:\s*\|\s*\w+)*(?:,\s*\w+)*>\(";
        Target::Ts, 3.0, r"\b(?:Record|Partial|Readonly|Pick|Omit|Promise|Array|Map|Set|ReturnType)<[\w\[\]{}|, ]+>";
        Target::Ts, 3.0, r"\w\?:\s*[\w\[{(]";
        // ---- JSX-only syntax ----
        Target::Jsx, 2.0, r"(?:^|[^\w$.\s'\x22`])\s*<[A-Z][\w.]*(?:\s+[\w-]+=|\s*/>|>[^(\n])";
        Target::Ts, 5.0, r"^///\s*<reference\s+(?:types|path|lib)=";
        Target::Jsx, 6.0, r"(?:^|[^\w$.'\x22`\\/\s]|\breturn)\s*<[A-Za-z][\w.:-]*(?:\s+(?:[^<>\x22'`]|\x22[^\x22\n]*\x22|'[^'\n]*')*?)?\s*/>";
        Target::Jsx, 6.0, r"(?:^|[^\w$.'\x22`\\/\s]|\breturn)\s*<[A-Za-z][\w.:-]*\s[^<>\n]*?\b[\w-]+=\{";
        Target::Jsx, 5.0, r"<[A-Za-z][\w.]*\s+\{\.\.\.";
        Target::Jsx, 3.0, r"(?:^|[^'\x22`\\])</[A-Za-z][\w.:-]*>";
        Target::Jsx, 5.0, r"\bclassName=";
        Target::Jsx, 5.0, r"\breturn\s*\(\s*\n\s*<[A-Za-z>]";
        Target::Jsx, 4.0, r"\breturn\s+<[A-Za-z]";
        Target::Jsx, 3.0, r"=>\s*\(?\s*\n?\s*<[A-Za-z>]";
        Target::Jsx, 4.0, r"<>|</>";
        Target::Jsx, 4.0, r"\bon[A-Z]\w+=\{";
        Target::Jsx, 2.0, r"\s[a-z][\w-]*=\{";
        Target::Jsx, 1.5, r"from\s+['\x22]react(?:-dom|-native)?(?:/[\w-]+)?['\x22]";
        // ---- HTML ----
        F(Html), 20.0, r"(?i)<!DOCTYPE\s+html";
        F(Html), 8.0, r"(?i)<html[\s>]";
        F(Html), 4.0, r"(?i)<(?:head|body|title|meta|link)[\s>]";
        F(Html), 2.0, r"<(?:div|span|p|a|ul|ol|li|table|tr|td|th|section|nav|footer|header|main|article|aside|form|input|button|img|h[1-6]|br|hr|label|select|option|iframe|strong|em|small|code|pre)[\s>/]";
        F(Html), 2.0, r"\sclass=\x22";
        F(Html), 1.0, r"\s(?:href|src|alt|id|style)=\x22";
        F(Html), 2.0, r"&(?:nbsp|copy|mdash|hellip|laquo|raquo|times);";
        F(Html), 1.0, r"<!--";
        F(Html), 2.0, r"(?i)<script[\s>]|</script>|<style[\s>]";
        // ---- XML ----
        F(Xml), 20.0, r"\A\s*<\?xml\s";
        F(Xml), 5.0, r"\bxmlns(?::\w+)?=\x22";
        F(Xml), 2.0, r"<[A-Za-z][\w-]*:[\w-]+[\s>/]";
        F(Xml), 4.0, r"<!\[CDATA\[";
        F(Xml), 3.0, r"<(?:svg|path|rect|circle|ellipse|polygon|polyline|line|g|defs|linearGradient|stop|rss|channel|item|feed|entry|project|dependency|dependencies|groupId|artifactId|version|configuration|LinearLayout|RelativeLayout|TextView|Project|PropertyGroup|ItemGroup|urlset|url|loc|plist|dict|key|string|beans|bean|resources|manifest)[\s>/]";
        F(Xml), 2.0, r"<\w+[^<>\n]*/>";
        F(Xml), 1.0, r"^\s*<[A-Za-z][\w:.-]*(?:\s+[\w:.-]+=\x22[^\x22]*\x22)*\s*/?>\s*$";
        // ---- CSS ----
        F(Css), 2.0, r"^\s+(?:-(?:webkit|moz|ms)-)?[a-z]+-[a-z-]+\s*:[^;\n{}]+;\s*$";
        F(Css), 2.0, r"^\s+(?:-(?:webkit|moz|ms)-)?(?:visibility|color|background(?:-\w+)?|margin(?:-\w+)?|padding(?:-\w+)?|display|font(?:-\w+)?|(?:max-|min-)?(?:width|height)|border(?:-\w+)*|position|top|left|right|bottom|z-index|flex(?:-\w+)?|grid(?:-\w+)*|align-items|justify-content|text-(?:align|decoration|transform)|line-height|opacity|transition|transform|box-shadow|box-sizing|cursor|overflow|content|gap|outline|list-style|white-space|animation|fill|stroke|--[\w-]+)\s*:[^;\n]+;\s*$";
        F(Css), 4.0, r"^\s*@(?:media|import|keyframes|font-face|supports|charset|layer|tailwind)\b";
        F(Css), 3.0, r":root\s*\{|var\(--[\w-]+\)";
        F(Css), 1.0, r"\b\d+(?:\.\d+)?(?:px|em|rem|vh|vw|ms)\b";
        F(Css), 2.0, r"!important";
        F(Css), 5.0, r"/\*# sourceMappingURL=";
        F(Css), 2.0, r"\{(?:-?[a-z]+-[a-z-]+|display|color|margin|padding|width|height|position|top|left|right|bottom|float|clear|content|cursor|opacity|overflow|border|background|font|outline|transition|transform|visibility|fill|stroke)\s*:[^;{}\n\x22']+[;}]";
        F(Css), 3.0, r"^[^{}\n;=()]+\{\s*(?:-?[a-z-]+\s*:\s*[^;{}\n]+;?\s*)+\}\s*$";
        F(Css), 1.0, r":(?:hover|focus|active|before|after|first-child|nth-child)\b";
        // ---- JSON ----
        F(Json), 2.0, r#"^\s*"[^"\n]+"\s*:\s*(?:"|\d|-|\{|\[|true|false|null)"#;
        F(Json), 1.0, r"^\s*[\]}],?\s*$";
        // ---- Markdown ----
        F(Markdown), 5.0, r"^#{1,6}\s+\S";
        F(Markdown), 5.0, r"^[^\n]*\w[^\n]*\n(?:=+|-{3,})[ \t]*$";
        F(Markdown), 10.0, r"\A---[ \t]*\n(?:[\w-]+:[^\n]*\n|[ \t]+[^\n]*\n|-[^\n]*\n)+---[ \t]*$";
        F(Markdown), 4.0, r"^(?:```|~~~)";
        F(Markdown), 1.0, r"^[-*+]\s+\S";
        F(Markdown), 1.0, r"^\d+\.\s+\S";
        F(Markdown), 2.0, r"\[[^\]\n]+\]\([^)\s]+\)";
        F(Markdown), 1.0, r"^>\s";
        F(Markdown), 1.0, r"\*\*[^*\n]+\*\*|`[^`\n]+`";
        F(Markdown), 1.5, r"^\|.*\|\s*$";
        F(Markdown), 1.0, r"^[A-Z][a-z]+,?(?: [A-Za-z0-9'’,()\x22-]+){5,}[.:!?]?[ \t]*$";
        // ---- MDX-only ----
        Target::MdxEsm, 5.0, r"^(?:import\s+[\w*{][^\n]*\s+from\s+['\x22][^'\x22\n]+['\x22];?|export\s+(?:const|default|function|let)\b[^\n]*)$";
        Target::MdxTag, 3.0, r"^\s*<[A-Z][\w.]*(?:\s[^>\n]*)?/?>";
        Target::MdxTag, 2.0, r"^\s*</[A-Z][\w.]*>";
    ]
});

/// The outcome of content-only identification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ContentGuess {
    pub language: Language,
    pub confidence: f32,
}

/// Languages run by common shebang interpreters.
fn shebang(first_line: &str) -> Option<Language> {
    let line = first_line.strip_prefix("#!")?;
    let mut words = line.split_whitespace();
    let mut prog = words.next()?.rsplit('/').next()?;
    if prog == "env" {
        prog = words.find(|w| !w.starts_with('-'))?;
    }
    match prog {
        "node" | "nodejs" | "bun" | "qjs" | "rhino" | "d8" | "v8" | "gjs" | "js" | "zx" => {
            Some(Language::JavaScript)
        }
        "deno" | "ts-node" | "ts-node-esm" | "tsx" | "esno" | "esrun" => Some(Language::TypeScript),
        _ => None,
    }
}

/// Strips a BOM, leading blank lines and leading markup/block comments from the text.
fn skip_preamble(text: &str) -> &str {
    let mut t = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(rest) = t.strip_prefix("<!--") {
            match rest.find("-->") {
                Some(end) => t = rest[end + 3..].trim_start(),
                None => return t,
            }
        } else {
            return t;
        }
    }
}

/// Guesses the language of `text` (already cut to the window) from its content.
pub(crate) fn guess(text: &str, truncated: bool) -> ContentGuess {
    let body = skip_preamble(text);
    if body.is_empty() {
        return ContentGuess {
            language: Language::Other,
            confidence: 0.0,
        };
    }
    let first_line = body.lines().next().unwrap_or("");
    if let Some(lang) = shebang(first_line) {
        // A TypeScript runner on plain JavaScript is still JavaScript, and vice versa.
        let scores = Scores::compute(body);
        let lang = scores.refine_script(lang == Language::TypeScript);
        return ContentGuess {
            language: lang,
            confidence: 0.95,
        };
    }
    if body.starts_with("<?xml") {
        return ContentGuess {
            language: Language::Xml,
            confidence: 0.98,
        };
    }
    let lower_head: String = body
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower_head.starts_with("<!doctype html") || lower_head.starts_with("<html") {
        return ContentGuess {
            language: Language::Html,
            confidence: 0.98,
        };
    }
    if lower_head.starts_with("<!doctype") {
        return ContentGuess {
            language: Language::Xml,
            confidence: 0.9,
        };
    }
    if body.starts_with('{') || body.starts_with('[') {
        match serde_json::from_str::<serde::de::IgnoredAny>(body) {
            Ok(_) => {
                return ContentGuess {
                    language: Language::Json,
                    confidence: 0.99,
                }
            }
            Err(e) if e.is_eof() && truncated => {
                return ContentGuess {
                    language: Language::Json,
                    confidence: 0.9,
                }
            }
            Err(_) => {}
        }
    }
    Scores::compute(body).decide(body)
}

/// The features that fire on `text` with their match counts (for tuning; not stable API).
pub(crate) fn explain(text: &str) -> Vec<(String, usize)> {
    let stripped = strip_fenced_code(text);
    FEATURES
        .iter()
        .filter_map(|f| {
            let n = f.re.find_iter(&stripped).take(64).count();
            (n > 0).then(|| (format!("{:?} {} {}", f.target, f.weight, f.re.as_str()), n))
        })
        .collect()
}

/// The text with the inner lines of fenced code blocks removed (fence lines kept).
fn strip_fenced_code(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("```") && !text.contains("~~~") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let t = line.trim_start();
        let marker = if t.starts_with("```") {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                out.push_str(line);
                out.push('\n');
            }
            (Some(f), Some(m)) if f == m => {
                fence = None;
                out.push_str(line);
                out.push('\n');
            }
            (Some(_), _) => {}
            (None, None) => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The text after any leading `//` and `/* */` comments and white space.
fn skip_code_comments(text: &str) -> &str {
    let mut t = text.trim_start();
    loop {
        if let Some(rest) = t.strip_prefix("//") {
            t = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = t.strip_prefix("/*") {
            t = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            return t;
        }
    }
}

/// The text without lines that are comments (`//`, `/*`, `*` continuation lines).
fn strip_comment_lines(text: &str) -> std::borrow::Cow<'_, str> {
    let is_comment = |l: &str| {
        let t = l.trim_start();
        t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')
    };
    if !text.lines().any(is_comment) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines().filter(|l| !is_comment(l)) {
        out.push_str(line);
        out.push('\n');
    }
    std::borrow::Cow::Owned(out)
}

/// Counts lines that look like CSS selectors opening a rule: ending in `{`, not
/// starting with a script keyword, no `=>`, and every `(` belonging to a pseudo-class
/// (`:is(`, `:not(`, `:nth-child(`…).
fn css_selector_lines(text: &str) -> usize {
    const KEYWORDS: &[&str] = &[
        "function",
        "if",
        "else",
        "for",
        "while",
        "switch",
        "class",
        "try",
        "catch",
        "const",
        "let",
        "var",
        "export",
        "return",
        "interface",
        "type",
        "enum",
        "do",
        "}",
        "namespace",
        "module",
        "declare",
        "async",
        "static",
        "public",
        "private",
        "protected",
        "get",
        "set",
    ];
    text.lines()
        .filter(|line| {
            let t = line.trim();
            let Some(head) = t.strip_suffix('{') else {
                return false;
            };
            let head = head.trim_end();
            if head.is_empty()
                || head.contains("=>")
                || head.contains(';')
                || head.ends_with(')') && !head.contains(':')
            {
                return false;
            }
            let first = head
                .split(|c: char| !(c.is_alphanumeric() || c == '}'))
                .next()
                .unwrap_or("");
            if KEYWORDS.contains(&first) {
                return false;
            }
            let bytes = head.as_bytes();
            bytes.iter().enumerate().all(|(i, &b)| {
                if b == b'=' {
                    // Only inside attribute selectors.
                    return head[..i].rfind('[') > head[..i].rfind(']');
                }
                if b != b'(' {
                    return true;
                }
                let before = &head[..i];
                let name_start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .map_or(0, |p| p + 1);
                name_start > 0 && before.as_bytes()[name_start - 1] == b':'
            })
        })
        .count()
}

#[derive(Debug, Default)]
struct Scores {
    family: [f32; 6],
    ts: f32,
    jsx: f32,
    mdx_esm: f32,
    mdx_tag: f32,
    /// Lines that open with a tag at column 0 (markup or MDX, never script).
    col0_tags: usize,
}

impl Scores {
    fn compute(text: &str) -> Scores {
        let mut s = Scores::default();
        // Code inside Markdown fences says nothing about the document's own language.
        let stripped = strip_fenced_code(text);
        let text = stripped.as_ref();
        let selectors = css_selector_lines(text);
        s.col0_tags = text
            .lines()
            .filter(|l| l.starts_with('<') && l[1..].starts_with(|c: char| c.is_ascii_alphabetic()))
            .count();
        if selectors > 0 {
            s.family[Css as usize] += 3.0 * (1.0 + (selectors.min(64) as f32).ln());
        }
        // TypeScript and JSX syntax counts only in code, not in comments (JSDoc examples).
        let code = strip_comment_lines(text);
        for f in FEATURES.iter() {
            let haystack = match f.target {
                Target::Ts | Target::Jsx => code.as_ref(),
                _ => text,
            };
            let n = f.re.find_iter(haystack).take(64).count();
            if n == 0 {
                continue;
            }
            // Diminishing returns: the 10th match says less than the first.
            let v = f.weight * (1.0 + (n as f32).ln());
            match f.target {
                Target::Family(fam) => s.family[fam as usize] += v,
                Target::Ts => {
                    s.ts += v;
                    s.family[Script as usize] += v;
                }
                Target::Jsx => {
                    s.jsx += v;
                    s.family[Script as usize] += v * 0.5;
                }
                Target::MdxEsm => s.mdx_esm += v,
                Target::MdxTag => s.mdx_tag += v,
            }
        }
        s
    }

    fn refine_script(&self, typed_hint: bool) -> Language {
        let ts = typed_hint || self.ts >= 5.0;
        let jsx = self.jsx >= 5.0;
        match (ts, jsx) {
            (false, false) => Language::JavaScript,
            (true, false) => Language::TypeScript,
            (false, true) => Language::Jsx,
            (true, true) => Language::Tsx,
        }
    }

    fn decide(&self, body: &str) -> ContentGuess {
        let mut scores = self.family;
        // JSX tags look like HTML/XML; when there is real script around them they are script.
        if self.jsx >= 8.0 && scores[Script as usize] >= 8.0 {
            scores[Html as usize] *= 0.5;
            scores[Xml as usize] *= 0.5;
        }
        // JSON text starts with `{` or `[` (after comments, for JSON with comments).
        if !matches!(skip_code_comments(body).chars().next(), Some('{' | '[')) {
            scores[Json as usize] = 0.0;
        }
        // Markup documents start with a tag; code never does.
        if body.starts_with('<') && !body.starts_with("<script") {
            scores[Html as usize] += 3.0;
            scores[Xml as usize] += 3.0;
        }
        // MDX is Markdown plus ESM and JSX at the top level. Scripts have ESM too, but
        // never a tag or a heading at column 0; HTML has tags there, but no ESM.
        let md_base = scores[Markdown as usize];
        if self.mdx_esm > 0.0 && (md_base >= 4.0 || self.col0_tags > 0)
            || self.mdx_tag > 0.0 && md_base >= 8.0
        {
            scores[Markdown as usize] += self.mdx_esm + self.mdx_tag;
        }
        let mut order: Vec<usize> = (0..FAMILIES.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let (best, second) = (scores[order[0]], scores[order[1]]);
        if best < 2.0 {
            return ContentGuess {
                language: Language::Other,
                confidence: 0.0,
            };
        }
        let margin = (best - second) / best;
        let confidence = (0.5 + 0.5 * margin).min(0.97) * (best / (best + 4.0)).max(0.5);
        let language = match FAMILIES[order[0]] {
            Script => self.refine_script(false),
            Html => Language::Html,
            Xml => Language::Xml,
            Css => Language::Css,
            Json => Language::Json,
            Markdown => {
                if self.mdx_esm > 0.0 || self.mdx_tag >= 3.0 {
                    Language::Mdx
                } else {
                    Language::Markdown
                }
            }
        };
        ContentGuess {
            language,
            confidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str) -> Language {
        guess(text, false).language
    }

    #[test]
    fn shebangs() {
        assert_eq!(
            g("#!/usr/bin/env node\nconsole.log(1)\n"),
            Language::JavaScript
        );
        assert_eq!(g("#!/usr/bin/node\nrequire('x')\n"), Language::JavaScript);
        assert_eq!(
            g("#!/usr/bin/env -S deno run\nconst x: number = 1;\n"),
            Language::TypeScript
        );
        assert_eq!(
            g("#!/usr/bin/env ts-node\nlet a = 1\n"),
            Language::TypeScript
        );
        assert_eq!(g("#!/bin/sh\necho hi\n"), Language::Other);
    }

    #[test]
    fn declarations() {
        assert_eq!(g("<?xml version=\"1.0\"?>\n<a/>"), Language::Xml);
        assert_eq!(
            g("\u{feff}<!DOCTYPE html>\n<html><body></body></html>"),
            Language::Html
        );
        assert_eq!(g("<!-- c -->\n<!doctype HTML>\n<p>x</p>"), Language::Html);
        assert_eq!(g("{\"a\": [1, 2, {\"b\": null}]}"), Language::Json);
        assert_eq!(g("[1, 2, 3]\n"), Language::Json);
    }

    #[test]
    fn empty_is_other() {
        assert_eq!(guess("   \n", false).confidence, 0.0);
        assert_eq!(g(""), Language::Other);
    }
}
