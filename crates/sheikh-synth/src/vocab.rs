//! Vocabularies and the small phrase grammar the families draw names, values and prose
//! from. Identifiers are composed (verb + adjective + noun in several casings), so the
//! space of names is far larger than any list.

use crate::rng::Dice;

/// Domain nouns (singular, lowercase).
pub const NOUNS: &[&str] = &[
    "account",
    "address",
    "alert",
    "album",
    "answer",
    "api",
    "asset",
    "audit",
    "avatar",
    "badge",
    "balance",
    "banner",
    "basket",
    "batch",
    "bill",
    "block",
    "board",
    "book",
    "booking",
    "branch",
    "budget",
    "buffer",
    "bundle",
    "button",
    "cache",
    "calendar",
    "campaign",
    "card",
    "cart",
    "catalog",
    "category",
    "cell",
    "channel",
    "chart",
    "chat",
    "checkout",
    "city",
    "client",
    "cluster",
    "column",
    "comment",
    "company",
    "config",
    "contact",
    "contract",
    "counter",
    "country",
    "coupon",
    "course",
    "credit",
    "customer",
    "dashboard",
    "dataset",
    "deal",
    "delivery",
    "device",
    "dialog",
    "discount",
    "document",
    "domain",
    "draft",
    "editor",
    "email",
    "employee",
    "entry",
    "event",
    "expense",
    "export",
    "feature",
    "feed",
    "field",
    "file",
    "filter",
    "flag",
    "folder",
    "form",
    "forecast",
    "gallery",
    "game",
    "goal",
    "grade",
    "graph",
    "group",
    "guest",
    "header",
    "history",
    "host",
    "icon",
    "image",
    "import",
    "inbox",
    "index",
    "invoice",
    "issue",
    "item",
    "job",
    "key",
    "label",
    "layer",
    "layout",
    "lead",
    "lesson",
    "license",
    "link",
    "list",
    "locale",
    "location",
    "log",
    "map",
    "market",
    "match",
    "media",
    "member",
    "menu",
    "message",
    "metric",
    "milestone",
    "model",
    "module",
    "month",
    "note",
    "notice",
    "offer",
    "option",
    "order",
    "owner",
    "package",
    "page",
    "panel",
    "parcel",
    "partner",
    "patient",
    "payment",
    "period",
    "permission",
    "photo",
    "pipeline",
    "plan",
    "player",
    "playlist",
    "plugin",
    "policy",
    "poll",
    "post",
    "price",
    "product",
    "profile",
    "project",
    "promo",
    "query",
    "queue",
    "quote",
    "rate",
    "receipt",
    "record",
    "region",
    "release",
    "report",
    "request",
    "reservation",
    "resource",
    "review",
    "reward",
    "role",
    "room",
    "route",
    "rule",
    "sale",
    "sample",
    "schedule",
    "score",
    "search",
    "season",
    "section",
    "segment",
    "sensor",
    "server",
    "service",
    "session",
    "setting",
    "shift",
    "shipment",
    "sidebar",
    "signal",
    "skill",
    "slide",
    "slot",
    "snapshot",
    "song",
    "source",
    "sprint",
    "stage",
    "station",
    "status",
    "step",
    "stock",
    "store",
    "story",
    "stream",
    "student",
    "subject",
    "summary",
    "supplier",
    "survey",
    "tab",
    "table",
    "tag",
    "task",
    "team",
    "template",
    "tenant",
    "theme",
    "thread",
    "ticket",
    "timeline",
    "timer",
    "toast",
    "token",
    "topic",
    "tour",
    "track",
    "trade",
    "transaction",
    "trip",
    "upload",
    "user",
    "vehicle",
    "vendor",
    "version",
    "video",
    "view",
    "visit",
    "voucher",
    "wallet",
    "warehouse",
    "webhook",
    "widget",
    "workflow",
    "workspace",
    "zone",
];

/// Verbs for function names (base form, lowercase).
pub const VERBS: &[&str] = &[
    "add",
    "aggregate",
    "apply",
    "archive",
    "assign",
    "attach",
    "build",
    "calculate",
    "cancel",
    "check",
    "clamp",
    "clear",
    "clone",
    "close",
    "collect",
    "compare",
    "compile",
    "compose",
    "compute",
    "convert",
    "copy",
    "count",
    "create",
    "debounce",
    "decode",
    "delete",
    "derive",
    "detect",
    "diff",
    "dispatch",
    "download",
    "encode",
    "enqueue",
    "ensure",
    "estimate",
    "evaluate",
    "expand",
    "export",
    "extract",
    "fetch",
    "filter",
    "find",
    "flatten",
    "format",
    "generate",
    "group",
    "handle",
    "hash",
    "hydrate",
    "import",
    "index",
    "init",
    "insert",
    "invalidate",
    "join",
    "load",
    "lookup",
    "map",
    "mark",
    "measure",
    "merge",
    "migrate",
    "normalize",
    "notify",
    "open",
    "paginate",
    "parse",
    "patch",
    "pick",
    "poll",
    "prepare",
    "process",
    "publish",
    "push",
    "query",
    "rank",
    "read",
    "rebuild",
    "refresh",
    "register",
    "reload",
    "remove",
    "render",
    "reorder",
    "replace",
    "reset",
    "resolve",
    "restore",
    "retry",
    "sanitize",
    "save",
    "scale",
    "schedule",
    "score",
    "search",
    "select",
    "send",
    "serialize",
    "set",
    "shuffle",
    "sort",
    "split",
    "start",
    "stop",
    "store",
    "submit",
    "summarize",
    "sync",
    "throttle",
    "toggle",
    "track",
    "transform",
    "trim",
    "truncate",
    "unwrap",
    "update",
    "upload",
    "upsert",
    "validate",
    "verify",
    "watch",
    "wrap",
    "write",
];

/// Adjectives and qualifiers (lowercase).
pub const ADJECTIVES: &[&str] = &[
    "active",
    "archived",
    "async",
    "base",
    "basic",
    "cached",
    "compact",
    "current",
    "custom",
    "daily",
    "dark",
    "default",
    "deferred",
    "dirty",
    "draft",
    "dynamic",
    "empty",
    "enabled",
    "expired",
    "external",
    "failed",
    "featured",
    "filtered",
    "final",
    "first",
    "flat",
    "full",
    "global",
    "grouped",
    "hidden",
    "inline",
    "internal",
    "last",
    "latest",
    "lazy",
    "light",
    "local",
    "main",
    "max",
    "min",
    "monthly",
    "nested",
    "new",
    "next",
    "offline",
    "online",
    "open",
    "optional",
    "paid",
    "partial",
    "pending",
    "pinned",
    "preferred",
    "previous",
    "primary",
    "private",
    "public",
    "raw",
    "readonly",
    "recent",
    "remote",
    "required",
    "root",
    "safe",
    "scheduled",
    "secondary",
    "selected",
    "shared",
    "short",
    "signed",
    "simple",
    "sorted",
    "stale",
    "static",
    "sticky",
    "total",
    "trusted",
    "unread",
    "upcoming",
    "valid",
    "verified",
    "visible",
    "weekly",
];

/// Company / project style words for names, hosts and packages.
pub const BRANDS: &[&str] = &[
    "acme",
    "aurora",
    "basalt",
    "beacon",
    "birch",
    "blueprint",
    "cobalt",
    "comet",
    "copper",
    "cypress",
    "delta",
    "ember",
    "falcon",
    "fjord",
    "flux",
    "garnet",
    "glacier",
    "granite",
    "harbor",
    "helix",
    "horizon",
    "indigo",
    "iris",
    "juniper",
    "kepler",
    "lattice",
    "lumen",
    "maple",
    "meridian",
    "nebula",
    "nimbus",
    "nova",
    "oak",
    "onyx",
    "orbit",
    "pebble",
    "pinecone",
    "pixel",
    "polaris",
    "prism",
    "quartz",
    "quill",
    "raven",
    "redwood",
    "sable",
    "saffron",
    "sierra",
    "spruce",
    "summit",
    "tangent",
    "tidal",
    "topaz",
    "vector",
    "velvet",
    "vertex",
    "willow",
    "zenith",
    "zephyr",
];

/// Top-level domains.
pub const TLDS: &[&str] = &[
    "com", "org", "net", "io", "dev", "app", "co", "tech", "cloud",
];

/// Given names.
pub const FIRST_NAMES: &[&str] = &[
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Bea", "Carlos", "Chen", "Dana", "Diego", "Elif",
    "Emma", "Fatima", "Finn", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jamal", "Jin", "Kai",
    "Keiko", "Lars", "Lena", "Liam", "Lucia", "Maya", "Mei", "Milan", "Nadia", "Noah", "Olga",
    "Omar", "Priya", "Quinn", "Rafael", "Rosa", "Sami", "Sara", "Tariq", "Tomas", "Uma", "Vera",
    "Wei", "Yara", "Yusuf", "Zoe",
];

/// Family names.
pub const LAST_NAMES: &[&str] = &[
    "Abbott", "Andersen", "Bauer", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen",
    "Ibrahim", "Jensen", "Kim", "Kowalski", "Lopez", "Martin", "Nakamura", "Novak", "Okafor",
    "Petrov", "Quinn", "Rossi", "Sato", "Schmidt", "Silva", "Tanaka", "Usman", "Varga", "Wagner",
    "Xu", "Yilmaz", "Zhang",
];

/// Named colours (CSS).
pub const COLOR_NAMES: &[&str] = &[
    "red",
    "orange",
    "gold",
    "green",
    "teal",
    "blue",
    "navy",
    "purple",
    "crimson",
    "coral",
    "tomato",
    "slategray",
    "steelblue",
    "seagreen",
    "orchid",
    "black",
    "white",
    "gray",
];

/// Prepositions for prose.
const PREPS: &[&str] = &[
    "for", "with", "from", "into", "across", "within", "before", "after", "during", "without",
    "per", "over", "under", "behind",
];

/// Determiners for prose.
pub const DETS_PUB: &[&str] = DETS;

/// Determiners for prose.
const DETS: &[&str] = &[
    "the", "a", "each", "every", "this", "any", "one", "its", "your",
];

/// Adverbs for prose.
const ADVERBS: &[&str] = &[
    "quickly",
    "safely",
    "lazily",
    "eagerly",
    "automatically",
    "manually",
    "rarely",
    "always",
    "only",
    "usually",
    "silently",
    "explicitly",
    "gradually",
    "immediately",
];

/// Sentence connectors.
const CONNECTORS: &[&str] = &[
    "so that",
    "because",
    "while",
    "unless",
    "when",
    "after",
    "before",
    "even if",
    "as soon as",
];

/// Capitalises the first letter.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The third-person singular of a verb ("fetch" -> "fetches").
pub fn third_person(v: &str) -> String {
    if v.ends_with("sh")
        || v.ends_with("ch")
        || v.ends_with('s')
        || v.ends_with('x')
        || v.ends_with('z')
    {
        format!("{v}es")
    } else if v.ends_with('y') && !v.ends_with("ay") && !v.ends_with("ey") && !v.ends_with("oy") {
        format!("{}ies", &v[..v.len() - 1])
    } else {
        format!("{v}s")
    }
}

/// The plural of a noun ("category" -> "categories").
pub fn plural(n: &str) -> String {
    if n.ends_with('s') || n.ends_with('x') || n.ends_with("ch") || n.ends_with("sh") {
        format!("{n}es")
    } else if n.ends_with('y') && !n.ends_with("ay") && !n.ends_with("ey") && !n.ends_with("oy") {
        format!("{}ies", &n[..n.len() - 1])
    } else {
        format!("{n}s")
    }
}

/// Joins words in camelCase.
pub fn camel(words: &[&str]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i == 0 {
            out.push_str(w);
        } else {
            out.push_str(&capitalize(w));
        }
    }
    out
}

/// Joins words in PascalCase.
pub fn pascal(words: &[&str]) -> String {
    words.iter().map(|w| capitalize(w)).collect()
}

/// Joins words in kebab-case.
pub fn kebab(words: &[&str]) -> String {
    words.join("-")
}

/// Joins words in snake_case.
pub fn snake(words: &[&str]) -> String {
    words.join("_")
}

/// Joins words in SCREAMING_SNAKE_CASE.
pub fn screaming(words: &[&str]) -> String {
    words.join("_").to_uppercase()
}

/// Words for a noun phrase: noun, or adjective + noun, sometimes noun + noun.
pub fn noun_words(d: &mut Dice) -> Vec<&'static str> {
    match d.below(5) {
        0 | 1 => vec![d.pick(NOUNS)],
        2 | 3 => vec![d.pick(ADJECTIVES), d.pick(NOUNS)],
        _ => vec![d.pick(NOUNS), d.pick(NOUNS)],
    }
}

/// A camelCase variable name (`selectedInvoice`, `queue`).
pub fn var_name(d: &mut Dice) -> String {
    camel(&noun_words(d))
}

/// A camelCase function name (`fetchActiveOrders`).
pub fn fn_name(d: &mut Dice) -> String {
    let mut w = vec![d.pick(VERBS)];
    let n = noun_words(d);
    let last = n.len() - 1;
    let pl = if d.chance(0.3) {
        Some(plural(n[last]))
    } else {
        None
    };
    for (i, x) in n.iter().enumerate() {
        if i == last {
            if let Some(p) = &pl {
                return camel(&w) + &capitalize(p);
            }
        }
        w.push(x);
    }
    camel(&w)
}

/// A PascalCase type or component name (`InvoiceTable`, `PinnedBadgeList`).
pub fn type_name(d: &mut Dice) -> String {
    let mut w = noun_words(d);
    if d.chance(0.4) {
        w.push(d.pick(&[
            "list", "view", "card", "panel", "item", "form", "row", "grid", "modal", "button",
        ]));
    }
    pascal(&w)
}

/// A kebab-case slug of one to three words.
pub fn slug(d: &mut Dice) -> String {
    let n = d.range(1, 3);
    let mut w: Vec<&str> = Vec::new();
    for i in 0..n {
        w.push(if i == 0 && d.chance(0.4) {
            d.pick(ADJECTIVES)
        } else {
            d.pick(NOUNS)
        });
    }
    kebab(&w)
}

/// A host name (`api.cobalt-labs.io`).
pub fn host(d: &mut Dice) -> String {
    let brand = d.pick(BRANDS);
    let base = match d.below(4) {
        0 => format!(
            "{brand}-{}",
            d.pick(&["labs", "hq", "works", "systems", "studio", "data"])
        ),
        1 => format!("{brand}{}", d.pick(NOUNS)),
        _ => brand.to_string(),
    };
    let sub = d.pick(&["", "", "www.", "api.", "docs.", "cdn.", "blog.", "app."]);
    format!("{sub}{base}.{}", d.pick(TLDS))
}

/// An https URL with a path of slugs.
pub fn url(d: &mut Dice) -> String {
    let mut u = format!("https://{}", host(d));
    for _ in 0..d.range(0, 3) {
        u.push('/');
        u.push_str(&slug(d));
    }
    if d.chance(0.2) {
        u.push_str(&format!("?{}={}", d.pick(NOUNS), d.range(1, 999)));
    }
    u
}

/// A person's full name.
pub fn person(d: &mut Dice) -> String {
    format!("{} {}", d.pick(FIRST_NAMES), d.pick(LAST_NAMES))
}

/// An email address.
pub fn email(d: &mut Dice) -> String {
    format!(
        "{}.{}@{}.{}",
        d.pick(FIRST_NAMES).to_lowercase(),
        d.pick(LAST_NAMES).to_lowercase(),
        d.pick(BRANDS),
        d.pick(TLDS)
    )
}

/// A `#rrggbb` colour.
pub fn hex_color(d: &mut Dice) -> String {
    format!("#{:06x}", d.below(0x1000000))
}

/// An ISO date in 2015–2026.
pub fn date(d: &mut Dice) -> String {
    format!(
        "{}-{:02}-{:02}",
        d.range(2015, 2026),
        d.range(1, 12),
        d.range(1, 28)
    )
}

/// An RFC 3339 timestamp.
pub fn timestamp(d: &mut Dice) -> String {
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date(d),
        d.range(0, 23),
        d.range(0, 59),
        d.range(0, 59)
    )
}

/// A semantic version.
pub fn semver(d: &mut Dice) -> String {
    format!("{}.{}.{}", d.range(0, 9), d.range(0, 30), d.range(0, 40))
}

/// A short title: two to five capitalised words.
pub fn title(d: &mut Dice) -> String {
    let words: Vec<String> = match d.below(5) {
        0 => vec![
            capitalize(d.pick(VERBS)),
            capitalize(&plural(d.pick(NOUNS))),
        ],
        1 => vec![
            capitalize(d.pick(ADJECTIVES)),
            capitalize(d.pick(NOUNS)),
            capitalize(&plural(d.pick(NOUNS))),
        ],
        2 => vec![
            "How".into(),
            "to".into(),
            d.pick(VERBS).to_string(),
            d.pick(DETS).to_string(),
            d.pick(NOUNS).to_string(),
        ],
        3 => vec![
            capitalize(d.pick(NOUNS)),
            d.pick(PREPS).to_string(),
            capitalize(&plural(d.pick(NOUNS))),
        ],
        _ => vec![
            capitalize(d.pick(BRANDS)),
            capitalize(d.pick(NOUNS)),
            capitalize(d.pick(&[
                "Guide",
                "Overview",
                "Reference",
                "Basics",
                "Internals",
                "Recipes",
                "Notes",
            ])),
        ],
    };
    words.join(" ")
}

/// One sentence of prose built from a small phrase grammar: subject, verb, object,
/// optional prepositional phrases, adverbs and subordinate clauses. Never contains
/// markup characters (`<`, `>`, `{`, `}`, `&`, `*`, `_`, `` ` ``, `[`, `#`, `|`).
pub fn sentence(d: &mut Dice) -> String {
    let mut s = String::new();
    let subject = match d.below(4) {
        0 => format!("{} {}", d.pick(DETS), d.pick(NOUNS)),
        1 => format!("{} {} {}", d.pick(DETS), d.pick(ADJECTIVES), d.pick(NOUNS)),
        2 => format!("the {} {}", d.pick(BRANDS), d.pick(NOUNS)),
        _ => plural(d.pick(NOUNS)),
    };
    let plural_subject = !subject.contains(' ');
    s.push_str(&capitalize(&subject));
    if d.chance(0.25) {
        s.push(' ');
        s.push_str(d.pick(ADVERBS));
    }
    s.push(' ');
    let v = d.pick(VERBS);
    if plural_subject {
        s.push_str(v);
    } else {
        s.push_str(&third_person(v));
    }
    s.push(' ');
    s.push_str(d.pick(DETS));
    s.push(' ');
    if d.chance(0.5) {
        s.push_str(d.pick(ADJECTIVES));
        s.push(' ');
    }
    s.push_str(d.pick(NOUNS));
    for _ in 0..d.range(0, 2) {
        s.push(' ');
        s.push_str(d.pick(PREPS));
        s.push(' ');
        s.push_str(d.pick(DETS));
        s.push(' ');
        s.push_str(d.pick(NOUNS));
    }
    if d.chance(0.35) {
        s.push_str(if d.chance(0.5) { ", " } else { " " });
        s.push_str(d.pick(CONNECTORS));
        s.push(' ');
        s.push_str(d.pick(DETS));
        s.push(' ');
        s.push_str(d.pick(NOUNS));
        s.push(' ');
        s.push_str(&third_person(d.pick(VERBS)));
        if d.chance(0.5) {
            s.push(' ');
            s.push_str(d.pick(ADVERBS));
        }
    }
    s.push(d.pick(&['.', '.', '.', '.', '!']));
    fix_articles(&s)
}

/// `a` → `an` before a vowel-initial word (`a option` → `an option`).
pub fn fix_articles(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let next_vowel = words.get(i + 1).is_some_and(|n| {
            let l = n.to_ascii_lowercase();
            l.starts_with(['a', 'e', 'i', 'o', 'u'])
                && !["us", "uni", "ur", "eu", "one"]
                    .iter()
                    .any(|p| l.starts_with(p))
        });
        match *w {
            "a" if next_vowel => out.push_str("an"),
            "A" if next_vowel => out.push_str("An"),
            other => out.push_str(other),
        }
    }
    out
}

/// A paragraph of `lo..=hi` sentences.
pub fn paragraph(d: &mut Dice, lo: usize, hi: usize) -> String {
    let n = d.range(lo, hi);
    (0..n).map(|_| sentence(d)).collect::<Vec<_>>().join(" ")
}

/// A short phrase (no final punctuation), for labels and descriptions.
pub fn phrase(d: &mut Dice) -> String {
    let mut s = sentence(d);
    s.pop();
    let words: Vec<&str> = s.split(' ').collect();
    let n = d.range(3, words.len().clamp(3, 8));
    words[..n.min(words.len())]
        .join(" ")
        .trim_end_matches(',')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections() {
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("box"), "boxes");
        assert_eq!(plural("key"), "keys");
        assert_eq!(third_person("fetch"), "fetches");
        assert_eq!(third_person("apply"), "applies");
        assert_eq!(camel(&["fetch", "user"]), "fetchUser");
        assert_eq!(pascal(&["user", "card"]), "UserCard");
        assert_eq!(
            fix_articles("A alert for a user and a option"),
            "An alert for a user and an option"
        );
    }

    #[test]
    fn prose_has_no_markup_characters() {
        let mut d = Dice::from_u64(5);
        for _ in 0..2000 {
            let s = sentence(&mut d);
            assert!(
                !s.contains(['<', '>', '{', '}', '&', '*', '_', '`', '[', '#', '|']),
                "{s}"
            );
            let p = phrase(&mut d);
            assert!(!p.is_empty());
        }
    }
}
