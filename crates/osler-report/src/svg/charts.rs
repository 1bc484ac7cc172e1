//! Ready-made charts: horizontal bar chart and class-wise histogram.

use super::axis::{Scale, Ticks, px};
use super::geom::{text_width, truncate};
use super::{Plot, finish_with_x_label, svg_open, write_title, write_x_axis};
use crate::escape;
use crate::format::fmt_num;
use std::fmt::Write as _;

/// Colour of bars with positive values.
const POSITIVE: &str = "#0072B2";
/// Colour of bars with negative values.
const NEGATIVE: &str = "#D55E00";

/// Horizontal bar chart (feature importances, model coefficients), one row
/// per label in the given order, with the value printed at the end of each
/// bar.
///
/// Bars start at a zero axis: negative values extend to the left (vermillion),
/// positive ones to the right (blue). A non-finite value draws no bar and
/// shows "—". If `labels` and `values` differ in length, the chart has one
/// row per entry of the longer one (missing labels are blank, missing values
/// show "—"), so mismatches are visible rather than silently dropped.
pub fn bar_chart_horizontal(
    title: &str,
    labels: &[String],
    values: &[f64],
    x_label: &str,
) -> String {
    let n = labels.len().max(values.len());
    let value = |i: usize| values.get(i).copied().unwrap_or(f64::NAN);
    let label = |i: usize| labels.get(i).map_or("", String::as_str);
    let finite: Vec<f64> = (0..n).map(value).filter(|v| v.is_finite()).collect();
    let lo = finite.iter().copied().fold(0.0, f64::min);
    let hi = finite.iter().copied().fold(0.0, f64::max);
    // Leave room for the value text beyond the longest bars.
    let pad = (hi - lo) * 0.14;
    let ticks = Ticks::nice(
        if lo < 0.0 { lo - pad } else { 0.0 },
        if hi > 0.0 { hi + pad } else { 0.0 },
        8,
        true,
    );

    let width = 640.0;
    let row = 22.0;
    let top = if title.is_empty() { 14.0 } else { 44.0 };
    let bottom = if x_label.is_empty() { 34.0 } else { 54.0 };
    let height = top + row * n.max(1) as f64 + 8.0 + bottom;
    let shown: Vec<String> = (0..n).map(|i| truncate(label(i), 40)).collect();
    let label_w = shown.iter().map(|l| text_width(l, 11.5)).fold(0.0, f64::max);
    let left = (label_w + 18.0).clamp(40.0, width * 0.45);
    let (x0, x1) = (left, width - 22.0);
    let (y0, y1) = (top, height - bottom);
    let sx = Scale { d0: ticks.min, d1: ticks.max, r0: x0, r1: x1 };

    let desc = format!(
        "Horizontal bar chart with {n} bars; x axis: {} from {} to {}.",
        if x_label.is_empty() { "value" } else { x_label },
        ticks.label(ticks.min),
        ticks.label(ticks.max)
    );
    let mut out = svg_open(width, height, title, &desc);
    write_title(&mut out, width, title);
    let tick_marks: Vec<(f64, String)> =
        ticks.values.iter().map(|&v| (sx.map(v), ticks.label(v))).collect();
    write_x_axis(&mut out, &tick_marks, (x0, x1), (y0, y1));
    let zero = sx.map(0.0);
    out.push_str("<g font-size=\"11.5\">\n");
    for (i, shown_label) in shown.iter().enumerate() {
        let v = value(i);
        let cy = y0 + 4.0 + row * (i as f64 + 0.5);
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>",
            px(x0 - 8.0),
            px(cy + 4.0),
            escape(shown_label)
        );
        let text = fmt_num(v, 3);
        if v.is_finite() {
            let end = sx.map(v);
            let (bx, bw) = (zero.min(end), (end - zero).abs());
            let colour = if v < 0.0 { NEGATIVE } else { POSITIVE };
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"><title>{}: {}</title></rect>",
                px(bx),
                px(cy - row * 0.34),
                px(bw),
                px(row * 0.68),
                escape(label(i)),
                escape(&text)
            );
        }
        let (tx, anchor) = if v < 0.0 {
            (sx.map(v) - 4.0, "end")
        } else if v.is_finite() {
            (sx.map(v) + 4.0, "start")
        } else {
            (zero + 4.0, "start")
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#333333\">{}</text>",
            px(tx),
            px(cy + 4.0),
            escape(&text)
        );
    }
    out.push_str("</g>\n");
    let _ = writeln!(
        out,
        "<line x1=\"{z}\" y1=\"{}\" x2=\"{z}\" y2=\"{}\" stroke=\"#1a1a1a\" stroke-width=\"1.2\"/>",
        px(y0),
        px(y1),
        z = px(zero)
    );
    finish_with_x_label(out, x_label, (x0, x1), y1)
}

/// Histogram of values (e.g. predicted probabilities) per group (e.g. true
/// class), as overlaid translucent step outlines.
///
/// `range` is split into `bins` equal bins (at least 1); the y axis shows
/// the proportion of each group's values in each bin, so groups of different
/// sizes are comparable. Non-finite values and values outside `range` are
/// not counted (the legend shows `n` counted per group). The right edge is
/// inclusive, so a probability of exactly 1 falls in the last bin.
///
/// Returns a [`Plot`] so callers can adjust size or labels before
/// [`Plot::render`].
pub fn histogram(
    title: &str,
    x_label: &str,
    groups: &[(String, Vec<f64>)],
    bins: usize,
    range: (f64, f64),
) -> Plot {
    let bins = bins.max(1);
    let (lo, hi) = if range.0.is_finite() && range.1.is_finite() && range.0 < range.1 {
        range
    } else {
        (0.0, 1.0)
    };
    let w = (hi - lo) / bins as f64;
    let mut plot = Plot::new(title).x_label(x_label).y_label("Proportion of group").x_range(lo, hi);
    for (name, values) in groups {
        let mut counts = vec![0usize; bins];
        for &v in values {
            if v.is_finite() && v >= lo && v <= hi {
                let b = (((v - lo) / w) as usize).min(bins - 1);
                counts[b] += 1;
            }
        }
        let total: usize = counts.iter().sum();
        let denom = total.max(1) as f64;
        let edge = |i: usize| lo + w * i as f64;
        let mut pts = vec![(lo, 0.0)];
        pts.extend(counts.iter().enumerate().map(|(i, &c)| (edge(i), c as f64 / denom)));
        pts.push((hi, counts[bins - 1] as f64 / denom));
        pts.push((hi, 0.0));
        plot = plot.step_area(format!("{name} (n = {total})"), &pts);
    }
    plot
}
