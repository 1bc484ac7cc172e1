//! glmnet's binomial regularisation path (`glmnet(family = "binomial")`):
//! warm starts, sequential strong rules with a KKT check over all features,
//! and glmnet's path stopping rules.

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::cd::{Binomial, CdFit};
use super::data::{Prepared, prepare};
use super::model::LogisticModel;
use super::numeric::sigmoid;
use super::options::{ElasticNetOptions, LogisticOptions, Penalty};
use super::working::follow_path;
use crate::ModelError;

/// A fitted binomial elastic-net path; coefficients on the original scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinomialPath {
    /// Penalties `lambda`, one per fitted model, in the order fitted (the given order, or glmnet's decreasing path).
    pub lambdas: Vec<f64>,
    /// Intercept `b_0` per penalty.
    pub intercepts: Vec<f64>,
    /// Coefficients `b_1..b_p` per penalty.
    pub coefs: Vec<Vec<f64>>,
    /// Non-zero coefficients per penalty.
    pub df: Vec<usize>,
    /// `1 - D / D_null` (glmnet `dev.ratio`).
    pub dev_ratio: Vec<f64>,
    /// `sum_i w_i log p(y_i)` per penalty.
    pub loglik: Vec<f64>,
    /// Log-likelihood of the intercept-only model.
    pub loglik_null: f64,
    /// Smallest penalty with every coefficient 0 (`max_j |G_j(null)| / max(alpha, 1e-3)`).
    pub lambda_max: f64,
    /// Elastic-net mixing `alpha` in `[0, 1]` of the fit (1 = lasso, 0 = ridge).
    pub alpha: f64,
    /// Largest KKT violation per penalty (standardised scale).
    pub kkt: Vec<f64>,
    /// Outer iterations per penalty.
    pub iterations: Vec<usize>,
    /// Weighted training means (the reference of [`LogisticModel::contributions`]).
    pub feature_means: Vec<f64>,
    /// Sum of the case weights.
    pub n_obs: f64,
    /// The KKT tolerance of the fit.
    pub tol: f64,
}

impl BinomialPath {
    /// Number of penalties fitted.
    pub fn len(&self) -> usize {
        self.lambdas.len()
    }

    /// Whether no penalty was fitted.
    pub fn is_empty(&self) -> bool {
        self.lambdas.is_empty()
    }

    /// Deviance `-2 loglik` at penalty `index` (0/1 outcomes: the saturated
    /// log-likelihood is 0).
    pub fn deviance(&self, index: usize) -> f64 {
        -2.0 * self.loglik[index]
    }

    /// Deviance of the intercept-only model.
    pub fn null_deviance(&self) -> f64 {
        -2.0 * self.loglik_null
    }

    /// Indices of the non-zero coefficients at penalty `index`.
    pub fn selected(&self, index: usize) -> Vec<usize> {
        self.coefs
            .get(index)
            .map_or_else(Vec::new, |c| (0..c.len()).filter(|&j| c[j] != 0.0).collect())
    }

    fn check(&self, index: usize, x: &Matrix) -> Result<&[f64], ModelError> {
        let coef = self
            .coefs
            .get(index)
            .ok_or(ModelError::PathIndex { index, len: self.lambdas.len() })?;
        if x.cols() != coef.len() {
            return Err(ModelError::FeatureCount { expected: coef.len(), found: x.cols() });
        }
        Ok(coef)
    }

    /// Log-odds `b_0 + x'b` of the rows of `x` at penalty `index`.
    pub fn linear_predictor(&self, index: usize, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        let coef = self.check(index, x)?;
        Ok(sparse_eta(x, self.intercepts[index], coef))
    }

    /// `P(y = 1 | x)` at penalty `index`.
    pub fn predict_proba(&self, index: usize, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        Ok(self.linear_predictor(index, x)?.into_iter().map(sigmoid).collect())
    }

    /// The model at penalty `index` as a [`LogisticModel`] (serialisable,
    /// with predictions and additive contributions).
    pub fn model(&self, index: usize) -> Result<LogisticModel, ModelError> {
        let coef = self
            .coefs
            .get(index)
            .ok_or(ModelError::PathIndex { index, len: self.lambdas.len() })?;
        let penalty = match self.alpha {
            0.0 => Penalty::L2,
            1.0 => Penalty::L1,
            _ => Penalty::ElasticNet,
        };
        let options = LogisticOptions {
            penalty,
            lambda: self.lambdas[index],
            alpha: self.alpha,
            max_iter: LogisticOptions::default().max_iter,
            tol: self.tol,
        };
        Ok(LogisticModel::from_penalised(
            self.intercepts[index],
            coef.clone(),
            self.feature_means.clone(),
            options,
            self.loglik[index],
            self.loglik_null,
            self.iterations[index],
            self.kkt[index] <= self.tol,
            self.n_obs,
        ))
    }
}

/// `b0 + sum_{j: b_j != 0} b_j x_j` (coefficients mostly zero on wide data).
pub(crate) fn sparse_eta(x: &Matrix, b0: f64, coef: &[f64]) -> Vec<f64> {
    let mut eta = vec![b0; x.rows()];
    for (j, &b) in coef.iter().enumerate() {
        if b != 0.0 {
            for (e, v) in eta.iter_mut().zip(x.col(j)) {
                *e += b * v;
            }
        }
    }
    eta
}

/// Fits glmnet's binomial elastic-net path of `y` (0/1) on `x` with optional
/// case weights `w` (see [`ElasticNetOptions`] for the objective).
///
/// Without `opts.lambdas` the penalties run from `lambda_max` (all
/// coefficients 0; glmnet `lambda[1]`) down to `lambda_min_ratio *
/// lambda_max`, and the path stops early as glmnet's does: after at least 5
/// penalties, once the deviance ratio exceeds 0.999 or gains less than 1e-5.
/// Each penalty is warm-started from the previous solution and screened
/// with the sequential strong rule; the solution is checked against the KKT
/// conditions of every feature ([`BinomialPath::kkt`]).
///
/// Errors: invalid options or data (as [`LogisticModel::fit`]), every
/// feature constant on an automatic path, or no convergence (largest KKT
/// violation above `max(tol, 1e-6)` after `max_iter` iterations).
pub fn binomial_path(
    x: &Matrix,
    y: &[f64],
    w: Option<&[f64]>,
    opts: &ElasticNetOptions,
) -> Result<BinomialPath, ModelError> {
    opts.validate()?;
    let prep = prepare(x, y, w)?;
    binomial_path_prepared(x, y, &prep, opts)
}

pub(crate) fn binomial_path_prepared(
    x: &Matrix,
    y: &[f64],
    prep: &Prepared,
    opts: &ElasticNetOptions,
) -> Result<BinomialPath, ModelError> {
    let mut solver = Binomial::new(x, y, prep, opts.alpha, opts.max_iter, opts.tol);
    let (lmax, ll0) = (solver.lambda_max, solver.loglik_null);
    let mut path = BinomialPath {
        lambdas: Vec::new(),
        intercepts: Vec::new(),
        coefs: Vec::new(),
        df: Vec::new(),
        dev_ratio: Vec::new(),
        loglik: Vec::new(),
        loglik_null: ll0,
        lambda_max: lmax,
        alpha: opts.alpha,
        kkt: Vec::new(),
        iterations: Vec::new(),
        feature_means: prep.mean.clone(),
        n_obs: prep.wsum,
        tol: opts.tol,
    };
    let record = |lambda: f64, fit: CdFit| {
        let coef: Vec<f64> = fit
            .g
            .iter()
            .enumerate()
            .map(|(j, &g)| if prep.is_constant(j) { 0.0 } else { g / prep.sd[j] })
            .collect();
        let b0 = fit.g0 - coef.iter().zip(&prep.mean).map(|(b, m)| b * m).sum::<f64>();
        path.lambdas.push(lambda);
        path.intercepts.push(b0);
        path.df.push(coef.iter().filter(|b| **b != 0.0).count());
        path.coefs.push(coef);
        path.loglik.push(fit.loglik);
        path.kkt.push(fit.kkt);
        path.iterations.push(fit.iterations);
    };
    let shape = (x.rows(), x.cols());
    let solve = |lambda, prev| solver.solve(lambda, prev);
    path.dev_ratio = follow_path(opts, shape, lmax, ll0, "elastic-net logistic", solve, record)?;
    Ok(path)
}
