//! Metrics of a fixed decision threshold, and the Youden-optimal threshold.

use serde::Serialize;

use crate::counts::ThresholdCounts;
use crate::error::EvalError;
use crate::validate::{self, ClassCounts};

/// Confusion matrix and derived ratios for "positive iff `score >= threshold`".
///
/// A ratio whose denominator is zero (e.g. `ppv` when nothing is predicted
/// positive) is `NaN`: undefined, not 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThresholdMetrics {
    /// The threshold used.
    pub threshold: f64,
    /// Positives with `score >= threshold`.
    pub tp: usize,
    /// Negatives with `score >= threshold`.
    pub fp: usize,
    /// Negatives with `score < threshold`.
    pub tn: usize,
    /// Positives with `score < threshold` (`fn` is a keyword).
    pub fn_: usize,
    /// `TP / (TP + FN)` (recall, true positive rate).
    pub sensitivity: f64,
    /// `TN / (TN + FP)` (true negative rate).
    pub specificity: f64,
    /// `TP / (TP + FP)` (precision, positive predictive value).
    pub ppv: f64,
    /// `TN / (TN + FN)` (negative predictive value).
    pub npv: f64,
    /// `(TP + TN) / n`.
    pub accuracy: f64,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 { f64::NAN } else { num as f64 / den as f64 }
}

/// Confusion counts and ratios at `threshold` (positive iff `score >= threshold`).
///
/// `threshold` may be infinite (`+inf`: nobody positive, `-inf`: everybody).
///
/// # Errors
/// Invalid input or a NaN threshold.
pub fn confusion_at(
    y: &[bool],
    score: &[f64],
    threshold: f64,
) -> Result<ThresholdMetrics, EvalError> {
    let classes = validate::scores(y, score)?;
    if threshold.is_nan() {
        return Err(EvalError::InvalidThreshold { value: threshold, reason: "it is NaN" });
    }
    let (mut tp, mut fp) = (0, 0);
    for (&t, &s) in y.iter().zip(score) {
        if s >= threshold {
            if t {
                tp += 1;
            } else {
                fp += 1;
            }
        }
    }
    Ok(confusion_of_counts(threshold, tp, fp, classes))
}

/// [`confusion_at`] from the counts `tp`, `fp` of rows at or above `threshold`
/// among rows holding `classes`.
pub(crate) fn confusion_of_counts(
    threshold: f64,
    tp: usize,
    fp: usize,
    classes: ClassCounts,
) -> ThresholdMetrics {
    let (fn_, tn) = (classes.positives - tp, classes.negatives - fp);
    ThresholdMetrics {
        threshold,
        tp,
        fp,
        tn,
        fn_,
        sensitivity: ratio(tp, tp + fn_),
        specificity: ratio(tn, tn + fp),
        ppv: ratio(tp, tp + fp),
        npv: ratio(tn, tn + fn_),
        accuracy: ratio(tp + tn, classes.n()),
    }
}

/// The threshold maximising Youden's `J = sensitivity + specificity - 1`
/// (= `TPR - FPR`) over the finite ROC thresholds, i.e. the distinct scores.
///
/// `J` is compared exactly (`TP n0 - FP n1` in integers), and ties go to the
/// larger threshold. The result is always one of the scores, never `+inf`.
///
/// # Errors
/// Invalid input or a class with no rows.
pub fn youden_threshold(y: &[bool], score: &[f64]) -> Result<f64, EvalError> {
    let classes = validate::scores(y, score)?.require("youden_threshold", 1, 1)?;
    let c = ThresholdCounts::new(y, score);
    let j = |k: usize| {
        c.tps[k] as i128 * classes.negatives as i128 - c.fps[k] as i128 * classes.positives as i128
    };
    // Thresholds descend, so keeping the first maximum keeps the larger threshold.
    let mut best = 0;
    for k in 1..c.len() {
        if j(k) > j(best) {
            best = k;
        }
    }
    Ok(c.thresholds[best])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_by_hand() {
        let y = [true, true, false, false, true];
        let s = [0.9, 0.5, 0.5, 0.1, 0.2];
        let m = confusion_at(&y, &s, 0.5).expect("valid");
        assert_eq!((m.tp, m.fp, m.tn, m.fn_), (2, 1, 1, 1));
        assert_eq!(m.sensitivity, 2.0 / 3.0);
        assert_eq!(m.specificity, 0.5);
        assert_eq!(m.ppv, 2.0 / 3.0);
        assert_eq!(m.npv, 0.5);
        assert_eq!(m.accuracy, 0.6);
    }

    #[test]
    fn zero_denominators_are_nan() {
        let m = confusion_at(&[false, false], &[0.2, 0.3], f64::INFINITY).expect("valid");
        assert!(m.sensitivity.is_nan());
        assert!(m.ppv.is_nan());
        assert_eq!(m.specificity, 1.0);
        assert_eq!(m.npv, 1.0);
    }

    #[test]
    fn confusion_errors() {
        let e = confusion_at(&[true], &[0.2], f64::NAN).expect_err("nan threshold");
        assert_eq!(e.to_string(), "threshold NaN is invalid: it is NaN");
        assert!(confusion_at(&[true], &[f64::NAN], 0.5).is_err());
    }

    #[test]
    fn youden_picks_best_and_breaks_ties_upwards() {
        // J at 0.8: 1/2 - 0 = 0.5; at 0.6: 1/2 - 1/2 = 0; at 0.4: 1 - 1/2 = 0.5; at 0.1: 0.
        let y = [true, false, true, false];
        let s = [0.8, 0.6, 0.4, 0.1];
        assert_eq!(youden_threshold(&y, &s), Ok(0.8));
        // Inverted scores: every J <= 0; the smallest score gives J = 0 and wins.
        assert_eq!(youden_threshold(&[true, false], &[0.1, 0.9]), Ok(0.1));
        assert!(youden_threshold(&[true], &[0.1]).is_err());
    }
}
