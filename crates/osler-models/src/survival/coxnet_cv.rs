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
//! cvm_min + cvsd_min` (glmnet's `getOptcv.glmnet`).

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::coxnet::{CoxnetOptions, CoxnetPath, fit_path};
use super::coxnet_data::{sorted_eta, unscaled};
use crate::ModelError;

/// Result of [`cv_coxnet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvCoxnet {
    pub lambdas: Vec<f64>,
    /// Cross-validated partial-likelihood deviance per event (`cvm`).
    pub mean_deviance: Vec<f64>,
    /// Its standard error (`cvsd`).
    pub se: Vec<f64>,
    pub lambda_min: f64,
    pub lambda_1se: f64,
    pub index_min: usize,
    pub index_1se: usize,
    /// Distinct fold ids, ascending (the rows of `fold_deviance`).
    pub fold_ids: Vec<usize>,
    /// `cvraw`: per fold (outer) and penalty (inner).
    pub fold_deviance: Vec<Vec<f64>>,
    /// Events per fold (the weights `E_k`).
    pub fold_events: Vec<usize>,
    /// The path fitted on all rows.
    pub path: CoxnetPath,
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
    let n = x.rows();
    if folds.len() != n {
        return Err(ModelError::LengthMismatch { what: "folds", found: folds.len(), expected: n });
    }
    let mut fold_ids = folds.to_vec();
    fold_ids.sort_unstable();
    fold_ids.dedup();
    if fold_ids.len() < 2 {
        return Err(ModelError::InvalidOption(
            "cross-validation needs at least two distinct fold ids".into(),
        ));
    }
    let path = fit_path(x, time, event, strata, opts)?;
    let all = unscaled(x, time, event, strata)?;
    let fold_opts = CoxnetOptions { lambdas: Some(path.lambdas.clone()), ..opts.clone() };
    let nl = path.lambdas.len();
    let mut fold_deviance = Vec::with_capacity(fold_ids.len());
    let mut fold_events = Vec::with_capacity(fold_ids.len());
    for &k in &fold_ids {
        let events = (0..n).filter(|&i| folds[i] == k && event[i] == 1.0).count();
        if events == 0 {
            return Err(ModelError::InvalidOption(format!(
                "fold {k} has no events: the grouped partial-likelihood deviance weights folds by their events"
            )));
        }
        let rows: Vec<usize> = (0..n).filter(|&i| folds[i] != k).collect();
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let st: Option<Vec<u32>> = strata.map(|s| rows.iter().map(|&i| s[i]).collect());
        let fit =
            fit_path(&x.select_rows(&rows), &pick(time), &pick(event), st.as_deref(), &fold_opts)?;
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
    let wsum: f64 = fold_events.iter().sum::<usize>() as f64;
    let kf = fold_ids.len() as f64;
    let mut mean_deviance = Vec::with_capacity(nl);
    let mut se = Vec::with_capacity(nl);
    for l in 0..nl {
        let m = fold_deviance.iter().zip(&fold_events).map(|(r, &e)| e as f64 * r[l]).sum::<f64>()
            / wsum;
        let v = fold_deviance
            .iter()
            .zip(&fold_events)
            .map(|(r, &e)| e as f64 * (r[l] - m) * (r[l] - m))
            .sum::<f64>()
            / wsum;
        mean_deviance.push(m);
        se.push((v / (kf - 1.0)).sqrt());
    }
    let lambdas = path.lambdas.clone();
    // Largest lambda among those satisfying `ok` (glmnet's max(lambda[id])).
    let largest = |ok: &dyn Fn(usize) -> bool| {
        (0..nl).filter(|&l| ok(l)).max_by(|&a, &b| lambdas[a].total_cmp(&lambdas[b]))
    };
    let cvmin = mean_deviance.iter().copied().filter(|v| !v.is_nan()).fold(f64::INFINITY, f64::min);
    let index_min = largest(&|l| mean_deviance[l] <= cvmin).ok_or_else(|| {
        ModelError::InvalidOption("cross-validated deviance is undefined at every penalty".into())
    })?;
    let bound = mean_deviance[index_min] + se[index_min];
    let index_1se = largest(&|l| mean_deviance[l] <= bound).unwrap_or(index_min);
    Ok(CvCoxnet {
        lambda_min: lambdas[index_min],
        lambda_1se: lambdas[index_1se],
        lambdas,
        mean_deviance,
        se,
        index_min,
        index_1se,
        fold_ids,
        fold_deviance,
        fold_events,
        path,
    })
}
