//! Options of [`super::LogisticModel::fit`].

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Which penalty the fit applies to the (standardised) coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Penalty {
    /// Maximum likelihood (Newton/IRLS); standard errors are reported.
    #[default]
    None,
    /// Ridge: `lambda/2 * |b|^2` (elastic net with `alpha = 0`).
    L2,
    /// Lasso: `lambda * |b|_1` (elastic net with `alpha = 1`).
    L1,
    /// `lambda * (alpha |b|_1 + (1 - alpha)/2 |b|^2)` with the given `alpha`.
    ElasticNet,
}

/// Options of a logistic regression fit.
///
/// Penalised fits minimise glmnet's objective (Friedman, Hastie & Tibshirani
/// 2010, eq. 12) on internally standardised features `z_j = (x_j - m_j)/s_j`
/// (weighted mean and population SD):
///
/// `-(1/W) sum_i w_i [y_i eta_i - log(1 + exp(eta_i))] + lambda * (alpha |g|_1 + (1-alpha)/2 |g|^2)`
///
/// with `W = sum_i w_i`, `eta_i = g_0 + z_i' g`, and the intercept `g_0` not
/// penalised; the coefficients are then reported on the original scale,
/// `b_j = g_j / s_j`, exactly like `glmnet(..., standardize = TRUE)`.
/// scikit-learn's `C` corresponds to `lambda = 1 / (C n)` (with `alpha = 0`
/// for `penalty='l2'`, on features it has standardised itself).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LogisticOptions {
    /// Penalty term added to the objective (none, ridge, lasso or elastic net).
    pub penalty: Penalty,
    /// Penalty strength `lambda > 0` (ignored when `penalty` is `None`).
    pub lambda: f64,
    /// Elastic-net mixing in `[0, 1]` (1 = lasso); only read for
    /// [`Penalty::ElasticNet`] (`L2` uses 0, `L1` uses 1).
    pub alpha: f64,
    /// Maximum Newton (outer IRLS) iterations.
    pub max_iter: usize,
    /// Convergence tolerance. Unpenalised and ridge fits: the largest Newton
    /// step relative to `1 + |g_j|` (standardised scale). Lasso/elastic net:
    /// the largest violation of the KKT conditions of the objective above.
    pub tol: f64,
}

impl Default for LogisticOptions {
    /// Unpenalised, `lambda = 0`, `alpha = 1`, 100 iterations, `tol = 1e-12`.
    fn default() -> Self {
        LogisticOptions {
            penalty: Penalty::None,
            lambda: 0.0,
            alpha: 1.0,
            max_iter: 100,
            tol: 1e-12,
        }
    }
}

impl LogisticOptions {
    /// The elastic-net mixing actually used (`L2` -> 0, `L1` -> 1).
    pub fn effective_alpha(&self) -> f64 {
        match self.penalty {
            Penalty::None | Penalty::L2 => 0.0,
            Penalty::L1 => 1.0,
            Penalty::ElasticNet => self.alpha,
        }
    }

    /// Checks the options, saying which one is wrong.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.max_iter == 0 {
            return Err(ModelError::invalid("max_iter", 0, "be at least 1"));
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(ModelError::invalid("tol", self.tol, "be finite and > 0"));
        }
        if self.penalty == Penalty::None {
            return Ok(());
        }
        if !(self.lambda.is_finite() && self.lambda > 0.0) {
            return Err(ModelError::invalid(
                "lambda",
                self.lambda,
                "be finite and > 0 for a penalised fit (penalty \"none\" fits without one)",
            ));
        }
        if self.penalty == Penalty::ElasticNet && !(0.0..=1.0).contains(&self.alpha) {
            return Err(ModelError::invalid("alpha", self.alpha, "lie in [0, 1]"));
        }
        Ok(())
    }
}

/// Options of the glmnet-style regularisation paths ([`super::binomial_path`],
/// [`super::multinomial_path`]) and of their cross-validation.
///
/// Each penalty's coefficients minimise glmnet's objective on standardised
/// features (weighted mean, population SD; coefficients reported on the
/// original scale, intercepts unpenalised)
///
/// `-(1/W) sum_i w_i log p(y_i | x_i) + lambda * (alpha |g|_1 + (1-alpha)/2 |g|^2)`
///
/// to the KKT conditions within `tol` (Friedman, Hastie & Tibshirani 2010).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticNetOptions {
    /// Elastic-net mixing in `[0, 1]`: 1 lasso, 0 ridge (glmnet `alpha`).
    pub alpha: f64,
    /// Penalties to fit, in the order given (normally decreasing); `None`
    /// builds glmnet's path. Given penalties are all fitted (no stopping rule).
    pub lambdas: Option<Vec<f64>>,
    /// Length of the automatic path (glmnet `nlambda`).
    pub n_lambda: usize,
    /// Smallest automatic penalty as a fraction of `lambda_max`; `None`:
    /// 0.01 when `n < p`, else 1e-4 (glmnet `lambda.min.ratio`).
    pub lambda_min_ratio: Option<f64>,
    /// Outer (proximal Newton) iterations per penalty at most.
    pub max_iter: usize,
    /// KKT tolerance on the gradient of the `1/W`-scaled objective.
    pub tol: f64,
}

impl Default for ElasticNetOptions {
    /// Lasso, automatic 100-penalty path, 100 iterations, `tol = 1e-10`.
    fn default() -> Self {
        ElasticNetOptions {
            alpha: 1.0,
            lambdas: None,
            n_lambda: 100,
            lambda_min_ratio: None,
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

impl ElasticNetOptions {
    /// Checks the options, saying which one is wrong.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.settings().validate()
    }

    /// The penalties of a path with `lambda_max` on `n` rows and `p` features
    /// (see [`PathSettings::penalties`]).
    pub(crate) fn penalties(&self, lambda_max: f64, n: usize, p: usize) -> Option<Vec<f64>> {
        self.settings().penalties(lambda_max, n, p)
    }

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

/// The penalty-path settings shared by glmnet-style paths ([`ElasticNetOptions`]
/// and [`crate::survival::CoxnetOptions`]): their checks and their penalties.
pub(crate) struct PathSettings<'a> {
    pub alpha: f64,
    pub lambdas: Option<&'a [f64]>,
    pub n_lambda: usize,
    pub lambda_min_ratio: Option<f64>,
    pub max_iter: usize,
    pub tol: f64,
}

impl PathSettings<'_> {
    /// Checks the settings, saying which one is wrong.
    pub(crate) fn validate(&self) -> Result<(), ModelError> {
        if !(0.0..=1.0).contains(&self.alpha) {
            return Err(ModelError::invalid("alpha", self.alpha, "lie in [0, 1]"));
        }
        if let Some(l) = self.lambdas {
            if l.is_empty() {
                return Err(ModelError::invalid(
                    "lambdas",
                    "an empty list",
                    "hold at least one penalty",
                ));
            }
            if let Some(v) = l.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                return Err(ModelError::invalid("lambdas", v, "be finite and >= 0, every one"));
            }
        } else if self.n_lambda == 0 {
            return Err(ModelError::invalid("n_lambda", 0, "be at least 1"));
        }
        if let Some(r) = self.lambda_min_ratio
            && !(r > 0.0 && r < 1.0)
        {
            return Err(ModelError::invalid("lambda_min_ratio", r, "lie in (0, 1)"));
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(ModelError::invalid("tol", self.tol, "be finite and > 0"));
        }
        if self.max_iter == 0 {
            return Err(ModelError::invalid("max_iter", 0, "be at least 1"));
        }
        Ok(())
    }

    /// The penalties of a path with `lambda_max` on `n` rows and `p` features:
    /// the given ones, or `n_lambda` log-spaced from `lambda_max` down to
    /// `lambda_min_ratio * lambda_max` (default 0.01 when `n < p`, else
    /// 1e-4). `None` when the path is automatic and `lambda_max` is not
    /// positive (every feature constant).
    pub(crate) fn penalties(&self, lambda_max: f64, n: usize, p: usize) -> Option<Vec<f64>> {
        match self.lambdas {
            Some(l) => Some(l.to_vec()),
            None if lambda_max > 0.0 => {
                let ratio = self.lambda_min_ratio.unwrap_or(if n < p { 0.01 } else { 1e-4 });
                Some(super::working::log_spaced(lambda_max, ratio, self.n_lambda))
            }
            None => None,
        }
    }
}
