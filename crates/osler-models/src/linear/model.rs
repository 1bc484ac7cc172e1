//! [`LogisticModel`]: fitting, prediction, additive contributions, summary.

use osler_data::Matrix;
use osler_eval::Z_975;
use serde::{Deserialize, Serialize};

use super::cd::elastic_net;
use super::data::{Prepared, prepare, univariate_separation};
use super::newton::{NewtonFail, NewtonFit, Problem};
use super::numeric::{Cholesky, sigmoid, two_sided_p};
use super::options::{LogisticOptions, Penalty};
use crate::ModelError;

/// A fitted logistic regression `P(y = 1 | x) = 1 / (1 + exp(-(b_0 + x'b)))`,
/// coefficients on the original feature scale.
///
/// Serialises every field prediction needs; with serde_json's
/// `float_roundtrip` the predictions after a JSON round trip are bit-identical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    intercept: f64,
    coefficients: Vec<f64>,
    /// Weighted training means `m_j`, the reference point of [`Self::contributions`].
    feature_means: Vec<f64>,
    options: LogisticOptions,
    loglik: f64,
    loglik_null: f64,
    iterations: usize,
    converged: bool,
    /// Sum of the case weights (the number of rows without weights).
    n_obs: f64,
    /// Unpenalised fits only: `(p+1) x (p+1)` row-major covariance of
    /// `[b_0, b_1..b_p]`, the inverse of the observed information at the optimum.
    covariance: Option<Vec<f64>>,
}

/// One row of [`LogisticModel::summary`].
///
/// `se`, `z`, `p_value` and the intervals are only given for unpenalised fits:
/// a penalised estimate is biased towards zero and (for the lasso) its sampling
/// distribution is not normal and depends on the selection, so the Wald
/// formulas `b/se`, `b +- 1.96 se` would be wrong (glmnet and scikit-learn
/// report none either).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoefficientRow {
    /// Feature index, `None` for the intercept.
    pub index: Option<usize>,
    /// The coefficient: log-odds ratio per unit of the feature (original scale), or the intercept's log-odds at all features 0.
    pub coef: f64,
    /// `sqrt` of the diagonal of the inverse Hessian at the optimum (statsmodels).
    pub se: Option<f64>,
    /// Wald statistic `coef / se`.
    pub z: Option<f64>,
    /// Two-sided `P(|Z| >= |z|) = erfc(|z| / sqrt 2)`.
    pub p_value: Option<f64>,
    /// `coef -+ 1.959964 se`.
    pub ci95: Option<[f64; 2]>,
    /// `exp(coef)`.
    pub odds_ratio: f64,
    /// `exp` of `ci95`.
    pub odds_ratio_ci95: Option<[f64; 2]>,
}

/// Standardised-scale solution used to warm-start the next fit of a path:
/// `(intercept, one coefficient per feature)`.
pub(crate) type Warm = (f64, Vec<f64>);

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

impl LogisticModel {
    /// Fits a logistic regression of `y` (0/1) on the columns of `x` with
    /// optional frequency weights `w` (see [`LogisticOptions`] for the
    /// objective and the algorithms).
    ///
    /// Unpenalised fits fail with [`ModelError::Degenerate`] naming the
    /// feature when a column is constant, collinear with the intercept and
    /// earlier columns, or separates the outcome (the MLE does not exist).
    pub fn fit(
        x: &Matrix,
        y: &[f64],
        w: Option<&[f64]>,
        opts: &LogisticOptions,
    ) -> Result<Self, ModelError> {
        opts.validate()?;
        let prep = prepare(x, y, w)?;
        Ok(fit_prepared(x, y, &prep, opts, None)?.0)
    }

    /// Intercept `b_0`: the log-odds at all features 0 (original feature scale).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Coefficients `b_1..b_p` on the original feature scale.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.coefficients.len()
    }

    /// Weighted training means of the features.
    pub fn feature_means(&self) -> &[f64] {
        &self.feature_means
    }

    /// The options of the fit (for a path: its `lambda` and `alpha`).
    pub fn options(&self) -> &LogisticOptions {
        &self.options
    }

    /// `sum_i w_i [y_i log p_i + (1 - y_i) log(1 - p_i)]` at the estimate.
    pub fn loglik(&self) -> f64 {
        self.loglik
    }

    /// Log-likelihood of the intercept-only model, `W [ybar log ybar + (1-ybar) log(1-ybar)]`.
    pub fn loglik_null(&self) -> f64 {
        self.loglik_null
    }

    /// Newton (outer IRLS) iterations used.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Whether the requested tolerance was reached (a fit that stalls at
    /// rounding level short of it is returned with `false`).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Sum of the case weights.
    pub fn n_obs(&self) -> f64 {
        self.n_obs
    }

    /// Row-major `(p+1) x (p+1)` covariance of `[intercept, coefficients]`
    /// (unpenalised fits only).
    pub fn covariance(&self) -> Option<&[f64]> {
        self.covariance.as_deref()
    }

    fn check(&self, x: &Matrix) -> Result<(), ModelError> {
        if x.cols() != self.coefficients.len() {
            return Err(ModelError::FeatureCount {
                expected: self.coefficients.len(),
                found: x.cols(),
            });
        }
        for feature in 0..x.cols() {
            if let Some((row, &value)) =
                x.col(feature).iter().enumerate().find(|(_, v)| !v.is_finite())
            {
                return Err(ModelError::NonFinite { feature, row, value });
            }
        }
        Ok(())
    }

    /// `eta_i = b_0 + sum_j b_j x_ij` (the log-odds).
    pub fn linear_predictor(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.check(x)?;
        let mut eta = vec![self.intercept; x.rows()];
        for (j, &b) in self.coefficients.iter().enumerate() {
            for (e, v) in eta.iter_mut().zip(x.col(j)) {
                *e += b * v;
            }
        }
        Ok(eta)
    }

    /// `P(y = 1 | x_i) = sigmoid(eta_i)`, computed without overflow.
    pub fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        Ok(self.linear_predictor(x)?.into_iter().map(sigmoid).collect())
    }

    /// Exact additive decomposition of the log-odds around the training mean:
    /// `base = b_0 + sum_j b_j m_j` and `c_ij = b_j (x_ij - m_j)`, so that
    /// `base + sum_j c_ij = eta_i` (up to rounding).
    pub fn contributions(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        self.check(x)?;
        let base = self.intercept
            + self.coefficients.iter().zip(&self.feature_means).map(|(b, m)| b * m).sum::<f64>();
        let mut out = Matrix::zeros(x.rows(), x.cols());
        for (j, (&b, &m)) in self.coefficients.iter().zip(&self.feature_means).enumerate() {
            for (c, v) in out.col_mut(j).iter_mut().zip(x.col(j)) {
                *c = b * (v - m);
            }
        }
        Ok((base, out))
    }

    /// Coefficient table, intercept first (see [`CoefficientRow`]).
    pub fn summary(&self) -> Vec<CoefficientRow> {
        let q = self.coefficients.len() + 1;
        (0..q)
            .map(|k| {
                let coef = if k == 0 { self.intercept } else { self.coefficients[k - 1] };
                let se = self.covariance.as_ref().map(|c| c[k * q + k].sqrt());
                let ci95 = se.map(|s| [coef - Z_975 * s, coef + Z_975 * s]);
                CoefficientRow {
                    index: k.checked_sub(1),
                    coef,
                    se,
                    z: se.map(|s| coef / s),
                    p_value: se.map(|s| two_sided_p(coef / s)),
                    ci95,
                    odds_ratio: coef.exp(),
                    odds_ratio_ci95: ci95.map(|[a, b]| [a.exp(), b.exp()]),
                }
            })
            .collect()
    }
}

impl LogisticModel {
    /// A penalised model from original-scale coefficients (one penalty of a path).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_penalised(
        intercept: f64,
        coefficients: Vec<f64>,
        feature_means: Vec<f64>,
        options: LogisticOptions,
        loglik: f64,
        loglik_null: f64,
        iterations: usize,
        converged: bool,
        n_obs: f64,
    ) -> Self {
        LogisticModel {
            intercept,
            coefficients,
            feature_means,
            options,
            loglik,
            loglik_null,
            iterations,
            converged,
            n_obs,
            covariance: None,
        }
    }
}

/// Fits on validated data; returns the model and its standardised solution.
pub(crate) fn fit_prepared(
    x: &Matrix,
    y: &[f64],
    prep: &Prepared,
    opts: &LogisticOptions,
    warm: Option<&Warm>,
) -> Result<(LogisticModel, Warm), ModelError> {
    let p = x.cols();
    let loglik_null = {
        let ysum = prep.ybar * prep.wsum;
        ysum * prep.ybar.ln() + (prep.wsum - ysum) * (-prep.ybar).ln_1p()
    };
    let (g0, g) = warm.cloned().unwrap_or_else(|| (logit(prep.ybar), vec![0.0; p]));
    let alpha = opts.effective_alpha();
    let (std_sol, loglik, iterations, converged, covariance) = if opts.penalty == Penalty::None
        || alpha == 0.0
    {
        let unpenalised = opts.penalty == Penalty::None;
        let first_constant = (0..p).find(|&j| prep.is_constant(j));
        if let (true, Some(feature)) = (unpenalised, first_constant) {
            let reason =
                "is constant: its coefficient cannot be estimated alongside the intercept".into();
            return Err(ModelError::Degenerate { feature, reason, with: Vec::new() });
        }
        let active: Vec<usize> = (0..p).filter(|&j| !prep.is_constant(j)).collect();
        let ridge = if unpenalised { 0.0 } else { opts.lambda * prep.wsum };
        let problem = Problem { x, y, prep, active: &active, ridge };
        let theta0: Vec<f64> = std::iter::once(g0).chain(active.iter().map(|&j| g[j])).collect();
        let fit = problem
            .fit(theta0, opts.max_iter, opts.tol, unpenalised, warm.is_none())
            .map_err(|e| {
                // A single separating feature gives the most precise message; the
                // check costs a pass over the data, so it runs only on failure.
                match univariate_separation(x, y, prep) {
                    Some((feature, quasi)) if unpenalised => {
                        let kind = if quasi { "quasi-complete" } else { "complete" };
                        let reason = format!(
                            "separates the outcome: coefficient diverges ({kind} separation)"
                        );
                        ModelError::Degenerate { feature, reason, with: Vec::new() }
                    }
                    _ => newton_error(e, &active),
                }
            })?;
        let mut gs = vec![0.0; p];
        for (k, &j) in active.iter().enumerate() {
            gs[j] = fit.theta[k + 1];
        }
        let cov = if unpenalised { Some(covariance(&fit, prep)?) } else { None };
        ((fit.theta[0], gs), fit.loglik, fit.iterations, fit.converged, cov)
    } else {
        let start = warm.map(|(g0, g)| (*g0, g.as_slice()));
        let fit = elastic_net(x, y, prep, opts.lambda, alpha, start, opts.max_iter, opts.tol);
        if fit.kkt > opts.tol.max(1e-6) {
            let detail =
                format!("largest KKT violation {:e} exceeds {:e}", fit.kkt, opts.tol.max(1e-6));
            return Err(ModelError::NotConverged { iterations: fit.iterations, detail });
        }
        ((fit.g0, fit.g), fit.loglik, fit.iterations, fit.kkt <= opts.tol, None)
    };
    let model = to_original_scale(
        &std_sol,
        prep,
        *opts,
        loglik,
        loglik_null,
        iterations,
        converged,
        covariance,
    );
    Ok((model, std_sol))
}

/// `b_j = g_j / s_j`, `b_0 = g_0 - sum_j b_j m_j` (0 for constant features).
#[allow(clippy::too_many_arguments)]
pub(crate) fn to_original_scale(
    (g0, g): &Warm,
    prep: &Prepared,
    options: LogisticOptions,
    loglik: f64,
    loglik_null: f64,
    iterations: usize,
    converged: bool,
    covariance: Option<Vec<f64>>,
) -> LogisticModel {
    let coefficients: Vec<f64> = g
        .iter()
        .enumerate()
        .map(|(j, &v)| if prep.is_constant(j) { 0.0 } else { v / prep.sd[j] })
        .collect();
    let intercept = g0 - coefficients.iter().zip(&prep.mean).map(|(b, m)| b * m).sum::<f64>();
    LogisticModel {
        intercept,
        coefficients,
        feature_means: prep.mean.clone(),
        options,
        loglik,
        loglik_null,
        iterations,
        converged,
        n_obs: prep.wsum,
        covariance,
    }
}

/// `Cov(b) = T H^{-1} T'` with `b = T theta`: `T_00 = 1`, `T_0j = -m_j/s_j`,
/// `T_jj = 1/s_j` (all features active in an unpenalised fit).
fn covariance(fit: &NewtonFit, prep: &Prepared) -> Result<Vec<f64>, ModelError> {
    let q = fit.theta.len();
    let chol = Cholesky::factor(&fit.hessian, q, 1e-15).map_err(|e| ModelError::NotConverged {
        iterations: fit.iterations,
        detail: format!(
            "information matrix is not positive definite at the optimum (pivot {})",
            e.index
        ),
    })?;
    let c = chol.inverse();
    let mut t = vec![0.0; q * q];
    t[0] = 1.0;
    for k in 1..q {
        t[k] = -prep.mean[k - 1] / prep.sd[k - 1];
        t[k * q + k] = 1.0 / prep.sd[k - 1];
    }
    // tc = T C, then cov = tc T'.
    let mut tc = vec![0.0; q * q];
    for a in 0..q {
        for k in 0..q {
            let tak = t[a * q + k];
            if tak != 0.0 {
                for b in 0..q {
                    tc[a * q + b] += tak * c[k * q + b];
                }
            }
        }
    }
    let mut cov = vec![0.0; q * q];
    for a in 0..q {
        for b in 0..q {
            cov[a * q + b] = (0..q).map(|k| tc[a * q + k] * t[b * q + k]).sum();
        }
    }
    Ok(cov)
}

/// Maps a Newton failure to an error naming the feature (`active[k - 1]` is
/// the feature of `theta[k]`).
fn newton_error(e: NewtonFail, active: &[usize]) -> ModelError {
    match e {
        NewtonFail::Collinear { index } => ModelError::Degenerate {
            feature: active[index.max(1) - 1],
            reason:
                "is collinear: a linear combination of the intercept and the features before it"
                    .into(),
            with: Vec::new(),
        },
        NewtonFail::Separated { direction } => {
            let big = direction.iter().skip(1).map(|v| v.abs()).fold(0.0, f64::max);
            let k = direction.iter().skip(1).position(|v| v.abs() == big).unwrap_or(0);
            let others: Vec<usize> = (1..direction.len())
                .filter(|&i| i != k + 1 && direction[i].abs() > 0.1 * big)
                .map(|i| active[i - 1])
                .collect();
            ModelError::Degenerate {
                feature: active[k],
                reason: "separates the outcome: coefficient diverges (separation)".into(),
                with: others,
            }
        }
        NewtonFail::NotConverged { iterations, step } => ModelError::NotConverged {
            iterations,
            detail: format!("last relative Newton step {step:e}"),
        },
    }
}
