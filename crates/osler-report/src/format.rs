//! Number formatting for report tables.
//!
//! All functions are total: non-finite or invalid input gives a readable
//! placeholder (`"—"` for missing/NaN, `"∞"`/`"-∞"` for infinities) rather
//! than panicking or printing `NaN`.

/// Placeholder shown for missing values (NaN) and invalid p-values.
pub const MISSING: &str = "—";

/// Default floor for [`fmt_p`]: smaller p-values print as `"<1e-16"`.
pub const P_FLOOR: f64 = 1e-16;

/// Formats `x` with `sig_digits` significant digits (at least 1).
///
/// * NaN gives `"—"`, infinities give `"∞"` / `"-∞"`, zero gives `"0"`.
/// * Values with magnitude below `1e-4` or at least `1e6` use scientific
///   notation (`"1.23e-5"`, `"4.56e7"`).
/// * Otherwise fixed notation, padded with trailing zeros so a column keeps a
///   consistent precision (`fmt_num(0.5, 3) == "0.500"`). Integer parts are
///   never truncated (`fmt_num(123456.0, 3) == "123456"`).
pub fn fmt_num(x: f64, sig_digits: usize) -> String {
    let sig = sig_digits.max(1);
    if x.is_nan() {
        return MISSING.to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    // Round to `sig` significant digits first, so that e.g. 9.996 -> 10.0
    // picks its decimals from the rounded magnitude.
    let sci = format!("{:.*e}", sig - 1, x);
    let exp: i32 = sci.rsplit('e').next().and_then(|e| e.parse().ok()).unwrap_or(0);
    if !(-4..6).contains(&exp) {
        return sci;
    }
    let decimals = (sig as i32 - 1 - exp).max(0) as usize;
    // Keep every integer digit (no "123000" for 123456).
    let rounded: f64 = if decimals == 0 { x } else { sci.parse().unwrap_or(x) };
    let s = format!("{rounded:.decimals$}");
    // Avoid "-0.00" for values that round to zero at this precision.
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Formats an interval `[lo, hi]` as `"lo to hi"` with `sig_digits`
/// significant digits each ([`fmt_num`]); `None` gives `"-"`.
pub fn fmt_interval(ci: Option<[f64; 2]>, sig_digits: usize) -> String {
    ci.map_or_else(
        || "-".to_string(),
        |[lo, hi]| format!("{} to {}", fmt_num(lo, sig_digits), fmt_num(hi, sig_digits)),
    )
}

/// Formats a p-value with 2 significant digits and a floor of `1e-16`,
/// in the style of R's `format.pval`: `0.032`, `0.00012`, `1.2e-7`,
/// `<1e-16`.
///
/// NaN and values outside `[0, 1]` (beyond a small rounding tolerance) give
/// `"—"`.
pub fn fmt_p(p: f64) -> String {
    fmt_p_with(p, 2, P_FLOOR)
}

/// Like [`fmt_p`] with explicit significant digits and floor: p-values below
/// `floor` print as `"<{floor}"` (e.g. `fmt_p_with(1e-5, 2, 1e-3) ==
/// "<0.001"`).
pub fn fmt_p_with(p: f64, sig_digits: usize, floor: f64) -> String {
    if !p.is_finite() || !(-1e-12..=1.0 + 1e-9).contains(&p) {
        return MISSING.to_string();
    }
    let p = p.clamp(0.0, 1.0);
    if floor > 0.0 && p < floor {
        return format!("<{}", trim_float(floor));
    }
    fmt_num(p, sig_digits)
}

/// Formats an estimate with its confidence interval: `"0.812 (0.781–0.843)"`.
///
/// If both bounds are non-finite the interval is omitted: `"0.500 (no CI)"`.
pub fn fmt_ci(estimate: f64, lower: f64, upper: f64, sig_digits: usize) -> String {
    if !lower.is_finite() && !upper.is_finite() {
        return format!("{} (no CI)", fmt_num(estimate, sig_digits));
    }
    format!(
        "{} ({}–{})",
        fmt_num(estimate, sig_digits),
        fmt_num(lower, sig_digits),
        fmt_num(upper, sig_digits)
    )
}

/// Shortest readable representation of a threshold like `1e-16` or `0.001`.
fn trim_float(x: f64) -> String {
    if x >= 1e-4 { format!("{x}") } else { format!("{x:e}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_num_cases() {
        assert_eq!(fmt_num(f64::NAN, 3), "—");
        assert_eq!(fmt_num(f64::INFINITY, 3), "∞");
        assert_eq!(fmt_num(f64::NEG_INFINITY, 3), "-∞");
        assert_eq!(fmt_num(0.0, 3), "0");
        assert_eq!(fmt_num(0.5, 3), "0.500");
        assert_eq!(fmt_num(0.81234, 3), "0.812");
        assert_eq!(fmt_num(-1.23456, 2), "-1.2");
        assert_eq!(fmt_num(9.996, 3), "10.0");
        assert_eq!(fmt_num(123456.0, 3), "123456");
        assert_eq!(fmt_num(1_234_567.0, 3), "1.23e6");
        assert_eq!(fmt_num(0.000012345, 3), "1.23e-5");
        assert_eq!(fmt_num(0.00012345, 2), "0.00012");
        assert_eq!(fmt_num(42.4, 0), "42");
        assert_eq!(fmt_num(999.7, 3), "1000");
        assert_eq!(fmt_num(-0.0, 3), "0");
    }

    #[test]
    fn fmt_p_cases() {
        assert_eq!(fmt_p(0.0), "<1e-16");
        assert_eq!(fmt_p(1e-300), "<1e-16");
        assert_eq!(fmt_p(1.234e-7), "1.2e-7");
        assert_eq!(fmt_p(0.0321), "0.032");
        assert_eq!(fmt_p(0.5), "0.50");
        assert_eq!(fmt_p(1.0), "1.0");
        assert_eq!(fmt_p(1.0 + 1e-12), "1.0");
        assert_eq!(fmt_p(1.5), "—");
        assert_eq!(fmt_p(-0.1), "—");
        assert_eq!(fmt_p(f64::NAN), "—");
        assert_eq!(fmt_p_with(1e-5, 2, 1e-3), "<0.001");
        assert_eq!(fmt_p_with(0.2, 2, 1e-3), "0.20");
    }

    #[test]
    fn fmt_ci_case() {
        assert_eq!(fmt_ci(0.8123, 0.781, 0.8432, 3), "0.812 (0.781–0.843)");
        assert_eq!(fmt_ci(0.8, f64::NAN, 0.9, 2), "0.80 (—–0.90)");
        assert_eq!(fmt_ci(0.5, f64::NAN, f64::NAN, 3), "0.500 (no CI)");
    }

    #[test]
    fn fmt_interval_case() {
        assert_eq!(fmt_interval(Some([0.7273, 0.79241]), 4), "0.7273 to 0.7924");
        assert_eq!(fmt_interval(Some([-1.0, f64::NAN]), 2), "-1.0 to —");
        assert_eq!(fmt_interval(None, 3), "-");
    }
}
