//! Confidence intervals for a binomial proportion.

use thiserror::Error;

use crate::normal::normal_quantile;

/// Why a binomial interval cannot be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BinomialError {
    /// No trials: a proportion of zero observations is undefined.
    #[error("a binomial interval needs at least one trial, got n = 0")]
    NoTrials,
    /// More successes than trials.
    #[error("{successes} successes out of {n} trials: successes cannot exceed trials")]
    SuccessesExceedTrials {
        /// Number of successes given.
        successes: usize,
        /// Number of trials given.
        n: usize,
    },
    /// A confidence level outside `(0, 1)`.
    #[error("confidence level {level} is invalid; it must lie strictly between 0 and 1")]
    InvalidLevel {
        /// The level given.
        level: f64,
    },
}

/// Wilson score interval (Wilson 1927) for the proportion `successes / n`
/// at confidence `level` (e.g. 0.95), as `[lower, upper]`.
///
/// With `p = successes / n` and `z` the standard normal quantile at
/// `1 − (1 − level) / 2`:
///
/// ```text
/// centre = (p + z²/(2n)) / (1 + z²/n)
/// half   = z · sqrt(p(1 − p)/n + z²/(4n²)) / (1 + z²/n)
/// ```
///
/// and the interval is `[centre − half, centre + half]`. Unlike the Wald
/// interval it stays inside `[0, 1]` (up to rounding) and keeps its coverage
/// for proportions near 0 or 1. Equals statsmodels'
/// `proportion_confint(successes, n, alpha=1 − level, method="wilson")`.
pub fn wilson_interval(successes: usize, n: usize, level: f64) -> Result<[f64; 2], BinomialError> {
    if n == 0 {
        return Err(BinomialError::NoTrials);
    }
    if successes > n {
        return Err(BinomialError::SuccessesExceedTrials { successes, n });
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(BinomialError::InvalidLevel { level });
    }
    let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
    let (p, n) = (successes as f64 / n as f64, n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    Ok([centre - half, centre + half])
}

#[cfg(test)]
mod tests {
    use super::{BinomialError, wilson_interval};

    /// Reference values from the closed form above with z from Python's
    /// `statistics.NormalDist().inv_cdf(1 - (1 - level) / 2)`; they agree with
    /// statsmodels' `proportion_confint(method="wilson")` to the digits shown.
    #[test]
    fn matches_closed_form_reference_values() {
        let cases = [
            (7, 20, 0.95, [0.1811918241010821, 0.5671457233147637]),
            (0, 10, 0.95, [0.0, 0.27753279986288915]),
            (10, 10, 0.95, [0.7224672001371109, 1.0]),
            (81, 263, 0.95, [0.2552885198782743, 0.3662095769828001]),
            (3, 5, 0.90, [0.2724831718661929, 0.857293527980787]),
        ];
        for (x, n, level, [lo, hi]) in cases {
            let [l, h] = wilson_interval(x, n, level).expect("valid input");
            assert!((l - lo).abs() < 1e-12, "{x}/{n} at {level}: lower {l} vs {lo}");
            assert!((h - hi).abs() < 1e-12, "{x}/{n} at {level}: upper {h} vs {hi}");
        }
    }

    #[test]
    fn rejects_invalid_input() {
        assert_eq!(wilson_interval(0, 0, 0.95), Err(BinomialError::NoTrials));
        assert_eq!(
            wilson_interval(4, 3, 0.95),
            Err(BinomialError::SuccessesExceedTrials { successes: 4, n: 3 })
        );
        for level in [0.0, 1.0, f64::NAN, -0.5] {
            assert!(matches!(
                wilson_interval(1, 3, level),
                Err(BinomialError::InvalidLevel { .. })
            ));
        }
    }
}
