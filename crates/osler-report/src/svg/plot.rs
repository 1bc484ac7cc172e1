//! The [`Plot`] builder for 2-D charts.

use super::axis::{Scale, Ticks, px};
use super::draw::{Kind, LegendEntry, Series, Style, draw_series, legend_entry};
use super::geom::{Marker, Rect, text_width, truncate};
use super::{REFERENCE_COLOUR, series_colour, svg_open};
use crate::escape;
use std::fmt::Write as _;

/// A point with a vertical error bar (e.g. observed proportion with its
/// confidence interval in a calibration plot).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorPoint {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position of the marker.
    pub y: f64,
    /// Lower end of the error bar (non-finite: no bar drawn).
    pub lo: f64,
    /// Upper end of the error bar (non-finite: no bar drawn).
    pub hi: f64,
}

/// Data extent along one axis: `(min, max)` of the finite values, if any.
type Extent = Option<(f64, f64)>;

/// Dash patterns cycled across line-like series so they differ in print.
const DASHES: [&str; 4] = ["", "7 3", "2 3", "10 3 2 3"];

/// Builder for a 2-D chart with a title, axis labels, "nice" ticks,
/// gridlines, a legend and any number of series.
///
/// Series colours come from the Okabe–Ito palette in insertion order
/// ([`series_colour`](super::series_colour)); line series also cycle dash
/// patterns and point series cycle marker shapes, so the chart stays
/// readable in greyscale print. Reference lines are grey and dashed.
///
/// ```
/// use osler_report::svg::{ErrorPoint, Plot};
/// let svg = Plot::new("Calibration")
///     .x_label("Predicted risk")
///     .y_label("Observed proportion")
///     .x_range(0.0, 1.0)
///     .y_range(0.0, 1.0)
///     .reference_line("Perfect calibration", (0.0, 0.0), (1.0, 1.0))
///     .points_with_error_bars("Model", &[ErrorPoint { x: 0.1, y: 0.12, lo: 0.08, hi: 0.16 }])
///     .render();
/// assert!(svg.starts_with("<svg"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub(super) title: String,
    pub(super) x_label: String,
    pub(super) y_label: String,
    pub(super) x_range: Option<(f64, f64)>,
    pub(super) y_range: Option<(f64, f64)>,
    pub(super) width: f64,
    pub(super) height: f64,
    pub(super) grid: bool,
    pub(super) legend: bool,
    pub(super) series: Vec<Series>,
}

impl Plot {
    /// Starts an empty 640×420 plot with gridlines and a legend.
    pub fn new(title: impl Into<String>) -> Self {
        Plot {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: None,
            y_range: None,
            width: 640.0,
            height: 420.0,
            grid: true,
            legend: true,
            series: Vec::new(),
        }
    }

    /// Sets the x-axis label.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Sets the y-axis label.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Fixes the x-axis range (data outside it is clipped). Without this the
    /// range is chosen from the data and widened to nice tick values.
    pub fn x_range(mut self, min: f64, max: f64) -> Self {
        self.x_range = Some((min, max));
        self
    }

    /// Fixes the y-axis range (see [`Plot::x_range`]).
    pub fn y_range(mut self, min: f64, max: f64) -> Self {
        self.y_range = Some((min, max));
        self
    }

    /// Sets the size in pixels (clamped to at least 200×150).
    pub fn size(mut self, width: f64, height: f64) -> Self {
        self.width = if width.is_finite() { width.max(200.0) } else { 640.0 };
        self.height = if height.is_finite() { height.max(150.0) } else { 420.0 };
        self
    }

    /// Shows or hides gridlines (default: shown).
    pub fn grid(mut self, on: bool) -> Self {
        self.grid = on;
        self
    }

    /// Shows or hides the legend (default: shown when any series has a name).
    pub fn legend(mut self, on: bool) -> Self {
        self.legend = on;
        self
    }

    fn push(mut self, name: impl Into<String>, kind: Kind, points: &[(f64, f64)]) -> Self {
        self.series.push(Series {
            name: name.into(),
            kind,
            points: points.to_vec(),
            errors: Vec::new(),
        });
        self
    }

    /// Adds a polyline through `points` (in the given order).
    pub fn line(self, name: impl Into<String>, points: &[(f64, f64)]) -> Self {
        self.push(name, Kind::Line, points)
    }

    /// Adds a post-step curve: each y holds until the next x, then jumps
    /// (ROC curves, Kaplan–Meier survival curves).
    pub fn step(self, name: impl Into<String>, points: &[(f64, f64)]) -> Self {
        self.push(name, Kind::Step, points)
    }

    /// Adds a post-step curve filled translucently down to y = 0.
    pub(crate) fn step_area(self, name: impl Into<String>, points: &[(f64, f64)]) -> Self {
        self.push(name, Kind::StepArea, points)
    }

    /// Adds unconnected markers.
    pub fn points(self, name: impl Into<String>, points: &[(f64, f64)]) -> Self {
        self.push(name, Kind::Points, points)
    }

    /// Adds markers with vertical error bars from `lo` to `hi`.
    pub fn points_with_error_bars(
        mut self,
        name: impl Into<String>,
        points: &[ErrorPoint],
    ) -> Self {
        self.series.push(Series {
            name: name.into(),
            kind: Kind::Points,
            points: points.iter().map(|p| (p.x, p.y)).collect(),
            errors: points.iter().map(|p| (p.lo, p.hi)).collect(),
        });
        self
    }

    /// Adds a grey dashed reference line from `from` to `to` (e.g. the
    /// diagonal `(0,0)`–`(1,1)`). Its endpoints count towards automatic ranges.
    pub fn reference_line(self, name: impl Into<String>, from: (f64, f64), to: (f64, f64)) -> Self {
        self.push(name, Kind::Reference, &[from, to])
    }

    /// Data extent over all finite values (including error bar ends).
    fn extent(&self) -> (Extent, Extent) {
        fn widen(e: &mut Option<(f64, f64)>, v: f64) {
            if v.is_finite() {
                *e = Some(e.map_or((v, v), |(a, b)| (a.min(v), b.max(v))));
            }
        }
        let (mut xe, mut ye) = (None, None);
        for s in &self.series {
            for (i, &(x, y)) in s.points.iter().enumerate() {
                if !(x.is_finite() && y.is_finite()) {
                    continue;
                }
                widen(&mut xe, x);
                widen(&mut ye, y);
                if let Some(&(lo, hi)) = s.errors.get(i) {
                    widen(&mut ye, lo);
                    widen(&mut ye, hi);
                }
                if s.kind == Kind::StepArea {
                    widen(&mut ye, 0.0);
                }
            }
        }
        (xe, ye)
    }

    /// Renders the chart as a standalone `<svg>` element.
    pub fn render(&self) -> String {
        let (xe, ye) = self.extent();
        let ticks = |fixed: Option<(f64, f64)>, data: Option<(f64, f64)>, target| match fixed {
            Some((a, b)) if a.is_finite() && b.is_finite() && a != b => {
                Ticks::nice(a, b, target, false)
            }
            _ => {
                let (a, b) = data.unwrap_or((0.0, 1.0));
                Ticks::nice(a, b, target, true)
            }
        };
        let styles = self.styles();
        let legend = if self.legend { self.legend_rows(self.width - 24.0) } else { Vec::new() };
        let legend_h = if legend.is_empty() { 0.0 } else { 20.0 * legend.len() as f64 + 6.0 };
        let top = if self.title.is_empty() { 16.0 } else { 44.0 };
        let axis_h = if self.x_label.is_empty() { 30.0 } else { 50.0 };
        let bottom = axis_h + legend_h;
        let plot_h = (self.height - top - bottom).max(40.0);
        let yt = ticks(self.y_range, ye, ((plot_h / 60.0) as usize).clamp(2, 8));
        let y_tick_w =
            yt.values.iter().map(|&v| text_width(&yt.label(v), 11.0)).fold(0.0, f64::max);
        let left = 14.0 + y_tick_w + if self.y_label.is_empty() { 8.0 } else { 26.0 };
        let right = 18.0;
        let plot_w = (self.width - left - right).max(40.0);
        let xt = ticks(self.x_range, xe, ((plot_w / 90.0) as usize).clamp(2, 10));
        let area = Rect { x0: left, y0: top, x1: left + plot_w, y1: top + plot_h };
        let sx = Scale { d0: xt.min, d1: xt.max, r0: area.x0, r1: area.x1 };
        let sy = Scale { d0: yt.min, d1: yt.max, r0: area.y1, r1: area.y0 };

        let mut out = svg_open(self.width, self.height, &self.title, &self.describe(&xt, &yt));
        if !self.title.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"#1a1a1a\">{}</text>",
                px(self.width / 2.0),
                escape(&self.title)
            );
        }
        self.axes(&mut out, &area, &xt, &yt, sx, sy);
        let _ = writeln!(out, "<g fill=\"none\" stroke-linejoin=\"round\">");
        for (s, st) in self.series.iter().zip(&styles) {
            draw_series(&mut out, s, st, &area, sx, sy);
        }
        out.push_str("</g>\n");
        for (r, row) in legend.iter().enumerate() {
            let y = area.y1 + axis_h + 8.0 + 20.0 * r as f64;
            let total: f64 = row.iter().map(|e| e.width).sum();
            let mut x = ((self.width - total) / 2.0).max(4.0);
            for e in row {
                legend_entry(&mut out, &self.series[e.series], &styles[e.series], x, y, &e.text);
                x += e.width;
            }
        }
        out.push_str("</svg>");
        out
    }

    /// Lays out legend entries for named series into rows no wider than
    /// `avail` pixels (greedy wrapping; names longer than 60 characters are
    /// shortened with "…").
    fn legend_rows(&self, avail: f64) -> Vec<Vec<LegendEntry>> {
        let mut rows: Vec<Vec<LegendEntry>> = Vec::new();
        let mut used = 0.0;
        for (i, s) in self.series.iter().enumerate().filter(|(_, s)| !s.name.is_empty()) {
            let text = truncate(&s.name, 60);
            let width = 32.0 + text_width(&text, 12.0) + 22.0;
            match rows.last_mut() {
                Some(row) if used + width <= avail => {
                    row.push(LegendEntry { series: i, text, width })
                }
                _ => {
                    rows.push(vec![LegendEntry { series: i, text, width }]);
                    used = 0.0;
                }
            }
            used += width;
        }
        rows
    }

    /// Per-series colour, dash and marker.
    fn styles(&self) -> Vec<Style> {
        let (mut data_i, mut line_i, mut point_i) = (0, 0, 0);
        self.series
            .iter()
            .map(|s| {
                if s.kind == Kind::Reference {
                    return Style { colour: REFERENCE_COLOUR, dash: "5 4", marker: Marker::Circle };
                }
                let colour = series_colour(data_i);
                data_i += 1;
                let mut st = Style { colour, dash: "", marker: Marker::Circle };
                if s.kind == Kind::Points {
                    st.marker = Marker::nth(point_i);
                    point_i += 1;
                } else if s.kind != Kind::StepArea {
                    st.dash = DASHES[line_i % DASHES.len()];
                    line_i += 1;
                }
                st
            })
            .collect()
    }

    /// Text alternative summarising axes and series (for `<desc>`).
    fn describe(&self, xt: &Ticks, yt: &Ticks) -> String {
        let axis = |name: &str, t: &Ticks| {
            let name = if name.is_empty() { "unlabelled" } else { name };
            format!("{name} from {} to {}", t.label(t.min), t.label(t.max))
        };
        let mut d =
            format!("x axis: {}; y axis: {}.", axis(&self.x_label, xt), axis(&self.y_label, yt));
        for s in &self.series {
            let kind = match (s.kind, s.errors.is_empty()) {
                (Kind::Line, _) => "line",
                (Kind::Step | Kind::StepArea, _) => "step curve",
                (Kind::Points, true) => "points",
                (Kind::Points, false) => "points with error bars",
                (Kind::Reference, _) => "reference line",
            };
            let n = s.points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()).count();
            let name = if s.name.is_empty() { "unnamed" } else { &s.name };
            let _ = write!(d, " Series {name}: {kind}, {n} points.");
        }
        d
    }
}
