//! glmnet's multinomial regularisation path (`glmnet(family = "multinomial",
//! type.multinomial = "ungrouped")`) and the model at one penalty.

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::binomial_path::sparse_eta;
use super::data::{Prepared, rows_and_weights, standardisation};
use super::multinomial::{MultiFit, Multinomial};
use super::options::ElasticNetOptions;
use super::working::follow_path;
use crate::ModelError;

/// A fitted multinomial elastic-net path; coefficients on the original scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultinomialPath {
    /// Penalties `lambda`, one per fitted model, in the order fitted (the given order, or glmnet's decreasing path).
    pub lambdas: Vec<f64>,
    /// `intercepts[l][k]`, centred to sum to 0 over `k` (glmnet's `a0`).
    pub intercepts: Vec<Vec<f64>>,
    /// `coefs[l][k][j]`: class `k`'s coefficient of feature `j` (glmnet's `beta[[k]]`).
    pub coefs: Vec<Vec<Vec<f64>>>,
    /// Features with a non-zero coefficient in some class, per penalty.
    pub df: Vec<usize>,
    /// `1 - D / D_null` (glmnet `dev.ratio`).
    pub dev_ratio: Vec<f64>,
    /// `sum_i w_i log p_{i y_i}` per penalty.
    pub loglik: Vec<f64>,
    /// Log-likelihood of the intercept-only model.
    pub loglik_null: f64,
    /// Smallest penalty with every coefficient 0.
    pub lambda_max: f64,
    /// Elastic-net mixing `alpha` in `[0, 1]` of the fit (1 = lasso, 0 = ridge).
    pub alpha: f64,
    /// Number of outcome classes `K`.
    pub n_classes: usize,
    /// Largest KKT violation per penalty (standardised scale).
    pub kkt: Vec<f64>,
    /// Outer rounds (one partial Newton step per class) per penalty.
    pub iterations: Vec<usize>,
}

/// The multinomial model at one penalty: `P(y = k | x) = exp(eta_k) /
/// sum_c exp(eta_c)`, `eta_k = b0_k + x'b_k`.
///
/// With serde_json's `float_roundtrip`, predictions after a JSON round trip
/// are bit-identical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultinomialModel {
    intercepts: Vec<f64>,
    /// `coefs[k][j]`.
    coefs: Vec<Vec<f64>>,
    lambda: f64,
    alpha: f64,
}

impl MultinomialModel {
    /// Number of outcome classes `K`.
    pub fn n_classes(&self) -> usize {
        self.intercepts.len()
    }
    /// Number of features (coefficients per class).
    pub fn n_features(&self) -> usize {
        self.coefs.first().map_or(0, Vec::len)
    }
    /// Intercepts `b0_k` (summing to 0).
    pub fn intercepts(&self) -> &[f64] {
        &self.intercepts
    }
    /// `coefficients()[k][j]`, original feature scale.
    pub fn coefficients(&self) -> &[Vec<f64>] {
        &self.coefs
    }
    /// The penalty `lambda` this model was fitted at.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
    /// Elastic-net mixing `alpha` in `[0, 1]` of the fit (1 = lasso, 0 = ridge).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// Features with a non-zero coefficient in some class.
    pub fn selected(&self) -> Vec<usize> {
        (0..self.n_features()).filter(|&j| self.coefs.iter().any(|c| c[j] != 0.0)).collect()
    }

    /// `eta[k][i]`, the linear predictor of class `k` for row `i`.
    pub fn linear_predictor(&self, x: &Matrix) -> Result<Vec<Vec<f64>>, ModelError> {
        if x.cols() != self.n_features() {
            return Err(ModelError::FeatureCount { expected: self.n_features(), found: x.cols() });
        }
        for feature in 0..x.cols() {
            if let Some(row) = x.col(feature).iter().position(|v| !v.is_finite()) {
                return Err(ModelError::NonFinite { feature, row, value: x.get(row, feature) });
            }
        }
        Ok(self.intercepts.iter().zip(&self.coefs).map(|(&b0, b)| sparse_eta(x, b0, b)).collect())
    }

    /// Class probabilities, one row per observation (`[i][k]`, each summing to 1).
    pub fn predict_proba(&self, x: &Matrix) -> Result<Vec<Vec<f64>>, ModelError> {
        Ok(softmax_rows(&self.linear_predictor(x)?))
    }

    /// The most probable class of each row (the first on ties).
    pub fn predict_class(&self, x: &Matrix) -> Result<Vec<usize>, ModelError> {
        Ok(self.predict_proba(x)?.iter().map(|p| argmax(p)).collect())
    }
}

/// Index of the largest value (the first on ties).
pub(crate) fn argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (k, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = k;
        }
    }
    best
}

/// `p[i][k] = exp(eta[k][i]) / sum_c exp(eta[c][i])`, computed without overflow.
pub(crate) fn softmax_rows(eta: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = eta.first().map_or(0, Vec::len);
    (0..n)
        .map(|i| {
            let top = eta.iter().map(|e| e[i]).fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = eta.iter().map(|e| (e[i] - top).exp()).collect();
            let s: f64 = e.iter().sum();
            e.into_iter().map(|v| v / s).collect()
        })
        .collect()
}

impl MultinomialPath {
    /// Number of penalties fitted.
    pub fn len(&self) -> usize {
        self.lambdas.len()
    }

    /// Whether no penalty was fitted.
    pub fn is_empty(&self) -> bool {
        self.lambdas.is_empty()
    }

    /// Deviance `-2 loglik` at penalty `index`.
    pub fn deviance(&self, index: usize) -> f64 {
        -2.0 * self.loglik[index]
    }

    /// The model at penalty `index`.
    pub fn model(&self, index: usize) -> Result<MultinomialModel, ModelError> {
        if index >= self.lambdas.len() {
            return Err(ModelError::PathIndex { index, len: self.lambdas.len() });
        }
        Ok(MultinomialModel {
            intercepts: self.intercepts[index].clone(),
            coefs: self.coefs[index].clone(),
            lambda: self.lambdas[index],
            alpha: self.alpha,
        })
    }

    /// Class probabilities `[i][k]` at penalty `index`.
    pub fn predict_proba(&self, index: usize, x: &Matrix) -> Result<Vec<Vec<f64>>, ModelError> {
        self.model(index)?.predict_proba(x)
    }

    /// Features with a non-zero coefficient in some class at penalty `index`.
    pub fn selected(&self, index: usize) -> Vec<usize> {
        self.model(index).map_or_else(|_| Vec::new(), |m| m.selected())
    }
}

/// Validates multinomial data: labels `0..K` with every class carrying
/// weight, `K >= 2`. Returns the standardisation and the weighted class
/// proportions.
pub(crate) fn prepare_multinomial(
    x: &Matrix,
    y: &[usize],
    w: Option<&[f64]>,
) -> Result<(Prepared, Vec<f64>), ModelError> {
    let (w, wsum) = rows_and_weights(x, y.len(), w)?;
    let k = y.iter().copied().max().map_or(0, |m| m + 1);
    let mut ybar = vec![0.0; k];
    for (&c, &wi) in y.iter().zip(&w) {
        ybar[c] += wi / wsum;
    }
    let (mean, sd) = standardisation(x, &w, wsum)?;
    let present: Vec<usize> = (0..k).filter(|&c| ybar[c] > 0.0).collect();
    if present.len() < 2 {
        let class = present.first().copied().unwrap_or(0) as f64;
        return Err(ModelError::SingleClass { class });
    }
    if let Some(c) = (0..k).find(|&c| ybar[c] == 0.0) {
        return Err(ModelError::EmptyClass { class: c, classes: k });
    }
    Ok((Prepared { w, wsum, mean, sd, ybar: f64::NAN }, ybar))
}

/// Fits glmnet's multinomial elastic-net path (ungrouped lasso penalty,
/// symmetric parameterisation) of the class labels `y` (`0..K`, `K >= 2`,
/// every class present) on `x` with optional case weights `w`.
///
/// Objective per penalty (see [`ElasticNetOptions`] for the rest):
/// `-(1/W) sum_i w_i log p_{i y_i} + lambda sum_k (alpha |b_k|_1 + (1-alpha)/2 |b_k|^2)`
/// on standardised features. `lambda_max = max_{j,k} |sum_i v_i (y_ik -
/// ybar_k) z_ij| / max(alpha, 1e-3)`; automatic paths stop by glmnet's rules
/// (deviance ratio above 0.999 or gaining less than 1e-5, after 5 penalties).
/// Coefficients are reported on the original scale, with each feature's
/// class vector at its penalty-minimising shift and intercepts summing to 0,
/// as glmnet's `coef()`.
pub fn multinomial_path(
    x: &Matrix,
    y: &[usize],
    w: Option<&[f64]>,
    opts: &ElasticNetOptions,
) -> Result<MultinomialPath, ModelError> {
    opts.validate()?;
    let (prep, ybar) = prepare_multinomial(x, y, w)?;
    multinomial_path_prepared(x, y, &prep, &ybar, opts)
}

pub(crate) fn multinomial_path_prepared(
    x: &Matrix,
    y: &[usize],
    prep: &Prepared,
    ybar: &[f64],
    opts: &ElasticNetOptions,
) -> Result<MultinomialPath, ModelError> {
    let (p, k) = (x.cols(), ybar.len());
    let mut solver = Multinomial::new(x, y, prep, ybar, opts.alpha, opts.max_iter, opts.tol);
    let (lmax, ll0) = (solver.lambda_max, solver.loglik_null);
    let mut path = MultinomialPath {
        lambdas: Vec::new(),
        intercepts: Vec::new(),
        coefs: Vec::new(),
        df: Vec::new(),
        dev_ratio: Vec::new(),
        loglik: Vec::new(),
        loglik_null: ll0,
        lambda_max: lmax,
        alpha: opts.alpha,
        n_classes: k,
        kkt: Vec::new(),
        iterations: Vec::new(),
    };
    let record = |lambda: f64, fit: MultiFit| {
        let coefs: Vec<Vec<f64>> = (0..k)
            .map(|c| {
                (0..p)
                    .map(|j| if prep.is_constant(j) { 0.0 } else { fit.g[j * k + c] / prep.sd[j] })
                    .collect()
            })
            .collect();
        let mut b0: Vec<f64> = (0..k)
            .map(|c| fit.g0[c] - coefs[c].iter().zip(&prep.mean).map(|(b, m)| b * m).sum::<f64>())
            .collect();
        let centre = b0.iter().sum::<f64>() / k as f64;
        b0.iter_mut().for_each(|b| *b -= centre);
        path.lambdas.push(lambda);
        path.intercepts.push(b0);
        path.df.push((0..p).filter(|&j| coefs.iter().any(|c| c[j] != 0.0)).count());
        path.coefs.push(coefs);
        path.loglik.push(fit.loglik);
        path.kkt.push(fit.kkt);
        path.iterations.push(fit.iterations);
    };
    let solve = |lambda, prev| solver.solve(lambda, prev);
    let model = "multinomial elastic net";
    path.dev_ratio = follow_path(opts, (x.rows(), p), lmax, ll0, model, solve, record)?;
    Ok(path)
}
