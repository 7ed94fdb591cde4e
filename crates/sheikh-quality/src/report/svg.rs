//! Small inline SVG charts: grouped horizontal bars, vertical histograms, a line chart.

use std::fmt::Write;

/// Escapes text for HTML/SVG.
pub(super) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Series colours (colour-blind safe).
pub(super) const COLOURS: [&str; 4] = ["#4477aa", "#ee6677", "#228833", "#ccbb44"];

fn compact(v: f64) -> String {
    if v >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if v.fract() == 0.0 {
        format!("{v}")
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else if v >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.1e}")
    }
}

/// Horizontal bars: one group per label, one bar per series, with a legend.
/// `marker` draws a vertical reference line at that value (e.g. a 90 % target).
pub(super) fn hbars(
    labels: &[String],
    series: &[(&str, Vec<f64>)],
    unit: &str,
    max: Option<f64>,
    marker: Option<(f64, &str)>,
) -> String {
    let bar_h = 14.0;
    let group_h = bar_h * series.len() as f64 + 10.0;
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let left = (7.5 * longest as f64 + 20.0).clamp(100.0, 320.0);
    let (right, top) = (80.0, 26.0);
    let width = 640.0;
    let plot_w = width - left - right;
    let height = top + group_h * labels.len() as f64 + 10.0;
    let vmax = max
        .unwrap_or_else(|| {
            series
                .iter()
                .flat_map(|(_, v)| v.iter().copied())
                .fold(0.0, f64::max)
        })
        .max(1e-12);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" class="chart">"#
    );
    let mut lx = left;
    for (k, (name, _)) in series.iter().enumerate() {
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="6" width="10" height="10" fill="{}"/><text x="{}" y="15" class="legend">{}</text>"#,
            COLOURS[k % COLOURS.len()],
            lx + 14.0,
            esc(name)
        );
        lx += 34.0 + 8.5 * name.chars().count() as f64;
    }
    for (i, label) in labels.iter().enumerate() {
        let y0 = top + group_h * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text>"#,
            left - 8.0,
            y0 + group_h / 2.0,
            esc(label)
        );
        for (k, (_, values)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0);
            let w = (v / vmax).clamp(0.0, 1.0) * plot_w;
            let y = y0 + bar_h * k as f64;
            let _ = write!(
                s,
                r#"<rect x="{left}" y="{y}" width="{w:.1}" height="{}" fill="{}"><title>{}: {}{unit}</title></rect><text x="{:.1}" y="{}" class="value">{}{unit}</text>"#,
                bar_h - 2.0,
                COLOURS[k % COLOURS.len()],
                esc(label),
                compact(v),
                left + w + 4.0,
                y + bar_h - 4.0,
                compact(v)
            );
        }
    }
    if let Some((m, text)) = marker {
        let x = left + (m / vmax).clamp(0.0, 1.0) * plot_w;
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="rgb(204,0,0)" stroke-dasharray="4 3" class="marker"/><text x="{x:.1}" y="{}" text-anchor="middle" class="marker-label">{}</text>"#,
            top - 4.0,
            height - 4.0,
            height - 1.0,
            esc(text)
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical histogram bars with category labels under each bar.
/// `highlight_from` colours bars from that index on in the second colour.
pub(super) fn columns(
    labels: &[String],
    values: &[f64],
    x_title: &str,
    highlight_from: Option<usize>,
) -> String {
    let (left, bottom, top) = (50.0, 44.0, 10.0);
    let width = 640.0;
    let height = 220.0;
    let plot_w = width - left - 10.0;
    let plot_h = height - top - bottom;
    let n = values.len().max(1) as f64;
    let slot = plot_w / n;
    let vmax = values.iter().copied().fold(0.0, f64::max).max(1e-12);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" class="chart">"#
    );
    let _ = write!(
        s,
        r#"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="rgb(153,153,153)" class="axis"/>"#,
        top + plot_h,
        width - 10.0,
        top + plot_h
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
        left - 6.0,
        top + 10.0,
        compact(vmax)
    );
    let every = (values.len() / 16).max(1);
    for (i, &v) in values.iter().enumerate() {
        let h = v / vmax * plot_h;
        let x = left + slot * i as f64;
        let colour = match highlight_from {
            Some(k) if i >= k => COLOURS[2],
            _ => COLOURS[0],
        };
        let label = labels.get(i).map(String::as_str).unwrap_or("");
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{colour}"><title>{}: {}</title></rect>"#,
            x + 1.0,
            top + plot_h - h,
            (slot - 2.0).max(1.0),
            esc(label),
            compact(v)
        );
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{}" text-anchor="middle" class="tick">{}</text>"#,
                x + slot / 2.0,
                top + plot_h + 14.0,
                esc(label)
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle" class="label">{}</text></svg>"#,
        left + plot_w / 2.0,
        height - 6.0,
        esc(x_title)
    );
    s
}

/// A line chart over `[0, 1] × [0, 1]` with a vertical marker (the LSH S-curve).
pub(super) fn unit_curve(
    points: &[(f64, f64)],
    marker: f64,
    x_title: &str,
    y_title: &str,
) -> String {
    let (left, bottom, top, right) = (50.0, 40.0, 10.0, 20.0);
    let (width, height) = (640.0, 260.0);
    let (pw, ph) = (width - left - right, height - top - bottom);
    let px = |x: f64| left + x.clamp(0.0, 1.0) * pw;
    let py = |y: f64| top + (1.0 - y.clamp(0.0, 1.0)) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" class="chart">"#
    );
    for k in 0..=4 {
        let v = k as f64 / 4.0;
        let _ = write!(
            s,
            r#"<line x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="rgb(238,238,238)" class="grid"/><text x="{}" y="{:.1}" text-anchor="end" class="tick">{v}</text><text x="{:.1}" y="{}" text-anchor="middle" class="tick">{v}</text>"#,
            left + pw,
            left - 6.0,
            py(v) + 4.0,
            px(v),
            top + ph + 14.0,
            y = py(v)
        );
    }
    let path: Vec<String> = points
        .iter()
        .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
        .collect();
    let _ = write!(
        s,
        r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>"#,
        path.join(" "),
        COLOURS[0]
    );
    for &(x, y) in points {
        let _ = write!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{}"><title>s = {x:.2}: P = {y:.4}</title></circle>"#,
            px(x),
            py(y),
            COLOURS[0]
        );
    }
    let _ = write!(
        s,
        r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{}" stroke="rgb(204,0,0)" stroke-dasharray="4 3" class="marker"/><text x="{:.1}" y="{}" class="marker-label">threshold {marker}</text>"#,
        top + ph,
        px(marker) + 6.0,
        top + ph - 8.0,
        x = px(marker)
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle" class="label">{}</text><text x="14" y="{}" class="label" transform="rotate(-90 14 {})" text-anchor="middle">{}</text></svg>"#,
        left + pw / 2.0,
        height - 6.0,
        esc(x_title),
        top + ph / 2.0,
        top + ph / 2.0,
        esc(y_title)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_draws_every_bar() {
        assert_eq!(
            esc("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        let svg = hbars(
            &["JS".into(), "<b>".into()],
            &[("in", vec![2.0, 1.0]), ("out", vec![1.0, 0.0])],
            "",
            None,
            Some((1.5, "target")),
        );
        assert_eq!(svg.matches("<rect").count(), 2 + 4);
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        let col = columns(&["1".into(), "2".into()], &[0.0, 3.0], "bytes", Some(1));
        assert_eq!(col.matches("<rect").count(), 2);
        let curve = unit_curve(&[(0.0, 0.0), (1.0, 1.0)], 0.8, "s", "P");
        assert!(curve.contains("polyline") && curve.contains("threshold 0.8"));
    }
}
