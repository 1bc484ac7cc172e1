//! DeLong variance and confidence interval of the AUROC, as R's pROC.

use serde::Serialize;

use crate::error::EvalError;
use crate::normal::normal_quantile;
use crate::ranking::auroc;
use crate::validate;

/// AUROC with its DeLong variance and a normal-approximation confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AurocCi {
    /// The AUROC (Mann-Whitney, ties 1/2).
    pub auroc: f64,
    /// DeLong variance of the AUROC.
    pub variance: f64,
    /// Lower confidence limit, truncated at 0.
    pub lower: f64,
    /// Upper confidence limit, truncated at 1.
    pub upper: f64,
}

/// DeLong, DeLong & Clarke-Pearson (1988) variance of the AUROC, as pROC's
/// `var(roc, method = "delong")`.
///
/// With the structural components (placements) `V10_i = (1/n0) sum_j psi(x_i, z_j)`
/// for each positive `x_i` and `V01_j = (1/n1) sum_i psi(x_i, z_j)` for each
/// negative `z_j`, where `psi(x, z) = 1` if `x > z`, `1/2` if `x == z`, else 0:
///
/// `Var = S10 / n1 + S01 / n0`, `S10 = sum_i (V10_i - AUC)^2 / (n1 - 1)`,
/// `S01 = sum_j (V01_j - AUC)^2 / (n0 - 1)`.
///
/// Placements are counted per group of tied scores after one sort: O(n log n).
///
/// # Errors
/// Invalid input, or fewer than 2 positive or 2 negative rows.
pub fn delong_auc_variance(y: &[bool], score: &[f64]) -> Result<f64, EvalError> {
    let classes = validate::scores(y, score)?.require("delong_auc_variance", 2, 2)?;
    let theta = auroc(y, score)?;
    let (n1, n0) = (classes.positives as f64, classes.negatives as f64);
    let mut rows: Vec<(f64, bool)> = score.iter().copied().zip(y.iter().copied()).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut s10, mut s01) = (0.0, 0.0);
    // Ascending: `neg_below` negatives lie below the current group.
    let (mut neg_below, mut pos_below) = (0usize, 0usize);
    let mut start = 0;
    while start < rows.len() {
        let end = start + rows[start..].partition_point(|r| r.0 == rows[start].0);
        let pos_here = rows[start..end].iter().filter(|r| r.1).count();
        let neg_here = (end - start) - pos_here;
        let pos_above = classes.positives - pos_below - pos_here;
        let v10 = (neg_below as f64 + 0.5 * neg_here as f64) / n0;
        let v01 = (pos_above as f64 + 0.5 * pos_here as f64) / n1;
        s10 += pos_here as f64 * (v10 - theta).powi(2);
        s01 += neg_here as f64 * (v01 - theta).powi(2);
        neg_below += neg_here;
        pos_below += pos_here;
        start = end;
    }
    Ok(s10 / (n1 - 1.0) / n1 + s01 / (n0 - 1.0) / n0)
}

/// AUROC with a DeLong confidence interval at `level` (e.g. 0.95), as pROC's
/// `ci.auc(method = "delong")`: `AUC + sqrt(Var) * qnorm(q)` for
/// `q = (1 - level) / 2` and `1 - (1 - level) / 2`, then truncated to `[0, 1]`.
///
/// # Errors
/// As [`delong_auc_variance`], or `level` not strictly inside `(0, 1)`.
pub fn auroc_ci_delong(y: &[bool], score: &[f64], level: f64) -> Result<AurocCi, EvalError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(EvalError::InvalidLevel(level));
    }
    let variance = delong_auc_variance(y, score)?;
    let auc = auroc(y, score)?;
    let sd = variance.sqrt();
    let alpha = (1.0 - level) / 2.0;
    Ok(AurocCi {
        auroc: auc,
        variance,
        lower: (auc + sd * normal_quantile(alpha)).clamp(0.0, 1.0),
        upper: (auc + sd * normal_quantile(1.0 - alpha)).clamp(0.0, 1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct O(n1 n0) definition, for checking the grouped computation.
    fn brute_force(y: &[bool], s: &[f64]) -> f64 {
        let psi = |x: f64, z: f64| {
            if x > z {
                1.0
            } else if x == z {
                0.5
            } else {
                0.0
            }
        };
        let pos: Vec<f64> = (0..y.len()).filter(|&i| y[i]).map(|i| s[i]).collect();
        let neg: Vec<f64> = (0..y.len()).filter(|&i| !y[i]).map(|i| s[i]).collect();
        let (n1, n0) = (pos.len() as f64, neg.len() as f64);
        let v10: Vec<f64> =
            pos.iter().map(|&x| neg.iter().map(|&z| psi(x, z)).sum::<f64>() / n0).collect();
        let v01: Vec<f64> =
            neg.iter().map(|&z| pos.iter().map(|&x| psi(x, z)).sum::<f64>() / n1).collect();
        let theta = v10.iter().sum::<f64>() / n1;
        let s10 = v10.iter().map(|v| (v - theta).powi(2)).sum::<f64>() / (n1 - 1.0);
        let s01 = v01.iter().map(|v| (v - theta).powi(2)).sum::<f64>() / (n0 - 1.0);
        s10 / n1 + s01 / n0
    }

    #[test]
    fn grouped_equals_brute_force_with_ties() {
        let y = [true, false, true, true, false, false, true, false, false];
        let s = [0.9, 0.9, 0.4, 0.7, 0.4, 0.1, 0.4, 0.2, 0.8];
        let v = delong_auc_variance(&y, &s).expect("valid");
        assert!((v - brute_force(&y, &s)).abs() < 1e-16);
    }

    #[test]
    fn ci_is_truncated_and_ordered() {
        let y = [true, true, false, false];
        let ci = auroc_ci_delong(&y, &[0.9, 0.8, 0.2, 0.1], 0.95).expect("valid");
        assert_eq!(ci.auroc, 1.0);
        assert_eq!(ci.variance, 0.0);
        assert_eq!((ci.lower, ci.upper), (1.0, 1.0));
        let ci = auroc_ci_delong(&y, &[0.9, 0.1, 0.2, 0.8], 0.95).expect("valid");
        assert!(0.0 <= ci.lower && ci.lower < ci.auroc && ci.auroc < ci.upper && ci.upper <= 1.0);
    }

    #[test]
    fn errors() {
        let e = delong_auc_variance(&[true, false, false], &[0.3, 0.2, 0.1]).expect_err("n1 = 1");
        assert!(matches!(e, EvalError::ClassTooSmall { needed_positives: 2, positives: 1, .. }));
        for level in [0.0, 1.0, f64::NAN, -0.5] {
            assert!(matches!(
                auroc_ci_delong(&[true, true, false, false], &[1.0, 2.0, 3.0, 4.0], level),
                Err(EvalError::InvalidLevel(_))
            ));
        }
    }
}
