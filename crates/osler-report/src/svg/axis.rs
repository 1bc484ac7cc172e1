//! Axis ranges, "nice" 1-2-5 ticks and linear scales.

/// Tick marks for one axis: the axis range and the tick values on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Lower end of the axis.
    pub min: f64,
    /// Upper end of the axis.
    pub max: f64,
    /// Distance between ticks (1, 2 or 5 times a power of ten).
    pub step: f64,
    /// Tick positions, ascending, all within `[min, max]`.
    pub values: Vec<f64>,
    /// Decimal places needed to label the ticks exactly.
    decimals: usize,
    /// Whether labels should use scientific notation.
    scientific: bool,
}

/// Upper bound on the number of ticks ever generated (guards degenerate input).
const MAX_TICKS: i64 = 200;

impl Ticks {
    /// Computes ticks for the data range `[lo, hi]` with roughly `target`
    /// intervals, choosing a step of 1, 2 or 5 times a power of ten.
    ///
    /// With `expand == true` the axis range is widened outwards to the
    /// nearest ticks (use for automatic ranges: `0..1627` becomes `0..2000`
    /// with ticks every 500). With `expand == false` the range is kept as
    /// given and only the ticks inside it are returned (fixed ranges).
    ///
    /// Non-finite bounds fall back to `0..1`; reversed bounds are swapped; an
    /// empty range (`lo == hi`) is padded around the value.
    pub fn nice(lo: f64, hi: f64, target: usize, expand: bool) -> Ticks {
        let (mut lo, mut hi) =
            if lo.is_finite() && hi.is_finite() { (lo.min(hi), lo.max(hi)) } else { (0.0, 1.0) };
        let scale = lo.abs().max(hi.abs());
        if hi - lo <= scale * 1e-12 {
            let pad = if scale == 0.0 { 1.0 } else { scale * 0.1 };
            lo -= pad;
            hi += pad;
        }
        let (mult, exp) = nice_step(hi - lo, target.max(1));
        let step = step_value(mult, exp, 1);
        if expand {
            lo = step_value(mult, exp, (lo / step + 1e-9).floor() as i64);
            hi = step_value(mult, exp, (hi / step - 1e-9).ceil() as i64);
        }
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        let last = last.min(first.saturating_add(MAX_TICKS));
        let values = (first..=last)
            .map(|i| step_value(mult, exp, i))
            .map(|v| if v == 0.0 { 0.0 } else { v }) // no "-0"
            .collect();
        let largest = lo.abs().max(hi.abs());
        Ticks {
            min: lo,
            max: hi,
            step,
            values,
            decimals: (-exp).max(0) as usize,
            scientific: !(-6..=6).contains(&exp) || largest >= 1e7,
        }
    }

    /// Formats a tick value with just enough decimals for this tick step
    /// (`0.2` → `"0.2"`, `1500` → `"1500"`, `2e-7` → `"2e-7"`).
    pub fn label(&self, v: f64) -> String {
        let v = if v == 0.0 { 0.0 } else { v };
        if self.scientific && v != 0.0 {
            format!("{v:e}")
        } else {
            format!("{v:.*}", self.decimals)
        }
    }
}

/// Picks a nice step for `span / target`: returns `(multiplier, exponent)`
/// with multiplier in {1, 2, 5}, meaning `multiplier * 10^exponent`.
fn nice_step(span: f64, target: usize) -> (i64, i32) {
    let raw = span / target as f64;
    let mut exp = raw.log10().floor() as i32;
    let norm = raw / 10f64.powi(exp);
    let mult = if norm <= 1.0 + 1e-9 {
        1
    } else if norm <= 2.0 + 1e-9 {
        2
    } else if norm <= 5.0 + 1e-9 {
        5
    } else {
        exp += 1;
        1
    };
    (mult, exp)
}

/// `i * mult * 10^exp`, computed so that decimal steps are as exact as
/// floating point allows (dividing by an exact power of ten for exp < 0).
fn step_value(mult: i64, exp: i32, i: i64) -> f64 {
    let n = (i * mult) as f64;
    if exp >= 0 { n * 10f64.powi(exp) } else { n / 10f64.powi(-exp) }
}

/// Linear map from a data interval onto a pixel interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    /// Maps a data value to a pixel coordinate.
    pub fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// Formats a pixel coordinate compactly and deterministically (2 decimals,
/// trailing zeros trimmed).
pub(crate) fn px(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &Ticks) -> Vec<String> {
        t.values.iter().map(|&v| t.label(v)).collect()
    }

    #[test]
    fn unit_interval() {
        let t = Ticks::nice(0.0, 1.0, 5, true);
        assert_eq!(labels(&t), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(t.values[3], 0.6);
        assert_eq!((t.min, t.max), (0.0, 1.0));
    }

    #[test]
    fn counts_range_expands() {
        let t = Ticks::nice(0.0, 1627.0, 5, true);
        assert_eq!(labels(&t), ["0", "500", "1000", "1500", "2000"]);
        let fixed = Ticks::nice(0.0, 1627.0, 5, false);
        assert_eq!(labels(&fixed), ["0", "500", "1000", "1500"]);
        assert_eq!(fixed.max, 1627.0);
    }

    #[test]
    fn negative_and_odd_ranges() {
        let t = Ticks::nice(-0.83, 0.41, 5, true);
        assert_eq!(labels(&t), ["-1.0", "-0.5", "0.0", "0.5"]);
        let t = Ticks::nice(3.0, 3.0, 5, true);
        assert!(t.min < 3.0 && t.max > 3.0);
        let t = Ticks::nice(0.0, 0.0, 5, true);
        assert_eq!(labels(&t), ["-1.0", "-0.5", "0.0", "0.5", "1.0"]);
        let t = Ticks::nice(f64::NAN, 1.0, 5, true);
        assert_eq!((t.min, t.max), (0.0, 1.0));
        let t = Ticks::nice(0.0, 3e-7, 5, true);
        assert_eq!(t.label(t.values[1]), "1e-7");
        let t = Ticks::nice(0.0, 100.0, 5, true);
        assert_eq!(labels(&t), ["0", "20", "40", "60", "80", "100"]);
    }

    #[test]
    fn px_formatting() {
        assert_eq!(px(12.0), "12");
        assert_eq!(px(12.345), "12.35");
        assert_eq!(px(-0.001), "0");
        assert_eq!(px(0.5), "0.5");
    }
}
