//! K-fold cross-validation of the elastic-net Cox path with the
//! cross-validated partial likelihood of Verweij & van Houwelingen (1993,
//! Statistics in Medicine 12, 2305-2314), exactly as glmnet's `cv.glmnet(...,
//! family = "cox", type.measure = "deviance", grouped = TRUE)` (glmnet 4.1
//! `buildPredmat.coxnetlist` / `cv.coxnet`).
//!
//! The path is fitted on all rows to fix the penalties `lambda_l`; then for
//! each fold `k` on the other rows, giving `beta_{-k}(lambda_l)`. With the
//! deviance `D_S(beta) = 2 (l_sat(S) - logPL_S(beta))` of a row set `S`
//! (Breslow, within strata; `l_sat(S) = -sum d log d` over its event times),
//!
//! ```text
//! cvraw_kl = [D_all(beta_{-k}(lambda_l)) - D_{-k}(beta_{-k}(lambda_l))] / E_k
//! cvm_l    = sum_k E_k cvraw_kl / sum_k E_k
//! cvsd_l   = sqrt( sum_k E_k (cvraw_kl - cvm_l)^2 / sum_k E_k / (K - 1) )
//! ```
//!
//! `E_k` = events in fold `k`. The difference of the two deviances is the
//! fold's contribution to the cross-validated log partial likelihood
//! (every risk set uses all rows at risk, so small folds are not penalised
//! for their own small risk sets). `lambda_min` is the largest penalty
//! with the smallest `cvm`; `lambda_1se` the largest with `cvm <=
//! cvm_min + cvsd_min` (glmnet's `getOptcv.glmnet`). The curve and the
//! choice are [`crate::cv::CvCurve`]'s, shared with the binomial and
//! multinomial cross-validation.
//!
//! [`CvCoxnet::fit`] optionally pre-filters the features inside each
//! training fold ([`Prefilter`], e.g. the univariate Cox score), fitting
//! the full-data path on the features kept on all rows.

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::data::{sorted_eta, unscaled};
use super::model::{CoxnetOptions, CoxnetPath, fit_path};
use crate::ModelError;
use crate::cv::{CvCurve, distinct_folds, submatrix};
use crate::selection::{Outcome, Prefilter};

/// Result of [`cv_coxnet`] and [`CvCoxnet::fit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvCoxnet {
    /// Penalties `lambda`, one per fitted model, in the order fitted (the given order, or glmnet's decreasing path).
    pub lambdas: Vec<f64>,
    /// Cross-validated partial-likelihood deviance per event (`cvm`).
    pub mean_deviance: Vec<f64>,
    /// Its standard error (`cvsd`).
    pub se: Vec<f64>,
    /// Largest penalty with the smallest `mean_deviance`.
    pub lambda_min: f64,
    /// Largest penalty with `mean_deviance` within one `se` of the smallest.
    pub lambda_1se: f64,
    /// Position of `lambda_min` in `lambdas`.
    pub index_min: usize,
    /// Position of `lambda_1se` in `lambdas`.
    pub index_1se: usize,
    /// Distinct fold ids, ascending (the rows of `fold_deviance`).
    pub fold_ids: Vec<usize>,
    /// `cvraw`: per fold (outer) and penalty (inner).
    pub fold_deviance: Vec<Vec<f64>>,
    /// Events per fold (the weights `E_k`).
    pub fold_events: Vec<usize>,
    /// The path fitted on all rows (coefficients over all columns of `x`).
    pub path: CoxnetPath,
    /// Features kept by the pre-filter on all rows (all features without one).
    pub features: Vec<usize>,
}

/// Cross-validates the elastic-net Cox path; `folds` is a fold id per row
/// (any values, at least two distinct, every fold with an event).
pub fn cv_coxnet(
    x: &Matrix,
    time: &[f64],
    event: &[f64],
    strata: Option<&[u32]>,
    folds: &[usize],
    opts: &CoxnetOptions,
) -> Result<CvCoxnet, ModelError> {
    CvCoxnet::fit(x, time, event, strata, folds, opts, None)
}

/// The Cox path on rows `rows` and columns `cols` of `x`, its coefficients
/// spread back over all columns.
fn fit_on(
    x: &Matrix,
    (time, event, strata): (&[f64], &[f64], Option<&[u32]>),
    rows: &[usize],
    cols: &[usize],
    opts: &CoxnetOptions,
) -> Result<CoxnetPath, ModelError> {
    let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let st: Option<Vec<u32>> = strata.map(|s| rows.iter().map(|&i| s[i]).collect());
    // All rows and columns: the matrix itself, not a copy.
    let sub;
    let xs = if cols.len() == x.cols() && rows.len() == x.rows() {
        x
    } else {
        sub = submatrix(x, rows, cols);
        &sub
    };
    let mut path = fit_path(xs, &pick(time), &pick(event), st.as_deref(), opts)?;
    if cols.len() != x.cols() {
        for c in &mut path.coefs {
            let mut full = vec![0.0; x.cols()];
            for (&j, &b) in cols.iter().zip(c.iter()) {
                full[j] = b;
            }
            *c = full;
        }
    }
    Ok(path)
}

impl CvCoxnet {
    /// [`cv_coxnet`] with an optional univariate pre-filter applied to each
    /// training fold (and to all rows for the reported path).
    #[allow(clippy::too_many_arguments)]
    pub fn fit(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        strata: Option<&[u32]>,
        folds: &[usize],
        opts: &CoxnetOptions,
        prefilter: Option<&Prefilter>,
    ) -> Result<CvCoxnet, ModelError> {
        let n = x.rows();
        if folds.len() != n {
            return Err(ModelError::LengthMismatch {
                what: "folds",
                found: folds.len(),
                expected: n,
            });
        }
        let fold_ids = distinct_folds(folds)?;
        let data = (time, event, strata);
        let outcome = Outcome::Survival { time, event };
        let select = |rows: &[usize]| match prefilter {
            Some(f) => f.select_rows(x, rows, outcome),
            None => Ok((0..x.cols()).collect()),
        };
        let all_rows: Vec<usize> = (0..n).collect();
        let features = select(&all_rows)?;
        let path = fit_on(x, data, &all_rows, &features, opts)?;
        let all = unscaled(x, time, event, strata)?;
        let fold_opts = CoxnetOptions { lambdas: Some(path.lambdas.clone()), ..opts.clone() };
        let nl = path.lambdas.len();
        let mut fold_deviance = Vec::with_capacity(fold_ids.len());
        let mut fold_events = Vec::with_capacity(fold_ids.len());
        for &k in &fold_ids {
            let events = (0..n).filter(|&i| folds[i] == k && event[i] == 1.0).count();
            if events == 0 {
                return Err(ModelError::FoldWithoutEvents { fold: k });
            }
            let rows: Vec<usize> = (0..n).filter(|&i| folds[i] != k).collect();
            let fit = fit_on(x, data, &rows, &select(&rows)?, &fold_opts)?;
            let raw: Vec<f64> = (0..nl)
                .map(|l| {
                    let d_all =
                        2.0 * (all.loglik_sat - all.loglik(&sorted_eta(&all, x, &fit.coefs[l])));
                    (d_all - fit.deviance(l)) / events as f64
                })
                .collect();
            fold_deviance.push(raw);
            fold_events.push(events);
        }
        let weights = fold_events.iter().map(|&e| e as f64).collect();
        let curve =
            CvCurve::from_folds(path.lambdas.clone(), fold_ids, fold_deviance, weights, false)?;
        Ok(CvCoxnet {
            lambdas: curve.lambdas,
            mean_deviance: curve.cvm,
            se: curve.cvsd,
            lambda_min: curve.lambda_min,
            lambda_1se: curve.lambda_1se,
            index_min: curve.index_min,
            index_1se: curve.index_1se,
            fold_ids: curve.fold_ids,
            fold_deviance: curve.fold_values,
            fold_events,
            path,
            features,
        })
    }
}
