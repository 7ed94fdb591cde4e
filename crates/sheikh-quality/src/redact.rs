//! In-place redaction of secrets and personal data: e-mail addresses (`<EMAIL>`), IP
//! addresses (`<IP_ADDRESS>`), API keys and tokens (`<KEY>`) and passwords
//! (`<PASSWORD>`).
//!
//! One combined regular expression finds every candidate in a single left-to-right scan;
//! each candidate is then checked (IP validity and version-number heuristics, e-mail
//! domains that are file names, placeholders and UI labels assigned to secret-like names,
//! randomness of assigned secrets) before it is replaced. The replacement tokens contain
//! no character any rule can match, so redaction is idempotent: redacting redacted text
//! changes nothing.

use std::net::{Ipv4Addr, Ipv6Addr};

use regex::{CaptureLocations, Regex};
use serde::{Deserialize, Serialize};

use crate::config::RedactionConfig;

/// Replacement for e-mail addresses.
pub const EMAIL_TOKEN: &str = "<EMAIL>";
/// Replacement for IP addresses.
pub const IP_TOKEN: &str = "<IP_ADDRESS>";
/// Replacement for keys, tokens and other secrets.
pub const KEY_TOKEN: &str = "<KEY>";
/// Replacement for values assigned to password-like names and for the password part of
/// URL credentials.
pub const PASSWORD_TOKEN: &str = "<PASSWORD>";

/// How many things one redaction pass replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redactions {
    /// E-mail addresses.
    pub emails: u32,
    /// IPv4 and IPv6 addresses.
    pub ip_addresses: u32,
    /// Keys, tokens and other secrets.
    pub keys: u32,
    /// Passwords.
    pub passwords: u32,
}

impl Redactions {
    /// Total replacements.
    pub fn total(&self) -> u32 {
        self.emails + self.ip_addresses + self.keys + self.passwords
    }

    /// Adds `other` to these counts.
    pub fn add(&mut self, other: Redactions) {
        self.emails += other.emails;
        self.ip_addresses += other.ip_addresses;
        self.keys += other.keys;
        self.passwords += other.passwords;
    }

    /// The counts without the `redacted ` prefix, such as `2 emails, 1 ip_address`.
    pub fn list(&self) -> String {
        let parts: Vec<String> = [
            (self.emails, "email", "emails"),
            (self.ip_addresses, "ip_address", "ip_addresses"),
            (self.keys, "key", "keys"),
            (self.passwords, "password", "passwords"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        parts.join(", ")
    }

    /// A provenance detail such as `redacted 2 emails, 1 ip_address`.
    pub fn describe(&self) -> String {
        format!("redacted {}", self.list())
    }
}

/// One replacement, as reported by [`Redactor::explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The detector that fired: `email`, `ipv4`, `ipv6`, `pem_private_key`,
    /// `url_credentials`, `cli_credentials`, `auth_header`, `password_assignment`,
    /// `key_assignment`, `unquoted_assignment`, `high_entropy_string`, or for known token
    /// formats the provider (see [`token_provider`]).
    pub detector: &'static str,
    /// The text that was replaced.
    pub matched: String,
}

const PATTERN: &str = concat!(
    // PEM private keys: the whole block up to its END line, also when written inside
    // string literals (`\n` escapes, `"…\n" + "…"` pieces, array items); without an END
    // line, the header and the base64 lines that follow it.
    // (The END line is looked for in code, see `pem_end`: a lazy body up to END in the
    // expression would rescan the rest of the text for every header without one.)
    r"(?P<pem>-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----",
    r#"(?:(?:\\[rn]|[\r\n\t ]|["'`][ \t]*[+,]?[ \t\r\n]*["'`])+[A-Za-z0-9+/=]{8,})*)"#,
    // Credentials in a URL: scheme://user:password@ (only the password is replaced).
    r#"|(?-u:\b)(?P<url>[A-Za-z][A-Za-z0-9+.\-]*://(?P<urluser>[^\s:/?#@"'`<>]*):(?P<urlpw>[^\s/?#@"'`<>]+)@)"#,
    // Known token formats (gitleaks / detect-secrets rules that occur in web code).
    r"|(?-u:\b)(?P<token>(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}",
    r"|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}",
    r"|gl(?:pat|dt|ft|rt|soat|cbt|imt|ptt|agent|oas|ffct)-[0-9A-Za-z_\-]{20,}|GR1348941[0-9A-Za-z_\-]{20,}",
    r"|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9]+-[0-9]+-[A-Za-z0-9]+",
    r"|AIza[0-9A-Za-z_\-]{35}|ya29\.[0-9A-Za-z_\-]{20,}|GOCSPX-[0-9A-Za-z_\-]{28}",
    r"|(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,}|whsec_[0-9A-Za-z]{24,}",
    r"|npm_[A-Za-z0-9]{36}",
    r"|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}|sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,}",
    r"|SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
    r"|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
    r"|HRKU-AA[0-9A-Za-z_\-]{58}",
    r"|do[opr]_v1_[a-f0-9]{64}|dp\.pt\.[A-Za-z0-9]{43}|AGE-SECRET-KEY-1[0-9A-Z]{58}",
    r"|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}|rubygems_[a-f0-9]{48}|lin_api_[A-Za-z0-9]{40}",
    r"|sntry[us]_[A-Za-z0-9_=+/]{40,}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
    r"|hv[bs]\.[A-Za-z0-9_\-]{90,}|sq0(?:atp|csp)-[0-9A-Za-z_\-]{22,}",
    r"|hf_[A-Za-z]{34}|api_org_[A-Za-z]{34}|pul-[a-f0-9]{40}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
    r"|pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.\-]{32,64}|xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|dapi[a-f0-9]{32}",
    r"|[0-9]{8,10}:AA[0-9A-Za-z_\-]{33}",
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})(?-u:\b)",
    r"|(?P<hook>https://hooks\.slack\.com/(?:services/T[A-Za-z0-9_]{6,}/B[A-Za-z0-9_]{6,}/[A-Za-z0-9_]{12,}|(?:workflows|triggers)/[A-Za-z0-9_/]{20,})",
    r"|https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,})",
    // Token formats with short or common prefixes: kept only when random-looking.
    r"|(?-u:\b)(?P<wtoken>sk-[A-Za-z0-9]{32,}|SK[0-9a-fA-F]{32}|key-[0-9a-f]{32}|[0-9a-f]{32}-us[0-9]{1,2}",
    r"|[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})(?-u:\b)",
    // curl's `-u user:password` / `--user user:password`.
    r#"|[ \t](?:-u|--user)[ \t=]+["']?(?P<cliuser>[^\s:"'$\-][^\s:"'$]*):(?P<clipw>[^\s"'@<>]+)"#,
    // Authorization header values.
    r"|(?-u:\b)(?i:bearer|basic)[ \t]+(?P<auth>[A-Za-z0-9\-._~+/]{16,}=*)",
    // A name ending in a secret-like word, an assignment, and either an expression (length
    // checked after) and a quoted value, or an unquoted value. The match starts at the
    // word: an unbounded identifier prefix would make every rejected candidate rescan long
    // runs of identifier characters (the name is read backwards only when needed). For the
    // same reason neither the expression nor an unquoted value runs over `:` or `=` (the
    // next assignment): only base64 padding may end an unquoted value.
    r#"|(?P<assign>(?i:(?P<pw>passw(?:or)?d|passwd|pwd|passphrase|[_-]pass|(?-u:\b)pass)|secret|token|(?-i:_KEY)"#,
    r#"|(?:api|access|private|auth|secret|signing|master|encryption|app|account|client)[_-]?key|credentials?)(?i:s)?)"#,
    r#"["']?[ \t]*(?P<op>:=|=>|:|=)[ \t]*"#,
    r#"(?:(?P<expr>[\t\x20-\x21\x23-\x26\x28-\x39\x3b\x3c\x3e-\x5f\x61-\x7e]*?)["'`](?P<value>[^"'`\s<>]+)["'`]|(?P<uvalue>[^\s"'`<>;&,:=]+=*))"#,
    // A quoted string that may be a random secret.
    r#"|["'`](?P<entropy>[A-Za-z0-9+/=_\-]{20,})["'`]"#,
    r"|(?-u:\b)(?P<ipv4>(?:[0-9]{1,3}\.){3}[0-9]{1,3})(?-u:\b)",
    r"|(?P<ipv6>[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})?)",
);

/// File extensions that make `name@2x.png`-style strings look like e-mail addresses.
const FILE_TLDS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "js", "mjs", "cjs", "ts",
    "tsx", "jsx", "css", "scss", "sass", "less", "json", "html", "htm", "xml", "md", "mdx", "vue",
    "map", "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "wav", "pdf", "txt", "yaml",
    "yml",
];

/// Public DNS resolvers, left as they are (as in BigCode's PII redaction).
const POPULAR_DNS: &[[u8; 4]] = &[
    [8, 8, 8, 8],
    [8, 8, 4, 4],
    [1, 1, 1, 1],
    [1, 0, 0, 1],
    [9, 9, 9, 9],
    [149, 112, 112, 112],
    [208, 67, 222, 222],
    [208, 67, 220, 220],
    [94, 140, 14, 14],
    [94, 140, 15, 15],
];

/// Values that name a secret without being one: placeholders, type names and keywords
/// (compared lower-cased, `-` and `_` removed).
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "changeme",
    "changeit",
    "replaceme",
    "example",
    "test",
    "dummy",
    "placeholder",
    "redacted",
    "hidden",
    "empty",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "string",
    "number",
    "boolean",
    "any",
    "unknown",
    "object",
    "required",
    "optional",
    "text",
    "value",
    "val",
    "sample",
    "foo",
    "bar",
    "foobar",
    "todo",
    "tbd",
    "mypassword",
    "yourpassword",
    "mysecret",
    "yoursecret",
];

/// The redactor: one compiled expression and the group indices.
#[derive(Debug, Clone)]
pub struct Redactor {
    re: Regex,
    cfg: RedactionConfig,
    g: Groups,
}

#[derive(Debug, Clone, Copy)]
struct Groups {
    pem: usize,
    urluser: usize,
    urlpw: usize,
    cliuser: usize,
    clipw: usize,
    token: usize,
    hook: usize,
    wtoken: usize,
    auth: usize,
    assign: usize,
    pw: usize,
    op: usize,
    expr: usize,
    value: usize,
    uvalue: usize,
    entropy: usize,
    ipv4: usize,
    ipv6: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ip,
    Key,
    Password,
}

/// What one accepted candidate replaces: the byte range, the replacement kind and the
/// detector name.
type Hit = (usize, usize, Kind, &'static str);

impl sheikh_core::Redact for Redactor {
    fn redact_text(&self, text: &str) -> Option<String> {
        self.redact(text).0
    }
}

impl Redactor {
    /// The redactor core applies to what it writes to `rejected/` (and to fields other
    /// than content): `None` when redaction is switched off.
    pub fn shared(cfg: &RedactionConfig) -> Option<sheikh_core::SharedRedactor> {
        cfg.enabled
            .then(|| std::sync::Arc::new(Redactor::new(cfg)) as sheikh_core::SharedRedactor)
    }

    /// A redactor with the given settings.
    pub fn new(cfg: &RedactionConfig) -> Self {
        let re = Regex::new(PATTERN).expect("static redaction pattern compiles");
        let idx = |name: &str| {
            re.capture_names()
                .position(|n| n == Some(name))
                .expect("group exists")
        };
        let g = Groups {
            pem: idx("pem"),
            urluser: idx("urluser"),
            urlpw: idx("urlpw"),
            cliuser: idx("cliuser"),
            clipw: idx("clipw"),
            token: idx("token"),
            hook: idx("hook"),
            wtoken: idx("wtoken"),
            auth: idx("auth"),
            assign: idx("assign"),
            pw: idx("pw"),
            op: idx("op"),
            expr: idx("expr"),
            value: idx("value"),
            uvalue: idx("uvalue"),
            entropy: idx("entropy"),
            ipv4: idx("ipv4"),
            ipv6: idx("ipv6"),
        };
        Redactor {
            re,
            cfg: cfg.clone(),
            g,
        }
    }

    /// Redacts `text`. Returns the new text (or `None` when nothing was replaced) and the
    /// counts.
    ///
    /// A replacement can expose a candidate the same scan stepped over (a quoted string
    /// whose opening quote closed the secret just replaced), so the scan is repeated on
    /// its own output until nothing changes (at most 8 scans; a second scan only runs when
    /// the first replaced something). This makes redaction idempotent.
    pub fn redact(&self, text: &str) -> (Option<String>, Redactions) {
        self.run(text, None)
    }

    /// Like [`Redactor::redact`], and also lists what was replaced and by which detector
    /// (in scan order; later scans see the output of earlier ones). Meant for evaluation
    /// and debugging: [`Redactor::redact`] is the fast path.
    pub fn explain(&self, text: &str) -> (Option<String>, Vec<Finding>) {
        let mut found = Vec::new();
        let (out, _) = self.run(text, Some(&mut found));
        (out, found)
    }

    fn run(
        &self,
        text: &str,
        mut found: Option<&mut Vec<Finding>>,
    ) -> (Option<String>, Redactions) {
        let mut counts = Redactions::default();
        if !self.cfg.enabled {
            return (None, counts);
        }
        let (mut current, n) = self.redact_once(text, found.as_deref_mut());
        counts.add(n);
        for _ in 1..8 {
            let Some(prev) = current.as_deref() else {
                break;
            };
            let (next, n) = self.redact_once(prev, found.as_deref_mut());
            match next {
                Some(t) => {
                    counts.add(n);
                    current = Some(t);
                }
                None => break,
            }
        }
        (current, counts)
    }

    /// One e-mail scan, then one scan of the combined expression.
    fn redact_once(
        &self,
        text: &str,
        mut found: Option<&mut Vec<Finding>>,
    ) -> (Option<String>, Redactions) {
        let mut counts = Redactions::default();
        let emailed = if self.cfg.emails {
            redact_emails(text, &mut counts, found.as_deref_mut())
        } else {
            None
        };
        let base = emailed.as_deref().unwrap_or(text);
        let (out, n) = self.scan(base, found);
        counts.add(n);
        (out.or(emailed), counts)
    }

    fn scan(
        &self,
        text: &str,
        mut found: Option<&mut Vec<Finding>>,
    ) -> (Option<String>, Redactions) {
        let mut counts = Redactions::default();
        let mut locs = self.re.capture_locations();
        let mut out: Option<String> = None;
        let mut copied = 0usize;
        let mut pos = 0usize;
        let g = self.g;
        while pos <= text.len() {
            let Some(m) = self.re.captures_read_at(&mut locs, text, pos) else {
                break;
            };
            let (start, end) = (m.start(), m.end());
            match self.decide(text, &locs) {
                Some((s, e, kind, detector)) => {
                    let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    buf.push_str(&text[copied..s]);
                    buf.push_str(match kind {
                        Kind::Ip => IP_TOKEN,
                        Kind::Key => KEY_TOKEN,
                        Kind::Password => PASSWORD_TOKEN,
                    });
                    match kind {
                        Kind::Ip => counts.ip_addresses += 1,
                        Kind::Key => counts.keys += 1,
                        Kind::Password => counts.passwords += 1,
                    }
                    if let Some(f) = found.as_deref_mut() {
                        let detector = self.credit(&text[s..e], detector);
                        f.push(Finding {
                            detector,
                            matched: text[s..e].to_string(),
                        });
                    }
                    copied = e;
                    pos = end.max(e).max(start + 1);
                }
                None => {
                    // Rejected: an assigned value or a header value is looked at again on
                    // its own, and a quoted string from its first character, so that a
                    // rule starting later (a token inside the quotes) gets its turn. Other
                    // rejected matches are skipped whole (`git@github.com` must not become
                    // `g<EMAIL>`).
                    pos = if let Some((vs, _)) = span(&locs, g.value)
                        .or_else(|| span(&locs, g.uvalue))
                        .or_else(|| span(&locs, g.auth))
                    {
                        vs
                    } else if span(&locs, g.entropy).is_some() {
                        start + 1
                    } else {
                        end
                    };
                }
            }
            if end == start && pos == start {
                pos += 1;
            }
            while pos < text.len() && !text.is_char_boundary(pos) {
                pos += 1;
            }
        }
        match out {
            Some(mut buf) => {
                buf.push_str(&text[copied..]);
                (Some(buf), counts)
            }
            None => (None, counts),
        }
    }

    /// The detector to report for a replacement: the token provider when the replaced
    /// text is a known token format as a whole (also when an assignment rule took it).
    fn credit(&self, replaced: &str, detector: &'static str) -> &'static str {
        if detector == "token" {
            return token_provider(replaced);
        }
        if matches!(
            detector,
            "key_assignment" | "unquoted_assignment" | "password_assignment" | "url_credentials"
        ) {
            let mut locs = self.re.capture_locations();
            if let Some(m) = self.re.captures_read(&mut locs, replaced) {
                let g = self.g;
                let whole = |i: usize| span(&locs, i) == Some((0, replaced.len()));
                if m.start() == 0 && (whole(g.token) || whole(g.hook) || whole(g.wtoken)) {
                    return token_provider(replaced);
                }
            }
        }
        detector
    }

    /// The span to replace, its kind and detector, or `None` to leave the match alone.
    fn decide(&self, text: &str, locs: &CaptureLocations) -> Option<Hit> {
        let g = self.g;
        let c = &self.cfg;
        if let Some((s, e)) = span(locs, g.pem) {
            let e = pem_end(text, e).unwrap_or(e);
            return c.keys.then_some((s, e, Kind::Key, "pem_private_key"));
        }
        if let Some((ps, pe)) = span(locs, g.urlpw) {
            let pw = &text[ps..pe];
            if !c.assigned_secrets || is_placeholder(pw) {
                return None;
            }
            // A token as the user name (`https://ghp_…:x-oauth-basic@`): the whole user
            // information goes.
            let (us, ue) = span(locs, g.urluser)?;
            let user = &text[us..ue];
            if user.len() >= 20 && looks_secret(user) {
                return Some((us, pe, Kind::Key, "url_credentials"));
            }
            return Some((ps, pe, Kind::Password, "url_credentials"));
        }
        if let Some((s, e)) = span(locs, g.clipw) {
            // Only on a curl command line; `-u 1000:1000` and `-u node:node` (user and
            // group) are not credentials.
            let pw = &text[s..e];
            let (us, ue) = span(locs, g.cliuser)?;
            let line = &text[line_start(text, us)..us];
            let curl = line.contains("curl ");
            let numeric = pw.bytes().all(|c| c.is_ascii_digit());
            return (c.assigned_secrets
                && curl
                && !numeric
                && pw != &text[us..ue]
                && !is_placeholder(pw))
            .then_some((s, e, Kind::Password, "cli_credentials"));
        }
        if let Some((s, e)) = span(locs, g.token).or_else(|| span(locs, g.hook)) {
            return c.keys.then_some((s, e, Kind::Key, "token"));
        }
        if let Some((s, e)) = span(locs, g.wtoken) {
            let b = text.as_bytes();
            let glued = s > 0 && matches!(b[s - 1], b'-' | b'_' | b'.' | b'/');
            let v = &text[s..e];
            let random = v.bytes().any(|c| c.is_ascii_digit())
                && v.bytes().any(|c| c.is_ascii_alphabetic())
                && shannon_entropy(v) >= 3.5;
            return (c.keys && !glued && random).then_some((s, e, Kind::Key, "token"));
        }
        if let Some((s, e)) = span(locs, g.auth) {
            let v = &text[s..e];
            return (c.keys && !is_placeholder(v) && looks_secret(v)).then_some((
                s,
                e,
                Kind::Key,
                "auth_header",
            ));
        }
        if let Some((vs, ve)) = span(locs, g.value) {
            return self.quoted_assignment(text, locs, vs, ve);
        }
        if let Some((vs, ve)) = span(locs, g.uvalue) {
            return self.unquoted_assignment(text, locs, vs, ve);
        }
        if let Some((s, e)) = span(locs, g.entropy) {
            let v = &text[s..e];
            return (c.high_entropy_strings
                && v.len() >= c.high_entropy_min_len
                && v.len() <= 256
                && looks_random(v, c.high_entropy_min_bits))
            .then_some((s, e, Kind::Key, "high_entropy_string"));
        }
        if let Some((s, e)) = span(locs, g.ipv4) {
            return (c.ip_addresses && self.redact_ipv4(text, s, e)).then_some((
                s,
                e,
                Kind::Ip,
                "ipv4",
            ));
        }
        if let Some((s, e)) = span(locs, g.ipv6) {
            return (c.ip_addresses && self.redact_ipv6(text, s, e)).then_some((
                s,
                e,
                Kind::Ip,
                "ipv6",
            ));
        }
        None
    }

    /// `name: "value"` (and `name = expr ?? "value"`).
    fn quoted_assignment(
        &self,
        text: &str,
        locs: &CaptureLocations,
        vs: usize,
        ve: usize,
    ) -> Option<Hit> {
        let g = self.g;
        // The name, the operator and the expression before the quote: at most 160 bytes,
        // so that a quote far along the line is not taken for the value.
        let (s, _) = span(locs, g.assign)?;
        if !self.cfg.assigned_secrets || vs - s > 160 || ve - vs > 200 {
            return None;
        }
        let v = &text[vs..ve];
        if is_placeholder(v) {
            return None;
        }
        let password = span(locs, g.pw).is_some();
        // The literal is the value itself or a fallback (`process.env.X ?? 'value'`),
        // not an argument of some call (`get(user, 'default')`).
        let expr = span(locs, g.expr).map_or("", |(a, b)| text[a..b].trim());
        let direct = expr.is_empty() || expr.ends_with("??") || expr.ends_with("||");
        if password && direct {
            // A password needs no randomness when the name says it is one; UI labels
            // (`'Password'`, `'Passwort:'`, `'パスワード'`) and dotted i18n keys are not
            // passwords.
            return (!is_label(v) && !is_dotted_path(v) && !names_a_password(v)).then_some((
                vs,
                ve,
                Kind::Password,
                "password_assignment",
            ));
        }
        if v.len() < 8 || !looks_secret(v) {
            return None;
        }
        let kind = if password { Kind::Password } else { Kind::Key };
        let detector = if password {
            "password_assignment"
        } else {
            "key_assignment"
        };
        Some((vs, ve, kind, detector))
    }

    /// `NAME=value` (env files, shell, connection strings, query strings) and
    /// `name: value` / `name = value` lines (YAML, INI, `.properties`).
    fn unquoted_assignment(
        &self,
        text: &str,
        locs: &CaptureLocations,
        vs: usize,
        ve: usize,
    ) -> Option<Hit> {
        let g = self.g;
        if !self.cfg.assigned_secrets || ve - vs > 200 {
            return None;
        }
        let (ws, we) = span(locs, g.assign)?;
        let (os, oe) = span(locs, g.op)?;
        let b = text.as_bytes();
        // The whole name, read backwards from the secret-like word (dots included:
        // `spring.datasource.password=` in a `.properties` file).
        let mut ns = ws;
        while ns > 0
            && ws - ns < 64
            && (b[ns - 1].is_ascii_alphanumeric() || matches!(b[ns - 1], b'_' | b'-' | b'.'))
        {
            ns -= 1;
        }
        let name = &text[ns..we];
        let tight = &text[os..oe] == "=" && os == we && oe == vs;
        let at_line_start = line_prefix_ok(&text[line_start(text, ns)..ns]);
        // A member assignment in code (`user.password = x`, `$this->password = x`),
        // unless it is a dotted key alone on its line written without blanks.
        let member = name.contains('.') || (ns > 1 && b[ns - 1] == b'>' && b[ns - 2] == b'-');
        if member && !(tight && at_line_start) {
            return None;
        }
        let upper = name.bytes().any(|c| c.is_ascii_uppercase())
            && !name.bytes().any(|c| c.is_ascii_lowercase());
        let env_style = tight && upper;
        let line_style = at_line_start && rest_of_line_empty(&text[ve..]);
        if !(tight || line_style) {
            return None;
        }
        let v = &text[vs..ve];
        if is_placeholder(v)
            || is_reference(v)
            || v.bytes().all(|c| c.is_ascii_digit() || c == b'.')
            || v.len() < 3
            || !v.bytes().any(|c| c.is_ascii_alphanumeric())
        {
            return None;
        }
        let password = span(locs, g.pw).is_some();
        if env_style {
            // Env files hold literals: any value that is not a reference goes.
            let kind = if password { Kind::Password } else { Kind::Key };
            return Some((vs, ve, kind, "unquoted_assignment"));
        }
        if v.len() < 4 || is_identifier_like(v) {
            return None;
        }
        if password {
            return Some((vs, ve, Kind::Password, "unquoted_assignment"));
        }
        (v.len() >= 8 && looks_secret(v)).then_some((vs, ve, Kind::Key, "unquoted_assignment"))
    }
    fn redact_ipv4(&self, text: &str, s: usize, e: usize) -> bool {
        let b = text.as_bytes();
        // Part of a longer dotted run (1.2.3.4.5, 10.0.0.1.2): a version or an OID.
        let dotted_before = s >= 2 && b[s - 1] == b'.' && b[s - 2].is_ascii_digit();
        let dotted_after = e + 1 < b.len() && b[e] == b'.' && b[e + 1].is_ascii_digit();
        if dotted_before || dotted_after || in_number_list(b, s, e) {
            return false;
        }
        let v = &text[s..e];
        let Some(octets) = parse_ipv4(v) else {
            return false;
        };
        let ip = Ipv4Addr::from(octets);
        if ip.is_loopback()
            || ip.is_unspecified()
            || ip.is_broadcast()
            || ip.is_multicast()
            || octets[0] == 255
            || POPULAR_DNS.contains(&octets)
        {
            return false;
        }
        if !self.cfg.private_ips
            && (ip.is_private()
                || ip.is_link_local()
                || (octets[0] == 100 && octets[1] & 0xC0 == 64))
        {
            return false;
        }
        // Version numbers: BigCode's rule (a 7-character x.x.x.x is a version unless
        // "dns" or "server" is near), and a "version" word just before it on the line.
        let before = window(text, s.saturating_sub(100), s);
        let after = window(text, e, (e + 100).min(text.len()));
        if v.len() == 7 && !(mentions_network(before) || mentions_network(after)) {
            return false;
        }
        let line_start = text[..s].rfind('\n').map_or(0, |p| p + 1);
        let near = window(text, line_start.max(s.saturating_sub(40)), s);
        !contains_ci(near, "version")
    }

    fn redact_ipv6(&self, text: &str, s: usize, e: usize) -> bool {
        let b = text.as_bytes();
        let glued = |c: u8| c.is_ascii_alphanumeric() || c == b':' || c == b'.' || c == b'_';
        if (s > 0 && glued(b[s - 1])) || (e < b.len() && glued(b[e])) {
            return false;
        }
        let v = &text[s..e];
        if !v.bytes().any(|c| c.is_ascii_digit()) || v.bytes().filter(|&c| c == b':').count() < 2 {
            return false;
        }
        let Ok(ip) = v.parse::<Ipv6Addr>() else {
            return false;
        };
        if ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() {
            return false;
        }
        let first = ip.segments()[0];
        let private = (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80;
        !private || self.cfg.private_ips
    }
}

fn span(locs: &CaptureLocations, i: usize) -> Option<(usize, usize)> {
    locs.get(i)
}

fn window(text: &str, mut s: usize, mut e: usize) -> &str {
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    &text[s..e]
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn mentions_network(s: &str) -> bool {
    ["dns", "server", "host"].iter().any(|w| contains_ci(s, w))
}

/// True when `b[s..e]`, a dotted quad, sits in a run of numbers rather than in text:
/// SVG path data and coordinate lists write `c.37-.3.61-.75 1.58.35.181-.3`, where
/// `1.58.35.181` is the three numbers 1.58, .35 and .181. Signed or followed by a
/// sign, or next to another number across one space or comma: not an address.
fn in_number_list(b: &[u8], s: usize, e: usize) -> bool {
    let numeric = |c: u8| c.is_ascii_digit() || c == b'.';
    let signed_before = s > 0 && matches!(b[s - 1], b'-' | b'+');
    let signed_after = e < b.len() && matches!(b[e], b'-' | b'+');
    let number_before = s >= 2 && matches!(b[s - 1], b' ' | b',') && numeric(b[s - 2]);
    let number_after =
        e + 1 < b.len() && matches!(b[e], b' ' | b',') && (numeric(b[e + 1]) || b[e + 1] == b'-');
    signed_before || signed_after || number_before || number_after
}

/// Strict dotted-quad parse: four decimal octets ≤ 255 without leading zeros (Python's
/// `ipaddress` rule).
fn parse_ipv4(v: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = v.split('.');
    for o in &mut out {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// The e-mail address around the `@` at byte `at`, as a byte range: a local part of 1–64
/// characters `[A-Za-z0-9._%+-]`, a domain of dot-separated labels `[A-Za-z0-9-]` whose
/// last label is at least two letters and ends at a word boundary (the regular
/// expression `[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b`, found from the
/// `@` outwards so that long runs cost nothing).
fn email_at(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut s = at;
    while s > 0 && is_local(b[s - 1]) {
        s -= 1;
        if at - s > 64 {
            return None;
        }
    }
    if s == at {
        return None;
    }
    let mut e = at + 1;
    while e < b.len() && is_domain(b[e]) && e - at <= 253 {
        e += 1;
    }
    if e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
        return None; // domain longer than 253 bytes or glued to a word
    }
    // The longest prefix of the domain run that ends with an alphabetic label of 2+
    // letters at a word boundary.
    let dom = &b[at + 1..e];
    let mut best = None;
    let mut seg_start = 0;
    for k in 0..=dom.len() {
        let end_of_seg = k == dom.len() || dom[k] == b'.' || dom[k] == b'-';
        if !end_of_seg {
            continue;
        }
        let seg = &dom[seg_start..k];
        let after_dot = seg_start > 0 && dom[seg_start - 1] == b'.';
        let labels_ok = !dom[..k].split(|&c| c == b'.').any(|l| l.is_empty());
        if after_dot && seg.len() >= 2 && seg.iter().all(u8::is_ascii_alphabetic) && labels_ok {
            best = Some(at + 1 + k);
        }
        seg_start = k + 1;
    }
    let end = best?;
    // The password of URL credentials (`scheme://user:password@host`) is the URL rule's.
    if s > 0 && b[s - 1] == b':' {
        let mut k = s - 1;
        while k > 0 && s - k < 256 && !b[k - 1].is_ascii_whitespace() {
            k -= 1;
            if b[k..].starts_with(b"://") && k + 3 < s {
                return None;
            }
        }
    }
    let local = &b[s..at];
    let tld_start = b[..end]
        .iter()
        .rposition(|&c| c == b'.')
        .map_or(end, |p| p + 1);
    let tld = &b[tld_start..end];
    if local == b"git"
        || local[0] == b'.'
        || local[local.len() - 1] == b'.'
        || FILE_TLDS
            .iter()
            .any(|t| t.as_bytes().eq_ignore_ascii_case(tld))
    {
        return None;
    }
    Some((s, end))
}

/// Replaces every e-mail address with [`EMAIL_TOKEN`].
fn redact_emails(
    text: &str,
    counts: &mut Redactions,
    mut found: Option<&mut Vec<Finding>>,
) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut from = 0;
    while let Some(p) = text[from..].find('@') {
        let at = from + p;
        from = at + 1;
        if let Some((s, e)) = email_at(b, at) {
            if s < copied {
                continue;
            }
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(&text[copied..s]);
            buf.push_str(EMAIL_TOKEN);
            counts.emails += 1;
            if let Some(f) = found.as_deref_mut() {
                f.push(Finding {
                    detector: "email",
                    matched: text[s..e].to_string(),
                });
            }
            copied = e;
            from = e;
        }
    }
    out.map(|mut buf| {
        buf.push_str(&text[copied..]);
        buf
    })
}

/// Shannon entropy of the bytes of `s`, in bits per byte.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    if n == 0.0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Share of adjacent alphanumeric pairs that change class (lower, upper, digit),
/// punctuation skipped: high for random strings, low for words and identifiers.
fn class_switch_ratio(s: &str) -> f64 {
    let class = |b: u8| match b {
        b'a'..=b'z' => 1u8,
        b'A'..=b'Z' => 2,
        b'0'..=b'9' => 3,
        _ => 0,
    };
    let mut prev = 0u8;
    let (mut pairs, mut switches) = (0u32, 0u32);
    for c in s.bytes().map(class).filter(|&c| c != 0) {
        if prev != 0 {
            pairs += 1;
            if c != prev {
                switches += 1;
            }
        }
        prev = c;
    }
    if pairs == 0 {
        0.0
    } else {
        switches as f64 / pairs as f64
    }
}

/// A value assigned to a secret-like name that is a literal secret rather than a
/// placeholder, a reference or a word.
fn looks_secret(v: &str) -> bool {
    if is_placeholder(v) {
        return false;
    }
    if v.contains('.') && !v.contains('/') && v.bytes().filter(|&c| c == b'.').count() >= 2 {
        // dotted paths such as i18n keys (`nav.home.title`)
        return false;
    }
    shannon_entropy(v) >= 3.0 && class_switch_ratio(v) >= 0.2
}

/// A placeholder rather than a secret: template and environment references
/// (`${X}`, `{{x}}`, `%s`, `$DB_PASSWORD`, `%DB_PASSWORD%`, `process.env`), masks
/// (`xxxx`, `****`, `...`, no letter or digit at all), `your…` values, paths
/// (`/run/secrets/db`), `{name}` templates and the words in [`PLACEHOLDER_WORDS`].
fn is_placeholder(v: &str) -> bool {
    const MARKERS: &[&str] = &[
        "${",
        "{{",
        "%s",
        "%(",
        "process.env",
        "import.meta.env",
        "os.environ",
        "getenv",
        "xxxx",
        "****",
        "...",
        "your",
    ];
    if MARKERS.iter().any(|p| contains_ci(v, p)) {
        return true;
    }
    if !v.bytes().any(|c| c.is_ascii_alphanumeric()) {
        return true;
    }
    let b = v.as_bytes();
    // `$NAME`, `%NAME%`: environment references.
    if (b[0] == b'$' || b[0] == b'%')
        && b.len() > 1
        && (b[1].is_ascii_alphabetic() || b[1] == b'_' || b[1] == b'{')
    {
        return true;
    }
    if v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/") {
        return true;
    }
    // `{password}` (Python f-strings, `str.format`, route parameters).
    if v.starts_with('{') && v.ends_with('}') {
        return true;
    }
    let squashed: String = v
        .chars()
        .filter(|&c| c != '-' && c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    PLACEHOLDER_WORDS.contains(&squashed.as_str())
}

/// An unquoted value that is code rather than a literal: a call, an index, an object,
/// YAML tags, anchors and aliases (`!vault`, `&x`, `*x`), or a member path
/// (`config.db.password`).
fn is_reference(v: &str) -> bool {
    if v.contains(['(', ')', '[', ']', '{', '}']) || v.starts_with(['!', '*', '|', '@']) {
        return true;
    }
    is_dotted_path(v)
}

/// Identifier segments joined by dots (`auth.password`, `config.db.pass`): a member
/// access or an i18n key.
fn is_dotted_path(v: &str) -> bool {
    v.contains('.')
        && v.split('.').all(|seg| {
            let b = seg.as_bytes();
            !b.is_empty()
                && (b[0].is_ascii_alphabetic() || b[0] == b'_' || b[0] == b'$')
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
        })
}

/// A UI label rather than a password: letters only (any script), optionally followed
/// by `:`, `.`, `?`, `!`, `*` or `…`, and not all lower-case ASCII — `Password`,
/// `PASSWORD`, `Passwort:`, `Contraseña`, `パスワード`, `newPassword`. (Labels with spaces,
/// `"Enter your password"`, never match a value at all.)
fn is_label(v: &str) -> bool {
    let word = v.trim_end_matches([':', '.', '?', '!', '*', '…']);
    !word.is_empty()
        && word.chars().all(char::is_alphabetic)
        && !word.bytes().all(|c| c.is_ascii_lowercase())
}

/// A key or field name rather than a password: letters, `_` and `-` only, containing
/// `pass` (`'new-password'`, `'login_password'`, `'user_pass'`).
fn names_a_password(v: &str) -> bool {
    v.bytes()
        .all(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'-')
        && contains_ci(v, "pass")
}

/// An unquoted value that names a variable rather than holding a literal: ASCII letters
/// and `_` only, with an inner capital (`hashedPassword`), an underscore
/// (`hashed_password`) or a leading capital (`Password`).
fn is_identifier_like(v: &str) -> bool {
    let b = v.as_bytes();
    b.iter()
        .all(|&c| c.is_ascii_alphabetic() || c == b'_' || c == b'$')
        && (b.contains(&b'_') || b.iter().any(u8::is_ascii_uppercase))
}

/// The end of the PEM block whose header ends at `from`: just after its
/// `-----END … PRIVATE KEY-----` (or `… KEY BLOCK-----`) line, when only body characters
/// (base64, blanks, `\n` escapes, quotes, `+` and `,` joining string pieces, `Proc-Type:`
/// style headers) come before it. Stops at the next `-----BEGIN`, so every byte is looked
/// at by one header at most.
fn pem_end(text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let body = |c: u8| {
        c.is_ascii_alphanumeric() || c.is_ascii_whitespace() || b"+/=:,.()\\\"'`-".contains(&c)
    };
    let mut i = from;
    while i < b.len() && body(b[i]) {
        if b[i] == b'-' && b[i..].starts_with(b"-----") {
            let rest = &text[i + 5..];
            if rest.starts_with("BEGIN") {
                return None;
            }
            if let Some(label) = rest.strip_prefix("END") {
                let lb = label.as_bytes();
                let close = lb[..lb.len().min(60)]
                    .windows(5)
                    .position(|w| w == b"-----")?;
                let name = &label[..close];
                let ok = name.len() <= 50
                    && name
                        .bytes()
                        .all(|c| c.is_ascii_uppercase() || c == b' ' || c.is_ascii_digit())
                    && (name.ends_with("PRIVATE KEY") || name.ends_with("PRIVATE KEY BLOCK"));
                return ok.then_some(i + 5 + 3 + close + 5);
            }
            i += 5;
            continue;
        }
        i += 1;
    }
    None
}

/// Byte offset where the line holding `pos` starts.
fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |p| p + 1)
}

/// What may come before a name at the start of a configuration line: indentation, a
/// YAML list dash, `export`, `set`, `ENV`, or a comment marker (commented-out
/// configuration still leaks).
fn line_prefix_ok(prefix: &str) -> bool {
    let p = prefix.trim_start();
    let p = p.strip_prefix('#').unwrap_or(p).trim_start();
    let p = p.strip_prefix("- ").unwrap_or(p).trim_start();
    p.is_empty() || matches!(p, "export " | "set " | "SET " | "ENV " | "env ")
}

/// Only blanks, or blanks and a `#` comment, up to the end of the line.
fn rest_of_line_empty(rest: &str) -> bool {
    let t = rest.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with(['\n', '\r', '#'])
}

/// The provider of a token matched by one of the known formats, as reported by
/// [`Redactor::explain`] (`github`, `slack`, `openai`, …; `token` when unknown).
pub fn token_provider(t: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("AKIA", "aws_access_key_id"),
        ("ASIA", "aws_access_key_id"),
        ("AGPA", "aws_access_key_id"),
        ("AIDA", "aws_access_key_id"),
        ("AROA", "aws_access_key_id"),
        ("AIPA", "aws_access_key_id"),
        ("ANPA", "aws_access_key_id"),
        ("ANVA", "aws_access_key_id"),
        ("github_pat_", "github"),
        ("ghp_", "github"),
        ("gho_", "github"),
        ("ghu_", "github"),
        ("ghs_", "github"),
        ("ghr_", "github"),
        ("glsa_", "grafana"),
        ("gl", "gitlab"),
        ("GR1348941", "gitlab"),
        ("xapp-", "slack"),
        ("xox", "slack"),
        ("https://hooks.slack.com/", "slack_webhook"),
        ("https://", "discord_webhook"),
        ("AIza", "google"),
        ("ya29.", "google"),
        ("GOCSPX-", "google"),
        ("sk_", "stripe"),
        ("rk_", "stripe"),
        ("whsec_", "stripe"),
        ("npm_", "npm"),
        ("sk-ant-", "anthropic"),
        ("sk-", "openai"),
        ("SG.", "sendgrid"),
        ("SK", "twilio"),
        ("key-", "mailgun"),
        ("shp", "shopify"),
        ("HRKU-", "heroku"),
        ("do", "digitalocean"),
        ("dp.pt.", "doppler"),
        ("AGE-SECRET-KEY-", "age"),
        ("pypi-", "pypi"),
        ("rubygems_", "rubygems"),
        ("lin_api_", "linear"),
        ("sntry", "sentry"),
        ("hv", "vault"),
        ("sq0", "square"),
        ("hf_", "huggingface"),
        ("api_org_", "huggingface"),
        ("pul-", "pulumi"),
        ("PMAK-", "postman"),
        ("pscale_", "planetscale"),
        ("xkeysib-", "sendinblue"),
        ("dapi", "databricks"),
        ("eyJ", "jwt"),
    ];
    if let Some((_, p)) = PREFIXES.iter().find(|(p, _)| t.starts_with(p)) {
        return p;
    }
    if t.contains(":AA") {
        return "telegram";
    }
    if t.contains("-us") {
        return "mailchimp";
    }
    let b = t.as_bytes();
    if matches!(b.first(), Some(b'M' | b'N' | b'O')) && t.matches('.').count() == 2 {
        return "discord";
    }
    "token"
}

/// A context-free quoted string that is random enough to be a key.
fn looks_random(v: &str, min_bits: f64) -> bool {
    let has = |f: fn(&u8) -> bool| v.as_bytes().iter().any(f);
    if !(has(u8::is_ascii_lowercase) && has(u8::is_ascii_uppercase) && has(u8::is_ascii_digit)) {
        return false;
    }
    // Subresource-integrity hashes (`sha512-…`) are public.
    let lower = v.get(..7).unwrap_or("").to_ascii_lowercase();
    if lower.starts_with("sha256-") || lower.starts_with("sha384-") || lower.starts_with("sha512-")
    {
        return false;
    }
    shannon_entropy(v) >= min_bits && class_switch_ratio(v) >= 0.3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str) -> (String, Redactions) {
        let r = Redactor::new(&RedactionConfig::default());
        let (out, n) = r.redact(text);
        (out.unwrap_or_else(|| text.to_string()), n)
    }

    #[test]
    fn emails() {
        let (t, n) = redact("// Contact: jane.doe+web@acme-supplies.co.uk or ops@example.org.\n");
        assert_eq!(t, "// Contact: <EMAIL> or <EMAIL>.\n");
        assert_eq!(n.emails, 2);
        // Retina image names, npm specs, git remotes are not addresses.
        for keep in [
            "import logo from './logo@2x.png';",
            "\"react-dom@18.2.0\"",
            "git@github.com:acme/web.git",
            "@media (min-width: 640px) { a { color: red } }",
        ] {
            assert_eq!(redact(keep).1, Redactions::default(), "{keep}");
        }
    }

    #[test]
    fn ipv4_public_private_and_versions() {
        let (t, n) = redact("const hosts = ['203.0.113.42', '10.42.7.19', '192.168.10.25'];");
        assert_eq!(
            t,
            "const hosts = ['<IP_ADDRESS>', '<IP_ADDRESS>', '<IP_ADDRESS>'];"
        );
        assert_eq!(n.ip_addresses, 3);
        let (t, _) = redact("allow: ['198.51.100.0/24']");
        assert_eq!(t, "allow: ['<IP_ADDRESS>/24']");
        for keep in [
            "server.listen(3000, '127.0.0.1');",
            "const any = '0.0.0.0';",
            "mask: '255.255.255.0'",
            "resolver: '8.8.8.8'",
            "\"version\": \"1.12.33.4\"",
            "const v = '1.2.3.4';",
            "oid 1.3.6.1.4.1.311",
            "ssdp 239.255.255.250",
            "not an ip 300.1.2.3 nor 01.02.03.04",
        ] {
            assert_eq!(redact(keep).1.ip_addresses, 0, "{keep}");
        }
        let (t, _) = redact("fetch('http://203.0.113.5:8080/api/orders')");
        assert_eq!(t, "fetch('http://<IP_ADDRESS>:8080/api/orders')");
        let (t, _) = redact("<server host=\"198.51.100.7\" port=\"5432\"/>");
        assert_eq!(t, "<server host=\"<IP_ADDRESS>\" port=\"5432\"/>");
        // A short quad next to "server" is an address (BigCode's rule).
        assert_eq!(redact("dns server: 1.2.3.4").1.ip_addresses, 1);
        // Private ranges can be kept.
        let keep_private = Redactor::new(&RedactionConfig {
            private_ips: false,
            ..Default::default()
        });
        assert_eq!(keep_private.redact("host '10.0.0.12'").1.ip_addresses, 0);
        assert_eq!(keep_private.redact("host '52.95.110.1'").1.ip_addresses, 1);
    }

    #[test]
    fn numbers_in_svg_path_data_are_not_addresses() {
        // Regression (#16 audit): `1.58.35.181` in path data is 1.58 .35 .181.
        for keep in [
            r#"<path d="M12 2c.37-.3.61-.75.61-1.23 1.58.35.181-.3 2 2z"/>"#,
            r#"<path d="m3 4 -1.58.35.181 2"/>"#,
            r#"<polygon points="10.25.5.75,12.5.25.125.5 8 8"/>"#,
            r#"background: url("data:image/svg+xml,%3Cpath d='M0 0l12.5.25.125.75-3 4'/%3E")"#,
        ] {
            let (t, n) = redact(keep);
            assert_eq!((t.as_str(), n.ip_addresses), (keep, 0));
        }
        // Addresses in text and lists are still found.
        assert_eq!(
            redact("hosts: 203.0.113.42, 198.51.100.7").1.ip_addresses,
            2
        );
    }

    #[test]
    fn ipv6() {
        let (t, n) =
            redact("upstream [2001:db8:85a3::8a2e:370:7334]:443 and fe80::1ff:fe23:4567:890a");
        assert_eq!(t, "upstream [<IP_ADDRESS>]:443 and <IP_ADDRESS>");
        assert_eq!(n.ip_addresses, 2);
        for keep in [
            "a::before { content: '' }",
            "listen [::1]:8080",
            "time 12:30:45",
            "mac 00:1A:2B:3C:4D:5E",
            "a ? b::c : d",
        ] {
            assert_eq!(redact(keep).1.ip_addresses, 0, "{keep}");
        }
    }

    #[test]
    fn keys_and_tokens() {
        let aws = "accessKeyId: 'AKIAIOSFODNN7EXAMPLE',";
        assert_eq!(redact(aws).0, "accessKeyId: '<KEY>',");
        let gh = format!("const t = 'ghp_{}';", "a1B2c3D4e5".repeat(4));
        assert_eq!(redact(&gh).0, "const t = '<KEY>';");
        let slack = "SLACK = 'xoxb-123456789012-abcdefGHIJKL'";
        assert_eq!(redact(slack).1.keys, 1);
        let jwt = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(redact(jwt).0, "Authorization: Bearer <KEY>");
        let pem = "const k = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`;";
        assert_eq!(redact(pem).0, "const k = `<KEY>`;");
    }

    #[test]
    fn assigned_secrets_and_passwords() {
        let src = "password: process.env.PGPASSWORD ?? 'S3cr3t-Pa55w0rd!',\n  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',\n  secret: process.env.JWT_SECRET ?? 'dev-only-9f2c7a41b8e34d0c',";
        let (t, n) = redact(src);
        assert!(t.contains("'<PASSWORD>'"), "{t}");
        assert_eq!((n.passwords, n.keys), (1, 2), "{t}");
        for keep in [
            "password: process.env.DB_PASSWORD,",
            "const tokenizer = 'whitespace-tokenizer';",
            "apiKey: '${API_KEY}'",
            "secret: 'changeme'",
            "const key = 'nav.home.title';",
            "<input type=\"password\" name=\"password\" placeholder=\"Your password\">",
            "cacheKey: 'user-profile-v2'",
        ] {
            assert_eq!(redact(keep).1, Redactions::default(), "{keep}");
        }
    }

    #[test]
    fn high_entropy_strings() {
        let (t, n) = redact("const k = \"Zq8Xv2Lr9Tn4Wb7Pk1Ys6Hd3Mf5Gc0Ja\";");
        assert_eq!(t, "const k = \"<KEY>\";");
        assert_eq!(n.keys, 1);
        for keep in [
            "\"integrity\": \"sha512-Zq8Xv2Lr9Tn4Wb7Pk1Ys6Hd3Mf5Gc0JaQe8Ur2Io4Ap\"",
            "const name = 'getUserProfileFromCacheOrNetwork';",
            "const sha = 'e83c5163316f89bfbde7d9ab23ca2e25604af290';",
        ] {
            assert_eq!(redact(keep).1, Redactions::default(), "{keep}");
        }
    }

    #[test]
    fn idempotent_and_describes() {
        let src = "mail jane@acme.test from 203.0.113.9 key AKIAIOSFODNN7EXAMPLE";
        let (once, n) = redact(src);
        assert_eq!(n.total(), 3);
        assert_eq!(n.describe(), "redacted 1 email, 1 ip_address, 1 key");
        let (twice, n2) = redact(&once);
        assert_eq!(twice, once);
        assert_eq!(n2.total(), 0);
    }

    #[test]
    fn disabled_rules() {
        let r = Redactor::new(&RedactionConfig {
            emails: false,
            ..Default::default()
        });
        assert_eq!(r.redact("a@b.com").1.total(), 0);
        let off = Redactor::new(&RedactionConfig {
            enabled: false,
            ..Default::default()
        });
        assert_eq!(
            off.redact("a@b.com 203.0.113.9"),
            (None, Redactions::default())
        );
    }
}
