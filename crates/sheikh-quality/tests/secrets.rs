//! Regression tests for issue #14 §1: secrets and personal data the redactor used to let
//! through (each assertion failed before the fix), and the hard negatives next to them.

use sheikh_core::{Document, Filter, Language};
use sheikh_quality::{QualityConfig, QualityFilter, RedactionConfig, Redactions, Redactor};

fn redactor() -> Redactor {
    Redactor::new(&RedactionConfig::default())
}

fn redact(text: &str) -> String {
    redactor()
        .redact(text)
        .0
        .unwrap_or_else(|| text.to_string())
}

fn unchanged(text: &str) {
    let (out, n) = redactor().redact(text);
    assert_eq!(out, None, "{text}");
    assert_eq!(n, Redactions::default(), "{text}");
}

/// 64 base64 characters, the width of a PEM body line.
const B1: &str = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";
const B2: &str = "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK";
const B3: &str = "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo";

#[test]
fn pem_keys_in_string_literals_with_escaped_newlines() {
    for label in [
        "RSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "EC PRIVATE KEY",
        "PRIVATE KEY",
    ] {
        let src = format!(
            "const key = \"-----BEGIN {label}-----\\n{B1}\\n{B2}\\n-----END {label}-----\\n\";"
        );
        assert_eq!(redact(&src), "const key = \"<KEY>\\n\";", "{label}");
    }
    // A service-account JSON file.
    let json = format!(
        "{{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{B1}\\n{B2}\\n-----END PRIVATE KEY-----\\n\", \"client_id\": \"1234\"}}"
    );
    let out = redact(&json);
    assert!(!out.contains(B1) && !out.contains(B2), "{out}");
    assert!(out.contains("\"client_id\": \"1234\""), "{out}");
}

#[test]
fn pem_keys_concatenated_over_several_string_pieces() {
    let src = format!(
        "const privateKey =\n  \"-----BEGIN RSA PRIVATE KEY-----\\n\" +\n  \"{B1}\\n\" +\n  \"{B2}\\n\" +\n  \"{B3}\\n\" +\n  \"-----END RSA PRIVATE KEY-----\";\nexport default privateKey;\n"
    );
    let out = redact(&src);
    assert_eq!(
        out,
        "const privateKey =\n  \"<KEY>\";\nexport default privateKey;\n"
    );
    // Array items joined at run time.
    let src = format!(
        "const k = [\n  '-----BEGIN EC PRIVATE KEY-----',\n  '{B1}',\n  '{B2}',\n  '-----END EC PRIVATE KEY-----',\n].join('\\n');"
    );
    assert_eq!(redact(&src), "const k = [\n  '<KEY>',\n].join('\\n');");
    // No END line (a truncated snippet): the header and the base64 lines after it go.
    let src = format!("const k = `-----BEGIN RSA PRIVATE KEY-----\n{B1}\n{B2}`;");
    assert_eq!(redact(&src), "const k = `<KEY>`;");
    // Public keys and certificates stay.
    unchanged(&format!(
        "-----BEGIN PUBLIC KEY-----\n{B1}\n-----END PUBLIC KEY-----\n"
    ));
    unchanged(&format!(
        "-----BEGIN CERTIFICATE-----\n{B1}\n-----END CERTIFICATE-----\n"
    ));
}

#[test]
fn unquoted_env_style_assignments() {
    let cases = [
        ("DB_PASSWORD=Zx81kq_Lm2\nDB_HOST=localhost\n", "DB_PASSWORD=<PASSWORD>\nDB_HOST=localhost\n"),
        (
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
            "AWS_SECRET_ACCESS_KEY=<KEY>\n",
        ),
        ("API_KEY=4f9c2b7e1a6d3c8b\n", "API_KEY=<KEY>\n"),
        (
            "SECRET_KEY=django-insecure-7s#k2!x@qv9\n",
            "SECRET_KEY=<KEY>\n",
        ),
        (
            "```bash\nexport DB_PASSWORD=postgres123\nnpm run migrate\n```\n",
            "```bash\nexport DB_PASSWORD=<PASSWORD>\nnpm run migrate\n```\n",
        ),
        (
            "docker run -e POSTGRES_PASSWORD=mysecretpassword -d postgres",
            "docker run -e POSTGRES_PASSWORD=<PASSWORD> -d postgres",
        ),
        (
            "---\ntitle: Deploy\n---\n\n```yaml\ndatabase:\n  password: Xk9#mQ2$vL7p\n```\n",
            "---\ntitle: Deploy\n---\n\n```yaml\ndatabase:\n  password: <PASSWORD>\n```\n",
        ),
        (
            "[database]\npassword = s3cr3tpw # rotate monthly\n",
            "[database]\npassword = <PASSWORD> # rotate monthly\n",
        ),
        (
            "spring.datasource.password=NZ7CXWvcuGYB\n",
            "spring.datasource.password=<PASSWORD>\n",
        ),
        (
            "Server=db;Database=shop;User Id=sa;Password=Pa55word2024;\n",
            "Server=db;Database=shop;User Id=sa;Password=<PASSWORD>;\n",
        ),
        (
            "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net",
            "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<KEY>;EndpointSuffix=core.windows.net",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(redact(src), want, "{src}");
    }
    for keep in [
        "DB_PASSWORD=${DB_PASSWORD}",
        "DB_PASSWORD=",
        "API_KEY=your-api-key-here",
        "SECRET_KEY=changeme",
        "POSTGRES_PASSWORD: $POSTGRES_PASSWORD",
        "API_KEY=$(cat /run/secrets/api_key)",
        "TOKEN_TTL=3600",
        "max_tokens: 4096,",
        "password: null",
        // Code, not configuration: references, calls, members, types.
        "const user = { email, password: hashedPassword, };",
        "const user = {\n  email,\n  password: hashedPassword\n};",
        "a.password=e.target.value;t.token=r.access_token",
        "interface Credentials {\n  password: string\n}",
        "password: z.string().min(8),",
        "this.password = password;",
        "password: at least 12 characters, one digit\n",
    ] {
        unchanged(keep);
    }
}

#[test]
fn short_quoted_passwords_need_no_entropy() {
    let cases = [
        (
            "const db = { user: 'app', password: \"hunter2hunter2\" };",
            "const db = { user: 'app', password: \"<PASSWORD>\" };",
        ),
        ("password: 'hunter2',", "password: '<PASSWORD>',"),
        ("\"passwd\": \"letmein\",", "\"passwd\": \"<PASSWORD>\","),
        (
            "password: process.env.DB_PASS || 'dev-pass-42',",
            "password: process.env.DB_PASS || '<PASSWORD>',",
        ),
        (
            "auth: { user: 'mailer', pass: 'NPmh8yGAph' },",
            "auth: { user: 'mailer', pass: '<PASSWORD>' },",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(redact(src), want, "{src}");
    }
    // Hard negatives: empty values, env reads, placeholders, markup, identifiers and
    // UI labels (a single word with a capital, all capitals, another script, a word
    // followed by `:`; anything with a space never matches).
    for keep in [
        "password: \"\",",
        "password: process.env.X,",
        "password: \"<PASSWORD>\",",
        "password: \"changeme\",",
        "password: '********',",
        "password: \"${DB_PASSWORD}\"",
        "<input type=\"password\" name=\"password\" />",
        "const passwordField = document.querySelector('#password');",
        "password: \"Password\",",
        "password: 'Passwort:',",
        "password: \"PASSWORD\",",
        "\"password\": \"パスワード\",",
        "password: \"Enter your password\",",
        "password: 'Mot de passe',",
        "password: t('auth.password'),",
        "password: \"auth.form.password\",",
        "pass: true,",
        "const compass = 'north';",
        "password: 'new-password',",
        "password: 'login_password',",
    ] {
        unchanged(keep);
    }
}

#[test]
fn connection_string_credentials_keep_scheme_and_host() {
    let cases = [
        (
            "const uri = 'mongodb://admin:Pa55w0rdXyZ@cluster0.example.net:27017/shop';",
            "const uri = 'mongodb://admin:<PASSWORD>@cluster0.example.net:27017/shop';",
        ),
        (
            "MONGO_URL=mongodb+srv://app:q8Zr2LmN4x@cluster0.ab1cd.mongodb.net/prod",
            "MONGO_URL=mongodb+srv://app:<PASSWORD>@cluster0.ab1cd.mongodb.net/prod",
        ),
        (
            "postgres://user:pw0rd@localhost:5432/app",
            "postgres://user:<PASSWORD>@localhost:5432/app",
        ),
        (
            "mysql://root:r00tpw@127.0.0.1:3306/wp",
            "mysql://root:<PASSWORD>@127.0.0.1:3306/wp",
        ),
        (
            "REDIS_URL=redis://:pw@redis.internal:6379/0",
            "REDIS_URL=redis://:<PASSWORD>@redis.internal:6379/0",
        ),
        (
            "amqp://guest:s3cret@rabbit.internal:5672/",
            "amqp://guest:<PASSWORD>@rabbit.internal:5672/",
        ),
        (
            "fetch('https://admin:hunter2@example.com/api/status')",
            "fetch('https://admin:<PASSWORD>@example.com/api/status')",
        ),
        (
            "curl -u admin:s3cr3tRajJ https://ci.example.com/api/json",
            "curl -u admin:<PASSWORD> https://ci.example.com/api/json",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(redact(src), want, "{src}");
    }
    for keep in [
        "const uri = 'postgres://user:password@localhost:5432/db';",
        "mongodb://<username>:<password>@cluster0.example.net/",
        "postgres://${PGUSER}:${PGPASSWORD}@${PGHOST}/app",
        "fetch('https://api.example.com:8443/v1/items')",
        "git@github.com:acme/web.git",
        "docker run -u 1000:1000 node",
        "url = f\"postgresql://{user}:{password}@{host}/{db}\"",
    ] {
        unchanged(keep);
    }
}

#[test]
fn more_token_formats() {
    let r = |s: &str| format!("const t = '{s}';");
    let tokens = [
        "xapp-1-A0123BCDEFG-1234567890123-0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
        "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3kLm6nOp9qRs2tUv5w",
        "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",
        "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",
        "github_pat_11ABCDEFG0123456789abc_0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcd",
        "glpat-Ab3dEf6hIj9kLm2nOp5q",
        "sk_live_51Hab3dEf6hIj9kLm2nOp5qRs",
        "rk_live_51Hab3dEf6hIj9kLm2nOp5qRs",
        "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",
        "SK0123456789abcdef0123456789abcdef",
        "key-0123456789abcdef0123456789abcdef",
        "shpat_0123456789abcdef0123456789abcdef",
        "MTA4NzY1NDMyMTA5ODc2NTQzMg.GaBcDe.Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7",
        "1234567890:AAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb",
        "HRKU-AAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3kLm6nOp9qRs2tUv5wX",
        "hf_AbcdEfghIjklMnopQrstUvwxYzabCdefGh",
    ];
    for t in tokens {
        assert_eq!(redact(&r(t)), "const t = '<KEY>';", "{t}");
    }
    assert_eq!(
        redact("headers: { Authorization: 'Bearer 4f9cAb2b7e1a6dZ3c8bQ9x' }"),
        "headers: { Authorization: 'Bearer <KEY>' }"
    );
    for keep in [
        "Authorization: Bearer <token>",
        "headers: { Authorization: `Bearer ${token}` }",
        "'Authorization': 'Bearer ' + accessToken",
        "A basic implementation of the algorithm follows.",
        ".sk-folding-cube { margin: 20px auto; }",
        "<div class=\"sk-circle-bounce sk-circle-bounce-delay-2\"></div>",
        "className=\"key-value-list\"",
    ] {
        unchanged(keep);
    }
}

#[test]
fn explain_names_the_detector() {
    let (_, found) = redactor().explain(
        "NPM_TOKEN=npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\nmail ops@acme.test\npassword: 'hunter2'",
    );
    let names: Vec<&str> = found.iter().map(|f| f.detector).collect();
    assert_eq!(names, ["email", "npm", "password_assignment"]);
    assert_eq!(found[2].matched, "hunter2");
}

#[test]
fn quality_filter_redacts_every_field_of_kept_documents() {
    let f = QualityFilter::new(QualityConfig::default());
    let mut doc = Document::new(
        "// Sends the weekly digest.\nexport function send(list) {\n  return list.map((x) => x.id);\n}\n",
        Language::JavaScript,
    )
    .with_path("users/jane.doe@acme.test/src/send.js");
    doc.repo_name = Some("https://bot:Zq8Xv2Lr9T@git.acme.test/web".into());
    doc.license = Some("MIT (contact legal@acme.test)".into());
    doc.metadata.insert(
        "origin".into(),
        serde_json::json!({"clone": "postgres://app:pw0rd123@db/app", "tags": ["ops@acme.test"]}),
    );
    assert!(f.filter(&mut doc).is_none(), "kept");
    let json = serde_json::to_string(&doc).unwrap();
    for leak in [
        "jane.doe@acme.test",
        "Zq8Xv2Lr9T",
        "legal@acme.test",
        "pw0rd123",
        "ops@acme.test",
    ] {
        assert!(!json.contains(leak), "{leak} in {json}");
    }
    assert_eq!(doc.path.as_deref(), Some("users/<EMAIL>/src/send.js"));
    let event = &doc.provenance.events()[0];
    assert_eq!(event.stage, "quality");
    assert_eq!(
        event.detail,
        "redacted in other fields (5): 3 emails, 2 passwords"
    );
    // Content counts stay the content's.
    assert_eq!(
        doc.metadata["quality"]["signals"]["redactions"]["emails"],
        0
    );
}

#[test]
fn new_rules_stay_linear_on_adversarial_input() {
    use std::time::{Duration, Instant};
    const N: usize = 200_000;
    let rep = |unit: &str| unit.repeat(N / unit.len());
    let cases = [
        ("tight assignments", rep("password=")),
        ("colon assignments", rep("password:")),
        ("env names", rep("DB_PASSWORD=a")),
        ("quoted openers", rep("password:\"a")),
        ("fallbacks", rep("password: a ?? ")),
        (
            "pem headers",
            rep("-----BEGIN RSA PRIVATE KEY-----\\n\" + \""),
        ),
        (
            "pem without end",
            rep("-----BEGIN PRIVATE KEY-----\nQUJDREVGR0hJSktM\n"),
        ),
        ("pem ends", rep("-----END RSA PRIVATE KEY-----")),
        ("url schemes", rep("a://b:c")),
        ("url credentials", rep("s://u:p@")),
        ("long scheme", "a".repeat(N) + "://u:p@h"),
        ("bearer", rep("Bearer ")),
        ("curl users", rep("curl -u a:")),
        ("token prefixes", rep("sk-proj-")),
    ];
    let r = redactor();
    for (name, text) in cases {
        let t = Instant::now();
        let _ = r.redact(&text);
        let took = t.elapsed();
        assert!(took < Duration::from_secs(20), "{name}: {took:?}");
    }
}

mod idempotence {
    use super::redactor;
    use proptest::prelude::*;

    /// Fragments of the new rules glued with arbitrary characters.
    fn tricky() -> impl Strategy<Value = String> {
        let fragment = prop_oneof![
            Just("DB_PASSWORD=".to_string()),
            Just("password: ".to_string()),
            Just("pass: '".to_string()),
            Just("API_KEY=".to_string()),
            Just("Xk9#mQ2$vL".to_string()),
            Just("hunter2".to_string()),
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("mongodb://".to_string()),
            Just("admin:".to_string()),
            Just("@host.example.com".to_string()),
            Just("curl -u a:".to_string()),
            Just("Bearer ".to_string()),
            Just("4f9cAb2b7e1a6dZ3c8bQ9x".to_string()),
            Just("-----BEGIN RSA PRIVATE KEY-----".to_string()),
            Just("-----END RSA PRIVATE KEY-----".to_string()),
            Just("\\n\" + \"".to_string()),
            Just("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMx".to_string()),
            Just("npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8".to_string()),
            Just("<PASSWORD>".to_string()),
            Just("<KEY>".to_string()),
            Just(";".to_string()),
            Just("=".to_string()),
            Just(":".to_string()),
            Just("\n".to_string()),
            Just(" ".to_string()),
            Just("é".to_string()),
            "[ -~]{0,8}",
        ];
        prop::collection::vec(fragment, 0..20).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn new_rules_are_idempotent(text in tricky()) {
            let r = redactor();
            let once = r.redact(&text).0.unwrap_or(text);
            let (twice, counts) = r.redact(&once);
            prop_assert_eq!(twice, None, "second pass changed {:?}", once);
            prop_assert_eq!(counts.total(), 0);
        }
    }
}
