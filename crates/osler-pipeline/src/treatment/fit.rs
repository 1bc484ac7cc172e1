//! The outcome models of a trial analysis: Cox (Efron ties) for survival,
//! unpenalised logistic regression for binary outcomes, behind one interface.

use osler_data::Matrix;
use osler_eval::Z_975;
use osler_models::ModelError;
use osler_models::linear::{LogisticModel, LogisticOptions, two_sided_p};
use osler_models::survival::{CoxModel, CoxOptions, ProportionalHazards};
use serde::Serialize;

use crate::outcome::Outcome;
use crate::survival_data::SurvivalOutcome;

/// A ratio (hazard or odds) from a log-scale coefficient: `exp(b)`, the Wald
/// interval `exp(b -+ 1.959964 se)` and the two-sided p of `b / se`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    /// Log-scale coefficient `b`.
    pub coef: f64,
    /// Its standard error.
    pub se: f64,
    /// `exp(b)`.
    pub estimate: f64,
    /// `exp(b -+ 1.959964 se)`.
    pub ci95: [f64; 2],
    /// Two-sided Wald p.
    pub p_value: f64,
}

impl Ratio {
    /// The ratio of coefficient `b` with standard error `se`.
    pub fn new(b: f64, se: f64) -> Self {
        Ratio {
            coef: b,
            se,
            estimate: b.exp(),
            ci95: [(b - Z_975 * se).exp(), (b + Z_975 * se).exp()],
            p_value: two_sided_p(b / se),
        }
    }
}

/// A fitted outcome model.
#[derive(Debug, Clone)]
pub(crate) enum Fitted {
    Cox(Box<CoxModel>),
    Logistic(Box<LogisticModel>),
}

impl Fitted {
    /// Fits the outcome model of `outcome` (already restricted to the rows of `x`).
    pub fn fit(x: &Matrix, outcome: &Outcome) -> Result<Fitted, ModelError> {
        match outcome {
            Outcome::Survival(SurvivalOutcome { time, event, .. }) => {
                Ok(Fitted::Cox(Box::new(CoxModel::fit(x, time, event, &CoxOptions::default())?)))
            }
            // A class index other than 0/1 is refused by the logistic fit.
            Outcome::Binary { y, .. } | Outcome::Multiclass { y, .. } => Ok(Fitted::Logistic(
                Box::new(LogisticModel::fit(x, y, None, &LogisticOptions::default())?),
            )),
        }
    }

    /// Coefficients of the covariates (no intercept).
    pub fn coef(&self) -> &[f64] {
        match self {
            Fitted::Cox(m) => m.coefficients(),
            Fitted::Logistic(m) => m.coefficients(),
        }
    }

    /// Covariance of coefficients `i` and `j` (no intercept); NaN when unknown.
    pub fn cov(&self, i: usize, j: usize) -> f64 {
        match self {
            Fitted::Cox(m) => m.covariance()[i * m.coefficients().len() + j],
            Fitted::Logistic(m) => {
                let q = m.coefficients().len() + 1;
                m.covariance().map_or(f64::NAN, |c| c[(i + 1) * q + j + 1])
            }
        }
    }

    /// Log (partial) likelihood at the estimate.
    pub fn loglik(&self) -> f64 {
        match self {
            Fitted::Cox(m) => m.loglik(),
            Fitted::Logistic(m) => m.loglik(),
        }
    }

    /// Hazard or odds ratio of coefficient `j`.
    pub fn ratio(&self, j: usize) -> Ratio {
        Ratio::new(self.coef()[j], self.cov(j, j).sqrt())
    }

    /// Predicted risk: `1 - S(horizon | x)` with the baseline hazard matching
    /// the fit's ties (Efron-type for these Efron fits, as R `survfit.coxph`)
    /// (Cox), or `P(y = 1 | x)` (logistic).
    pub fn risk(&self, x: &Matrix, horizon: f64) -> Result<Vec<f64>, ModelError> {
        match self {
            Fitted::Cox(m) => {
                Ok(m.predict_survival(x, &[horizon])?.into_iter().map(|s| 1.0 - s[0]).collect())
            }
            Fitted::Logistic(m) => m.predict_proba(x),
        }
    }
}

/// The columns `cols` of `x` at `rows`, followed by `extra` columns (already
/// restricted to `rows`), as a new matrix.
pub(crate) fn build(x: &Matrix, rows: &[usize], cols: &[usize], extra: &[Vec<f64>]) -> Matrix {
    let n = rows.len();
    let mut data = Vec::with_capacity(n * (extra.len() + cols.len()));
    for e in extra {
        data.extend_from_slice(e);
    }
    for &j in cols {
        let c = x.col(j);
        data.extend(rows.iter().map(|&i| c[i]));
    }
    Matrix::from_column_major(n, extra.len() + cols.len(), data)
}

/// `b' V^{-1} b` by Gaussian elimination with partial pivoting (`V`
/// row-major, `k x k`); `None` when `V` is singular.
pub(crate) fn quadratic_form(b: &[f64], v: &[f64]) -> Option<f64> {
    let k = b.len();
    let mut a: Vec<f64> = v.to_vec();
    let mut rhs = b.to_vec();
    for c in 0..k {
        let p = (c..k).max_by(|&i, &j| a[i * k + c].abs().total_cmp(&a[j * k + c].abs()))?;
        let pivot = a[p * k + c].abs();
        if pivot == 0.0 || pivot.is_nan() {
            return None;
        }
        if p != c {
            for j in 0..k {
                a.swap(p * k + j, c * k + j);
            }
            rhs.swap(p, c);
        }
        for r in c + 1..k {
            let f = a[r * k + c] / a[c * k + c];
            for j in c..k {
                a[r * k + j] -= f * a[c * k + j];
            }
            rhs[r] -= f * rhs[c];
        }
    }
    let mut sol = vec![0.0; k];
    for r in (0..k).rev() {
        let s: f64 = (r + 1..k).map(|j| a[r * k + j] * sol[j]).sum();
        sol[r] = (rhs[r] - s) / a[r * k + r];
    }
    let q: f64 = sol.iter().zip(b).map(|(x, y)| x * y).sum();
    q.is_finite().then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadratic_form_by_hand() {
        // V = [[2, 1], [1, 3]], b = [1, 2]: V^{-1} b = [1/5, 3/5], b'V^{-1}b = 7/5.
        let q = quadratic_form(&[1.0, 2.0], &[2.0, 1.0, 1.0, 3.0]).unwrap_or(f64::NAN);
        assert!((q - 1.4).abs() < 1e-15, "{q}");
        assert_eq!(quadratic_form(&[1.0, 1.0], &[1.0, 1.0, 1.0, 1.0]), None);
        assert_eq!(quadratic_form(&[2.0], &[4.0]), Some(1.0));
    }
}
