//! Drawing helpers for [`Plot`]: series, error bars, legend entries, axes.

use super::axis::{Scale, Ticks, px};
use super::geom::{Marker, Pt, Rect, clip_polyline, finite_runs, points_attr, post_step};
use super::plot::Plot;
use crate::escape;
use std::fmt::Write as _;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Line,
    Step,
    /// Post-step outline with a translucent fill down to y = 0 (histograms).
    StepArea,
    Points,
    Reference,
}

/// One named data series.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Series {
    pub(super) name: String,
    pub(super) kind: Kind,
    pub(super) points: Vec<(f64, f64)>,
    /// Error bars parallel to `points` (empty when the series has none).
    pub(super) errors: Vec<(f64, f64)>,
}

impl Plot {
    /// Gridlines, frame, ticks, tick labels and axis labels.
    pub(super) fn axes(
        &self,
        out: &mut String,
        a: &Rect,
        xt: &Ticks,
        yt: &Ticks,
        sx: Scale,
        sy: Scale,
    ) {
        out.push_str("<g stroke=\"#e2e2e2\" stroke-width=\"1\">\n");
        if self.grid {
            for &v in &xt.values {
                let x = px(sx.map(v));
                let _ = writeln!(
                    out,
                    "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
                    px(a.y0),
                    px(a.y1)
                );
            }
            for &v in &yt.values {
                let y = px(sy.map(v));
                let _ = writeln!(
                    out,
                    "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
                    px(a.x0),
                    px(a.x1)
                );
            }
        }
        out.push_str("</g>\n");
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#8c8c8c\"/>",
            px(a.x0),
            px(a.y0),
            px(a.x1 - a.x0),
            px(a.y1 - a.y0)
        );
        out.push_str("<g font-size=\"11\" fill=\"#333333\">\n");
        for &v in &xt.values {
            let x = px(sx.map(v));
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#8c8c8c\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                px(a.y1),
                px(a.y1 + 4.0),
                px(a.y1 + 17.0),
                escape(&xt.label(v))
            );
        }
        for &v in &yt.values {
            let y = px(sy.map(v));
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#8c8c8c\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                px(a.x0 - 4.0),
                px(a.x0),
                px(a.x0 - 7.0),
                px(sy.map(v) + 4.0),
                escape(&yt.label(v))
            );
        }
        out.push_str("</g>\n");
        if !self.x_label.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12.5\" fill=\"#1a1a1a\">{}</text>",
                px((a.x0 + a.x1) / 2.0),
                px(a.y1 + 38.0),
                escape(&self.x_label)
            );
        }
        if !self.y_label.is_empty() {
            let (x, y) = (px(16.0), px((a.y0 + a.y1) / 2.0));
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{y}\" transform=\"rotate(-90 {x} {y})\" text-anchor=\"middle\" font-size=\"12.5\" fill=\"#1a1a1a\">{}</text>",
                escape(&self.y_label)
            );
        }
    }
}

/// One legend item: which series, its (possibly shortened) label and the
/// horizontal space it takes.
#[derive(Debug, Clone)]
pub(super) struct LegendEntry {
    pub(super) series: usize,
    pub(super) text: String,
    pub(super) width: f64,
}

/// Resolved drawing style of one series.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    pub(super) colour: &'static str,
    pub(super) dash: &'static str,
    pub(super) marker: Marker,
}

fn dash_attr(dash: &str) -> String {
    if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") }
}

pub(super) fn draw_series(
    out: &mut String,
    s: &Series,
    st: &Style,
    a: &Rect,
    sx: Scale,
    sy: Scale,
) {
    let to_px = |p: &(f64, f64)| -> Pt { (sx.map(p.0), sy.map(p.1)) };
    let width = if s.kind == Kind::Reference { 1.3 } else { 2.0 };
    let line_attrs =
        format!("stroke=\"{}\" stroke-width=\"{width}\"{}", st.colour, dash_attr(st.dash));
    match s.kind {
        Kind::Line | Kind::Step | Kind::StepArea | Kind::Reference => {
            for run in finite_runs(&s.points) {
                let mut v: Vec<Pt> = run.iter().map(to_px).collect();
                if s.kind != Kind::Line && s.kind != Kind::Reference {
                    v = post_step(&v);
                }
                if s.kind == Kind::StepArea && v.len() >= 2 {
                    let base = sy.map(0.0_f64.clamp(sy.d0.min(sy.d1), sy.d0.max(sy.d1)));
                    let mut poly: Vec<Pt> = v.iter().map(|&p| a.clamp(p)).collect();
                    if let (Some(first), Some(last)) = (poly.first().copied(), poly.last().copied())
                    {
                        poly.push(a.clamp((last.0, base)));
                        poly.insert(0, a.clamp((first.0, base)));
                    }
                    let _ = writeln!(
                        out,
                        "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.22\" stroke=\"none\"/>",
                        points_attr(&poly),
                        st.colour
                    );
                }
                for piece in clip_polyline(&v, a) {
                    let _ = writeln!(
                        out,
                        "<polyline points=\"{}\" {line_attrs}/>",
                        points_attr(&piece)
                    );
                }
            }
        }
        Kind::Points => {
            for (i, p) in s.points.iter().enumerate() {
                if !(p.0.is_finite() && p.1.is_finite()) {
                    continue;
                }
                let c = to_px(p);
                if !a.contains(c, 0.5) {
                    continue;
                }
                if let Some(&(lo, hi)) = s.errors.get(i)
                    && lo.is_finite()
                    && hi.is_finite()
                {
                    error_bar(out, c.0, sy.map(lo), sy.map(hi), a, st.colour);
                }
                out.push_str(&st.marker.svg(c, st.colour));
                out.push('\n');
            }
        }
    }
}

/// Vertical error bar at pixel x from pixel y `lo` to `hi`, clipped to the
/// plot area; caps are drawn only on ends that were not clipped.
fn error_bar(out: &mut String, x: f64, lo: f64, hi: f64, a: &Rect, colour: &str) {
    let (y_top, y_bot) = (lo.min(hi), lo.max(hi));
    let (t, b) = (y_top.max(a.y0), y_bot.min(a.y1));
    if t > b {
        return;
    }
    let mut d = format!("M{} {}V{}", px(x), px(t), px(b));
    for (end, clipped) in [(t, y_top < a.y0), (b, y_bot > a.y1)] {
        if !clipped {
            let _ = write!(d, "M{} {}H{}", px(x - 3.5), px(end), px(x + 3.5));
        }
    }
    let _ = writeln!(out, "<path d=\"{d}\" stroke=\"{colour}\" stroke-width=\"1.4\"/>");
}

pub(super) fn legend_entry(out: &mut String, s: &Series, st: &Style, x: f64, y: f64, text: &str) {
    match s.kind {
        Kind::Points => {
            if !s.errors.is_empty() {
                let _ = writeln!(
                    out,
                    "<path d=\"M{x} {t}V{b}\" stroke=\"{c}\" stroke-width=\"1.4\" fill=\"none\"/>",
                    x = px(x + 12.0),
                    t = px(y - 6.0),
                    b = px(y + 6.0),
                    c = st.colour
                );
            }
            out.push_str(&st.marker.svg((x + 12.0, y), st.colour));
            out.push('\n');
        }
        Kind::StepArea => {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"10\" fill=\"{c}\" fill-opacity=\"0.22\" stroke=\"{c}\" stroke-width=\"1.5\"/>",
                px(x),
                px(y - 5.0),
                c = st.colour
            );
        }
        _ => {
            let width = if s.kind == Kind::Reference { 1.3 } else { 2.0 };
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"{width}\"{}/>",
                px(x),
                px(x + 24.0),
                st.colour,
                dash_attr(st.dash),
                y = px(y)
            );
        }
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{}</text>",
        px(x + 32.0),
        px(y + 4.0),
        escape(text)
    );
}
