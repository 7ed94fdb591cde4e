//! The linguist-style table from file names and extensions to [`Language`].

use crate::language::Language;

/// Whole file names (matched case-sensitively first, then lowercased) that decide the language.
const FILENAMES: &[(&str, Language)] = &[
    ("Jakefile", Language::JavaScript),
    (".babelrc", Language::Json),
    (".jshintrc", Language::Json),
    (".jscsrc", Language::Json),
    (".eslintrc", Language::Json),
    (".swcrc", Language::Json),
    (".nycrc", Language::Json),
    (".c8rc", Language::Json),
    (".tern-project", Language::Json),
    (".tern-config", Language::Json),
    (".htmlhintrc", Language::Json),
    (".watchmanconfig", Language::Json),
    (".arcconfig", Language::Json),
    (".auto-changelog", Language::Json),
    ("composer.lock", Language::Json),
    ("Pipfile.lock", Language::Json),
    ("flake.lock", Language::Json),
    ("Package.resolved", Language::Json),
    (".classpath", Language::Xml),
    (".project", Language::Xml),
    (".cproject", Language::Xml),
    ("App.config", Language::Xml),
    ("Web.config", Language::Xml),
    ("web.config", Language::Xml),
    ("packages.config", Language::Xml),
    ("NuGet.config", Language::Xml),
    ("contents.lr", Language::Markdown),
];

/// Extensions (lowercase, no dot). Multi-part extensions such as `d.ts` are listed
/// before their last part so that the longest suffix wins.
const EXTENSIONS: &[(&str, Language)] = &[
    // TypeScript declaration files and friends
    ("d.ts", Language::TypeScript),
    ("d.mts", Language::TypeScript),
    ("d.cts", Language::TypeScript),
    ("ts", Language::TypeScript),
    ("mts", Language::TypeScript),
    ("cts", Language::TypeScript),
    ("tsx", Language::Tsx),
    ("jsx", Language::Jsx),
    // JavaScript (linguist's list, minus the ambiguous `.frag` and `.gs`)
    ("js", Language::JavaScript),
    ("mjs", Language::JavaScript),
    ("cjs", Language::JavaScript),
    ("es", Language::JavaScript),
    ("es6", Language::JavaScript),
    ("jsm", Language::JavaScript),
    ("jsb", Language::JavaScript),
    ("jss", Language::JavaScript),
    ("jslib", Language::JavaScript),
    ("jspre", Language::JavaScript),
    ("javascript", Language::JavaScript),
    ("jake", Language::JavaScript),
    ("njs", Language::JavaScript),
    ("sjs", Language::JavaScript),
    ("ssjs", Language::JavaScript),
    ("pac", Language::JavaScript),
    ("xsjs", Language::JavaScript),
    ("xsjslib", Language::JavaScript),
    // HTML (linguist files XHTML under HTML)
    ("html", Language::Html),
    ("htm", Language::Html),
    ("xhtml", Language::Html),
    ("xht", Language::Html),
    ("shtml", Language::Html),
    ("hta", Language::Html),
    ("html.hl", Language::Html),
    // XML and its dialects
    ("xml", Language::Xml),
    ("svg", Language::Xml),
    ("xsd", Language::Xml),
    ("xsl", Language::Xml),
    ("xslt", Language::Xml),
    ("rss", Language::Xml),
    ("atom", Language::Xml),
    ("plist", Language::Xml),
    ("csproj", Language::Xml),
    ("vbproj", Language::Xml),
    ("fsproj", Language::Xml),
    ("vcxproj", Language::Xml),
    ("sfproj", Language::Xml),
    ("jsproj", Language::Xml),
    ("proj", Language::Xml),
    ("props", Language::Xml),
    ("targets", Language::Xml),
    ("xaml", Language::Xml),
    ("axaml", Language::Xml),
    ("resx", Language::Xml),
    ("wsdl", Language::Xml),
    ("kml", Language::Xml),
    ("gpx", Language::Xml),
    ("gml", Language::Xml),
    ("xul", Language::Xml),
    ("rdf", Language::Xml),
    ("owl", Language::Xml),
    ("xliff", Language::Xml),
    ("xlf", Language::Xml),
    ("nuspec", Language::Xml),
    ("storyboard", Language::Xml),
    ("xib", Language::Xml),
    ("mxml", Language::Xml),
    ("fxml", Language::Xml),
    ("glade", Language::Xml),
    ("iml", Language::Xml),
    ("wxs", Language::Xml),
    ("wxl", Language::Xml),
    ("wxi", Language::Xml),
    ("xmi", Language::Xml),
    ("xmp", Language::Xml),
    ("xspec", Language::Xml),
    ("scxml", Language::Xml),
    ("mjml", Language::Xml),
    ("natvis", Language::Xml),
    ("pubxml", Language::Xml),
    ("vstemplate", Language::Xml),
    ("vsixmanifest", Language::Xml),
    ("tmlanguage", Language::Xml),
    ("tmtheme", Language::Xml),
    ("tmsnippet", Language::Xml),
    ("urdf", Language::Xml),
    ("xacro", Language::Xml),
    ("zcml", Language::Xml),
    ("config", Language::Xml),
    ("ditamap", Language::Xml),
    ("dita", Language::Xml),
    ("osm", Language::Xml),
    // MDX, Markdown
    ("mdx", Language::Mdx),
    ("md", Language::Markdown),
    ("markdown", Language::Markdown),
    ("mdown", Language::Markdown),
    ("mdwn", Language::Markdown),
    ("mkd", Language::Markdown),
    ("mkdn", Language::Markdown),
    ("mkdown", Language::Markdown),
    ("ronn", Language::Markdown),
    ("livemd", Language::Markdown),
    ("workbook", Language::Markdown),
    // CSS
    ("css", Language::Css),
    // JSON and JSON-with-comments
    ("json", Language::Json),
    ("jsonc", Language::Json),
    ("json5", Language::Json),
    ("jsonld", Language::Json),
    ("geojson", Language::Json),
    ("topojson", Language::Json),
    ("webmanifest", Language::Json),
    ("har", Language::Json),
    ("gltf", Language::Json),
    ("avsc", Language::Json),
    ("webapp", Language::Json),
    ("tfstate", Language::Json),
    ("sarif", Language::Json),
    ("code-workspace", Language::Json),
    ("code-snippets", Language::Json),
    ("sublime-settings", Language::Json),
    ("sublime-project", Language::Json),
    ("mcmeta", Language::Json),
];

/// How a path decided the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathMatch {
    /// A whole file name from the table.
    Filename(Language),
    /// An extension that names one language.
    Extension(Language),
    /// `.ts`: TypeScript, unless the content is a Qt Linguist XML file.
    AmbiguousTs,
}

/// Looks a `/`- or `\`-separated path up in the tables.
pub(crate) fn lookup(path: &str) -> Option<PathMatch> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if name.is_empty() {
        return None;
    }
    if let Some(lang) = find(FILENAMES, name).or_else(|| {
        let lower = name.to_ascii_lowercase();
        FILENAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&lower))
            .map(|(_, l)| *l)
    }) {
        return Some(PathMatch::Filename(lang));
    }
    let lower = name.to_ascii_lowercase();
    // Try every suffix after a dot, longest first (`a.d.ts` → `d.ts`, then `ts`).
    // A leading dot alone (".bashrc") is a hidden name, not an extension.
    let mut search = lower.as_str();
    while let Some(pos) = search.find('.') {
        let ext = &search[pos + 1..];
        if pos == 0 && search.len() == lower.len() {
            // ".eslintrc"-style: skip the leading dot of a hidden file.
            search = ext;
            continue;
        }
        if ext == "ts" {
            return Some(PathMatch::AmbiguousTs);
        }
        if let Some(lang) = find(EXTENSIONS, ext) {
            return Some(PathMatch::Extension(lang));
        }
        search = ext;
    }
    None
}

fn find(table: &[(&str, Language)], key: &str) -> Option<Language> {
    table.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

/// Every extension in the table with its language, for documentation and tests.
pub fn extension_table() -> impl Iterator<Item = (&'static str, Language)> {
    EXTENSIONS.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(path: &str) -> Option<Language> {
        match lookup(path)? {
            PathMatch::Filename(l) | PathMatch::Extension(l) => Some(l),
            PathMatch::AmbiguousTs => Some(Language::TypeScript),
        }
    }

    #[test]
    fn issue_extensions() {
        let cases = [
            ("a.mjs", Language::JavaScript),
            ("a.cjs", Language::JavaScript),
            ("a.mts", Language::TypeScript),
            ("a.cts", Language::TypeScript),
            ("types/index.d.ts", Language::TypeScript),
            ("icon.SVG", Language::Xml),
            ("schema.xsd", Language::Xml),
            ("t.xsl", Language::Xml),
            ("feed.rss", Language::Xml),
            ("feed.atom", Language::Xml),
            ("Info.plist", Language::Xml),
            ("App.csproj", Language::Xml),
            ("Main.xaml", Language::Xml),
            ("docs/intro.mdx", Language::Mdx),
            ("README.markdown", Language::Markdown),
            ("README.md", Language::Markdown),
            ("App.jsx", Language::Jsx),
            ("App.tsx", Language::Tsx),
            ("index.HTML", Language::Html),
            ("style.css", Language::Css),
            ("package.json", Language::Json),
            (".babelrc", Language::Json),
            ("C:\\src\\app.js", Language::JavaScript),
            ("jquery.min.js", Language::JavaScript),
        ];
        for (path, want) in cases {
            assert_eq!(lang(path), Some(want), "{path}");
        }
    }

    #[test]
    fn unknown_and_hidden() {
        assert_eq!(lang("Makefile"), None);
        assert_eq!(lang(".bashrc"), None);
        assert_eq!(lang("main.py"), None);
        assert_eq!(lang("dir/"), None);
        assert_eq!(lookup("x.ts"), Some(PathMatch::AmbiguousTs));
    }
}
