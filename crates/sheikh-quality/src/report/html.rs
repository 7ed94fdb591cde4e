//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network).

use std::fmt::Write;

use super::markdown::{bound, mb, pct};
use super::svg::{columns, esc, hbars, unit_curve};
use super::{DataReport, Status};

const STYLE: &str = r#"
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;max-width:980px;margin:2em auto;padding:0 1em}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#666}table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.93em}
th,td{border-bottom:1px solid #e4e4e4;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.1em .55em;border-radius:1em;font-weight:600;font-size:.85em}
.pass{background:#dff3e3;color:#17632a}.fail{background:#fbe0e0;color:#9b1c1c}.na{background:#eee;color:#555}
.cards{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}.card{flex:1;min-width:150px;border:1px solid #e4e4e4;border-radius:8px;padding:.7em 1em}
.card b{display:block;font-size:1.5em}.card span{color:#666;font-size:.85em}
svg.chart{max-width:100%;margin:.5em 0 1em}svg text{font:11px system-ui,sans-serif;fill:#333}
.legend{font-size:12px}.value,.tick{fill:#555;font-size:10px}.axis{stroke:#999}.grid{stroke:#eee}
.marker{stroke:#c00;stroke-dasharray:4 3}.marker-label{fill:#c00;font-size:11px}
.method{color:#555;font-size:.88em}
"#;

fn badge(s: Status) -> &'static str {
    match s {
        Status::Pass => r#"<span class="badge pass">pass</span>"#,
        Status::Fail => r#"<span class="badge fail">fail</span>"#,
        Status::NotMeasured => r#"<span class="badge na">not measured</span>"#,
    }
}

fn table(out: &mut String, head: &[(&str, bool)], rows: impl IntoIterator<Item = Vec<String>>) {
    out.push_str("<table><thead><tr>");
    for (h, numeric) in head {
        let _ = write!(
            out,
            r#"<th{}>{}</th>"#,
            if *numeric { r#" class="n""# } else { "" },
            esc(h)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let numeric = head.get(i).map(|h| h.1).unwrap_or(false);
            // Cells are escaped by the caller when they carry markup (badges).
            let _ = write!(
                out,
                r#"<td{}>{c}</td>"#,
                if numeric { r#" class="n""# } else { "" }
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

pub(super) fn render(r: &DataReport) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>sheikh data-quality report</title><style>{STYLE}</style></head><body>"
    );
    s.push_str("<h1>Data-quality report</h1>");
    if !r.input.is_empty() {
        let _ = write!(
            s,
            r#"<p class="sub">Input: <code>{}</code></p>"#,
            esc(&r.input)
        );
    }
    let passed = r
        .targets
        .iter()
        .filter(|t| t.status == Status::Pass)
        .count();
    let measured = r
        .targets
        .iter()
        .filter(|t| t.status != Status::NotMeasured)
        .count();
    let _ = write!(
        s,
        r#"<div class="cards"><div class="card"><b>{}</b><span>documents read ({} MB)</span></div><div class="card"><b>{}</b><span>documents written ({} MB)</span></div><div class="card"><b>{}</b><span>written share of documents</span></div><div class="card"><b>{passed} / {measured}</b><span>measured targets met</span></div></div>"#,
        r.documents_read,
        mb(r.bytes_read),
        r.documents_written,
        mb(r.bytes_written),
        pct(r.documents_written, r.documents_read),
    );

    s.push_str("<h2>Quality metrics</h2><p>Targets from the data-preparation strategy's quality table.</p>");
    table(
        &mut s,
        &[
            ("metric", false),
            ("target", true),
            ("measured", true),
            ("status", false),
            ("how it is measured", false),
        ],
        r.targets.iter().map(|t| {
            vec![
                esc(&t.metric),
                esc(&t.target_label()),
                esc(&t.measured_label()),
                badge(t.status).to_string(),
                format!(r#"<span class="method">{}</span>"#, esc(&t.method)),
            ]
        }),
    );

    s.push_str("<h2>Languages in and out</h2>");
    let labels: Vec<String> = r.languages.iter().map(|l| l.language.to_string()).collect();
    s.push_str(&hbars(
        &labels,
        &[
            (
                "documents in",
                r.languages.iter().map(|l| l.input.docs as f64).collect(),
            ),
            (
                "documents out",
                r.languages.iter().map(|l| l.output.docs as f64).collect(),
            ),
        ],
        "",
        None,
        None,
    ));
    let max_bytes = r.languages.iter().map(|l| l.input.bytes).max().unwrap_or(0);
    let (unit, div) = if max_bytes >= 10_000_000 {
        ("MB", 1e6)
    } else {
        ("KB", 1e3)
    };
    let (unit_in, unit_out) = (format!("{unit} in"), format!("{unit} out"));
    s.push_str(&hbars(
        &labels,
        &[
            (
                unit_in.as_str(),
                r.languages
                    .iter()
                    .map(|l| l.input.bytes as f64 / div)
                    .collect(),
            ),
            (
                unit_out.as_str(),
                r.languages
                    .iter()
                    .map(|l| l.output.bytes as f64 / div)
                    .collect(),
            ),
        ],
        &format!(" {unit}"),
        None,
        None,
    ));
    table(
        &mut s,
        &[
            ("language", false),
            ("docs in", true),
            ("docs out", true),
            ("MB in", true),
            ("MB out", true),
            ("quality ≥ threshold", true),
            ("syntax valid", true),
            ("langid agreement", true),
        ],
        r.languages.iter().map(|l| {
            vec![
                esc(&l.language.to_string()),
                l.input.docs.to_string(),
                l.output.docs.to_string(),
                mb(l.input.bytes),
                mb(l.output.bytes),
                pct(l.above_quality_threshold, l.output.docs),
                pct(l.syntax_valid, l.syntax_checked),
                pct(l.langid_agree, l.langid_checked),
            ]
        }),
    );

    let (content_labels, rows) = r.language_confusion();
    if !rows.is_empty() {
        s.push_str("<h2>Language Accuracy: path label (rows) against the content classifier (columns)</h2>");
        let mut head: Vec<(String, bool)> = vec![("path label".to_string(), false)];
        head.extend(content_labels.iter().map(|c| (c.to_string(), true)));
        let head: Vec<(&str, bool)> = head.iter().map(|(h, n)| (h.as_str(), *n)).collect();
        table(
            &mut s,
            &head,
            rows.iter().map(|(label, counts)| {
                std::iter::once(esc(&label.to_string()))
                    .chain(counts.iter().map(|n| n.to_string()))
                    .collect()
            }),
        );
    }

    s.push_str("<h2>Syntax validity per language</h2>");
    let checked: Vec<_> = r
        .languages
        .iter()
        .filter(|l| l.syntax_checked > 0)
        .collect();
    if checked.is_empty() {
        s.push_str("<p>No written document was checked by the syntax stage.</p>");
    } else {
        s.push_str(&hbars(
            &checked
                .iter()
                .map(|l| l.language.to_string())
                .collect::<Vec<_>>(),
            &[(
                "valid share of checked documents (%)",
                checked
                    .iter()
                    .map(|l| 100.0 * l.syntax_valid as f64 / l.syntax_checked as f64)
                    .collect(),
            )],
            "%",
            Some(100.0),
            Some((90.0, "target 90%")),
        ));
    }

    s.push_str("<h2>Drops by stage and reason</h2>");
    if r.drops.is_empty() {
        s.push_str("<p>Nothing was dropped.</p>");
    } else {
        s.push_str(&hbars(
            &r.drops
                .iter()
                .map(|d| format!("{}: {}", d.stage, d.reason))
                .collect::<Vec<_>>(),
            &[(
                "documents dropped",
                r.drops.iter().map(|d| d.dropped.docs as f64).collect(),
            )],
            "",
            None,
            None,
        ));
        table(
            &mut s,
            &[
                ("stage", false),
                ("reason", false),
                ("documents", true),
                ("MB", true),
            ],
            r.drops.iter().map(|d| {
                vec![
                    esc(&d.stage),
                    esc(&d.reason),
                    d.dropped.docs.to_string(),
                    mb(d.dropped.bytes),
                ]
            }),
        );
    }
    table(
        &mut s,
        &[
            ("stage", false),
            ("docs in", true),
            ("docs out", true),
            ("MB in", true),
            ("MB out", true),
            ("seconds", true),
        ],
        r.stages.iter().map(|st| {
            vec![
                esc(&st.stage),
                st.input.docs.to_string(),
                st.output.docs.to_string(),
                mb(st.input.bytes),
                mb(st.output.bytes),
                format!("{:.3}", st.seconds),
            ]
        }),
    );

    s.push_str("<h2>Sizes of written documents</h2>");
    let (bl, bv): (Vec<String>, Vec<f64>) = r
        .bytes_histogram
        .iter()
        .map(|(b, n)| (format!("≤{}", bound(*b)), *n as f64))
        .unzip();
    s.push_str(&columns(
        &bl,
        &bv,
        "document size in bytes (power-of-two buckets)",
        None,
    ));
    let (ll, lv): (Vec<String>, Vec<f64>) = r
        .lines_histogram
        .iter()
        .map(|(b, n)| (format!("≤{}", bound(*b)), *n as f64))
        .unzip();
    s.push_str(&columns(
        &ll,
        &lv,
        "document size in lines (power-of-two buckets)",
        None,
    ));

    let _ = write!(
        s,
        "<h2>Quality scores</h2><p>Green bars are at or above the threshold ({}).</p>",
        r.quality_threshold
    );
    let ql: Vec<String> = (0..r.quality_score_bins.len())
        .map(|i| format!("{:.1}", i as f64 / 10.0))
        .collect();
    let qv: Vec<f64> = r.quality_score_bins.iter().map(|&n| n as f64).collect();
    let first_pass = (r.quality_threshold * 10.0).ceil() as usize;
    s.push_str(&columns(
        &ql,
        &qv,
        "quality score (bin start)",
        Some(first_pass),
    ));

    if let Some(t) = &r.tokens {
        let _ = write!(
            s,
            "<h2>Tokens</h2><p>Tokenizer: <code>{}</code></p>",
            esc(&t.tokenizer)
        );
        let langs: Vec<String> = t.per_language.keys().cloned().collect();
        s.push_str(&hbars(
            &langs,
            &[(
                "tokens",
                t.per_language.values().map(|&n| n as f64).collect(),
            )],
            "",
            None,
            None,
        ));
        let (tl, tv): (Vec<String>, Vec<f64>) = t
            .length_buckets
            .iter()
            .skip_while(|b| b.1 == 0)
            .map(|(b, d, _)| (format!("≤{}", bound(*b)), *d as f64))
            .unzip();
        s.push_str(&columns(
            &tl,
            &tv,
            "document length in tokens (power-of-two buckets)",
            None,
        ));
    }

    if let Some(d) = &r.dedup {
        let _ = write!(
            s,
            "<h2>Deduplication</h2><p>{} documents in; <b>{}</b> exact and <b>{}</b> near duplicates removed ({:.2}%); {} clusters, the largest of {}. LSH with {} bands × {} rows for Jaccard threshold {}: the curve is the probability that a pair of documents with a given Jaccard similarity becomes a candidate.</p>",
            d.documents, d.exact_duplicates, d.near_duplicates, 100.0 * d.duplication_rate,
            d.clusters, d.largest_cluster, d.bands, d.rows, d.threshold
        );
        s.push_str(&unit_curve(
            &d.s_curve,
            d.threshold,
            "Jaccard similarity",
            "P(candidate)",
        ));
        if !d.cluster_sizes.is_empty() {
            let (cl, cv): (Vec<String>, Vec<f64>) = d
                .cluster_sizes
                .iter()
                .map(|(k, n)| (k.to_string(), *n as f64))
                .unzip();
            s.push_str(&columns(
                &cl,
                &cv,
                "near-duplicate cluster size (documents)",
                None,
            ));
        }
    }

    for t in &r.tables {
        let _ = write!(s, "<h2>{}</h2>", esc(&t.title));
        if !t.caption.is_empty() {
            let _ = write!(s, "<p>{}</p>", esc(&t.caption));
        }
        let head: Vec<(&str, bool)> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i > 0))
            .collect();
        table(
            &mut s,
            &head,
            t.rows.iter().map(|r| r.iter().map(|c| esc(c)).collect()),
        );
    }
    s.push_str(r#"<p class="sub">Written by sheikh. JSON: report.json · Markdown: report.md</p></body></html>"#);
    s.push('\n');
    s
}
