//! Decision-curve analysis (net benefit).

use serde::Serialize;

use crate::counts::ThresholdCounts;
use crate::error::EvalError;
use crate::validate;

/// Net benefit of three strategies at one threshold probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NetBenefit {
    /// Threshold probability `t`.
    pub threshold: f64,
    /// Treat iff `p >= t`: `TP/n - FP/n * t/(1 - t)`.
    pub model: f64,
    /// Treat everyone: `n1/n - n0/n * t/(1 - t)`.
    pub treat_all: f64,
    /// Treat no one: always 0.
    pub treat_none: f64,
}

/// Decision curve (Vickers & Elkin 2006): net benefit at each threshold `t`,
/// `NB = TP/n - FP/n * t / (1 - t)`, for the model (treat iff `p >= t`), for
/// treating everyone, and for treating no one (0). Output follows `thresholds`.
/// One sort, then a binary search per threshold: O((n + T) log n).
///
/// # Errors
/// Invalid input, some `p_i` outside `[0, 1]`, or a threshold outside `[0, 1)`
/// (the odds `t / (1 - t)` are infinite at 1).
pub fn decision_curve(
    y: &[bool],
    p: &[f64],
    thresholds: &[f64],
) -> Result<Vec<NetBenefit>, EvalError> {
    let classes = validate::probabilities(y, p)?;
    if let Some(&value) = thresholds.iter().find(|t| !(0.0..1.0).contains(*t)) {
        return Err(EvalError::InvalidThreshold {
            value,
            reason: "a decision-curve threshold must lie in [0, 1)",
        });
    }
    let n = classes.n() as f64;
    let c = ThresholdCounts::new(y, p);
    Ok(thresholds
        .iter()
        .map(|&t| {
            let odds = t / (1.0 - t);
            // Distinct p descend, so the first `k` of them are exactly those >= t.
            let k = c.thresholds.partition_point(|&s| s >= t);
            let (tp, fp) = if k == 0 { (0, 0) } else { (c.tps[k - 1], c.fps[k - 1]) };
            NetBenefit {
                threshold: t,
                model: tp as f64 / n - fp as f64 / n * odds,
                treat_all: classes.positives as f64 / n - classes.negatives as f64 / n * odds,
                treat_none: 0.0,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_benefit_by_hand() {
        let y = [true, false, true, false];
        let p = [0.8, 0.6, 0.3, 0.1];
        let nb = decision_curve(&y, &p, &[0.5, 0.0]).expect("valid");
        // t = 0.5 (odds 1): TP = 1, FP = 1 -> 0; treat all: 2/4 - 2/4 = 0.
        assert_eq!(nb[0].model, 0.0);
        assert_eq!(nb[0].treat_all, 0.0);
        // t = 0: NB = prevalence for both.
        assert_eq!(nb[1].model, 0.5);
        assert_eq!(nb[1].treat_all, 0.5);
        assert_eq!(nb[1].treat_none, 0.0);
        // t = 0.25 (odds 1/3): TP = 2, FP = 1 -> 2/4 - 1/12.
        let nb = decision_curve(&y, &p, &[0.25]).expect("valid");
        assert!((nb[0].model - (0.5 - 1.0 / 12.0)).abs() < 1e-16);
        // t equal to a prediction treats that row (p >= t): TP = 1, FP = 1, odds 1.5.
        let nb = decision_curve(&y, &p, &[0.6]).expect("valid");
        assert!((nb[0].model - (0.25 - 0.25 * 1.5)).abs() < 1e-16);
    }

    #[test]
    fn thresholds_must_be_in_unit_interval() {
        let e = decision_curve(&[true], &[0.5], &[0.1, 1.0]).expect_err("t = 1");
        assert_eq!(
            e.to_string(),
            "threshold 1 is invalid: a decision-curve threshold must lie in [0, 1)"
        );
        assert!(decision_curve(&[true], &[0.5], &[f64::NAN]).is_err());
        assert!(decision_curve(&[true], &[0.5], &[-0.1]).is_err());
        assert!(decision_curve(&[true], &[1.5], &[0.1]).is_err());
        assert_eq!(decision_curve(&[true], &[0.5], &[]), Ok(vec![]));
    }
}
