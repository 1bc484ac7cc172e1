//! ROC and precision-recall curves, point for point as scikit-learn 1.9.

use serde::Serialize;

use crate::counts::ThresholdCounts;
use crate::error::EvalError;
use crate::validate;

/// A ROC curve: point `i` is `(fpr[i], tpr[i])` for the rule "positive iff
/// `score >= thresholds[i]`". `thresholds` descend from `+inf` (the origin).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RocCurve {
    /// False positive rate `FP / n0`, non-decreasing, from 0 to 1.
    pub fpr: Vec<f64>,
    /// True positive rate `TP / n1`, non-decreasing, from 0 to 1.
    pub tpr: Vec<f64>,
    /// Thresholds, strictly decreasing; `thresholds[0] = +inf`.
    pub thresholds: Vec<f64>,
}

/// A precision-recall curve in scikit-learn's order: thresholds ascending,
/// recall non-increasing, plus a final point `(P, R) = (1, 0)` with no threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrCurve {
    /// Precision `TP / (TP + FP)`; `precision.len() == thresholds.len() + 1`, last is 1.
    pub precision: Vec<f64>,
    /// Recall `TP / n1`; `recall.len() == thresholds.len() + 1`, last is 0.
    pub recall: Vec<f64>,
    /// The distinct scores, ascending.
    pub thresholds: Vec<f64>,
}

/// ROC curve exactly as `sklearn.metrics.roc_curve(y, score, drop_intermediate=..)`.
///
/// One point per distinct score (positive iff `score >= threshold`) plus the
/// origin with threshold `+inf`. With `drop_intermediate`, and more than two
/// distinct scores, a point is removed when it is collinear with its neighbours
/// in the cumulative counts (both second differences of `FP` and `TP` are zero);
/// the first and last distinct scores are always kept. The origin is added after.
///
/// # Errors
/// Invalid input, or a class with no rows (a rate would be 0/0).
pub fn roc_curve(
    y: &[bool],
    score: &[f64],
    drop_intermediate: bool,
) -> Result<RocCurve, EvalError> {
    let classes = validate::scores(y, score)?.require("roc_curve", 1, 1)?;
    let c = ThresholdCounts::new(y, score);
    let m = c.len();
    let keep = |k: usize| {
        if !drop_intermediate || m <= 2 || k == 0 || k + 1 == m {
            return true;
        }
        // Second differences in exact integer arithmetic: a - 2b + c != 0.
        let bends = |v: &[usize]| v[k - 1] + v[k + 1] != 2 * v[k];
        bends(&c.fps) || bends(&c.tps)
    };
    let (n_neg, n_pos) = (classes.negatives as f64, classes.positives as f64);
    let mut curve = RocCurve { fpr: vec![0.0], tpr: vec![0.0], thresholds: vec![f64::INFINITY] };
    for k in (0..m).filter(|&k| keep(k)) {
        curve.fpr.push(c.fps[k] as f64 / n_neg);
        curve.tpr.push(c.tps[k] as f64 / n_pos);
        curve.thresholds.push(c.thresholds[k]);
    }
    Ok(curve)
}

/// Precision-recall curve exactly as `sklearn.metrics.precision_recall_curve(y, score)`
/// (scikit-learn 1.9, `drop_intermediate=False`).
///
/// For every distinct score `s`, ascending: precision and recall of "positive iff
/// `score >= s`"; then the point `(P, R) = (1, 0)`, which has no threshold.
/// Precision is never 0/0, because every threshold is some row's score.
///
/// # Errors
/// Invalid input, or no positive rows (recall would be 0/0).
pub fn precision_recall_curve(y: &[bool], score: &[f64]) -> Result<PrCurve, EvalError> {
    let classes = validate::scores(y, score)?.require("precision_recall_curve", 1, 0)?;
    let c = ThresholdCounts::new(y, score);
    let n_pos = classes.positives as f64;
    let ascending = (0..c.len()).rev();
    let mut precision: Vec<f64> =
        ascending.clone().map(|k| c.tps[k] as f64 / (c.tps[k] + c.fps[k]) as f64).collect();
    let mut recall: Vec<f64> = ascending.clone().map(|k| c.tps[k] as f64 / n_pos).collect();
    let thresholds = ascending.map(|k| c.thresholds[k]).collect();
    precision.push(1.0);
    recall.push(0.0);
    Ok(PrCurve { precision, recall, thresholds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_small_example() {
        // sklearn: roc_curve([0,0,1,1],[0.1,0.4,0.35,0.8])
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        let full = roc_curve(&y, &s, false).expect("valid");
        assert_eq!(full.thresholds, vec![f64::INFINITY, 0.8, 0.4, 0.35, 0.1]);
        assert_eq!(full.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(full.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        // Nothing collinear here, so dropping keeps every point.
        assert_eq!(roc_curve(&y, &s, true).expect("valid"), full);
    }

    #[test]
    fn roc_drop_removes_collinear_points() {
        // Three positives in a row above all negatives: the middle ones are collinear.
        let y = [true, true, true, false];
        let s = [0.9, 0.8, 0.7, 0.1];
        let dropped = roc_curve(&y, &s, true).expect("valid");
        assert_eq!(dropped.thresholds, vec![f64::INFINITY, 0.9, 0.7, 0.1]);
        assert_eq!(dropped.tpr, vec![0.0, 1.0 / 3.0, 1.0, 1.0]);
    }

    #[test]
    fn roc_needs_both_classes() {
        assert!(roc_curve(&[true], &[0.5], false).is_err());
        assert!(roc_curve(&[false, false], &[0.5, 0.1], true).is_err());
    }

    #[test]
    fn pr_small_example() {
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        let pr = precision_recall_curve(&y, &s).expect("valid");
        assert_eq!(pr.thresholds, vec![0.1, 0.35, 0.4, 0.8]);
        assert_eq!(pr.precision, vec![0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(pr.recall, vec![1.0, 1.0, 0.5, 0.5, 0.0]);
    }

    #[test]
    fn pr_needs_a_positive() {
        assert!(precision_recall_curve(&[false], &[0.5]).is_err());
        assert!(precision_recall_curve(&[true], &[0.5]).is_ok());
    }
}
