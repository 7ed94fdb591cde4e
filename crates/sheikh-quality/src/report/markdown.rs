//! `report.md`.

use std::fmt::Write;

use super::{DataReport, Status};

pub(super) fn mb(bytes: u64) -> String {
    format!("{:.3}", bytes as f64 / 1e6)
}

pub(super) fn pct(n: u64, d: u64) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

/// A size bound for humans: 512, 4 Ki, 2 Mi.
pub(super) fn bound(b: u64) -> String {
    if b >= 1 << 20 && b.is_multiple_of(1 << 20) {
        format!("{} Mi", b >> 20)
    } else if b >= 1 << 10 && b.is_multiple_of(1 << 10) {
        format!("{} Ki", b >> 10)
    } else {
        b.to_string()
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub(super) fn render(r: &DataReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Data-quality report\n");
    if !r.input.is_empty() {
        let _ = writeln!(s, "Input: `{}`\n", r.input);
    }
    let _ = writeln!(
        s,
        "Read {} documents ({} MB); wrote {} documents ({} MB).\n",
        r.documents_read,
        mb(r.bytes_read),
        r.documents_written,
        mb(r.bytes_written)
    );

    s.push_str("## Quality metrics (targets from the data-preparation strategy)\n\n");
    s.push_str(
        "| metric | target | measured | status | how it is measured |\n|---|---:|---:|---|---|\n",
    );
    for t in &r.targets {
        let status = match t.status {
            Status::Pass => "✅ pass",
            Status::Fail => "❌ fail",
            Status::NotMeasured => "— not measured",
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            t.metric,
            t.target_label(),
            t.measured_label(),
            status,
            cell(&t.method)
        );
    }

    s.push_str("\n## Languages in and out\n\n");
    s.push_str("| language | docs in | docs out | MB in | MB out | quality ≥ threshold | syntax valid | langid agreement |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for l in &r.languages {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            l.language,
            l.input.docs,
            l.output.docs,
            mb(l.input.bytes),
            mb(l.output.bytes),
            pct(l.above_quality_threshold, l.output.docs),
            pct(l.syntax_valid, l.syntax_checked),
            pct(l.langid_agree, l.langid_checked),
        );
    }

    let (columns, rows) = r.language_confusion();
    if !rows.is_empty() {
        s.push_str("\n## Language Accuracy: path label (rows) against the content classifier (columns)\n\n| path label |");
        for c in &columns {
            let _ = write!(s, " {c} |");
        }
        s.push_str("\n|---|");
        s.push_str(&"---:|".repeat(columns.len()));
        s.push('\n');
        for (label, counts) in &rows {
            let _ = write!(s, "| {label} |");
            for n in counts {
                let _ = write!(s, " {n} |");
            }
            s.push('\n');
        }
    }

    s.push_str("\n## Stages\n\n| stage | docs in | docs out | MB in | MB out | seconds |\n|---|---:|---:|---:|---:|---:|\n");
    for st in &r.stages {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.3} |",
            st.stage,
            st.input.docs,
            st.output.docs,
            mb(st.input.bytes),
            mb(st.output.bytes),
            st.seconds
        );
    }

    s.push_str("\n## Drops by stage and reason\n\n");
    if r.drops.is_empty() {
        s.push_str("Nothing was dropped.\n");
    } else {
        s.push_str("| stage | reason | documents | MB |\n|---|---|---:|---:|\n");
        for d in &r.drops {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                d.stage,
                d.reason,
                d.dropped.docs,
                mb(d.dropped.bytes)
            );
        }
    }

    s.push_str("\n## Sizes of written documents\n\n| bytes ≤ | documents |\n|---:|---:|\n");
    for (b, n) in &r.bytes_histogram {
        let _ = writeln!(s, "| {} | {n} |", bound(*b));
    }
    s.push_str("\n| lines ≤ | documents |\n|---:|---:|\n");
    for (b, n) in &r.lines_histogram {
        let _ = writeln!(s, "| {} | {n} |", bound(*b));
    }

    let _ = writeln!(
        s,
        "\n## Quality scores (threshold {})\n\n| score | documents |\n|---|---:|",
        r.quality_threshold
    );
    for (i, n) in r.quality_score_bins.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {:.1}–{:.1} | {n} |",
            i as f64 / 10.0,
            (i + 1) as f64 / 10.0
        );
    }

    if let Some(t) = &r.tokens {
        let _ = writeln!(
            s,
            "\n## Tokens (`{}`)\n\n| language | tokens |\n|---|---:|",
            t.tokenizer
        );
        for (l, n) in &t.per_language {
            let _ = writeln!(s, "| {l} | {n} |");
        }
        s.push_str("\n| tokens ≤ | documents | tokens |\n|---:|---:|---:|\n");
        for (b, d, n) in &t.length_buckets {
            if *d > 0 {
                let _ = writeln!(s, "| {} | {d} | {n} |", bound(*b));
            }
        }
    }

    if let Some(d) = &r.dedup {
        let _ = writeln!(
            s,
            "\n## Deduplication\n\n{} documents in; {} exact and {} near duplicates removed ({:.2}%); \
             {} clusters, the largest of {}. LSH: {} bands × {} rows, threshold {}.\n",
            d.documents,
            d.exact_duplicates,
            d.near_duplicates,
            100.0 * d.duplication_rate,
            d.clusters,
            d.largest_cluster,
            d.bands,
            d.rows,
            d.threshold
        );
        if !d.cluster_sizes.is_empty() {
            s.push_str("| cluster size | clusters |\n|---:|---:|\n");
            for (size, n) in &d.cluster_sizes {
                let _ = writeln!(s, "| {size} | {n} |");
            }
            s.push('\n');
        }
        s.push_str("| similarity | P(candidate) |\n|---:|---:|\n");
        for (x, p) in &d.s_curve {
            let _ = writeln!(s, "| {x:.2} | {p:.4} |");
        }
    }

    for t in &r.tables {
        let _ = writeln!(s, "\n## {}\n", t.title);
        if !t.caption.is_empty() {
            let _ = writeln!(s, "{}\n", t.caption);
        }
        let _ = writeln!(s, "| {} |", t.columns.join(" | "));
        let _ = writeln!(s, "|{}", "---|".repeat(t.columns.len()));
        for row in &t.rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
    }
    s
}
