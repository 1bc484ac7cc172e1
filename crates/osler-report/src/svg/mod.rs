//! Hand-written SVG charts: [`Plot`] for 2-D line/step/point charts,
//! [`bar_chart_horizontal`], [`histogram`] and [`forest_plot`].
//!
//! Output is a standalone `<svg>` element (with `xmlns`, `width`, `height`,
//! `viewBox`, `role="img"`, `aria-label`, `<title>` and `<desc>`) that can be
//! inlined in HTML or saved as a `.svg` file. Non-finite data points are
//! skipped (they break a curve into separate pieces) and are never written
//! into the output; data outside fixed axis ranges is clipped geometrically
//! (no `clipPath` ids, so many plots can share one HTML page).

mod axis;
mod charts;
mod draw;
mod forest;
mod geom;
mod plot;

use std::fmt::Write as _;

pub use axis::Ticks;
pub use charts::{bar_chart_horizontal, histogram};
pub use forest::{ForestRow, forest_plot};
pub use plot::{ErrorPoint, Plot};

/// The Okabe–Ito colour-blind-safe palette, in its canonical order (black,
/// orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple).
pub const OKABE_ITO: [&str; 8] =
    ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"];

/// Order in which series take Okabe–Ito colours: high-contrast colours first;
/// yellow (poor contrast on white) is left out.
const SERIES_ORDER: [&str; 7] =
    ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

/// Colour of the `i`-th data series (cycles through the Okabe–Ito palette,
/// skipping yellow).
pub fn series_colour(i: usize) -> &'static str {
    SERIES_ORDER[i % SERIES_ORDER.len()]
}

/// Colour for reference lines and other non-data guides.
pub const REFERENCE_COLOUR: &str = "#6b6b6b";

/// Font stack used for all SVG text (system fonts; nothing is downloaded).
pub(crate) const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// Opening `<svg>` tag plus `<title>` and `<desc>` for accessibility.
pub(crate) fn svg_open(width: f64, height: f64, title: &str, desc: &str) -> String {
    let t = crate::escape(title);
    let label = if title.is_empty() { "Chart".to_string() } else { t.clone() };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\" \
         font-family=\"{FONT_FAMILY}\" font-size=\"12\">\n<title>{label}</title>\n<desc>{d}</desc>\n\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = axis::px(width),
        h = axis::px(height),
        d = crate::escape(desc),
    )
}

/// Writes the centred chart title of a chart `width` wide (nothing for an
/// empty title).
pub(crate) fn write_title(out: &mut String, width: f64, title: &str) {
    if !title.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"#1a1a1a\">{}</text>",
            axis::px(width / 2.0),
            crate::escape(title)
        );
    }
}

/// Writes a horizontal value axis on the plot area `x0..x1` by `y0..y1`:
/// a vertical grid line and a label below `y1` at each `(pixel x, label)`
/// tick, then the axis line along `y1`.
pub(crate) fn write_x_axis(
    out: &mut String,
    ticks: &[(f64, String)],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) {
    out.push_str("<g stroke=\"#e2e2e2\">\n");
    for (x, _) in ticks {
        let x = axis::px(*x);
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            axis::px(y0),
            axis::px(y1)
        );
    }
    out.push_str("</g>\n<g font-size=\"11\" fill=\"#333333\" text-anchor=\"middle\">\n");
    for (x, label) in ticks {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            axis::px(*x),
            axis::px(y1 + 16.0),
            crate::escape(label)
        );
    }
    out.push_str("</g>\n");
    let _ = writeln!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8c8c8c\"/>",
        axis::px(x0),
        axis::px(y1),
        axis::px(x1),
        axis::px(y1)
    );
}

/// Writes the x-axis label centred under `x0..x1` below the axis at `y1`
/// (nothing for an empty label) and closes the `<svg>`.
pub(crate) fn finish_with_x_label(
    mut out: String,
    x_label: &str,
    (x0, x1): (f64, f64),
    y1: f64,
) -> String {
    if !x_label.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12.5\" fill=\"#1a1a1a\">{}</text>",
            axis::px((x0 + x1) / 2.0),
            axis::px(y1 + 38.0),
            crate::escape(x_label)
        );
    }
    out.push_str("</svg>");
    out
}
