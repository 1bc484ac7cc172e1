//! The working set of the elastic-net coordinate-descent solvers.
//!
//! With `p >> n` (gene expression: 12,625 features, 128 samples) only a few
//! features are ever non-zero along a glmnet path. Each solve therefore
//! cycles over a *working set*: the features that were ever non-zero plus
//! those kept by the sequential strong rule of Tibshirani et al. (2012,
//! JRSS-B 74(2), eq. 7), `|grad_j(lambda_prev)| >= alpha (2 lambda -
//! lambda_prev)`. Their standardised columns `z_j = (x_j - m_j) / s_j` are
//! copied once, contiguously, so that the inner sweeps run on cache-resident
//! data; the other features are only touched by the KKT check over all
//! features at the end of a solve (one pass over `x`), which adds any
//! violator to the set, so the rule saves work and never accuracy.

use osler_data::Matrix;

use super::data::Prepared;
use super::options::ElasticNetOptions;
use crate::ModelError;

/// Marks a feature outside the working set.
const ABSENT: usize = usize::MAX;

/// Features in the working set and their standardised columns.
#[derive(Debug, Clone)]
pub(crate) struct WorkingSet {
    n: usize,
    features: Vec<usize>,
    /// Feature -> position in `features`, `ABSENT` when not in the set.
    position: Vec<usize>,
    /// Column-major `n x len` standardised columns, in set order.
    z: Vec<f64>,
}

impl WorkingSet {
    /// An empty set over `p` features of `n` rows.
    pub(crate) fn new(n: usize, p: usize) -> Self {
        WorkingSet { n, features: Vec::new(), position: vec![ABSENT; p], z: Vec::new() }
    }

    pub(crate) fn len(&self) -> usize {
        self.features.len()
    }

    /// The features, in the order they were added.
    pub(crate) fn features(&self) -> &[usize] {
        &self.features
    }

    pub(crate) fn contains(&self, j: usize) -> bool {
        self.position[j] != ABSENT
    }

    /// Adds feature `j` (a no-op when present), copying its standardised column.
    pub(crate) fn add(&mut self, j: usize, x: &Matrix, prep: &Prepared) {
        if self.contains(j) {
            return;
        }
        self.position[j] = self.features.len();
        self.features.push(j);
        let (m, inv) = (prep.mean[j], 1.0 / prep.sd[j]);
        self.z.extend(x.col(j).iter().map(|v| (v - m) * inv));
    }

    /// Standardised column of the feature at position `k`.
    #[inline]
    pub(crate) fn col(&self, k: usize) -> &[f64] {
        &self.z[k * self.n..(k + 1) * self.n]
    }
}

/// Violation of the elastic-net KKT conditions by one coefficient `b` whose
/// log-likelihood gradient (ascent direction) is `grad`:
/// `|grad - l2 b - l1 sign(b)|` when `b != 0`, `max(|grad| - l1, 0)` when `b = 0`.
#[inline]
pub(crate) fn violation(grad: f64, b: f64, l1: f64, l2: f64) -> f64 {
    if b != 0.0 { (grad - l2 * b - l1 * b.signum()).abs() } else { (grad.abs() - l1).max(0.0) }
}

/// glmnet's automatic penalties: `n_lambda` values log-spaced from
/// `lambda_max` down to `ratio * lambda_max`.
pub(crate) fn log_spaced(lambda_max: f64, ratio: f64, n_lambda: usize) -> Vec<f64> {
    (0..n_lambda)
        .map(|k| {
            if k == 0 {
                lambda_max
            } else {
                lambda_max * ratio.powf(k as f64 / (n_lambda - 1) as f64)
            }
        })
        .collect()
}

/// glmnet's path stopping rule for `lognet` (binomial and multinomial):
/// after at least 5 penalties, stop once the deviance ratio exceeds 0.999 or
/// grew by less than `1e-5` (absolute) over the last penalty (`devmax`,
/// `fdev`, `mnlam` of `glmnet.control`). The last penalty is kept.
pub(crate) fn path_should_stop(dev_ratio: &[f64]) -> bool {
    match dev_ratio {
        [.., before, last] if dev_ratio.len() >= 5 => *last > 0.999 || last - before < 1e-5,
        _ => false,
    }
}

/// Solution of an elastic-net solver at one penalty, on the standardised
/// scale: `I` is the intercept (`f64`) or the per-class intercepts.
#[derive(Debug, Clone)]
pub(crate) struct PenaltyFit<I> {
    pub g0: I,
    /// Coefficients (0 for constant features).
    pub g: Vec<f64>,
    /// `sum_i w_i log p(y_i)` at the solution.
    pub loglik: f64,
    /// Outer iterations.
    pub iterations: usize,
    /// Largest KKT violation at the solution (all features).
    pub kkt: f64,
}

/// Follows a glmnet path over `opts`' penalties (an error when the path is
/// automatic and `lambda_max` is not positive): each penalty solved by
/// `solve(lambda, lambda_prev)` warm-started from the previous one (the
/// strong rule's `lambda_prev` is `max(previous, lambda)`), generated paths
/// stopped by [`path_should_stop`], a solution whose KKT violation exceeds
/// `max(tol, 1e-6)` an error naming `model`. Each solution goes to
/// `record(lambda, fit)`; returns the deviance ratios
/// `1 - loglik / loglik_null`, one per recorded penalty.
pub(crate) fn follow_path<I>(
    opts: &ElasticNetOptions,
    (n, p): (usize, usize),
    lambda_max: f64,
    loglik_null: f64,
    model: &str,
    mut solve: impl FnMut(f64, f64) -> PenaltyFit<I>,
    mut record: impl FnMut(f64, PenaltyFit<I>),
) -> Result<Vec<f64>, ModelError> {
    let lambdas = opts
        .penalties(lambda_max, n, p)
        .ok_or(ModelError::NoPath { why: "every feature is constant" })?;
    let mut dev_ratio = Vec::with_capacity(lambdas.len());
    let generated = opts.lambdas.is_none();
    let mut prev = lambda_max;
    for &lambda in &lambdas {
        if generated && path_should_stop(&dev_ratio) {
            break;
        }
        let fit = solve(lambda, prev.max(lambda));
        prev = lambda;
        let limit = opts.tol.max(1e-6);
        if fit.kkt > limit {
            return Err(ModelError::NotConverged {
                iterations: fit.iterations,
                detail: format!(
                    "{model} at lambda = {lambda}: largest KKT violation {:e} > {limit:e}",
                    fit.kkt
                ),
            });
        }
        dev_ratio.push(1.0 - fit.loglik / loglik_null);
        record(lambda, fit);
    }
    Ok(dev_ratio)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glmnet_stopping_rule_and_grid() {
        assert!(!path_should_stop(&[0.0, 0.1, 0.2, 0.3]));
        assert!(!path_should_stop(&[0.0, 0.1, 0.2, 0.3, 0.4]));
        assert!(path_should_stop(&[0.0, 0.1, 0.2, 0.3, 0.300_009]));
        assert!(path_should_stop(&[0.0, 0.1, 0.2, 0.9, 0.9991]));
        let g = log_spaced(2.0, 0.01, 3);
        assert_eq!(g[0], 2.0);
        assert!((g[1] - 0.2).abs() < 1e-15 && (g[2] - 0.02).abs() < 1e-15);
    }
}
