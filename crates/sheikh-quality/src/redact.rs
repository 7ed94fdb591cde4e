//! In-place redaction of secrets and personal data: e-mail addresses (`<EMAIL>`), IP
//! addresses (`<IP_ADDRESS>`), API keys and tokens (`<KEY>`) and passwords
//! (`<PASSWORD>`).
//!
//! One combined regular expression finds every candidate in a single left-to-right scan;
//! each candidate is then checked (IP validity and version-number heuristics, e-mail
//! domains that are file names, randomness of assigned secrets) before it is replaced.
//! The replacement tokens contain no character any rule can match, so redaction is
//! idempotent: redacting redacted text changes nothing.

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
/// Replacement for values assigned to password-like names.
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

    /// A provenance detail such as `redacted 2 emails, 1 ip_address`.
    pub fn describe(&self) -> String {
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
        format!("redacted {}", parts.join(", "))
    }
}

const PATTERN: &str = concat!(
    // PEM private keys, whole block.
    r"(?P<pem>-----BEGIN[A-Z ]{0,30} PRIVATE KEY-----[A-Za-z0-9+/=\s:,\-]*?-----END[A-Z ]{0,30} PRIVATE KEY-----)",
    // Known token formats.
    r"|(?P<token>(?-u:\b)(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}",
    r"|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}",
    r"|xox[abposr]-[A-Za-z0-9-]{10,}",
    r"|AIza[0-9A-Za-z_\-]{35}",
    r"|[sr]k_(?:live|test)_[0-9A-Za-z]{16,}",
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})(?-u:\b)",
    r"|https://hooks\.slack\.com/services/T[A-Za-z0-9_]{6,}/B[A-Za-z0-9_]{6,}/[A-Za-z0-9_]{12,})",
    // A name ending in a secret-like word, an assignment, an expression (length checked
    // after), a quoted value. The match starts at the word: an unbounded identifier prefix
    // would make every rejected candidate rescan long runs of identifier characters.
    r#"|(?P<assign>(?i:(?P<pw>passw(?:or)?d|passwd|pwd)|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?)s?["']?[ \t]*(?::|=|:=|=>)[ \t]*[\t\x20-\x21\x23-\x26\x28-\x5f\x61-\x7e]*?["'`](?P<value>[^"'`\s<>]{8,})["'`])"#,
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
    token: usize,
    assign: usize,
    pw: usize,
    value: usize,
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
            token: idx("token"),
            assign: idx("assign"),
            pw: idx("pw"),
            value: idx("value"),
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
        let mut counts = Redactions::default();
        if !self.cfg.enabled {
            return (None, counts);
        }
        let (mut current, n) = self.redact_once(text);
        add(&mut counts, n);
        for _ in 1..8 {
            let Some(prev) = current.as_deref() else {
                break;
            };
            let (next, n) = self.redact_once(prev);
            match next {
                Some(t) => {
                    add(&mut counts, n);
                    current = Some(t);
                }
                None => break,
            }
        }
        (current, counts)
    }

    /// One e-mail scan, then one scan of the combined expression.
    fn redact_once(&self, text: &str) -> (Option<String>, Redactions) {
        let mut counts = Redactions::default();
        let emailed = if self.cfg.emails {
            redact_emails(text, &mut counts)
        } else {
            None
        };
        let base = emailed.as_deref().unwrap_or(text);
        let (out, n) = self.scan(base);
        add(&mut counts, n);
        (out.or(emailed), counts)
    }

    fn scan(&self, text: &str) -> (Option<String>, Redactions) {
        let mut counts = Redactions::default();
        let mut locs = self.re.capture_locations();
        let mut out: Option<String> = None;
        let mut copied = 0usize;
        let mut pos = 0usize;
        while pos <= text.len() {
            let Some(m) = self.re.captures_read_at(&mut locs, text, pos) else {
                break;
            };
            let (start, end) = (m.start(), m.end());
            match self.decide(text, &locs) {
                Some((s, e, kind)) => {
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
                    copied = e;
                    pos = end.max(start + 1);
                }
                None => {
                    // Rejected: an assigned value is looked at again on its own, and a
                    // quoted string from its first character, so that a rule starting
                    // later (a token inside the quotes) gets its turn. Other rejected
                    // matches are skipped whole (`git@github.com` must not become
                    // `g<EMAIL>`).
                    pos = if let Some((vs, _)) = span(&locs, self.g.value) {
                        vs
                    } else if span(&locs, self.g.entropy).is_some() {
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

    /// The span to replace and its kind, or `None` to leave the match alone.
    fn decide(&self, text: &str, locs: &CaptureLocations) -> Option<(usize, usize, Kind)> {
        let g = self.g;
        let c = &self.cfg;
        if let Some((s, e)) = span(locs, g.pem) {
            return c.keys.then_some((s, e, Kind::Key));
        }
        if let Some((s, e)) = span(locs, g.token) {
            return c.keys.then_some((s, e, Kind::Key));
        }
        if let Some((vs, ve)) = span(locs, g.value) {
            // The name, the operator and the expression before the quote: at most 160
            // bytes, so that a quote far along the line is not taken for the value.
            let (s, _) = span(locs, g.assign)?;
            if !c.assigned_secrets || vs - s > 160 || ve - vs > 200 || !looks_secret(&text[vs..ve])
            {
                return None;
            }
            let kind = if span(locs, g.pw).is_some() {
                Kind::Password
            } else {
                Kind::Key
            };
            return Some((vs, ve, kind));
        }
        if let Some((s, e)) = span(locs, g.entropy) {
            let v = &text[s..e];
            return (c.high_entropy_strings
                && v.len() >= c.high_entropy_min_len
                && v.len() <= 256
                && looks_random(v, c.high_entropy_min_bits))
            .then_some((s, e, Kind::Key));
        }
        if let Some((s, e)) = span(locs, g.ipv4) {
            return (c.ip_addresses && self.redact_ipv4(text, s, e)).then_some((s, e, Kind::Ip));
        }
        if let Some((s, e)) = span(locs, g.ipv6) {
            return (c.ip_addresses && self.redact_ipv6(text, s, e)).then_some((s, e, Kind::Ip));
        }
        None
    }

    fn redact_ipv4(&self, text: &str, s: usize, e: usize) -> bool {
        let b = text.as_bytes();
        // Part of a longer dotted run (1.2.3.4.5, 10.0.0.1.2): a version or an OID.
        let dotted_before = s >= 2 && b[s - 1] == b'.' && b[s - 2].is_ascii_digit();
        let dotted_after = e + 1 < b.len() && b[e] == b'.' && b[e + 1].is_ascii_digit();
        if dotted_before || dotted_after {
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

fn add(total: &mut Redactions, n: Redactions) {
    total.emails += n.emails;
    total.ip_addresses += n.ip_addresses;
    total.keys += n.keys;
    total.passwords += n.passwords;
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
fn redact_emails(text: &str, counts: &mut Redactions) -> Option<String> {
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
    const PLACEHOLDERS: &[&str] = &[
        "${",
        "{{",
        "%s",
        "process.env",
        "xxxx",
        "****",
        "...",
        "your",
    ];
    if PLACEHOLDERS.iter().any(|p| contains_ci(v, p)) {
        return false;
    }
    if v.contains('.') && !v.contains('/') && v.bytes().filter(|&c| c == b'.').count() >= 2 {
        // dotted paths such as i18n keys (`nav.home.title`)
        return false;
    }
    shannon_entropy(v) >= 3.0 && class_switch_ratio(v) >= 0.2
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
