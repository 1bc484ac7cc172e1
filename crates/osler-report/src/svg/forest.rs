//! Forest plot: one row per estimate (a ratio with its 95% interval) on a
//! log axis, with labels on the left and the numbers on the right.

use super::axis::{Scale, px};
use super::geom::{text_width, truncate};
use super::{REFERENCE_COLOUR, finish_with_x_label, svg_open, write_title, write_x_axis};
use crate::escape;
use std::fmt::Write as _;

/// One row of a [`forest_plot`].
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    /// Text on the left (e.g. "tgrade=II").
    pub label: String,
    /// Point estimate (ratio scale); non-finite draws nothing (a heading row).
    pub estimate: f64,
    /// Lower end of the interval (non-finite: no interval drawn).
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
    /// Text on the right (e.g. "0.69 (0.54 to 0.89)"; "n = 12, not estimable").
    pub note: String,
    /// Drawn as a diamond in bold (an overall estimate); otherwise a square.
    pub summary: bool,
}

impl ForestRow {
    /// A heading row: a label in bold with no estimate.
    pub fn heading(label: impl Into<String>) -> Self {
        ForestRow {
            label: label.into(),
            estimate: f64::NAN,
            lower: f64::NAN,
            upper: f64::NAN,
            note: String::new(),
            summary: true,
        }
    }
}

/// Ticks on a log axis from `lo` to `hi`: the densest of the 1-1.25-...-8,
/// 1-2-3-5, 1-2-5 and 1-per-decade series whose neighbouring ticks are at
/// least `min_gap` apart in `ln` units (decades as a last resort).
fn log_ticks(lo: f64, hi: f64, min_gap: f64) -> Vec<f64> {
    const SERIES: [&[f64]; 4] = [
        &[1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0],
        &[1.0, 2.0, 3.0, 5.0],
        &[1.0, 2.0, 5.0],
        &[1.0],
    ];
    let (e0, e1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let within = |mults: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        for e in e0..=e1 {
            for m in mults {
                // Dividing by an exact power of ten keeps 0.6 as 0.6 (not 6 * 0.1).
                let v = if e >= 0 { m * 10f64.powi(e) } else { m / 10f64.powi(-e) };
                if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                    out.push(v);
                }
            }
        }
        out
    };
    for mults in &SERIES[..3] {
        let t = within(mults);
        if t.windows(2).all(|w| (w[1] / w[0]).ln() >= min_gap) {
            return t;
        }
    }
    within(SERIES[3])
}

/// A forest plot of ratios on a log axis with a dashed reference line at
/// `reference` (1 for hazard or odds ratios).
///
/// The axis covers every finite interval and the reference, padded by a
/// tenth of a decade. Rows whose estimate is not finite show their label
/// and note only (headings when `summary` is set). Non-positive values
/// cannot be shown on a log axis and are skipped.
pub fn forest_plot(title: &str, x_label: &str, rows: &[ForestRow], reference: f64) -> String {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    let mut lo = if ok(reference) { reference } else { 1.0 };
    let mut hi = lo;
    for r in rows {
        for v in [r.estimate, r.lower, r.upper] {
            if ok(v) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    let (lo, hi) = (lo / 10f64.powf(0.1), hi * 10f64.powf(0.1));

    let width = 760.0;
    let row_h = 22.0;
    let top = if title.is_empty() { 14.0 } else { 44.0 };
    let bottom = if x_label.is_empty() { 34.0 } else { 54.0 };
    let height = top + row_h * rows.len().max(1) as f64 + 8.0 + bottom;
    let labels: Vec<String> = rows.iter().map(|r| truncate(&r.label, 36)).collect();
    let notes: Vec<String> = rows.iter().map(|r| truncate(&r.note, 34)).collect();
    let label_w = labels.iter().map(|l| text_width(l, 11.5)).fold(0.0, f64::max);
    let note_w = notes.iter().map(|l| text_width(l, 11.0)).fold(0.0, f64::max);
    let x0 = (label_w + 18.0).clamp(60.0, width * 0.36);
    let x1 = width - (note_w + 22.0).clamp(40.0, width * 0.3);
    let (y0, y1) = (top, height - bottom);
    let sx = Scale { d0: lo.ln(), d1: hi.ln(), r0: x0, r1: x1 };
    let map = |v: f64| sx.map(v.clamp(lo, hi).ln());
    // Tick labels at least 34 px apart.
    let ticks = log_ticks(lo, hi, 34.0 * (hi / lo).ln() / (x1 - x0));

    let desc = format!(
        "Forest plot of {} estimates on a log axis from {} to {}, reference line at {}.",
        rows.iter().filter(|r| ok(r.estimate)).count(),
        crate::format::fmt_num(lo, 3),
        crate::format::fmt_num(hi, 3),
        crate::format::fmt_num(reference, 3)
    );
    let mut out = svg_open(width, height, title, &desc);
    write_title(&mut out, width, title);
    // Shortest round trip: the ticks are exact decimals (0.3, 1, 2.5).
    let tick_marks: Vec<(f64, String)> = ticks.iter().map(|&v| (map(v), v.to_string())).collect();
    write_x_axis(&mut out, &tick_marks, (x0, x1), (y0, y1));
    if ok(reference) {
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{REFERENCE_COLOUR}\" stroke-dasharray=\"5 3\"/>",
            px(y0),
            px(y1),
            x = px(map(reference))
        );
    }
    out.push_str("<g font-size=\"11.5\">\n");
    for (i, r) in rows.iter().enumerate() {
        let cy = y0 + 4.0 + row_h * (i as f64 + 0.5);
        let weight = if r.summary { " font-weight=\"600\"" } else { "" };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1a1a1a\"{weight}>{}</text>",
            px(x0 - 8.0),
            px(cy + 4.0),
            escape(&labels[i])
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#333333\"{weight}>{}</text>",
            px(x1 + 10.0),
            px(cy + 4.0),
            escape(&notes[i])
        );
        if ok(r.lower) && ok(r.upper) {
            let (a, b) = (map(r.lower), map(r.upper));
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#0072B2\" stroke-width=\"1.6\"/>",
                px(a),
                px(cy),
                px(b),
                px(cy)
            );
        }
        if ok(r.estimate) {
            let x = map(r.estimate);
            let tip = format!("{}: {}", r.label, r.note);
            if r.summary {
                let _ = writeln!(
                    out,
                    "<polygon points=\"{},{} {},{} {},{} {},{}\" fill=\"#1a1a1a\"><title>{}</title></polygon>",
                    px(x),
                    px(cy - 6.0),
                    px(x + 6.0),
                    px(cy),
                    px(x),
                    px(cy + 6.0),
                    px(x - 6.0),
                    px(cy),
                    escape(&tip)
                );
            } else {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"#0072B2\"><title>{}</title></rect>",
                    px(x - 4.0),
                    px(cy - 4.0),
                    escape(&tip)
                );
            }
        }
    }
    out.push_str("</g>\n");
    finish_with_x_label(out, x_label, (x0, x1), y1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, e: f64, l: f64, u: f64) -> ForestRow {
        ForestRow {
            label: label.into(),
            estimate: e,
            lower: l,
            upper: u,
            note: if e.is_finite() { format!("{e}") } else { "n/a".into() },
            summary: false,
        }
    }

    #[test]
    fn renders_rows_reference_and_escapes() {
        let rows = vec![
            ForestRow::heading("All <patients>"),
            row("a & b", 0.7, 0.5, 0.9),
            row("wide", 2.0, 0.1, 40.0),
            row("not estimable", f64::NAN, f64::NAN, f64::NAN),
        ];
        let svg = forest_plot("HR", "Hazard ratio (log scale)", &rows, 1.0);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("All &lt;patients&gt;") && svg.contains("a &amp; b"));
        assert!(svg.contains("stroke-dasharray=\"5 3\""));
        assert_eq!(svg.matches("<rect x=").count(), 1 + 2, "background + two squares");
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        // Deterministic.
        assert_eq!(svg, forest_plot("HR", "Hazard ratio (log scale)", &rows, 1.0));
    }

    #[test]
    fn ticks_are_nice_on_a_log_axis() {
        assert_eq!(log_ticks(0.4, 2.1, 0.1), vec![0.4, 0.5, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0]);
        assert_eq!(log_ticks(0.4, 2.1, 0.3), vec![0.5, 1.0, 2.0]);
        assert_eq!(log_ticks(0.25, 2.1, 0.3), vec![0.3, 0.5, 1.0, 2.0]);
        assert_eq!(
            log_ticks(0.05, 30.0, 0.45),
            vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
        );
        assert_eq!(log_ticks(0.001, 100.0, 0.8), vec![0.001, 0.01, 0.1, 1.0, 10.0, 100.0]);
    }
}
