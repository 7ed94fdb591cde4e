//! Code-comment pair extraction on fixtures with known expected pairs, CodeSearchNet
//! filters, partitions, and the PairStage output (JSONL and Parquet).

use std::fs::File;
use std::path::PathBuf;

use parquet::file::reader::{FileReader, SerializedFileReader};
use sheikh_core::{Document, Language, Outcome, Stage};
use sheikh_syntax::{
    extract_pairs, partition_for_repo, CodePair, PairFormat, PairStage, PairsConfig,
};

fn fixture(name: &str, language: Language) -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/syntax/pairs")
        .join(name);
    let content = std::fs::read_to_string(&path).expect("fixture");
    Document::new(content, language)
        .with_repo_name("acme/shop")
        .with_path(format!("src/{name}"))
}

fn names(pairs: &[CodePair]) -> Vec<&str> {
    pairs.iter().map(|p| p.func_name.as_str()).collect()
}

fn config() -> PairsConfig {
    PairsConfig {
        enabled: true,
        ..Default::default()
    }
}

#[test]
fn javascript_fixture_gives_the_expected_pairs() {
    let pairs = extract_pairs(&fixture("utils.js", Language::JavaScript), &config());
    // Dropped: `tiny` (2-token docstring), `oneLiner` (1 line), `testCartTotal` (test),
    // `undocumented` (the comment above it trails the previous statement).
    assert_eq!(
        names(&pairs),
        ["formatPrice", "clamp", "exports.parseQuery", "api.getUser"]
    );

    let p = &pairs[0];
    assert_eq!(p.repo, "acme/shop");
    assert_eq!(p.path, "src/utils.js");
    assert_eq!(p.language, "javascript");
    assert_eq!(p.partition, partition_for_repo("acme/shop").as_str());
    assert_eq!(
        p.docstring,
        "Formats an amount of cents as a price string.\n\nUses the browser locale when none is given."
    );
    assert_eq!(
        p.docstring_tokens,
        ["Formats", "an", "amount", "of", "cents", "as", "a", "price", "string", "."]
    );
    let tags: Vec<_> = p
        .docstring_tags
        .iter()
        .map(|t| {
            (
                t.tag.as_str(),
                t.type_expr.as_deref(),
                t.name.as_deref(),
                t.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        tags,
        [
            (
                "param",
                Some("number"),
                Some("cents"),
                "the amount in cents"
            ),
            ("param", Some("string"), Some("[locale]"), "locale override"),
            ("returns", Some("string"), None, "the formatted price"),
        ]
    );
    assert!(p.code.starts_with("function formatPrice(cents, locale) {"));
    assert!(p.code.ends_with('}'));
    assert!(p.original_string.starts_with("/**\n * Formats"));
    assert!(p.original_string.ends_with(&p.code));
    assert_eq!(
        &p.code_tokens[..6],
        ["function", "formatPrice", "(", "cents", ",", "locale"]
    );
    assert!(p.code_tokens.contains(&"'currency'".to_string()));
    assert!(!p.code_tokens.iter().any(|t| t.contains("Formats")));

    let clamp = &pairs[1];
    assert_eq!(
        clamp.docstring,
        "Clamps a number between a lower and an upper bound.\nBoth bounds are inclusive."
    );
    assert!(clamp
        .code
        .starts_with("const clamp = (value, min, max) => {"));
    assert!(clamp.original_string.starts_with("// Clamps"));
    assert!(clamp.original_string.contains("export const clamp"));
    assert!(clamp.docstring_tags.is_empty());

    assert_eq!(
        pairs[2].docstring,
        "Parses a query string into a plain object."
    );
    assert_eq!(pairs[2].docstring_tags[0].name.as_deref(), Some("qs"));
    assert!(pairs[3].code.starts_with("async getUser(id) {"));
}

#[test]
fn typescript_fixture_skips_constructors_and_finds_fields() {
    let pairs = extract_pairs(&fixture("service.ts", Language::TypeScript), &config());
    assert_eq!(
        names(&pairs),
        ["OrderService.ordersOf", "OrderService.total", "toOrder"]
    );
    assert!(pairs.iter().all(|p| p.language == "typescript"));
    assert_eq!(
        pairs[0].docstring,
        "Loads every order of a customer, newest first."
    );
    let tags: Vec<_> = pairs[0]
        .docstring_tags
        .iter()
        .map(|t| t.tag.as_str())
        .collect();
    assert_eq!(tags, ["param", "returns"]);
    assert_eq!(
        pairs[0].docstring_tags[0].name.as_deref(),
        Some("customerId")
    );
    assert_eq!(
        pairs[1].docstring,
        "Computes the total price of an order in cents."
    );
    assert!(pairs[1]
        .code
        .starts_with("private total = (order: Order): number => {"));
    assert_eq!(pairs[2].docstring_tags[0].tag, "typedef");
    assert_eq!(pairs[2].docstring_tags[0].name.as_deref(), Some("Row"));
    assert!(pairs[2].code.starts_with("function toOrder<T extends Row>"));
}

#[test]
fn jsx_and_tsx_fixtures() {
    let pairs = extract_pairs(&fixture("Widget.jsx", Language::Jsx), &config());
    assert_eq!(names(&pairs), ["Widget", "Badge"]);
    assert!(pairs.iter().all(|p| p.language == "jsx"));
    assert_eq!(
        pairs[1].docstring,
        "Shows a badge with the unread count next to a label."
    );
    assert!(pairs[0].code_tokens.contains(&"className".to_string()));

    let pairs = extract_pairs(&fixture("Panel.tsx", Language::Tsx), &config());
    assert_eq!(names(&pairs), ["Panel"]);
    assert_eq!(pairs[0].language, "tsx");
    assert_eq!(
        pairs[0].docstring,
        "A collapsible side panel that closes on Escape."
    );
    assert_eq!(pairs[0].docstring_tags[0].tag, "returns");
}

#[test]
fn filters_follow_the_config() {
    let doc = fixture("utils.js", Language::JavaScript);
    let loose = PairsConfig {
        min_lines: 1,
        min_docstring_tokens: 1,
        ..config()
    };
    let pairs = extract_pairs(&doc, &loose);
    assert!(names(&pairs).contains(&"tiny"));
    assert!(names(&pairs).contains(&"oneLiner"));
    assert!(!names(&pairs).contains(&"testCartTotal"));
    let jsdoc_only = PairsConfig {
        line_comments: false,
        ..config()
    };
    assert!(!names(&extract_pairs(&doc, &jsdoc_only)).contains(&"clamp"));
    // Test files give nothing by default.
    let test_doc = doc.clone().with_path("src/__tests__/utils.js");
    assert!(extract_pairs(&test_doc, &config()).is_empty());
    let keep_tests = PairsConfig {
        skip_test_files: false,
        ..config()
    };
    assert_eq!(extract_pairs(&test_doc, &keep_tests).len(), 4);
    // Other languages and broken functions give nothing.
    assert!(extract_pairs(
        &Document::new("/** Adds a b c. */\nx", Language::Css),
        &config()
    )
    .is_empty());
    let broken =
        "/**\n * Adds the two numbers given.\n */\nfunction add(a, b) {\n  return a + ;\n}\n";
    assert!(extract_pairs(&Document::new(broken, Language::JavaScript), &config()).is_empty());
}

#[test]
fn corpus_files_never_panic_and_broken_files_give_no_broken_pairs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/corpus");
    let mut stack = vec![root];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let lang = match path.extension().and_then(|e| e.to_str()) {
                Some("js" | "mjs" | "cjs") => Language::JavaScript,
                Some("jsx") => Language::Jsx,
                Some("ts" | "mts") => Language::TypeScript,
                Some("tsx") => Language::Tsx,
                _ => continue,
            };
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            seen += 1;
            for p in extract_pairs(&Document::new(text, lang), &config()) {
                assert!(p.docstring_tokens.len() >= 3);
                assert!(p.code.lines().count() >= 3, "{}", p.code);
                assert!(!p.func_name.to_lowercase().contains("test"));
            }
        }
    }
    assert!(seen >= 20);
}

#[test]
fn partitions_keep_a_repository_together() {
    let a = fixture("utils.js", Language::JavaScript);
    let b = fixture("service.ts", Language::TypeScript);
    let parts: Vec<_> = extract_pairs(&a, &config())
        .into_iter()
        .chain(extract_pairs(&b, &config()))
        .map(|p| p.partition)
        .collect();
    assert!(parts.windows(2).all(|w| w[0] == w[1]));
}

fn run_stage(
    format: PairFormat,
    shard_bytes: u64,
    threads: usize,
) -> (Vec<PathBuf>, u64, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = PairsConfig {
        format,
        shard_bytes,
        ..config()
    };
    let mut stage = PairStage::new(config, dir.path().join("pairs")).unwrap();
    let stats = stage.stats();
    let docs = vec![
        fixture("utils.js", Language::JavaScript),
        fixture("service.ts", Language::TypeScript),
        fixture("Widget.jsx", Language::Jsx),
        fixture("Panel.tsx", Language::Tsx),
        Document::new("<p>no pairs</p>", Language::Html),
    ];
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let outcomes = pool.install(|| {
        let mut out = stage.process(docs[..2].to_vec()).unwrap();
        out.extend(stage.process(docs[2..].to_vec()).unwrap());
        out
    });
    assert_eq!(outcomes.len(), docs.len());
    for (o, d) in outcomes.iter().zip(&docs) {
        assert!(
            matches!(o, Outcome::Keep(k) if k == d),
            "documents pass unchanged"
        );
    }
    // Nothing is visible under a final name before finish for an open shard.
    assert!(stage.finish().unwrap().is_empty());
    assert_eq!(stats.documents_with_pairs(), 4);
    (stats.files(), stats.pairs(), dir)
}

#[test]
fn stage_writes_jsonl_shards_deterministically() {
    let (files, count, _dir) = run_stage(PairFormat::Jsonl, 256 << 20, 2);
    assert_eq!(count, 10);
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("pairs/pairs-00000.jsonl"));
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 10);
    let keys: Vec<_> = rows[0].as_object().unwrap().keys().cloned().collect();
    for k in [
        "repo",
        "path",
        "func_name",
        "original_string",
        "language",
        "code",
        "code_tokens",
        "docstring",
        "docstring_tokens",
        "partition",
        "docstring_tags",
    ] {
        assert!(keys.contains(&k.to_string()), "{k}");
    }
    assert_eq!(rows[0]["func_name"], "formatPrice");
    assert_eq!(rows[9]["func_name"], "Panel");

    // Small shards: one pair per shard, same content whatever the thread count.
    let (small, n, _d) = run_stage(PairFormat::Jsonl, 1, 1);
    assert_eq!(n, 10);
    assert_eq!(small.len(), 10);
    let (small2, _, _d2) = run_stage(PairFormat::Jsonl, 1, 2);
    for (a, b) in small.iter().zip(&small2) {
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    }
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(small[0].parent().unwrap())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn stage_writes_parquet() {
    let (files, count, _dir) = run_stage(PairFormat::Parquet, 256 << 20, 2);
    assert_eq!(count, 10);
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("pairs-00000.parquet"));
    let reader = SerializedFileReader::new(File::open(&files[0]).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 10);
    let schema = reader.metadata().file_metadata().schema_descr();
    let cols: Vec<_> = (0..schema.num_columns())
        .map(|i| schema.column(i).path().string())
        .collect();
    assert!(cols.contains(&"func_name".to_string()));
    assert!(cols.iter().any(|c| c.starts_with("code_tokens")));
    assert!(cols
        .iter()
        .any(|c| c.starts_with("docstring_tags") && c.ends_with("name")));
}

#[test]
fn disabled_stage_passes_documents_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut stage = PairStage::new(PairsConfig::default(), dir.path()).unwrap();
    let stats = stage.stats();
    let out = stage
        .process(vec![fixture("utils.js", Language::JavaScript)])
        .unwrap();
    assert_eq!(out.len(), 1);
    stage.finish().unwrap();
    assert_eq!(stats.pairs(), 0);
    assert!(stats.files().is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn bad_stage_configs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    assert!(PairStage::new(config(), &file).is_err());
    let bad_prefix = PairsConfig {
        prefix: "a/b".into(),
        ..config()
    };
    assert!(PairStage::new(bad_prefix, dir.path()).is_err());
    let zero = PairsConfig {
        shard_bytes: 0,
        ..config()
    };
    assert!(PairStage::new(zero, dir.path()).is_err());
    assert!(serde_json::from_str::<PairsConfig>(r#"{"bogus": 1}"#).is_err());
    let c: PairsConfig = serde_json::from_str(r#"{"format": "parquet", "min_lines": 5}"#).unwrap();
    assert_eq!(c.format, PairFormat::Parquet);
    assert_eq!(c.min_lines, 5);
    assert_eq!(c.min_docstring_tokens, 3);
}
