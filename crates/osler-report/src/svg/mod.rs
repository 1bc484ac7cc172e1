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
