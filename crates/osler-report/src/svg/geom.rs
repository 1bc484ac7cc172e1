//! Pixel-space geometry: clipping polylines to the plot area and markers.

use super::axis::px;
use std::fmt::Write as _;

/// A point in pixel space.
pub(crate) type Pt = (f64, f64);

/// An axis-aligned rectangle in pixel space (`x0 < x1`, `y0 < y1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// Whether `p` lies inside the rectangle, with `tol` pixels of slack.
    pub fn contains(&self, p: Pt, tol: f64) -> bool {
        p.0 >= self.x0 - tol && p.0 <= self.x1 + tol && p.1 >= self.y0 - tol && p.1 <= self.y1 + tol
    }

    /// Clamps `p` into the rectangle.
    pub fn clamp(&self, p: Pt) -> Pt {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }
}

/// Liang–Barsky clipping of the segment `p`–`q` to `r`. Returns the visible
/// part, reusing `p`/`q` bit-for-bit when they are inside (so consecutive
/// segments can be joined exactly).
pub(crate) fn clip_segment(p: Pt, q: Pt, r: &Rect) -> Option<(Pt, Pt)> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let mut t0 = 0.0_f64;
    let mut t1 = 1.0_f64;
    for (pk, qk) in [(-dx, p.0 - r.x0), (dx, r.x1 - p.0), (-dy, p.1 - r.y0), (dy, r.y1 - p.1)] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let t = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let a = if t0 == 0.0 { p } else { (p.0 + t0 * dx, p.1 + t0 * dy) };
    let b = if t1 == 1.0 { q } else { (p.0 + t1 * dx, p.1 + t1 * dy) };
    Some((a, b))
}

/// Clips a polyline to `r`, returning the visible runs (each with at least
/// two vertices).
pub(crate) fn clip_polyline(vertices: &[Pt], r: &Rect) -> Vec<Vec<Pt>> {
    let mut runs = Vec::new();
    let mut cur: Vec<Pt> = Vec::new();
    for w in vertices.windows(2) {
        match clip_segment(w[0], w[1], r) {
            Some((a, b)) => {
                if cur.last() != Some(&a) {
                    if cur.len() >= 2 {
                        runs.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(a);
                }
                cur.push(b);
            }
            None => {
                if cur.len() >= 2 {
                    runs.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() >= 2 {
        runs.push(cur);
    }
    runs
}

/// Expands vertices into a post-step path: each value holds until the next
/// x, then jumps (`(x0,y0) → (x1,y0) → (x1,y1)`).
pub(crate) fn post_step(vertices: &[Pt]) -> Vec<Pt> {
    let mut out = Vec::with_capacity(vertices.len() * 2);
    for (i, &p) in vertices.iter().enumerate() {
        if i > 0 {
            let prev_y = vertices[i - 1].1;
            out.push((p.0, prev_y));
        }
        out.push(p);
    }
    out
}

/// Splits points into runs of consecutive finite points (non-finite points
/// break the curve and are never emitted).
pub(crate) fn finite_runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    points
        .split(|p| !(p.0.is_finite() && p.1.is_finite()))
        .filter(|run| !run.is_empty())
        .map(<[(f64, f64)]>::to_vec)
        .collect()
}

/// Formats vertices for a `points="..."` attribute.
pub(crate) fn points_attr(vertices: &[Pt]) -> String {
    let mut s = String::new();
    for (i, p) in vertices.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{},{}", px(p.0), px(p.1));
    }
    s
}

/// Marker shapes, cycled across point series so they differ without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

impl Marker {
    /// The marker for the `i`-th point series.
    pub fn nth(i: usize) -> Marker {
        [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond][i % 4]
    }

    /// SVG element drawing this marker centred on `c`.
    pub fn svg(self, c: Pt, colour: &str) -> String {
        let (x, y) = c;
        let style = format!("fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"0.8\"");
        match self {
            Marker::Circle => {
                format!("<circle cx=\"{}\" cy=\"{}\" r=\"3.8\" {style}/>", px(x), px(y))
            }
            Marker::Square => format!(
                "<rect x=\"{}\" y=\"{}\" width=\"7\" height=\"7\" {style}/>",
                px(x - 3.5),
                px(y - 3.5)
            ),
            Marker::Triangle => format!(
                "<polygon points=\"{}\" {style}/>",
                points_attr(&[(x, y - 4.5), (x + 4.2, y + 3.2), (x - 4.2, y + 3.2)])
            ),
            Marker::Diamond => format!(
                "<polygon points=\"{}\" {style}/>",
                points_attr(&[(x, y - 4.6), (x + 4.6, y), (x, y + 4.6), (x - 4.6, y)])
            ),
        }
    }
}

/// Rough rendered width of `text` at `font_px` (for layout only).
pub(crate) fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().count() as f64 * font_px * 0.58
}

/// Shortens `text` to at most `max_chars` characters, ending in "…".
pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Rect = Rect { x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0 };

    #[test]
    fn clipping() {
        assert_eq!(clip_segment((5.0, 5.0), (15.0, 5.0), &R), Some(((5.0, 5.0), (10.0, 5.0))));
        assert_eq!(clip_segment((11.0, 0.0), (15.0, 5.0), &R), None);
        let runs =
            clip_polyline(&[(1.0, 1.0), (5.0, 5.0), (5.0, 20.0), (6.0, 20.0), (6.0, 2.0)], &R);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0], vec![(1.0, 1.0), (5.0, 5.0), (5.0, 10.0)]);
        assert_eq!(runs[1], vec![(6.0, 10.0), (6.0, 2.0)]);
    }

    #[test]
    fn steps_and_runs() {
        assert_eq!(
            post_step(&[(0.0, 0.0), (1.0, 2.0), (3.0, 1.0)]),
            vec![(0.0, 0.0), (1.0, 0.0), (1.0, 2.0), (3.0, 2.0), (3.0, 1.0)]
        );
        let runs = finite_runs(&[(0.0, 0.0), (f64::NAN, 1.0), (1.0, 1.0), (2.0, f64::INFINITY)]);
        assert_eq!(runs, vec![vec![(0.0, 0.0)], vec![(1.0, 1.0)]]);
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
