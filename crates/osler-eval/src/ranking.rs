//! Threshold-free ranking metrics: AUROC and average precision.

use crate::counts::ThresholdCounts;
use crate::error::EvalError;
use crate::validate::{self, ClassCounts};

/// Area under the ROC curve, as the Mann-Whitney statistic with ties counted 1/2:
///
/// `AUROC = (1 / (n1 n0)) * sum_{i: y_i} sum_{j: !y_j} [s_i > s_j] + 1/2 [s_i == s_j]`.
///
/// Computed in O(n log n) from one sort: `2 U` is accumulated as an exact integer
/// over groups of tied scores, so the result is the correctly rounded value of
/// the exact fraction (scikit-learn's trapezoid and pROC agree with it to ~1e-16).
///
/// # Errors
/// Invalid input (see [`EvalError`]) or a class with no rows.
pub fn auroc(y: &[bool], score: &[f64]) -> Result<f64, EvalError> {
    let classes = validate::scores(y, score)?.require("auroc", 1, 1)?;
    Ok(auroc_of_counts(&ThresholdCounts::new(y, score), classes))
}

/// [`auroc`] from the cumulative counts `c` of rows holding both `classes`.
pub(crate) fn auroc_of_counts(c: &ThresholdCounts, classes: ClassCounts) -> f64 {
    // Thresholds descend; before group k there are tps[k-1] positives above it and
    // N - fps[k] negatives below it.
    let n_neg = classes.negatives as u128;
    let (mut prev_tp, mut prev_fp, mut twice_u) = (0u128, 0u128, 0u128);
    for k in 0..c.len() {
        let (tp, fp) = (c.tps[k] as u128, c.fps[k] as u128);
        let (pos_here, neg_here) = (tp - prev_tp, fp - prev_fp);
        twice_u += pos_here * (2 * (n_neg - fp) + neg_here);
        (prev_tp, prev_fp) = (tp, fp);
    }
    let twice_pairs = 2 * classes.positives as u128 * n_neg;
    twice_u as f64 / twice_pairs as f64
}

/// Average precision as in scikit-learn (step sum, neither interpolated nor trapezoidal):
///
/// `AP = sum_k (R_k - R_{k-1}) P_k`, over distinct thresholds `s_k` in descending
/// order, with `P_k = TP_k / (TP_k + FP_k)`, `R_k = TP_k / n1` (rows with
/// `score >= s_k`) and `R_0 = 0`.
///
/// # Errors
/// Invalid input or no positive rows (recall undefined). With no negatives AP is 1.
pub fn average_precision(y: &[bool], score: &[f64]) -> Result<f64, EvalError> {
    let classes = validate::scores(y, score)?.require("average_precision", 1, 0)?;
    Ok(average_precision_of_counts(&ThresholdCounts::new(y, score), classes))
}

/// [`average_precision`] from the cumulative counts `c` of rows holding
/// `classes` (at least one positive).
pub(crate) fn average_precision_of_counts(c: &ThresholdCounts, classes: ClassCounts) -> f64 {
    let n_pos = classes.positives as f64;
    let recall = |k: usize| c.tps[k] as f64 / n_pos;
    // Same terms as scikit-learn, summed in its order (ascending threshold).
    let ap: f64 = (0..c.len())
        .rev()
        .map(|k| {
            let prev = if k == 0 { 0.0 } else { recall(k - 1) };
            let precision = c.tps[k] as f64 / (c.tps[k] + c.fps[k]) as f64;
            (recall(k) - prev) * precision
        })
        .sum();
    ap.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auroc_counts_ties_half() {
        // pairs (pos, neg): (0.8,0.8)=1/2, (0.8,0.2)=1, (0.5,0.8)=0, (0.5,0.2)=1
        let y = [true, true, false, false];
        let s = [0.8, 0.5, 0.8, 0.2];
        assert_eq!(auroc(&y, &s), Ok(2.5 / 4.0));
    }

    #[test]
    fn auroc_extremes() {
        assert_eq!(auroc(&[true, false], &[1.0, 0.0]), Ok(1.0));
        assert_eq!(auroc(&[true, false], &[0.0, 1.0]), Ok(0.0));
        assert_eq!(auroc(&[true, false], &[3.0, 3.0]), Ok(0.5));
    }

    #[test]
    fn auroc_needs_both_classes() {
        let e = auroc(&[true, true], &[0.1, 0.2]).expect_err("no negatives");
        assert!(matches!(e, EvalError::ClassTooSmall { metric: "auroc", negatives: 0, .. }));
        assert!(auroc(&[false], &[0.1]).is_err());
        assert!(auroc(&[true, false], &[0.1]).is_err());
        assert!(auroc(&[true, false], &[0.1, f64::NAN]).is_err());
    }

    #[test]
    fn average_precision_small_cases() {
        // Ranking: pos (1.0), neg (0.5), pos (0.2): AP = 1/2 * 1 + 1/2 * 2/3.
        let y = [true, false, true];
        let s = [1.0, 0.5, 0.2];
        let ap = average_precision(&y, &s).expect("valid");
        assert!((ap - (0.5 + 1.0 / 3.0)).abs() < 1e-15);
        assert_eq!(average_precision(&[true, true], &[0.1, 0.9]), Ok(1.0));
    }

    #[test]
    fn average_precision_needs_a_positive() {
        let e = average_precision(&[false, false], &[0.1, 0.9]).expect_err("no positives");
        assert!(matches!(e, EvalError::ClassTooSmall { positives: 0, .. }));
        assert!(average_precision(&[], &[]).is_err());
    }
}
