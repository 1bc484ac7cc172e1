//! K-fold cross-validation over a penalty path, shared by the elastic-net
//! models (binomial, multinomial, Cox): fold assignment, the
//! cross-validated curve and the choice of `lambda_min` / `lambda_1se`,
//! exactly as glmnet's `cv.glmnet` (glmnet 4.1 `cvstats`, `cvcompute`,
//! `getOptcv.glmnet`).
//!
//! Each fold `k` contributes one value `v_kl` per penalty `lambda_l` (the
//! weighted mean of a per-row measure over the held-out rows, a fold AUC,
//! or the Cox partial-likelihood deviance per event) and a weight `W_k`
//! (the held-out case weights, or events). Then, with `K` folds,
//!
//! ```text
//! cvm_l  = sum_k W_k v_kl / sum_k W_k
//! cvsd_l = sqrt( sum_k W_k (v_kl - cvm_l)^2 / sum_k W_k / (K - 1) )
//! ```
//!
//! (undefined fold values, e.g. an AUC of a single-class fold, are left out
//! of both sums, as `weighted.mean(na.rm = TRUE)`). `lambda_min` is the
//! largest penalty with the best `cvm`; `lambda_1se` the largest penalty
//! whose `cvm` is within one `cvsd` (taken at `lambda_min`) of it.

use osler_data::split::stratified_kfold;
use osler_data::{Matrix, SplitMix64};
use serde::{Deserialize, Serialize};

use crate::ModelError;

/// How rows are assigned to folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Folds {
    /// A fold id per row (any values, at least two distinct), as glmnet's `foldid`.
    Given(Vec<usize>),
    /// `k` folds stratified by the outcome (class, or event indicator for
    /// survival) from [`osler_data::split::stratified_kfold`] seeded with `seed`.
    Stratified {
        /// Number of folds.
        k: usize,
        /// Seed of the SplitMix64 generator that shuffles rows within each stratum.
        seed: u64,
    },
}

impl Folds {
    /// The fold id of each of `n` rows; `strata` is the stratification label per row.
    pub fn assign(&self, n: usize, strata: &[f64]) -> Result<Vec<usize>, ModelError> {
        match self {
            Folds::Given(f) => {
                if f.len() != n {
                    return Err(ModelError::LengthMismatch {
                        what: "fold ids",
                        found: f.len(),
                        expected: n,
                    });
                }
                Ok(f.clone())
            }
            Folds::Stratified { k, seed } => {
                // The split refuses only fewer than 2 folds or more folds than rows.
                stratified_kfold(strata, *k, &mut SplitMix64::new(*seed))
                    .map_err(|_| ModelError::Folds { folds: *k, rows: strata.len() })
            }
        }
    }
}

/// The distinct fold ids of `folds`, ascending; at least two are needed.
pub(crate) fn distinct_folds(folds: &[usize]) -> Result<Vec<usize>, ModelError> {
    let mut ids = folds.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() < 2 {
        return Err(ModelError::TooFew {
            what: "distinct fold ids for cross-validation",
            found: ids.len(),
            needed: 2,
        });
    }
    Ok(ids)
}

/// The cross-validated curve along the penalties and the chosen penalties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvCurve {
    /// The penalties of the path, in the order fitted.
    pub lambdas: Vec<f64>,
    /// Cross-validated mean of the measure per penalty (glmnet `cvm`).
    pub cvm: Vec<f64>,
    /// Its standard error (glmnet `cvsd`).
    pub cvsd: Vec<f64>,
    /// Largest penalty with the best `cvm`.
    pub lambda_min: f64,
    /// Largest penalty with `cvm` within one `cvsd` of the best.
    pub lambda_1se: f64,
    /// Position of `lambda_min` in `lambdas`.
    pub index_min: usize,
    /// Position of `lambda_1se` in `lambdas`.
    pub index_1se: usize,
    /// Distinct fold ids, ascending (the rows of `fold_values`).
    pub fold_ids: Vec<usize>,
    /// `v_kl`: per fold (outer) and penalty (inner).
    pub fold_values: Vec<Vec<f64>>,
    /// `W_k` per fold.
    pub fold_weights: Vec<f64>,
    /// Whether larger values are better (AUC); otherwise smaller (deviance, error rate).
    pub maximize: bool,
}

impl CvCurve {
    /// Summarises fold values `fold_values[k][l]` with weights
    /// `fold_weights[k]` (see the module docs).
    pub fn from_folds(
        lambdas: Vec<f64>,
        fold_ids: Vec<usize>,
        fold_values: Vec<Vec<f64>>,
        fold_weights: Vec<f64>,
        maximize: bool,
    ) -> Result<Self, ModelError> {
        let nl = lambdas.len();
        let kf = fold_values.len() as f64;
        if fold_values.len() < 2 {
            return Err(ModelError::TooFew {
                what: "folds for cross-validation",
                found: fold_values.len(),
                needed: 2,
            });
        }
        if let Some(v) = fold_values.iter().find(|v| v.len() != nl) {
            return Err(ModelError::LengthMismatch {
                what: "a fold's values (one per penalty)",
                found: v.len(),
                expected: nl,
            });
        }
        let mut cvm = Vec::with_capacity(nl);
        let mut cvsd = Vec::with_capacity(nl);
        for l in 0..nl {
            let good = || {
                fold_values
                    .iter()
                    .zip(&fold_weights)
                    .map(|(v, &w)| (v[l], w))
                    .filter(|(v, _)| !v.is_nan())
            };
            let wsum: f64 = good().map(|(_, w)| w).sum();
            let m = good().map(|(v, w)| w * v).sum::<f64>() / wsum;
            let var = good().map(|(v, w)| w * (v - m) * (v - m)).sum::<f64>() / wsum;
            cvm.push(m);
            cvsd.push((var / (kf - 1.0)).sqrt());
        }
        // glmnet negates a measure to be maximised, then minimises.
        let sign = if maximize { -1.0 } else { 1.0 };
        let score: Vec<f64> = cvm.iter().map(|v| sign * v).collect();
        let largest = |ok: &dyn Fn(usize) -> bool| {
            (0..nl).filter(|&l| ok(l)).max_by(|&a, &b| lambdas[a].total_cmp(&lambdas[b]))
        };
        let best = score.iter().copied().filter(|v| !v.is_nan()).fold(f64::INFINITY, f64::min);
        let index_min = largest(&|l| score[l] <= best).ok_or(ModelError::CvUndefined)?;
        let bound = score[index_min] + cvsd[index_min];
        let index_1se = largest(&|l| score[l] <= bound).unwrap_or(index_min);
        Ok(CvCurve {
            lambda_min: lambdas[index_min],
            lambda_1se: lambdas[index_1se],
            lambdas,
            cvm,
            cvsd,
            index_min,
            index_1se,
            fold_ids,
            fold_values,
            fold_weights,
            maximize,
        })
    }
}

/// The rows `rows` and columns `cols` of `x`, in the given orders.
pub(crate) fn submatrix(x: &Matrix, rows: &[usize], cols: &[usize]) -> Matrix {
    let mut data = Vec::with_capacity(rows.len() * cols.len());
    for &j in cols {
        let c = x.col(j);
        data.extend(rows.iter().map(|&i| c[i]));
    }
    Matrix::from_column_major(rows.len(), cols.len(), data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_follows_glmnet_formulas() {
        let lambdas = vec![1.0, 0.5, 0.25];
        let values = vec![vec![1.0, 0.5, 0.7], vec![1.2, 0.9, 0.8], vec![1.1, 0.7, 0.6]];
        let weights = vec![10.0, 20.0, 10.0];
        let c = CvCurve::from_folds(lambdas, vec![0, 1, 2], values, weights, false).expect("valid");
        let m1 = (10.0 * 0.5 + 20.0 * 0.9 + 10.0 * 0.7) / 40.0;
        assert!((c.cvm[1] - m1).abs() < 1e-15);
        let v1 =
            (10.0 * (0.5 - m1).powi(2) + 20.0 * (0.9 - m1).powi(2) + 10.0 * (0.7 - m1).powi(2))
                / 40.0;
        assert!((c.cvsd[1] - (v1 / 2.0).sqrt()).abs() < 1e-15);
        // cvm = [1.125, 0.75, 0.725], cvsd[2] = 0.0586: the minimum is at index 2
        // and lambda_1se is the largest penalty within one SE of it.
        assert_eq!((c.index_min, c.index_1se), (2, 1));
        let c2 = CvCurve::from_folds(
            vec![1.0, 0.5, 0.25],
            vec![0, 1],
            vec![vec![3.0, 1.0, 0.8], vec![3.0, 1.1, 1.2]],
            vec![1.0, 1.0],
            false,
        )
        .expect("valid");
        assert_eq!((c2.index_min, c2.index_1se), (2, 1));
        assert!((c2.cvsd[2] - 0.2).abs() < 1e-15);
        let auc = CvCurve::from_folds(
            vec![1.0, 0.5],
            vec![0, 1],
            vec![vec![0.5, 0.8], vec![f64::NAN, 0.9]],
            vec![1.0, 1.0],
            true,
        )
        .expect("valid");
        assert_eq!(auc.cvm[0], 0.5);
        assert_eq!(auc.index_min, 1);
    }

    #[test]
    fn folds_are_checked() {
        assert!(Folds::Given(vec![0, 1]).assign(3, &[0.0; 3]).is_err());
        assert!(distinct_folds(&[2, 2, 2]).is_err());
        let f =
            Folds::Stratified { k: 2, seed: 1 }.assign(4, &[0.0, 1.0, 0.0, 1.0]).expect("valid");
        assert_eq!(distinct_folds(&f).expect("valid"), vec![0, 1]);
    }
}
