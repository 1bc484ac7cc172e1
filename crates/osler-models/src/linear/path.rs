//! The regularisation path of glmnet: `lambda_max`, a log-spaced grid and
//! warm-started fits.

use osler_data::Matrix;

use super::data::{Prepared, prepare};
use super::model::{LogisticModel, Warm, fit_prepared, to_original_scale};
use super::options::{LogisticOptions, Penalty};
use crate::ModelError;

/// The smallest `lambda` at which every coefficient is 0 (glmnet):
/// `lambda_max = max_j |sum_i v_i (y_i - ybar) z_ij| / max(alpha, 1e-3)` with
/// `v_i = w_i / W`, standardised `z` and the weighted outcome mean `ybar`
/// (for `alpha = 0` glmnet uses `alpha = 1e-3`; ridge never zeroes exactly).
pub fn lambda_max(x: &Matrix, y: &[f64], w: Option<&[f64]>, alpha: f64) -> Result<f64, ModelError> {
    check_alpha(alpha)?;
    let prep = prepare(x, y, w)?;
    Ok(lambda_max_prepared(x, y, &prep, alpha))
}

fn check_alpha(alpha: f64) -> Result<(), ModelError> {
    if (0.0..=1.0).contains(&alpha) {
        Ok(())
    } else {
        Err(ModelError::invalid("alpha", alpha, "lie in [0, 1]"))
    }
}

fn lambda_max_prepared(x: &Matrix, y: &[f64], prep: &Prepared, alpha: f64) -> f64 {
    let mut best = 0.0f64;
    for j in (0..x.cols()).filter(|&j| !prep.is_constant(j)) {
        let (m, s) = (prep.mean[j], prep.sd[j]);
        let g: f64 = x
            .col(j)
            .iter()
            .zip(y)
            .zip(&prep.w)
            .map(|((v, yi), wi)| wi * (yi - prep.ybar) * ((v - m) / s))
            .sum();
        best = best.max((g / prep.wsum).abs());
    }
    best / alpha.max(1e-3)
}

/// Fits the elastic-net path at `n_lambda` values
/// `lambda_k = lambda_max * lambda_min_ratio^(k / (n_lambda - 1))`, each fit
/// warm-started from the previous one. As in glmnet the first model (at
/// `lambda_max`) is exactly the intercept-only model. `alpha = 0` gives
/// [`Penalty::L2`] models, `alpha = 1` [`Penalty::L1`], otherwise
/// [`Penalty::ElasticNet`]; other options are the defaults.
pub fn logistic_path(
    x: &Matrix,
    y: &[f64],
    w: Option<&[f64]>,
    alpha: f64,
    n_lambda: usize,
    lambda_min_ratio: f64,
) -> Result<Vec<LogisticModel>, ModelError> {
    check_alpha(alpha)?;
    if n_lambda == 0 {
        return Err(ModelError::invalid("n_lambda", 0, "be at least 1"));
    }
    if !(lambda_min_ratio > 0.0 && lambda_min_ratio < 1.0) {
        return Err(ModelError::invalid("lambda_min_ratio", lambda_min_ratio, "lie in (0, 1)"));
    }
    let prep = prepare(x, y, w)?;
    let lmax = lambda_max_prepared(x, y, &prep, alpha);
    if lmax == 0.0 {
        return Err(ModelError::NoPath { why: "every feature is constant" });
    }
    let penalty = match alpha {
        0.0 => Penalty::L2,
        1.0 => Penalty::L1,
        _ => Penalty::ElasticNet,
    };
    let base = LogisticOptions { penalty, lambda: lmax, alpha, ..LogisticOptions::default() };
    let ysum = prep.ybar * prep.wsum;
    let loglik_null = ysum * prep.ybar.ln() + (prep.wsum - ysum) * (-prep.ybar).ln_1p();
    let mut warm: Warm = ((prep.ybar / (1.0 - prep.ybar)).ln(), vec![0.0; x.cols()]);
    let mut models =
        vec![to_original_scale(&warm, &prep, base, loglik_null, loglik_null, 0, true, None)];
    for k in 1..n_lambda {
        let lambda = lmax * lambda_min_ratio.powf(k as f64 / (n_lambda - 1) as f64);
        let (model, sol) =
            fit_prepared(x, y, &prep, &LogisticOptions { lambda, ..base }, Some(&warm))?;
        models.push(model);
        warm = sol;
    }
    Ok(models)
}
