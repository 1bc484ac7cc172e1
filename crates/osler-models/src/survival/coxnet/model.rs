//! Elastic-net penalised Cox regression: glmnet's `family = "cox"`
//! (Simon, Friedman, Hastie & Tibshirani 2011, "Regularization Paths for
//! Cox's Proportional Hazards Model via Coordinate Descent", JSS 39(5)) and
//! scikit-survival's `CoxnetSurvivalAnalysis`.
//!
//! For each penalty `lambda` the coefficients minimise, exactly (KKT
//! conditions to `tol`, see `solver`),
//!
//! ```text
//! -(1/n) logPL_Breslow(beta) + lambda (alpha |beta|_1 + (1 - alpha)/2 |beta|_2^2)
//! ```
//!
//! with **Breslow** ties (`logPL = sum_i delta_i eta_i - sum_k d_k log
//! sum_{R_k} exp(eta)`, as glmnet and sksurv; Efron is not offered), no
//! intercept, optional strata (risk sets within strata, common
//! coefficients). With `standardize` (the default) the penalty applies to
//! the coefficients of the features divided by their population SD
//! (`ddof = 0`) and the coefficients are reported on the original scale
//! (`beta_j = gamma_j / s_j`), as glmnet's `standardize = TRUE`; with
//! `standardize: false` the features are taken as given. Constant features
//! get coefficient 0.
//!
//! The path (glmnet's conventions): `lambda_max = max_j |dlogPL/dbeta_j(0)|
//! / (n max(alpha, 1e-3))`, the smallest penalty with all coefficients 0;
//! `n_lambda` values log-spaced down to `lambda_min_ratio lambda_max`
//! (default ratio 0.01 when `n < p`, else 1e-4), each fit warm-started from
//! the previous one, with sequential strong rules (Tibshirani et al. 2012,
//! JRSS-B 74(2)) and a KKT check of the discarded features.
//!
//! Deviance (glmnet `coxnet.deviance`): `D(beta) = 2 (l_sat - logPL(beta))`
//! with `l_sat = -sum_k d_k log d_k` over event times (0 without ties);
//! `dev_ratio = 1 - D(beta) / D(0)`.

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::data::{Prep, baseline, linear_predictor, unscaled};
use super::solver::Solver;
use crate::ModelError;
use crate::linear::PathSettings;
use crate::survival::cox::model::BaselineStratum;

/// Options of [`fit_path`] (and [`CoxnetModel::fit`], [`crate::survival::cv_coxnet`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxnetOptions {
    /// Elastic-net mixing in `[0, 1]`: 1 lasso, 0 ridge (glmnet `alpha`,
    /// sksurv `l1_ratio`).
    pub alpha: f64,
    /// Penalties to fit, in the order given (normally decreasing); `None`
    /// builds glmnet's log-spaced path.
    pub lambdas: Option<Vec<f64>>,
    /// Length of the automatic path.
    pub n_lambda: usize,
    /// Smallest automatic penalty as a fraction of `lambda_max`; `None`:
    /// 0.01 if `n < p`, else 1e-4.
    pub lambda_min_ratio: Option<f64>,
    /// Penalise the coefficients of the features scaled to unit population SD.
    pub standardize: bool,
    /// Newton (outer) iterations per penalty at most.
    pub max_iter: usize,
    /// KKT tolerance on the gradient of the `1/n`-scaled objective.
    pub tol: f64,
}

impl Default for CoxnetOptions {
    fn default() -> Self {
        CoxnetOptions {
            alpha: 1.0,
            lambdas: None,
            n_lambda: 100,
            lambda_min_ratio: None,
            standardize: true,
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

impl CoxnetOptions {
    fn settings(&self) -> PathSettings<'_> {
        PathSettings {
            alpha: self.alpha,
            lambdas: self.lambdas.as_deref(),
            n_lambda: self.n_lambda,
            lambda_min_ratio: self.lambda_min_ratio,
            max_iter: self.max_iter,
            tol: self.tol,
        }
    }
}

/// A fitted regularisation path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxnetPath {
    /// Penalties `lambda`, one per fitted model, in the order fitted (the given order, or glmnet's decreasing path).
    pub lambdas: Vec<f64>,
    /// Coefficients on the original feature scale, one vector per penalty.
    pub coefs: Vec<Vec<f64>>,
    /// Number of non-zero coefficients per penalty.
    pub df: Vec<usize>,
    /// `1 - D(beta) / D(0)` (glmnet `dev.ratio`).
    pub dev_ratio: Vec<f64>,
    /// Breslow log partial likelihood per penalty.
    pub loglik: Vec<f64>,
    /// Breslow log partial likelihood at `beta = 0`.
    pub loglik_null: f64,
    /// Saturated log partial likelihood `-sum_k d_k log d_k`.
    pub loglik_sat: f64,
    /// Smallest penalty at which every coefficient is 0.
    pub lambda_max: f64,
    /// Elastic-net mixing `alpha` in `[0, 1]` of the fit (1 = lasso, 0 = ridge).
    pub alpha: f64,
    /// Largest KKT violation per penalty (standardised scale).
    pub kkt: Vec<f64>,
    /// Newton iterations per penalty.
    pub iterations: Vec<usize>,
    /// Number of training rows.
    pub n: usize,
    /// Number of events in the training data.
    pub n_events: usize,
}

impl CoxnetPath {
    /// Deviance `2 (l_sat - logPL)` at penalty `index`.
    pub fn deviance(&self, index: usize) -> f64 {
        2.0 * (self.loglik_sat - self.loglik[index])
    }

    /// The model at penalty `index`, with its Breslow baseline hazard
    /// computed on the training data (which must be the data of the fit).
    pub fn model(
        &self,
        index: usize,
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        strata: Option<&[u32]>,
    ) -> Result<CoxnetModel, ModelError> {
        let coef = self
            .coefs
            .get(index)
            .ok_or(ModelError::PathIndex { index, len: self.lambdas.len() })?;
        if x.cols() != coef.len() {
            return Err(ModelError::FeatureCount { expected: coef.len(), found: x.cols() });
        }
        if x.rows() != self.n {
            return Err(ModelError::LengthMismatch {
                what: "rows of x",
                found: x.rows(),
                expected: self.n,
            });
        }
        let d = unscaled(x, time, event, strata)?;
        Ok(CoxnetModel {
            coef: coef.clone(),
            lambda: self.lambdas[index],
            alpha: self.alpha,
            loglik: self.loglik[index],
            n: self.n,
            n_events: self.n_events,
            baseline: baseline(&d, x, coef),
        })
    }
}

/// Fits the elastic-net Cox path: for each penalty the exact minimiser of
///
/// ```text
/// -(1/n) logPL_Breslow(beta) + lambda (alpha |beta|_1 + (1 - alpha)/2 |beta|_2^2)
/// ```
///
/// (glmnet / sksurv Coxnet; Breslow ties, no intercept, risk sets within
/// `strata`), with the penalty on the population-SD-standardised
/// coefficients when `opts.standardize` (coefficients reported on the
/// original scale). Without `opts.lambdas`: `n_lambda` penalties log-spaced
/// from `lambda_max = max_j |dlogPL/dbeta_j(0)| / (n max(alpha, 1e-3))` (all
/// coefficients 0) down to `lambda_min_ratio lambda_max`, warm-started,
/// with strong-rule screening and a KKT check of the screened-out features.
/// Every solution satisfies the KKT conditions to `opts.tol`
/// ([`CoxnetPath::kkt`]).
///
/// `time` positive, `event` 0/1, `strata` an optional stratum code per row.
/// Errors: [`ModelError`] for bad options, lengths, times, events,
/// non-finite features, no events, or no convergence within `max_iter`.
pub fn fit_path(
    x: &Matrix,
    time: &[f64],
    event: &[f64],
    strata: Option<&[u32]>,
    opts: &CoxnetOptions,
) -> Result<CoxnetPath, ModelError> {
    opts.settings().validate()?;
    let d = Prep::new(x, time, event, strata, opts.standardize)?;
    fit_prepared(&d, opts)
}

pub(crate) fn fit_prepared(d: &Prep, opts: &CoxnetOptions) -> Result<CoxnetPath, ModelError> {
    let mut solver = Solver::new(d, opts.alpha, opts.max_iter, opts.tol);
    let lmax = solver.lambda_max;
    let lambdas = opts.settings().penalties(lmax, d.n, d.p).ok_or(ModelError::NoPath {
        why: "every feature is constant (or constant within every risk set)",
    })?;
    let ll0 = solver.loglik_null;
    let mut path = CoxnetPath {
        lambdas: lambdas.clone(),
        coefs: Vec::with_capacity(lambdas.len()),
        df: Vec::with_capacity(lambdas.len()),
        dev_ratio: Vec::with_capacity(lambdas.len()),
        loglik: Vec::with_capacity(lambdas.len()),
        loglik_null: ll0,
        loglik_sat: d.loglik_sat,
        lambda_max: lmax,
        alpha: opts.alpha,
        kkt: Vec::with_capacity(lambdas.len()),
        iterations: Vec::with_capacity(lambdas.len()),
        n: d.n,
        n_events: d.n_events,
    };
    let mut prev = lmax;
    let generated = opts.lambdas.is_none();
    for &lambda in &lambdas {
        // glmnet's path stopping rules (devmax = 0.999, fdev = 1e-5, after at least
        // mnlam = 5 penalties) for generated paths: past saturation (p > n) the
        // remaining penalties add nothing and the problem becomes ill-posed.
        if generated
            && path.coefs.len() >= 5
            && let [.., before, last] = path.dev_ratio[..]
            && (last > 0.999 || (last - before) < 1e-5 * last.abs())
        {
            break;
        }
        let sol = solver.solve(lambda, prev.max(lambda))?;
        prev = lambda;
        let coef: Vec<f64> = sol
            .gamma
            .iter()
            .zip(&d.scale)
            .map(|(g, s)| if *s > 0.0 { g / s } else { 0.0 })
            .collect();
        path.df.push(coef.iter().filter(|v| **v != 0.0).count());
        path.coefs.push(coef);
        path.dev_ratio.push((sol.loglik - ll0) / (d.loglik_sat - ll0));
        path.loglik.push(sol.loglik);
        path.kkt.push(sol.kkt);
        path.iterations.push(sol.iterations);
    }
    path.lambdas.truncate(path.coefs.len());
    Ok(path)
}

/// An elastic-net Cox model at one penalty: `h(t | x) = h_0s(t) exp(x'beta)`
/// with the Breslow baseline `H_0s(t) = sum_{t_k <= t} d_k / sum_{R_k}
/// exp(x_i'beta)` at the penalised `beta` (reference point `x = 0`, as
/// [`crate::survival::CoxModel`]).
///
/// With serde_json's `float_roundtrip`, predictions after a JSON round trip
/// are bit-identical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxnetModel {
    coef: Vec<f64>,
    lambda: f64,
    alpha: f64,
    loglik: f64,
    n: usize,
    n_events: usize,
    baseline: Vec<BaselineStratum>,
}

impl CoxnetModel {
    /// Fits at the single penalty `lambda` (`opts.lambdas` is ignored).
    pub fn fit(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        strata: Option<&[u32]>,
        lambda: f64,
        opts: &CoxnetOptions,
    ) -> Result<CoxnetModel, ModelError> {
        let o = CoxnetOptions { lambdas: Some(vec![lambda]), ..opts.clone() };
        fit_path(x, time, event, strata, &o)?.model(0, x, time, event, strata)
    }

    /// Coefficients on the original feature scale.
    pub fn coefficients(&self) -> &[f64] {
        &self.coef
    }
    /// The penalty `lambda` this model was fitted at.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
    /// Elastic-net mixing `alpha` in `[0, 1]` of the fit (1 = lasso, 0 = ridge).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// Breslow log partial likelihood on the training data.
    pub fn loglik(&self) -> f64 {
        self.loglik
    }
    /// Number of training rows.
    pub fn n_obs(&self) -> usize {
        self.n
    }
    /// Number of events in the training data.
    pub fn n_events(&self) -> usize {
        self.n_events
    }
    /// Indices of the non-zero coefficients.
    pub fn selected(&self) -> Vec<usize> {
        (0..self.coef.len()).filter(|&j| self.coef[j] != 0.0).collect()
    }
    /// Per-stratum baseline cumulative hazards at `x = 0` (Breslow and
    /// Efron-type increments).
    pub fn baseline(&self) -> &[BaselineStratum] {
        &self.baseline
    }

    /// `eta = x'beta`.
    pub fn linear_predictor(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        if x.cols() != self.coef.len() {
            return Err(ModelError::FeatureCount { expected: self.coef.len(), found: x.cols() });
        }
        Ok(linear_predictor(x, &self.coef))
    }
}

impl crate::survival::cox::model::ProportionalHazards for CoxnetModel {
    fn baselines(&self) -> &[BaselineStratum] {
        &self.baseline
    }

    fn risk_score(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.linear_predictor(x)
    }
}
