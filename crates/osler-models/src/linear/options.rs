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
        let bad = |s: String| Err(ModelError::InvalidOption(s));
        if self.max_iter == 0 {
            return bad("max_iter must be at least 1".into());
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return bad(format!("tol must be finite and > 0, got {}", self.tol));
        }
        if self.penalty == Penalty::None {
            return Ok(());
        }
        if !(self.lambda.is_finite() && self.lambda > 0.0) {
            return bad(format!(
                "lambda must be finite and > 0 for a penalised fit, got {} (use penalty \"none\" for an unpenalised fit)",
                self.lambda
            ));
        }
        if self.penalty == Penalty::ElasticNet && !(0.0..=1.0).contains(&self.alpha) {
            return bad(format!("alpha must lie in [0, 1], got {}", self.alpha));
        }
        Ok(())
    }
}
