//! XML families: SVG icons and charts, RSS and Atom feeds, sitemaps, Maven `pom.xml`,
//! Android layouts, `.csproj`, XHTML pages, configuration files and XSD schemas. Each is
//! a recursive composition over [`El`] trees with namespaces, CDATA, entity and
//! character references, comments and processing instructions drawn per sample.

use crate::rng::Dice;
use crate::style::Style;
use crate::vocab::{self, *};
use crate::xmltree::{El, Node, XmlWriter};

/// Every XML family, by name.
pub const FAMILIES: &[&str] = &[
    "svg_icon",
    "svg_chart",
    "rss",
    "atom",
    "sitemap",
    "maven_pom",
    "android_layout",
    "csproj",
    "xhtml",
    "config",
    "xsd",
];

/// Relative weights of [`FAMILIES`] (SVG is the most common XML on the web).
pub const WEIGHTS: &[u32] = &[16, 12, 8, 6, 6, 9, 10, 7, 9, 9, 8];

/// Generates one sample of `family` (one of [`FAMILIES`]); `None` for an unknown name.
pub fn generate(family: &str, d: &mut Dice) -> Option<String> {
    let style = Style::draw(d, 0.2);
    Some(match family {
        "svg_icon" => svg_icon(d, &style),
        "svg_chart" => svg_chart(d, &style),
        "rss" => rss(d, &style),
        "atom" => atom(d, &style),
        "sitemap" => sitemap(d, &style),
        "maven_pom" => maven_pom(d, &style),
        "android_layout" => android_layout(d, &style),
        "csproj" => csproj(d, &style),
        "xhtml" => xhtml(d, &style),
        "config" => config(d, &style),
        "xsd" => xsd(d, &style),
        _ => return None,
    })
}

fn writer(style: &Style) -> XmlWriter<'_> {
    XmlWriter {
        style,
        attrs_per_line_over: usize::MAX,
    }
}

fn decl(d: &mut Dice, style: &Style) -> Option<String> {
    let q = style.quote;
    match d.below(5) {
        0 => None,
        1 => Some(format!("<?xml version={q}1.0{q}?>")),
        2 => Some(format!("<?xml version={q}1.0{q} encoding={q}utf-8{q}?>")),
        3 => Some(format!(
            "<?xml version={q}1.0{q} encoding={q}UTF-8{q} standalone={q}yes{q}?>"
        )),
        _ => Some(format!("<?xml version={q}1.0{q} encoding={q}UTF-8{q}?>")),
    }
}

fn fmt_num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

fn maybe_comment(d: &mut Dice, p: f64) -> Option<Node> {
    d.chance(p).then(|| Node::Comment(vocab::phrase(d)))
}

// ---------------------------------------------------------------- SVG

fn svg_shape(d: &mut Dice, size: f64, id_pool: &mut Vec<String>) -> El {
    let c = |d: &mut Dice| fmt_num(d.float(1.0, size - 1.0));
    let mut el = match d.below(8) {
        0 | 1 => {
            let mut p = format!("M{} {}", c(d), c(d));
            for _ in 0..d.range(1, 6) {
                let seg = match d.below(6) {
                    0 => format!("L{} {}", c(d), c(d)),
                    1 => format!(
                        "l{} {}",
                        fmt_num(d.float(-6.0, 6.0)),
                        fmt_num(d.float(-6.0, 6.0))
                    ),
                    2 => format!("C{} {} {} {} {} {}", c(d), c(d), c(d), c(d), c(d), c(d)),
                    3 => format!("Q{} {} {} {}", c(d), c(d), c(d), c(d)),
                    4 => format!(
                        "A{} {} 0 {} {} {} {}",
                        fmt_num(d.float(1.0, size / 2.0)),
                        fmt_num(d.float(1.0, size / 2.0)),
                        d.below(2),
                        d.below(2),
                        c(d),
                        c(d)
                    ),
                    _ => format!("H{}V{}", c(d), c(d)),
                };
                p.push_str(if d.chance(0.5) { " " } else { "" });
                p.push_str(&seg);
            }
            if d.chance(0.5) {
                p.push('Z');
            }
            El::new("path").attr("d", p)
        }
        2 => El::new("circle")
            .attr("cx", c(d))
            .attr("cy", c(d))
            .attr("r", fmt_num(d.float(1.0, size / 3.0))),
        3 => {
            let mut r = El::new("rect")
                .attr("x", c(d))
                .attr("y", c(d))
                .attr("width", fmt_num(d.float(1.0, size / 2.0)))
                .attr("height", fmt_num(d.float(1.0, size / 2.0)));
            if d.chance(0.5) {
                r.set("rx", fmt_num(d.float(0.5, 4.0)));
            }
            r
        }
        4 => El::new("line")
            .attr("x1", c(d))
            .attr("y1", c(d))
            .attr("x2", c(d))
            .attr("y2", c(d)),
        5 => {
            let pts: Vec<String> = (0..d.range(3, 7))
                .map(|_| format!("{},{}", c(d), c(d)))
                .collect();
            El::new(if d.chance(0.5) { "polyline" } else { "polygon" })
                .attr("points", pts.join(" "))
        }
        6 => El::new("ellipse")
            .attr("cx", c(d))
            .attr("cy", c(d))
            .attr("rx", fmt_num(d.float(1.0, size / 3.0)))
            .attr("ry", fmt_num(d.float(1.0, size / 3.0))),
        _ => {
            let t = vocab::capitalize(d.pick(NOUNS));
            let t = if d.chance(0.3) {
                format!("{t} & {}", vocab::capitalize(d.pick(NOUNS)))
            } else {
                t
            };
            El::new("text")
                .attr("x", c(d))
                .attr("y", c(d))
                .attr("font-size", fmt_num(d.float(3.0, size / 3.0)))
                .text(t)
        }
    };
    if d.chance(0.35) {
        el.set(
            "fill",
            if d.chance(0.5) {
                vocab::hex_color(d)
            } else {
                d.pick(COLOR_NAMES).to_string()
            },
        );
    }
    if d.chance(0.25) {
        el.set("stroke-width", fmt_num(d.float(0.5, 3.0)));
    }
    if d.chance(0.15) {
        el.set("opacity", fmt_num(d.float(0.2, 1.0)));
    }
    if d.chance(0.1) && !id_pool.is_empty() {
        let id = d.choose(id_pool).clone();
        el.set("fill", format!("url(#{id})"));
    }
    if d.chance(0.15) {
        let id = format!("{}-{}", d.pick(NOUNS), d.below(100));
        if !id_pool.contains(&id) {
            id_pool.push(id.clone());
            el.set("id", id);
        }
    }
    el
}

fn svg_group(d: &mut Dice, size: f64, depth: usize, ids: &mut Vec<String>, xlink: bool) -> El {
    let mut g = El::new("g");
    if d.chance(0.5) {
        g.set(
            "transform",
            match d.below(3) {
                0 => format!(
                    "translate({} {})",
                    fmt_num(d.float(-4.0, 4.0)),
                    fmt_num(d.float(-4.0, 4.0))
                ),
                1 => format!(
                    "rotate({} {} {})",
                    d.range(0, 359),
                    fmt_num(size / 2.0),
                    fmt_num(size / 2.0)
                ),
                _ => format!("scale({})", fmt_num(d.float(0.5, 1.5))),
            },
        );
    }
    if d.chance(0.4) {
        g.set("class", vocab::slug(d));
    }
    for _ in 0..d.range(1, 4) {
        if depth < 4 && d.chance(0.25) {
            g.push(svg_group(d, size, depth + 1, ids, xlink));
        } else if xlink && !ids.is_empty() && d.chance(0.1) {
            let id = d.choose(ids).clone();
            g.push(
                El::new("use")
                    .attr("xlink:href", format!("#{id}"))
                    .attr("x", fmt_num(d.float(0.0, 4.0))),
            );
        } else {
            g.push(svg_shape(d, size, ids));
        }
    }
    g
}

fn gradient(d: &mut Dice, id: &str) -> El {
    let mut g = El::new(if d.chance(0.6) {
        "linearGradient"
    } else {
        "radialGradient"
    })
    .attr("id", id);
    let n = d.range(2, 4);
    for i in 0..n {
        g.push(
            El::new("stop")
                .attr("offset", format!("{}%", i * 100 / (n - 1)))
                .attr("stop-color", vocab::hex_color(d)),
        );
    }
    g
}

fn svg_icon(d: &mut Dice, s: &Style) -> String {
    let size = d.pick(&[16.0, 20.0, 24.0, 32.0, 48.0, 64.0]);
    let xlink = d.chance(0.25);
    let mut svg = El::new("svg").attr("xmlns", "http://www.w3.org/2000/svg");
    if xlink {
        svg.set("xmlns:xlink", "http://www.w3.org/1999/xlink");
    }
    if d.chance(0.6) {
        svg.set("width", fmt_num(size));
        svg.set("height", fmt_num(size));
    }
    svg.set(
        "viewBox",
        format!("0 0 {} {}", fmt_num(size), fmt_num(size)),
    );
    if d.chance(0.6) {
        svg.set("fill", "none");
        svg.set(
            "stroke",
            if d.chance(0.7) {
                "currentColor".to_string()
            } else {
                vocab::hex_color(d)
            },
        );
        svg.set("stroke-width", fmt_num(d.float(1.0, 2.5)));
        if d.chance(0.7) {
            svg.set("stroke-linecap", d.pick(&["round", "square", "butt"]));
            svg.set("stroke-linejoin", d.pick(&["round", "miter", "bevel"]));
        }
    }
    if d.chance(0.4) {
        svg.set("aria-hidden", "true");
    } else if d.chance(0.5) {
        svg.set("role", "img");
        svg.set("aria-labelledby", "title");
    }
    if d.chance(0.4) {
        svg.set("class", format!("icon icon-{}", vocab::slug(d)));
    }
    if let Some(c) = maybe_comment(d, 0.3) {
        svg.children.push(c);
    }
    if d.chance(0.5) {
        svg.push(El::leaf("title", vocab::title(d)).attr("id", "title"));
    }
    if d.chance(0.2) {
        svg.push(El::leaf("desc", vocab::sentence(d)));
    }
    let mut ids = Vec::new();
    if d.chance(0.35) {
        let mut defs = El::new("defs");
        for _ in 0..d.range(1, 2) {
            let id = format!(
                "{}-{}",
                d.pick(&["grad", "fade", "shine", "tone"]),
                d.below(1000)
            );
            if !ids.contains(&id) {
                defs.push(gradient(d, &id));
                ids.push(id);
            }
        }
        if d.chance(0.3) {
            defs.push(
                El::new("clipPath").attr("id", "clip").child(
                    El::new("rect")
                        .attr("width", fmt_num(size))
                        .attr("height", fmt_num(size))
                        .attr("rx", "4"),
                ),
            );
        }
        svg.push(defs);
    }
    for _ in 0..d.range(1, 5) {
        if d.chance(0.35) {
            svg.push(svg_group(d, size, 1, &mut ids, xlink));
        } else {
            svg.push(svg_shape(d, size, &mut ids));
        }
    }
    let decl = if d.chance(0.3) { decl(d, s) } else { None };
    writer(s).document(decl.as_deref(), &[], &svg)
}

fn svg_chart(d: &mut Dice, s: &Style) -> String {
    let (w, h) = (d.range(24, 80) as f64 * 10.0, d.range(16, 50) as f64 * 10.0);
    let n = d.range(3, 12);
    let values: Vec<f64> = (0..n)
        .map(|_| (d.float(0.0, 100.0) * 10.0).round() / 10.0)
        .collect();
    let max = values.iter().cloned().fold(1.0, f64::max);
    let labels: Vec<String> = match d.below(3) {
        0 => [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .cycle()
        .skip(d.below(12))
        .take(n)
        .map(|x| x.to_string())
        .collect(),
        1 => (0..n)
            .map(|i| format!("Q{} {}", i % 4 + 1, 2018 + i / 4))
            .collect(),
        _ => (0..n).map(|_| vocab::capitalize(d.pick(NOUNS))).collect(),
    };
    let kind = d.below(3);
    let title = format!(
        "{} by {}",
        vocab::capitalize(&vocab::plural(d.pick(NOUNS))),
        d.pick(&["month", "quarter", "region", "team", "channel", "category"])
    );
    let mut svg = El::new("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("viewBox", format!("0 0 {} {}", fmt_num(w), fmt_num(h)))
        .attr("role", "img")
        .attr(
            "aria-label",
            format!(
                "{title} ({} & trends)",
                d.pick(&["totals", "share", "growth"])
            ),
        );
    if d.chance(0.5) {
        svg.set(
            "font-family",
            d.pick(&[
                "sans-serif",
                "Inter, sans-serif",
                "Helvetica, Arial, sans-serif",
                "monospace",
            ]),
        );
    }
    if d.chance(0.5) {
        let css = format!(
            ".bar {{ fill: {}; }}\n.axis line, .axis path {{ stroke: {}; }}\n.label {{ font-size: {}px; }}\n.bar:hover {{ opacity: 0.8; }}",
            vocab::hex_color(d),
            vocab::hex_color(d),
            d.range(9, 14)
        );
        svg.push(El::new("style").node(Node::CData(css)));
    }
    svg.push(El::leaf("title", &title));
    let (ml, mb, mt) = (40.0, 30.0, 20.0);
    let pw = w - ml - 10.0;
    let ph = h - mb - mt;
    let mut axis = El::new("g").attr("class", "axis");
    axis.push(
        El::new("line")
            .attr("x1", fmt_num(ml))
            .attr("y1", fmt_num(h - mb))
            .attr("x2", fmt_num(w - 10.0))
            .attr("y2", fmt_num(h - mb)),
    );
    axis.push(
        El::new("line")
            .attr("x1", fmt_num(ml))
            .attr("y1", fmt_num(mt))
            .attr("x2", fmt_num(ml))
            .attr("y2", fmt_num(h - mb)),
    );
    let ticks = d.range(2, 6);
    for t in 0..=ticks {
        let y = h - mb - ph * t as f64 / ticks as f64;
        let mut tick = El::new("g").attr("transform", format!("translate(0 {})", fmt_num(y)));
        if d.chance(0.7) {
            tick.push(
                El::new("line")
                    .attr("x1", fmt_num(ml))
                    .attr("x2", fmt_num(w - 10.0))
                    .attr("stroke-dasharray", "2 4"),
            );
        }
        tick.push(
            El::leaf("text", fmt_num(max * t as f64 / ticks as f64))
                .attr("x", fmt_num(ml - 4.0))
                .attr("text-anchor", "end")
                .attr("class", "label"),
        );
        axis.push(tick);
    }
    svg.push(axis);
    let mut series = El::new("g").attr("class", "series");
    let step = pw / n as f64;
    match kind {
        0 => {
            for (i, v) in values.iter().enumerate() {
                let bh = ph * v / max;
                let mut bar = El::new("rect")
                    .attr("class", "bar")
                    .attr("x", fmt_num(ml + i as f64 * step + step * 0.1))
                    .attr("y", fmt_num(h - mb - bh))
                    .attr("width", fmt_num(step * 0.8))
                    .attr("height", fmt_num(bh));
                if d.chance(0.5) {
                    bar = bar.child(El::leaf("title", format!("{}: {}", labels[i], fmt_num(*v))));
                }
                series.push(bar);
            }
        }
        1 => {
            let pts: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    format!(
                        "{},{}",
                        fmt_num(ml + (i as f64 + 0.5) * step),
                        fmt_num(h - mb - ph * v / max)
                    )
                })
                .collect();
            series.push(
                El::new("polyline")
                    .attr("fill", "none")
                    .attr("stroke", vocab::hex_color(d))
                    .attr("stroke-width", fmt_num(d.float(1.0, 3.0)))
                    .attr("points", pts.join(" ")),
            );
            if d.chance(0.6) {
                for (i, v) in values.iter().enumerate() {
                    series.push(
                        El::new("circle")
                            .attr("cx", fmt_num(ml + (i as f64 + 0.5) * step))
                            .attr("cy", fmt_num(h - mb - ph * v / max))
                            .attr("r", "3"),
                    );
                }
            }
        }
        _ => {
            let total: f64 = values.iter().sum::<f64>().max(1.0);
            let (cx, cy, r) = (w / 2.0, h / 2.0, h.min(w) / 3.0);
            let mut a0 = 0.0f64;
            for v in &values {
                let a1 = a0 + v / total * std::f64::consts::TAU;
                let large = if a1 - a0 > std::f64::consts::PI { 1 } else { 0 };
                let p = format!(
                    "M{} {} L{} {} A{} {} 0 {} 1 {} {} Z",
                    fmt_num(cx),
                    fmt_num(cy),
                    fmt_num(cx + r * a0.cos()),
                    fmt_num(cy + r * a0.sin()),
                    fmt_num(r),
                    fmt_num(r),
                    large,
                    fmt_num(cx + r * a1.cos()),
                    fmt_num(cy + r * a1.sin())
                );
                series.push(
                    El::new("path")
                        .attr("d", p)
                        .attr("fill", vocab::hex_color(d)),
                );
                a0 = a1;
            }
        }
    }
    svg.push(series);
    if kind != 2 {
        let mut lab = El::new("g")
            .attr("class", "x-labels")
            .attr("text-anchor", "middle");
        for (i, l) in labels.iter().enumerate() {
            lab.push(
                El::leaf("text", l)
                    .attr("x", fmt_num(ml + (i as f64 + 0.5) * step))
                    .attr("y", fmt_num(h - mb + 16.0)),
            );
        }
        svg.push(lab);
    }
    let decl = decl(d, s);
    writer(s).document(decl.as_deref(), &[], &svg)
}

// ---------------------------------------------------------------- feeds

fn rfc822(d: &mut Dice) -> String {
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} {}",
        d.pick(&["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
        d.range(1, 28),
        d.pick(&[
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
        ]),
        d.range(2012, 2026),
        d.range(0, 23),
        d.range(0, 59),
        d.range(0, 59),
        d.pick(&["GMT", "+0000", "-0500", "+0100", "+0530"])
    )
}

fn html_snippet(d: &mut Dice) -> String {
    let mut h = format!("<p>{}</p>", vocab::sentence(d));
    if d.chance(0.5) {
        h.push_str(&format!(
            "<p><a href=\"{}\">{}</a> &mdash; {}</p>",
            vocab::url(d),
            vocab::title(d),
            vocab::phrase(d)
        ));
    }
    if d.chance(0.3) {
        h.push_str("<ul>");
        for _ in 0..d.range(2, 4) {
            h.push_str(&format!("<li>{}</li>", vocab::phrase(d)));
        }
        h.push_str("</ul>");
    }
    h
}

fn rss(d: &mut Dice, s: &Style) -> String {
    let site = vocab::host(d);
    let mut rss = El::new("rss").attr("version", "2.0");
    let atom = d.chance(0.6);
    let dc = d.chance(0.5);
    let content = d.chance(0.4);
    let media = d.chance(0.2);
    if atom {
        rss.set("xmlns:atom", "http://www.w3.org/2005/Atom");
    }
    if dc {
        rss.set("xmlns:dc", "http://purl.org/dc/elements/1.1/");
    }
    if content {
        rss.set("xmlns:content", "http://purl.org/rss/1.0/modules/content/");
    }
    if media {
        rss.set("xmlns:media", "http://search.yahoo.com/mrss/");
    }
    let mut ch = El::new("channel");
    ch.push(El::leaf(
        "title",
        format!(
            "{} {}",
            vocab::capitalize(d.pick(BRANDS)),
            d.pick(&[
                "Blog",
                "News",
                "Updates",
                "Engineering",
                "Release Notes",
                "Weekly"
            ])
        ),
    ));
    ch.push(El::leaf("link", format!("https://{site}/")));
    ch.push(El::leaf("description", vocab::sentence(d)));
    if d.chance(0.7) {
        ch.push(El::leaf(
            "language",
            d.pick(&["en-us", "en-gb", "de-de", "fr-fr", "es-es", "ja"]),
        ));
    }
    if atom {
        ch.push(
            El::new("atom:link")
                .attr("href", format!("https://{site}/feed.xml"))
                .attr("rel", "self")
                .attr("type", "application/rss+xml"),
        );
    }
    if d.chance(0.6) {
        ch.push(El::leaf("lastBuildDate", rfc822(d)));
    }
    if d.chance(0.3) {
        ch.push(El::leaf(
            "generator",
            format!(
                "{} {}",
                d.pick(&["Hugo", "Jekyll", "Ghost", "WordPress", "Eleventy", "Astro"]),
                vocab::semver(d)
            ),
        ));
    }
    if d.chance(0.3) {
        ch.push(El::leaf("ttl", d.range(5, 1440).to_string()));
    }
    if d.chance(0.3) {
        ch.push(
            El::new("image")
                .child(El::leaf("url", format!("https://{site}/logo.png")))
                .child(El::leaf("title", vocab::title(d)))
                .child(El::leaf("link", format!("https://{site}/"))),
        );
    }
    for _ in 0..d.range(1, 8) {
        let slug = vocab::slug(d);
        let link = format!("https://{site}/{}/{slug}", d.range(2012, 2026));
        let mut it = El::new("item");
        let mut t = vocab::title(d);
        if d.chance(0.2) {
            t.push_str(" & more");
        }
        it.push(El::leaf("title", t));
        it.push(El::leaf("link", &link));
        let mut g = El::leaf("guid", &link);
        if d.chance(0.5) {
            g.set("isPermaLink", "true");
        }
        it.push(g);
        it.push(El::leaf("pubDate", rfc822(d)));
        if dc {
            it.push(El::leaf("dc:creator", vocab::person(d)));
        } else if d.chance(0.3) {
            it.push(El::leaf(
                "author",
                format!("{} ({})", vocab::email(d), vocab::person(d)),
            ));
        }
        for _ in 0..d.range(0, 3) {
            it.push(El::leaf("category", d.pick(NOUNS)));
        }
        if d.chance(0.5) {
            it.push(El::new("description").node(Node::CData(html_snippet(d))));
        } else {
            it.push(El::leaf("description", html_snippet(d)));
        }
        if content && d.chance(0.7) {
            it.push(El::new("content:encoded").node(Node::CData(html_snippet(d))));
        }
        if media && d.chance(0.5) {
            it.push(
                El::new("media:content")
                    .attr("url", format!("https://{site}/img/{slug}.jpg"))
                    .attr("medium", "image"),
            );
        }
        if d.chance(0.15) {
            it.push(
                El::new("enclosure")
                    .attr("url", format!("https://{site}/audio/{slug}.mp3"))
                    .attr("length", d.range(10_000, 90_000_000).to_string())
                    .attr("type", "audio/mpeg"),
            );
        }
        ch.push(it);
    }
    rss.push(ch);
    let mut prolog = Vec::new();
    if d.chance(0.3) {
        prolog.push(Node::Pi(
            "xml-stylesheet".into(),
            format!("type=\"text/xsl\" href=\"/{}.xsl\"", vocab::slug(d)),
        ));
    }
    if let Some(c) = maybe_comment(d, 0.2) {
        prolog.push(c);
    }
    let decl = decl(d, s).or_else(|| Some("<?xml version=\"1.0\" encoding=\"UTF-8\"?>".into()));
    writer(s).document(decl.as_deref(), &prolog, &rss)
}

fn uuid(d: &mut Dice) -> String {
    let a = d.next_u64();
    let b = d.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

fn atom(d: &mut Dice, s: &Style) -> String {
    let site = vocab::host(d);
    let mut f = El::new("feed").attr("xmlns", "http://www.w3.org/2005/Atom");
    if d.chance(0.3) {
        f.set("xml:lang", d.pick(&["en", "de", "fr", "es", "pt-BR"]));
    }
    f.push(El::leaf("title", vocab::title(d)));
    if d.chance(0.6) {
        f.push(El::leaf("subtitle", vocab::sentence(d)));
    }
    f.push(
        El::new("link")
            .attr("href", format!("https://{site}/atom.xml"))
            .attr("rel", "self"),
    );
    f.push(El::new("link").attr("href", format!("https://{site}/")));
    f.push(El::leaf("updated", vocab::timestamp(d)));
    f.push(El::leaf("id", format!("urn:uuid:{}", uuid(d))));
    let author = |d: &mut Dice| {
        let mut a = El::new("author").child(El::leaf("name", vocab::person(d)));
        if d.chance(0.5) {
            a.push(El::leaf("email", vocab::email(d)));
        }
        if d.chance(0.3) {
            a.push(El::leaf("uri", vocab::url(d)));
        }
        a
    };
    f.push(author(d));
    if d.chance(0.4) {
        f.push(El::leaf("generator", "Atom generator").attr("version", vocab::semver(d)));
    }
    for _ in 0..d.range(1, 7) {
        let mut e = El::new("entry");
        e.push(El::leaf("title", vocab::title(d)).attr("type", "text"));
        e.push(
            El::new("link")
                .attr("href", format!("https://{site}/posts/{}", vocab::slug(d)))
                .attr("rel", "alternate"),
        );
        e.push(El::leaf(
            "id",
            if d.chance(0.5) {
                format!("urn:uuid:{}", uuid(d))
            } else {
                format!("tag:{site},{}:{}", vocab::date(d), d.range(1, 9999))
            },
        ));
        e.push(El::leaf("updated", vocab::timestamp(d)));
        if d.chance(0.6) {
            e.push(El::leaf("published", vocab::timestamp(d)));
        }
        if d.chance(0.3) {
            e.push(author(d));
        }
        for _ in 0..d.range(0, 3) {
            e.push(El::new("category").attr("term", d.pick(NOUNS)));
        }
        e.push(El::leaf("summary", vocab::sentence(d)));
        match d.below(3) {
            0 => e.push(El::leaf("content", html_snippet(d)).attr("type", "html")),
            1 => {
                let mut div = El::new("div").attr("xmlns", "http://www.w3.org/1999/xhtml");
                div.push(
                    El::new("p")
                        .text(vocab::sentence(d) + " ")
                        .child(El::leaf("em", vocab::phrase(d)))
                        .text(".")
                        .inline(),
                );
                e.push(El::new("content").attr("type", "xhtml").child(div));
            }
            _ => {}
        }
        f.push(e);
    }
    let decl = decl(d, s);
    writer(s).document(decl.as_deref(), &[], &f)
}

fn sitemap(d: &mut Dice, s: &Style) -> String {
    let site = vocab::host(d);
    let index = d.chance(0.2);
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    let mut root = El::new(if index { "sitemapindex" } else { "urlset" }).attr("xmlns", ns);
    let image = !index && d.chance(0.3);
    let alt = !index && d.chance(0.3);
    if image {
        root.set(
            "xmlns:image",
            "http://www.google.com/schemas/sitemap-image/1.1",
        );
    }
    if alt {
        root.set("xmlns:xhtml", "http://www.w3.org/1999/xhtml");
    }
    if d.chance(0.2) {
        root.set("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
        root.set("xsi:schemaLocation", format!("{ns} {ns}/sitemap.xsd"));
    }
    let langs = ["en", "de", "fr", "es", "it", "ja", "pt", "nl"];
    for _ in 0..d.range(2, 14) {
        let mut path = String::new();
        for _ in 0..d.range(0, 3) {
            path.push('/');
            path.push_str(&vocab::slug(d));
        }
        if index {
            root.push(
                El::new("sitemap")
                    .child(El::leaf(
                        "loc",
                        format!("https://{site}/sitemap-{}.xml", vocab::slug(d)),
                    ))
                    .child(El::leaf("lastmod", vocab::date(d))),
            );
            continue;
        }
        let loc = format!("https://{site}{path}/");
        let mut u = El::new("url").child(El::leaf(
            "loc",
            if d.chance(0.1) {
                format!("{loc}?ref={}&lang={}", d.pick(NOUNS), d.pick(&langs))
            } else {
                loc.clone()
            },
        ));
        if d.chance(0.8) {
            u.push(El::leaf(
                "lastmod",
                if d.chance(0.5) {
                    vocab::date(d)
                } else {
                    vocab::timestamp(d)
                },
            ));
        }
        if d.chance(0.6) {
            u.push(El::leaf(
                "changefreq",
                d.pick(&[
                    "always", "hourly", "daily", "weekly", "monthly", "yearly", "never",
                ]),
            ));
        }
        if d.chance(0.6) {
            u.push(El::leaf(
                "priority",
                format!("{:.1}", d.range(1, 10) as f64 / 10.0),
            ));
        }
        if alt {
            for l in d.distinct(&langs, 2) {
                u.push(
                    El::new("xhtml:link")
                        .attr("rel", "alternate")
                        .attr("hreflang", l)
                        .attr("href", format!("https://{site}/{l}{path}/")),
                );
            }
        }
        if image && d.chance(0.5) {
            u.push(El::new("image:image").child(El::leaf(
                "image:loc",
                format!(
                    "https://{site}/images/{}.{}",
                    vocab::slug(d),
                    d.pick(&["jpg", "png", "webp"])
                ),
            )));
        }
        root.push(u);
    }
    let mut prolog = Vec::new();
    if d.chance(0.25) {
        prolog.push(Node::Pi(
            "xml-stylesheet".into(),
            "type=\"text/xsl\" href=\"/sitemap.xsl\"".into(),
        ));
    }
    if let Some(c) = maybe_comment(d, 0.2) {
        prolog.push(c);
    }
    let decl = decl(d, s).or_else(|| Some("<?xml version=\"1.0\" encoding=\"UTF-8\"?>".into()));
    writer(s).document(decl.as_deref(), &prolog, &root)
}

// ---------------------------------------------------------------- build files

const MAVEN_DEPS: &[(&str, &str)] = &[
    ("org.springframework.boot", "spring-boot-starter-web"),
    ("org.springframework.boot", "spring-boot-starter-data-jpa"),
    ("org.springframework.boot", "spring-boot-starter-test"),
    ("com.fasterxml.jackson.core", "jackson-databind"),
    ("org.junit.jupiter", "junit-jupiter"),
    ("org.mockito", "mockito-core"),
    ("org.slf4j", "slf4j-api"),
    ("ch.qos.logback", "logback-classic"),
    ("com.google.guava", "guava"),
    ("org.apache.commons", "commons-lang3"),
    ("org.postgresql", "postgresql"),
    ("com.h2database", "h2"),
    ("io.micrometer", "micrometer-core"),
    ("org.projectlombok", "lombok"),
    ("org.assertj", "assertj-core"),
    ("io.netty", "netty-all"),
    ("com.squareup.okhttp3", "okhttp"),
    ("org.hibernate.validator", "hibernate-validator"),
];

const MAVEN_PLUGINS: &[&str] = &[
    "maven-compiler-plugin",
    "maven-surefire-plugin",
    "maven-jar-plugin",
    "maven-shade-plugin",
    "maven-failsafe-plugin",
    "jacoco-maven-plugin",
    "maven-enforcer-plugin",
    "spring-boot-maven-plugin",
];

fn maven_pom(d: &mut Dice, s: &Style) -> String {
    let ns = "http://maven.apache.org/POM/4.0.0";
    let mut p = El::new("project")
        .attr("xmlns", ns)
        .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        .attr(
            "xsi:schemaLocation",
            format!("{ns} https://maven.apache.org/xsd/maven-4.0.0.xsd"),
        );
    p.push(El::leaf("modelVersion", "4.0.0"));
    let group = format!(
        "{}.{}.{}",
        d.pick(&["com", "org", "io", "dev", "net"]),
        d.pick(BRANDS),
        d.pick(NOUNS)
    );
    let artifact = vocab::slug(d);
    if d.chance(0.4) {
        p.push(
            El::new("parent")
                .child(El::leaf("groupId", "org.springframework.boot"))
                .child(El::leaf("artifactId", "spring-boot-starter-parent"))
                .child(El::leaf(
                    "version",
                    format!("3.{}.{}", d.range(0, 4), d.range(0, 12)),
                ))
                .child(El::new("relativePath")),
        );
    }
    p.push(El::leaf("groupId", &group));
    p.push(El::leaf("artifactId", &artifact));
    p.push(El::leaf(
        "version",
        format!(
            "{}{}",
            vocab::semver(d),
            if d.chance(0.4) { "-SNAPSHOT" } else { "" }
        ),
    ));
    let modules = d.chance(0.2);
    p.push(El::leaf(
        "packaging",
        if modules {
            "pom"
        } else {
            d.pick(&["jar", "jar", "war"])
        },
    ));
    if d.chance(0.7) {
        p.push(El::leaf("name", vocab::title(d)));
    }
    if d.chance(0.5) {
        p.push(El::leaf("description", vocab::sentence(d)));
    }
    if d.chance(0.3) {
        p.push(El::leaf("url", vocab::url(d)));
    }
    let mut props = El::new("properties");
    let java = d.pick(&["11", "17", "21", "1.8"]);
    props.push(El::leaf("java.version", java));
    if d.chance(0.7) {
        props.push(El::leaf("project.build.sourceEncoding", "UTF-8"));
    }
    if d.chance(0.5) {
        props.push(El::leaf("maven.compiler.source", "${java.version}"));
        props.push(El::leaf("maven.compiler.target", "${java.version}"));
    }
    let deps = d.some(MAVEN_DEPS, 1, 8);
    let mut versioned = Vec::new();
    for (g, a) in &deps {
        if d.chance(0.3) {
            let key = format!("{a}.version");
            props.push(El::leaf(key.clone(), vocab::semver(d)));
            versioned.push((g.to_string(), a.to_string(), format!("${{{key}}}")));
        } else {
            versioned.push((g.to_string(), a.to_string(), vocab::semver(d)));
        }
    }
    p.push(props);
    if modules {
        let mut m = El::new("modules");
        for _ in 0..d.range(2, 5) {
            m.push(El::leaf("module", format!("{artifact}-{}", d.pick(NOUNS))));
        }
        p.push(m);
    }
    let mut ds = El::new("dependencies");
    for (g, a, v) in versioned {
        if let Some(c) = maybe_comment(d, 0.1) {
            ds.children.push(c);
        }
        let mut dep = El::new("dependency")
            .child(El::leaf("groupId", g))
            .child(El::leaf("artifactId", &a));
        if !a.starts_with("spring-boot-starter") || d.chance(0.3) {
            dep.push(El::leaf("version", v));
        }
        if a.contains("test")
            || a.contains("junit")
            || a.contains("mockito")
            || a.contains("assertj")
        {
            dep.push(El::leaf("scope", "test"));
        } else if d.chance(0.1) {
            dep.push(El::leaf("scope", d.pick(&["provided", "runtime"])));
        }
        if d.chance(0.1) {
            dep.push(El::leaf("optional", "true"));
        }
        if d.chance(0.08) {
            dep.push(
                El::new("exclusions").child(
                    El::new("exclusion")
                        .child(El::leaf("groupId", "commons-logging"))
                        .child(El::leaf("artifactId", "commons-logging")),
                ),
            );
        }
        ds.push(dep);
    }
    if modules && d.chance(0.6) {
        p.push(El::new("dependencyManagement").child(ds));
    } else {
        p.push(ds);
    }
    if d.chance(0.75) {
        let mut plugins = El::new("plugins");
        for name in d.some(MAVEN_PLUGINS, 1, 4) {
            let gid = if name.starts_with("spring") {
                "org.springframework.boot"
            } else if name.starts_with("jacoco") {
                "org.jacoco"
            } else {
                "org.apache.maven.plugins"
            };
            let mut pl = El::new("plugin")
                .child(El::leaf("groupId", gid))
                .child(El::leaf("artifactId", name));
            if d.chance(0.6) {
                pl.push(El::leaf("version", vocab::semver(d)));
            }
            if d.chance(0.5) {
                let mut cfg = El::new("configuration");
                match name {
                    "maven-compiler-plugin" => {
                        cfg.push(El::leaf("release", java.trim_start_matches("1.")));
                        if d.chance(0.5) {
                            cfg.push(
                                El::new("compilerArgs")
                                    .child(El::leaf("arg", "-Xlint:all"))
                                    .child(El::leaf("arg", "-parameters")),
                            );
                        }
                    }
                    "maven-surefire-plugin" | "maven-failsafe-plugin" => {
                        cfg.push(El::new("includes").child(El::leaf("include", "**/*Test.java")));
                        cfg.push(El::leaf(
                            "argLine",
                            format!("-Xmx{}m -Dfile.encoding=UTF-8", d.range(2, 16) * 128),
                        ));
                    }
                    _ => cfg.push(El::leaf(
                        "skip",
                        if d.chance(0.5) {
                            "false"
                        } else {
                            "${skipTests}"
                        },
                    )),
                }
                pl.push(cfg);
            }
            plugins.push(pl);
        }
        let mut build = El::new("build");
        if d.chance(0.3) {
            build.push(El::leaf("finalName", &artifact));
        }
        build.push(plugins);
        p.push(build);
    }
    if d.chance(0.2) {
        let id = d.pick(&["release", "ci", "integration", "native", "dev"]);
        p.push(
            El::new("profiles").child(
                El::new("profile")
                    .child(El::leaf("id", id))
                    .child(El::new("properties").child(El::leaf("skipTests", "true"))),
            ),
        );
    }
    let decl = decl(d, s);
    writer(s).document(decl.as_deref(), &[], &p)
}

fn csproj(d: &mut Dice, s: &Style) -> String {
    let sdk = d.pick(&[
        "Microsoft.NET.Sdk",
        "Microsoft.NET.Sdk",
        "Microsoft.NET.Sdk.Web",
        "Microsoft.NET.Sdk.Worker",
        "Microsoft.NET.Sdk.Razor",
    ]);
    let mut p = El::new("Project").attr("Sdk", sdk);
    let name = vocab::pascal(&[d.pick(BRANDS), d.pick(NOUNS)]);
    let mut pg = El::new("PropertyGroup");
    pg.push(El::leaf(
        if d.chance(0.85) {
            "TargetFramework"
        } else {
            "TargetFrameworks"
        },
        d.pick(&[
            "net6.0",
            "net7.0",
            "net8.0",
            "net9.0",
            "net8.0;net9.0",
            "netstandard2.0",
        ]),
    ));
    if d.chance(0.6) {
        pg.push(El::leaf("Nullable", "enable"));
    }
    if d.chance(0.6) {
        pg.push(El::leaf("ImplicitUsings", "enable"));
    }
    if d.chance(0.4) {
        pg.push(El::leaf(
            "RootNamespace",
            format!("{name}.{}", vocab::capitalize(d.pick(NOUNS))),
        ));
    }
    if d.chance(0.3) {
        pg.push(El::leaf(
            "OutputType",
            d.pick(&["Exe", "Library", "WinExe"]),
        ));
    }
    if d.chance(0.3) {
        pg.push(El::leaf(
            "LangVersion",
            d.pick(&["latest", "preview", "12.0", "11.0"]),
        ));
    }
    if d.chance(0.3) {
        pg.push(El::leaf("TreatWarningsAsErrors", "true"));
    }
    if d.chance(0.3) {
        pg.push(El::leaf("Version", vocab::semver(d)));
        pg.push(El::leaf("Authors", vocab::person(d)));
    }
    p.push(pg);
    if d.chance(0.35) {
        let cfg = d.pick(&["Release", "Debug"]);
        let mut c =
            El::new("PropertyGroup").attr("Condition", format!("'$(Configuration)' == '{cfg}'"));
        c.push(El::leaf(
            "DebugType",
            d.pick(&["portable", "embedded", "none"]),
        ));
        if d.chance(0.5) {
            c.push(El::leaf("Optimize", "true"));
        }
        p.push(c);
    }
    let pkgs = [
        "Newtonsoft.Json",
        "Serilog",
        "Serilog.Sinks.Console",
        "Dapper",
        "AutoMapper",
        "FluentValidation",
        "MediatR",
        "Polly",
        "Swashbuckle.AspNetCore",
        "xunit",
        "xunit.runner.visualstudio",
        "Moq",
        "Microsoft.EntityFrameworkCore",
        "Microsoft.EntityFrameworkCore.SqlServer",
        "Npgsql",
        "StackExchange.Redis",
        "Microsoft.Extensions.Hosting",
        "Microsoft.NET.Test.Sdk",
        "coverlet.collector",
    ];
    let mut ig = El::new("ItemGroup");
    for pkg in d.some(&pkgs, 1, 7) {
        let mut r = El::new("PackageReference")
            .attr("Include", pkg)
            .attr("Version", vocab::semver(d));
        if pkg.starts_with("coverlet") || pkg.contains("runner") {
            r = r.child(El::leaf("PrivateAssets", "all")).child(El::leaf(
                "IncludeAssets",
                "runtime; build; native; contentfiles; analyzers",
            ));
        }
        ig.push(r);
    }
    p.push(ig);
    if d.chance(0.4) {
        let mut refs = El::new("ItemGroup");
        for _ in 0..d.range(1, 3) {
            refs.push(El::new("ProjectReference").attr(
                "Include",
                format!(
                    "..\\{0}.{1}\\{0}.{1}.csproj",
                    name,
                    vocab::capitalize(d.pick(NOUNS))
                ),
            ));
        }
        p.push(refs);
    }
    if d.chance(0.3) {
        p.push(
            El::new("ItemGroup").child(
                El::new(if d.chance(0.5) { "None" } else { "Content" })
                    .attr(
                        "Update",
                        format!("{}.json", d.pick(&["appsettings", "config", "settings"])),
                    )
                    .child(El::leaf(
                        "CopyToOutputDirectory",
                        d.pick(&["PreserveNewest", "Always"]),
                    )),
            ),
        );
    }
    if d.chance(0.25) {
        let cmd = format!(
            "npm ci && npm run {} > build.log",
            d.pick(&["build", "bundle", "css"])
        );
        p.push(
            El::new("Target")
                .attr(
                    "Name",
                    format!("{}Assets", vocab::capitalize(d.pick(VERBS))),
                )
                .attr(
                    if d.chance(0.5) {
                        "BeforeTargets"
                    } else {
                        "AfterTargets"
                    },
                    "Build",
                )
                .child(El::new("Exec").attr("Command", cmd)),
        );
    }
    if let Some(c) = maybe_comment(d, 0.2) {
        p.children.insert(0, c);
    }
    writer(s).document(None, &[], &p)
}

fn android_view(d: &mut Dice, depth: usize, parent: &str, ids: &mut Vec<String>) -> El {
    let containers = [
        "LinearLayout",
        "FrameLayout",
        "androidx.constraintlayout.widget.ConstraintLayout",
        "androidx.cardview.widget.CardView",
        "ScrollView",
    ];
    let leaves = [
        "TextView",
        "Button",
        "ImageView",
        "EditText",
        "androidx.recyclerview.widget.RecyclerView",
        "Switch",
        "ProgressBar",
        "CheckBox",
        "com.google.android.material.button.MaterialButton",
        "View",
    ];
    let container = depth < 4 && d.chance(0.3 / (depth as f64 + 0.5));
    let name = if container {
        d.pick(&containers)
    } else {
        d.pick(&leaves)
    };
    let mut v = El::new(name);
    let dim = |d: &mut Dice| -> String {
        match d.below(4) {
            0 => "match_parent".into(),
            1 | 2 => "wrap_content".into(),
            _ => format!("{}dp", d.range(1, 40) * 4),
        }
    };
    let idw = format!(
        "{}_{}",
        d.pick(NOUNS),
        d.pick(&[
            "text",
            "button",
            "image",
            "list",
            "input",
            "container",
            "label",
            "icon",
            "switch"
        ])
    );
    let id = if ids.contains(&idw) {
        format!("{idw}_{}", ids.len())
    } else {
        idw
    };
    if d.chance(0.7) {
        v.set("android:id", format!("@+id/{id}"));
        ids.push(id);
    }
    v.set(
        "android:layout_width",
        if parent.ends_with("ConstraintLayout") && d.chance(0.5) {
            "0dp".to_string()
        } else {
            dim(d)
        },
    );
    v.set("android:layout_height", dim(d));
    if parent.ends_with("ConstraintLayout") {
        v.set("app:layout_constraintTop_toTopOf", "parent");
        v.set(
            if d.chance(0.5) {
                "app:layout_constraintStart_toStartOf"
            } else {
                "app:layout_constraintEnd_toEndOf"
            },
            "parent",
        );
        if let Some(prev) = ids.iter().rev().nth(1) {
            if d.chance(0.5) {
                v.set("app:layout_constraintTop_toBottomOf", format!("@id/{prev}"));
            }
        }
    }
    if parent == "LinearLayout" && d.chance(0.3) {
        v.set("android:layout_weight", "1");
    }
    if d.chance(0.4) {
        v.set(
            d.pick(&[
                "android:layout_margin",
                "android:layout_marginTop",
                "android:layout_marginStart",
                "android:padding",
            ]),
            format!("{}dp", d.range(1, 8) * 4),
        );
    }
    match name {
        "TextView"
        | "Button"
        | "CheckBox"
        | "Switch"
        | "com.google.android.material.button.MaterialButton" => {
            v.set(
                "android:text",
                if d.chance(0.6) {
                    format!("@string/{}", vocab::snake(&[d.pick(VERBS), d.pick(NOUNS)]))
                } else {
                    vocab::title(d)
                },
            );
            if d.chance(0.5) {
                v.set("android:textSize", format!("{}sp", d.range(12, 28)));
            }
            if d.chance(0.3) {
                v.set(
                    "android:textColor",
                    if d.chance(0.5) {
                        "?attr/colorPrimary".to_string()
                    } else {
                        format!("#{:06X}", d.below(0x1000000))
                    },
                );
            }
        }
        "EditText" => {
            v.set("android:hint", format!("@string/hint_{}", d.pick(NOUNS)));
            v.set(
                "android:inputType",
                d.pick(&[
                    "text",
                    "textEmailAddress",
                    "number",
                    "textPassword",
                    "phone",
                ]),
            );
        }
        "ImageView" => {
            v.set("android:src", format!("@drawable/ic_{}", d.pick(NOUNS)));
            v.set(
                "android:contentDescription",
                format!("@string/{}_image", d.pick(NOUNS)),
            );
            if d.chance(0.5) {
                v.set(
                    "android:scaleType",
                    d.pick(&["centerCrop", "fitCenter", "centerInside"]),
                );
            }
        }
        "LinearLayout" => {
            v.set("android:orientation", d.pick(&["vertical", "horizontal"]));
            if d.chance(0.4) {
                v.set(
                    "android:gravity",
                    d.pick(&["center", "center_vertical", "end", "start|center_vertical"]),
                );
            }
        }
        "androidx.cardview.widget.CardView" => {
            v.set("app:cardCornerRadius", format!("{}dp", d.range(2, 16)));
            v.set("app:cardElevation", format!("{}dp", d.range(0, 8)));
        }
        "androidx.recyclerview.widget.RecyclerView" => {
            v.set(
                "app:layoutManager",
                "androidx.recyclerview.widget.LinearLayoutManager",
            );
            if d.chance(0.4) {
                v.set("tools:listitem", format!("@layout/item_{}", d.pick(NOUNS)));
            }
        }
        "ProgressBar" => {
            v.set("android:indeterminate", "true");
        }
        _ => {}
    }
    if d.chance(0.15) {
        v.set(
            "android:visibility",
            d.pick(&["gone", "invisible", "visible"]),
        );
    }
    if container {
        let n = if name == "ScrollView" || name.ends_with("CardView") {
            1
        } else {
            d.range(1, 4)
        };
        for _ in 0..n {
            let c = android_view(d, depth + 1, name, ids);
            v.push(c);
        }
    }
    v
}

fn android_layout(d: &mut Dice, s: &Style) -> String {
    let root_name = d.pick(&[
        "LinearLayout",
        "androidx.constraintlayout.widget.ConstraintLayout",
        "FrameLayout",
        "RelativeLayout",
        "androidx.coordinatorlayout.widget.CoordinatorLayout",
    ]);
    let mut root = El::new(root_name)
        .attr(
            "xmlns:android",
            "http://schemas.android.com/apk/res/android",
        )
        .attr("xmlns:app", "http://schemas.android.com/apk/res-auto");
    if d.chance(0.6) {
        root.set("xmlns:tools", "http://schemas.android.com/tools");
        root.set("tools:context", format!(".{}Activity", vocab::type_name(d)));
    }
    root.set("android:layout_width", "match_parent");
    root.set("android:layout_height", "match_parent");
    if root_name == "LinearLayout" {
        root.set("android:orientation", "vertical");
    }
    if d.chance(0.4) {
        root.set("android:padding", format!("{}dp", d.range(1, 6) * 4));
    }
    let mut ids = Vec::new();
    for _ in 0..d.range(1, 5) {
        if let Some(c) = maybe_comment(d, 0.1) {
            root.children.push(c);
        }
        let c = android_view(d, 1, root_name, &mut ids);
        root.push(c);
    }
    let w = XmlWriter {
        style: s,
        attrs_per_line_over: if d.chance(0.8) { 1 } else { usize::MAX },
    };
    let decl = Some(format!(
        "<?xml version={0}1.0{0} encoding={0}utf-8{0}?>",
        s.quote
    ))
    .filter(|_| d.chance(0.85));
    w.document(decl.as_deref(), &[], &root)
}

// ---------------------------------------------------------------- XHTML

fn inline_content(d: &mut Dice, p: &mut El) {
    p.inline = true;
    p.children.push(Node::Text(vocab::sentence(d)));
    for _ in 0..d.range(0, 3) {
        p.children.push(Node::Text(" ".into()));
        let el = match d.below(6) {
            0 => El::leaf("em", vocab::phrase(d)),
            1 => El::leaf("strong", vocab::phrase(d)),
            2 => El::leaf("a", vocab::phrase(d)).attr("href", vocab::url(d)),
            3 => El::leaf("code", vocab::fn_name(d) + "()"),
            4 => El::leaf(
                "abbr",
                d.pick(&["API", "HTML", "CSS", "SVG", "JSON", "URL"])
                    .to_string(),
            )
            .attr("title", vocab::phrase(d)),
            _ => El::new("br"),
        };
        p.push(el);
        p.children
            .push(Node::Text(format!(" {}", vocab::sentence(d))));
    }
    if d.chance(0.15) {
        p.children.push(Node::Raw(format!(
            " &#{};",
            d.pick(&["169", "174", "8212", "8230", "x2192", "xA0"])
        )));
    }
}

fn xhtml_block(d: &mut Dice, depth: usize) -> El {
    let choice = if depth >= 4 { d.below(4) } else { d.below(8) };
    match choice {
        0 | 1 => {
            let mut p = El::new("p");
            inline_content(d, &mut p);
            p
        }
        2 => {
            let mut l = El::new(if d.chance(0.6) { "ul" } else { "ol" });
            for _ in 0..d.range(2, 5) {
                let mut li = El::new("li");
                inline_content(d, &mut li);
                l.push(li);
            }
            l
        }
        3 => {
            let mut t = El::new("table");
            if d.chance(0.5) {
                t.push(El::leaf("caption", vocab::title(d)));
            }
            let cols = d.range(2, 5);
            let mut tr = El::new("tr");
            for _ in 0..cols {
                tr.push(El::leaf("th", vocab::capitalize(d.pick(NOUNS))));
            }
            t.push(El::new("thead").child(tr));
            let mut body = El::new("tbody");
            for _ in 0..d.range(1, 5) {
                let mut r = El::new("tr");
                for _ in 0..cols {
                    r.push(El::leaf(
                        "td",
                        if d.chance(0.5) {
                            d.range(0, 9999).to_string()
                        } else {
                            d.pick(ADJECTIVES).to_string()
                        },
                    ));
                }
                body.push(r);
            }
            t.push(body);
            t
        }
        4 => {
            let mut f = El::new("form")
                .attr("action", format!("/{}", vocab::slug(d)))
                .attr("method", d.pick(&["post", "get"]));
            for _ in 0..d.range(1, 4) {
                let name = vocab::snake(&[d.pick(NOUNS)]);
                f.push(El::leaf("label", vocab::capitalize(&name)).attr("for", &name));
                f.push(
                    El::new("input")
                        .attr(
                            "type",
                            d.pick(&["text", "email", "number", "checkbox", "date"]),
                        )
                        .attr("id", &name)
                        .attr("name", &name),
                );
            }
            f.push(El::leaf("button", vocab::capitalize(d.pick(VERBS))).attr("type", "submit"));
            f
        }
        _ => {
            let tag = d.pick(&["section", "article", "div", "aside"]);
            let mut s = El::new(tag);
            if d.chance(0.5) {
                s.set("class", vocab::slug(d));
            }
            if d.chance(0.3) {
                s.set("id", vocab::slug(d));
            }
            s.push(El::leaf(
                format!("h{}", (depth + 1).min(6)),
                vocab::title(d),
            ));
            for _ in 0..d.range(1, 3) {
                s.push(xhtml_block(d, depth + 1));
            }
            s
        }
    }
}

fn xhtml(d: &mut Dice, s: &Style) -> String {
    let lang = d.pick(&["en", "en-GB", "de", "fr", "es", "nl"]);
    let mut html = El::new("html")
        .attr("xmlns", "http://www.w3.org/1999/xhtml")
        .attr("xml:lang", lang);
    if d.chance(0.5) {
        html.set("lang", lang);
    }
    let mut head = El::new("head");
    if d.chance(0.6) {
        head.push(El::new("meta").attr("charset", "utf-8"));
    } else {
        head.push(
            El::new("meta")
                .attr("http-equiv", "Content-Type")
                .attr("content", "text/html; charset=utf-8"),
        );
    }
    head.push(El::leaf(
        "title",
        format!(
            "{} | {}",
            vocab::title(d),
            vocab::capitalize(d.pick(BRANDS))
        ),
    ));
    if d.chance(0.5) {
        head.push(
            El::new("meta")
                .attr("name", "description")
                .attr("content", vocab::sentence(d)),
        );
    }
    if d.chance(0.5) {
        head.push(
            El::new("link")
                .attr("rel", "stylesheet")
                .attr("href", format!("/css/{}.css", vocab::slug(d))),
        );
    }
    if d.chance(0.4) {
        let css = format!(
            "body {{ margin: 0 auto; max-width: {}px; }}\n.{} > p {{ color: {}; }}",
            d.range(48, 120) * 10,
            vocab::slug(d),
            vocab::hex_color(d)
        );
        head.push(
            El::new("style")
                .attr("type", "text/css")
                .node(Node::CData(css)),
        );
    }
    if d.chance(0.35) {
        let js = format!("\nvar {} = document.querySelectorAll('.{}');\nif ({}.length > 0 && window.innerWidth < {}) {{ console.log('ready'); }}\n//", vocab::var_name(d), vocab::slug(d), "document.body.children", d.range(3, 12) * 100);
        head.push(
            El::new("script")
                .attr("type", "text/javascript")
                .node(Node::Raw("//".into()))
                .node(Node::CData(js)),
        );
    }
    html.push(head);
    let mut body = El::new("body");
    if d.chance(0.5) {
        body.set("class", vocab::slug(d));
    }
    if d.chance(0.6) {
        let mut nav = El::new("ul");
        for _ in 0..d.range(2, 5) {
            nav.push(
                El::new("li").child(
                    El::leaf("a", vocab::capitalize(d.pick(NOUNS)))
                        .attr("href", format!("/{}", vocab::slug(d))),
                ),
            );
        }
        body.push(
            El::new("header")
                .child(El::leaf("h1", vocab::title(d)))
                .child(El::new("nav").child(nav)),
        );
    }
    let mut main = El::new("main");
    for _ in 0..d.range(1, 4) {
        main.push(xhtml_block(d, 1));
    }
    body.push(main);
    if d.chance(0.5) {
        let mut p = El::new("p").inline();
        p.children
            .push(Node::Raw(format!("&#169; {} ", d.range(2010, 2026))));
        p.children.push(Node::Text(format!(
            "{} & {}",
            vocab::capitalize(d.pick(BRANDS)),
            vocab::capitalize(d.pick(BRANDS))
        )));
        body.push(El::new("footer").child(p));
    }
    html.push(body);
    let doctype = match d.below(3) {
        0 => "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">",
        1 => "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" \"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">",
        _ => "<!DOCTYPE html>",
    };
    let decl = decl(d, s);
    writer(s).document(decl.as_deref(), &[Node::Raw(doctype.into())], &html)
}

// ---------------------------------------------------------------- config

fn setting_value(d: &mut Dice) -> String {
    match d.below(7) {
        0 => d.range(0, 65535).to_string(),
        1 => d.pick(&["true", "false"]).to_string(),
        2 => vocab::url(d),
        3 => format!("{}ms", d.range(1, 600) * 50),
        4 => vocab::slug(d),
        5 => format!("{}:{}", vocab::host(d), d.range(1024, 9999)),
        _ => vocab::phrase(d),
    }
}

fn settings_tree(d: &mut Dice, depth: usize, entity: Option<&str>) -> El {
    let mut el = El::new(vocab::camel(&[d.pick(NOUNS)]));
    let n = d.range(1, 5);
    let mut used = Vec::new();
    for _ in 0..n {
        let key = vocab::camel(&vocab::noun_words(d));
        if used.contains(&key) {
            continue;
        }
        used.push(key.clone());
        if depth < 4 && d.chance(0.3) {
            let mut c = settings_tree(d, depth + 1, entity);
            c.name = key;
            el.push(c);
        } else if d.chance(0.4) {
            el.set(key, setting_value(d));
        } else if let (Some(ent), true) = (entity, d.chance(0.15)) {
            el.push(El::new(key).node(Node::Raw(format!(
                "&{ent}; {}",
                crate::xmltree::escape_text(&vocab::phrase(d))
            ))));
        } else {
            el.push(El::leaf(key, setting_value(d)));
        }
    }
    el
}

fn config(d: &mut Dice, s: &Style) -> String {
    let w = writer(s);
    match d.below(4) {
        0 => {
            // log4j2
            let mut c = El::new("Configuration").attr("status", d.pick(&["WARN", "INFO", "ERROR"]));
            if d.chance(0.4) {
                c.set("monitorInterval", d.range(5, 120).to_string());
            }
            let mut props = El::new("Properties");
            props.push(
                El::leaf(
                    "Property",
                    format!(
                        "%d{{ISO8601}} [%t] %-5level %logger{{{}}} - %msg%n",
                        d.range(12, 48)
                    ),
                )
                .attr("name", "pattern"),
            );
            c.push(props);
            let mut app = El::new("Appenders");
            app.push(
                El::new("Console")
                    .attr("name", "Console")
                    .attr("target", "SYSTEM_OUT")
                    .child(El::new("PatternLayout").attr("pattern", "${pattern}")),
            );
            if d.chance(0.6) {
                let f = vocab::slug(d);
                app.push(
                    El::new("RollingFile")
                        .attr("name", "File")
                        .attr("fileName", format!("logs/{f}.log"))
                        .attr(
                            "filePattern",
                            format!("logs/{f}-%d{{yyyy-MM-dd}}-%i.log.gz"),
                        )
                        .child(El::new("PatternLayout").attr("pattern", "${pattern}"))
                        .child(
                            El::new("Policies").child(
                                El::new("SizeBasedTriggeringPolicy")
                                    .attr("size", format!("{} MB", d.range(1, 500))),
                            ),
                        ),
                );
            }
            c.push(app);
            let mut loggers = El::new("Loggers");
            for _ in 0..d.range(0, 4) {
                loggers.push(
                    El::new("Logger")
                        .attr(
                            "name",
                            format!(
                                "{}.{}.{}",
                                d.pick(&["com", "org", "io"]),
                                d.pick(BRANDS),
                                d.pick(NOUNS)
                            ),
                        )
                        .attr("level", d.pick(&["debug", "info", "warn", "trace"]))
                        .attr("additivity", "false")
                        .child(El::new("AppenderRef").attr("ref", "Console")),
                );
            }
            loggers.push(
                El::new("Root")
                    .attr("level", d.pick(&["info", "warn", "error"]))
                    .child(El::new("AppenderRef").attr("ref", "Console")),
            );
            c.push(loggers);
            let decl = decl(d, s);
            w.document(decl.as_deref(), &[], &c)
        }
        1 => {
            // web.config
            let mut c = El::new("configuration");
            let mut app = El::new("appSettings");
            for _ in 0..d.range(1, 6) {
                app.push(
                    El::new("add")
                        .attr("key", vocab::pascal(&vocab::noun_words(d)))
                        .attr("value", setting_value(d)),
                );
            }
            c.push(app);
            if d.chance(0.6) {
                let db = vocab::pascal(&[d.pick(BRANDS), "db"]);
                c.push(
                    El::new("connectionStrings").child(
                        El::new("add")
                            .attr("name", "Default")
                            .attr(
                                "connectionString",
                                format!(
                                    "Server={};Database={db};User Id={};Password=<secret>;",
                                    vocab::host(d),
                                    d.pick(NOUNS)
                                ),
                            )
                            .attr("providerName", "System.Data.SqlClient"),
                    ),
                );
            }
            let mut ws = El::new("system.webServer");
            if d.chance(0.6) {
                ws.push(
                    El::new("handlers").child(
                        El::new("add")
                            .attr("name", "aspNetCore")
                            .attr("path", "*")
                            .attr("verb", "*")
                            .attr("modules", "AspNetCoreModuleV2")
                            .attr("resourceType", "Unspecified"),
                    ),
                );
            }
            ws.push(
                El::new("aspNetCore")
                    .attr("processPath", "dotnet")
                    .attr(
                        "arguments",
                        format!(".\\{}.dll", vocab::pascal(&[d.pick(BRANDS), d.pick(NOUNS)])),
                    )
                    .attr("stdoutLogEnabled", d.pick(&["true", "false"])),
            );
            if d.chance(0.5) {
                let mut h = El::new("customHeaders");
                h.push(
                    El::new("add")
                        .attr("name", "X-Frame-Options")
                        .attr("value", "DENY"),
                );
                h.push(
                    El::new("add")
                        .attr("name", "Content-Security-Policy")
                        .attr("value", "default-src 'self'"),
                );
                ws.push(El::new("httpProtocol").child(h));
            }
            c.push(ws);
            let decl = decl(d, s);
            w.document(decl.as_deref(), &[], &c)
        }
        2 => {
            // Spring beans
            let mut b = El::new("beans")
                .attr("xmlns", "http://www.springframework.org/schema/beans")
                .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
            let ctx = d.chance(0.4);
            if ctx {
                b.set(
                    "xmlns:context",
                    "http://www.springframework.org/schema/context",
                );
            }
            b.set("xsi:schemaLocation", "http://www.springframework.org/schema/beans https://www.springframework.org/schema/beans/spring-beans.xsd");
            if ctx {
                b.push(El::new("context:component-scan").attr(
                    "base-package",
                    format!("com.{}.{}", d.pick(BRANDS), d.pick(NOUNS)),
                ));
            }
            let pkg = format!("com.{}", d.pick(BRANDS));
            let mut ids: Vec<String> = Vec::new();
            for _ in 0..d.range(1, 5) {
                let t = vocab::type_name(d);
                let id = vocab::camel(&[&t.to_lowercase()]);
                if ids.contains(&id) {
                    continue;
                }
                let mut bean = El::new("bean")
                    .attr("id", &id)
                    .attr("class", format!("{pkg}.{t}"));
                if d.chance(0.3) {
                    bean.set("scope", d.pick(&["prototype", "singleton", "request"]));
                }
                for _ in 0..d.range(0, 3) {
                    let pn = vocab::var_name(d);
                    if bean.children.iter().any(|c| matches!(c, Node::El(e) if e.attrs.iter().any(|(k, v)| k == "name" && *v == pn))) {
                        continue;
                    }
                    if !ids.is_empty() && d.chance(0.3) {
                        bean.push(
                            El::new("property")
                                .attr("name", pn)
                                .attr("ref", d.choose(&ids).clone()),
                        );
                    } else {
                        bean.push(
                            El::new("property")
                                .attr("name", pn)
                                .attr("value", setting_value(d)),
                        );
                    }
                }
                if d.chance(0.2) {
                    bean.push(El::new("property").attr("name", "query").child(
                        El::new("value").node(Node::CData(format!(
                            "SELECT * FROM {} WHERE {} > ? AND status <> 'archived'",
                            vocab::snake(&[d.pick(NOUNS)]),
                            d.pick(NOUNS)
                        ))),
                    ));
                }
                ids.push(id);
                b.push(bean);
            }
            let decl = decl(d, s);
            w.document(decl.as_deref(), &[], &b)
        }
        _ => {
            // Custom app config with an internal DTD subset and entity references.
            let app = vocab::capitalize(d.pick(BRANDS));
            let ent = vocab::snake(&[d.pick(&["app", "product", "vendor", "org"]), "name"]);
            let doctype = format!(
                "<!DOCTYPE config [\n{}<!ENTITY {ent} \"{app} {}\">\n]>",
                s.ind(1),
                vocab::capitalize(d.pick(NOUNS))
            );
            let mut root = settings_tree(d, 0, Some(&ent));
            root.name = "config".into();
            root.set("version", vocab::semver(d));
            root.children.insert(
                0,
                Node::El(El::new("name").node(Node::Raw(format!("&{ent};")))),
            );
            if d.chance(0.4) {
                root.push(
                    El::new("script")
                        .attr("lang", "sql")
                        .node(Node::CData(format!(
                            "UPDATE {} SET updated_at = now() WHERE id < {} AND flag <> 1;",
                            d.pick(NOUNS),
                            d.range(1, 1000)
                        ))),
                );
            }
            let mut prolog = vec![Node::Raw(doctype)];
            if let Some(c) = maybe_comment(d, 0.5) {
                prolog.insert(0, c);
            }
            let decl = Some(format!(
                "<?xml version={0}1.0{0} encoding={0}UTF-8{0}?>",
                s.quote
            ));
            w.document(decl.as_deref(), &prolog, &root)
        }
    }
}

// ---------------------------------------------------------------- XSD

fn xsd_type(d: &mut Dice, known: &[String]) -> String {
    if !known.is_empty() && d.chance(0.2) {
        return format!("tns:{}", d.choose(known));
    }
    format!(
        "xs:{}",
        d.pick(&[
            "string",
            "int",
            "integer",
            "decimal",
            "boolean",
            "date",
            "dateTime",
            "anyURI",
            "long",
            "double",
            "token",
            "positiveInteger"
        ])
    )
}

fn xsd_particle(d: &mut Dice, depth: usize, known: &[String]) -> El {
    let mut g = El::new(d.pick(&["xs:sequence", "xs:sequence", "xs:choice", "xs:all"]));
    let all = g.name == "xs:all";
    let mut used = Vec::new();
    for _ in 0..d.range(1, 5) {
        let name = vocab::camel(&vocab::noun_words(d));
        if used.contains(&name) {
            continue;
        }
        used.push(name.clone());
        let mut e = El::new("xs:element").attr("name", name);
        if depth < 3 && d.chance(0.2) {
            let mut ct = El::new("xs:complexType");
            ct.push(xsd_particle(d, depth + 1, known));
            e.push(ct);
        } else {
            e.set("type", xsd_type(d, known));
        }
        if d.chance(0.3) {
            e.set("minOccurs", "0");
        }
        if !all && d.chance(0.2) {
            e.set("maxOccurs", "unbounded");
        }
        if d.chance(0.15) {
            e.children.insert(
                0,
                Node::El(
                    El::new("xs:annotation")
                        .child(El::leaf("xs:documentation", vocab::sentence(d))),
                ),
            );
        }
        g.push(e);
    }
    g
}

fn xsd(d: &mut Dice, s: &Style) -> String {
    let tns = format!("https://{}/schema/{}", vocab::host(d), vocab::slug(d));
    let mut sch = El::new("xs:schema")
        .attr("xmlns:xs", "http://www.w3.org/2001/XMLSchema")
        .attr("targetNamespace", &tns)
        .attr("xmlns:tns", &tns)
        .attr("elementFormDefault", "qualified");
    if d.chance(0.3) {
        sch.set("version", vocab::semver(d));
    }
    if d.chance(0.4) {
        sch.push(
            El::new("xs:annotation")
                .child(El::leaf("xs:documentation", vocab::sentence(d)).attr("xml:lang", "en")),
        );
    }
    let mut known: Vec<String> = Vec::new();
    for _ in 0..d.range(1, 5) {
        let name = vocab::type_name(d);
        if known.contains(&name) {
            continue;
        }
        if d.chance(0.4) {
            let mut st = El::new("xs:simpleType").attr("name", &name);
            let r = match d.below(3) {
                0 => {
                    let mut r = El::new("xs:restriction").attr("base", "xs:string");
                    for v in d.some(ADJECTIVES, 2, 5) {
                        r.push(El::new("xs:enumeration").attr("value", v));
                    }
                    r
                }
                1 => El::new("xs:restriction")
                    .attr("base", "xs:string")
                    .child(El::new("xs:pattern").attr(
                        "value",
                        format!("[A-Z]{{{}}}-[0-9]{{{}}}", d.range(2, 4), d.range(3, 8)),
                    ))
                    .child(El::new("xs:maxLength").attr("value", d.range(8, 64).to_string())),
                _ => El::new("xs:restriction")
                    .attr("base", d.pick(&["xs:int", "xs:decimal"]))
                    .child(El::new("xs:minInclusive").attr("value", d.range(0, 10).to_string()))
                    .child(
                        El::new("xs:maxInclusive").attr("value", d.range(100, 100000).to_string()),
                    ),
            };
            st.push(r);
            sch.push(st);
        } else {
            let mut ct = El::new("xs:complexType").attr("name", &name);
            if let Some(c) = maybe_comment(d, 0.15) {
                ct.children.push(c);
            }
            ct.push(xsd_particle(d, 1, &known));
            for _ in 0..d.range(0, 2) {
                let an = vocab::camel(&[d.pick(NOUNS), "id"]);
                if ct.children.iter().any(|c| matches!(c, Node::El(e) if e.name == "xs:attribute" && e.attrs.iter().any(|(_, v)| *v == an))) {
                    continue;
                }
                let mut a = El::new("xs:attribute")
                    .attr("name", an)
                    .attr("type", xsd_type(d, &[]));
                if d.chance(0.5) {
                    a.set("use", "required");
                }
                ct.push(a);
            }
            sch.push(ct);
        }
        known.push(name);
    }
    let root_type = if known.is_empty() {
        "xs:string".into()
    } else {
        format!("tns:{}", known[d.below(known.len())])
    };
    sch.push(
        El::new("xs:element")
            .attr("name", vocab::camel(&[d.pick(NOUNS)]))
            .attr("type", root_type),
    );
    let decl = decl(d, s);
    writer(s).document(decl.as_deref(), &[], &sch)
}
