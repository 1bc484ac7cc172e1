//! Newton-Raphson (IRLS) for the unpenalised and ridge-penalised logistic
//! likelihood, on the internally standardised design `[1, z]`.
//!
//! Maximises `l(t) - ridge/2 * sum_{k>=1} t_k^2` with
//! `l(t) = sum_i w_i [y_i eta_i - log(1 + exp(eta_i))]`, `eta = [1, z] t`.
//! Each iteration solves `(Z'VZ + ridge I) d = Z'(w (y - p)) - ridge t` by
//! Cholesky (`V = diag(w p (1-p))`) and halves the step while the objective
//! falls (one pass over the data per evaluation, see [`super::pass`]).
//!
//! On large data (at least 100,000 rows) the iterations start from the
//! optimum of a deterministic subsample (every tenth run of eight rows,
//! recursively), and the first step uses the subsample's Hessian, so the first
//! full-data pass needs only the gradient. Newton converges quadratically, so
//! from there three steps reach the exact optimum of the full data (four
//! passes, the last one confirming a step at rounding level) instead of six
//! or seven passes from the null model. The subsample only moves the starting
//! point, never the optimum, and every reported quantity (Hessian included)
//! comes from a full-data pass.

use osler_data::Matrix;

use super::data::Prepared;
use super::numeric::Cholesky;
use super::pass::Work;

/// Pivot threshold (relative to the diagonal) below which a column of the
/// first Hessian counts as collinear: `1 - R^2 < 1e-12` against the intercept
/// and the earlier columns.
pub(crate) const COLLINEAR_TOL: f64 = 1e-12;

/// Result of a successful Newton fit (standardised scale).
#[derive(Debug, Clone)]
pub(crate) struct NewtonFit {
    /// `[t_0, t_1..]`: intercept and coefficients of the active features.
    pub theta: Vec<f64>,
    /// Negative Hessian of the objective at `theta`, `q x q` row-major.
    pub hessian: Vec<f64>,
    /// `l(theta)` (the weighted log-likelihood, without the penalty).
    pub loglik: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Why Newton stopped without an optimum. Indices refer to `theta`.
#[derive(Debug, Clone)]
pub(crate) enum NewtonFail {
    /// Column `index` of `[1, z]` is collinear with the earlier ones.
    Collinear {
        index: usize,
    },
    /// The direction `d` (over `theta`) separates the outcome.
    Separated {
        direction: Vec<f64>,
    },
    NotConverged {
        iterations: usize,
        step: f64,
    },
}

/// Problem definition shared by the evaluations.
pub(crate) struct Problem<'a> {
    pub x: &'a Matrix,
    pub y: &'a [f64],
    pub prep: &'a Prepared,
    /// Features in the model (constant ones are left out by the caller).
    pub active: &'a [usize],
    /// Ridge strength on the weighted-sum scale (`lambda * W`).
    pub ridge: f64,
}

/// The warm-start subsample keeps runs of `SUB_RUN` consecutive rows, one run
/// in every `SUB_EVERY` (a tenth of the rows, spread over the whole data).
const SUB_RUN: usize = 8;
const SUB_EVERY: usize = 10;
/// A subsample is used when it has at least this many rows (and `100 q`).
const SUB_MIN_ROWS: usize = 10_000;
/// Relative Newton step at which a subsample fit stops: far below its
/// sampling distance from the full-data optimum (about `1/sqrt(n / 10)`).
const SUB_TOL: f64 = 1e-5;
const SUB_MAX_ITER: usize = 50;

/// The rows of a warm-start subsample, with the full data's standardisation.
struct Subsample {
    x: Matrix,
    y: Vec<f64>,
    prep: Prepared,
    active: Vec<usize>,
}

impl Subsample {
    fn new(p: &Problem<'_>) -> Self {
        let n = p.x.rows();
        let rows: Vec<usize> =
            (0..n).step_by(SUB_RUN * SUB_EVERY).flat_map(|s| s..(s + SUB_RUN).min(n)).collect();
        let mut x = Matrix::zeros(rows.len(), p.active.len());
        for (k, &j) in p.active.iter().enumerate() {
            let src = p.x.col(j);
            for (d, &i) in x.col_mut(k).iter_mut().zip(&rows) {
                *d = src[i];
            }
        }
        let y: Vec<f64> = rows.iter().map(|&i| p.y[i]).collect();
        let w: Vec<f64> = rows.iter().map(|&i| p.prep.w[i]).collect();
        let wsum = w.iter().sum();
        let ysum: f64 = y.iter().zip(&w).map(|(y, w)| y * w).sum();
        let prep = Prepared {
            w,
            wsum,
            mean: p.active.iter().map(|&j| p.prep.mean[j]).collect(),
            sd: p.active.iter().map(|&j| p.prep.sd[j]).collect(),
            ybar: ysum / wsum,
        };
        Subsample { x, y, prep, active: (0..p.active.len()).collect() }
    }
}

impl Problem<'_> {
    /// Newton from `theta`; with `subsample`, warm-started on large data from
    /// the optimum of a subsample (see the module documentation).
    pub(crate) fn fit(
        &self,
        theta: Vec<f64>,
        max_iter: usize,
        tol: f64,
        separation: bool,
        subsample: bool,
    ) -> Result<NewtonFit, NewtonFail> {
        match subsample.then(|| self.warm_start(&theta)).flatten() {
            Some((theta, hessian)) => self.newton(theta, Some(hessian), max_iter, tol, separation),
            None => self.newton(theta, None, max_iter, tol, separation),
        }
    }

    /// The (loosely converged) optimum on the subsample and its Hessian
    /// scaled to the full data, or `None` when the data are too small or the
    /// subsample has no well-defined optimum (collinear, separated, not
    /// converged): then the caller starts cold.
    fn warm_start(&self, theta: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
        let sub_rows = self.x.rows() / SUB_EVERY;
        if sub_rows < SUB_MIN_ROWS.max(100 * theta.len()) {
            return None;
        }
        let sub = Subsample::new(self);
        if !(sub.prep.wsum > 0.0 && sub.prep.ybar > 0.0 && sub.prep.ybar < 1.0) {
            return None;
        }
        let problem = Problem {
            x: &sub.x,
            y: &sub.y,
            prep: &sub.prep,
            active: &sub.active,
            ridge: self.ridge * sub.prep.wsum / self.prep.wsum,
        };
        let fit = problem.fit(theta.to_vec(), SUB_MAX_ITER, SUB_TOL, true, true).ok()?;
        let scale = self.prep.wsum / sub.prep.wsum;
        let hessian = fit.hessian.iter().map(|h| h * scale).collect();
        (fit.converged && fit.theta.iter().all(|v| v.is_finite())).then_some((fit.theta, hessian))
    }

    /// Newton iterations from `theta`. `separation`: watch for a diverging
    /// (separating) direction, as only the unpenalised likelihood can have
    /// no maximum.
    ///
    /// Every evaluation gives the gradient and Hessian at the current point;
    /// the fit stops as soon as the Newton step computed there is below `tol`
    /// and returns the point plus that step, with the Hessian and
    /// log-likelihood of the evaluation (they differ from those at the
    /// returned point by a relative `O(step)`), which saves a final pass.
    ///
    /// `approx`: a Hessian close to the one at `theta` (the subsample's,
    /// scaled): the first pass then skips the Hessian and the first step uses
    /// `approx`; the fit never stops on such a step, and the collinearity
    /// check applies to the first Hessian computed on the data.
    pub(crate) fn newton(
        &self,
        mut theta: Vec<f64>,
        approx: Option<Vec<f64>>,
        max_iter: usize,
        tol: f64,
        separation: bool,
    ) -> Result<NewtonFit, NewtonFail> {
        let q = theta.len();
        let mut ws = Work::new(self.x.rows(), q);
        let mut exact = approx.is_none();
        let mut ev = self.evaluate(&theta, &mut ws, exact);
        if let Some(h) = approx {
            ev.hess = h;
        }
        let (mut iterations, mut prev_step, mut last_d) = (0, f64::INFINITY, vec![0.0; q]);
        // Whether `ev.hess` is the first Hessian computed on these data.
        let mut first = exact;
        loop {
            let check = first && self.ridge == 0.0;
            let rel_tol = if check { COLLINEAR_TOL } else { 1e-15 };
            let chol = match Cholesky::factor(&ev.hess, q, rel_tol) {
                Ok(c) => c,
                Err(e) if check => {
                    return Err(NewtonFail::Collinear { index: e.index });
                }
                Err(_) if separation && ev.max_abs_eta > 20.0 => {
                    return Err(NewtonFail::Separated { direction: last_d });
                }
                Err(_) => {
                    return Err(NewtonFail::NotConverged { iterations, step: prev_step });
                }
            };
            let d = chol.solve(&ev.grad);
            iterations += 1;
            let step =
                d.iter().zip(&theta).map(|(d, t)| d.abs() / (1.0 + t.abs())).fold(0.0, f64::max);
            // Rounding-level steps that no longer shrink: tol is out of reach.
            let stalled = iterations >= 3 && step <= 1e-7 && step >= 0.5 * prev_step;
            if exact && (step <= tol || stalled) {
                theta.iter_mut().zip(&d).for_each(|(t, d)| *t += d);
                return Ok(NewtonFit {
                    theta,
                    hessian: ev.hess,
                    loglik: ev.loglik,
                    iterations,
                    converged: true,
                });
            }
            let slack = 1e-12 * (1.0 + ev.objective.abs());
            let mut s = 1.0;
            let (cand, cev) = loop {
                let cand: Vec<f64> = theta.iter().zip(&d).map(|(t, d)| t + s * d).collect();
                let cev = self.evaluate(&cand, &mut ws, true);
                if cev.objective >= ev.objective - slack || s < 1e-10 {
                    break (cand, cev);
                }
                s *= 0.5;
            };
            theta = cand;
            ev = cev;
            first = !exact;
            exact = true;
            let taken = step * s;
            if separation && ev.max_abs_eta > 20.0 && iterations >= 3 && self.separates(&d, &mut ws)
            {
                return Err(NewtonFail::Separated { direction: d });
            }
            if iterations >= max_iter {
                if taken <= 1e-6 {
                    return Ok(NewtonFit {
                        theta,
                        hessian: ev.hess,
                        loglik: ev.loglik,
                        iterations,
                        converged: false,
                    });
                }
                if separation && ev.max_abs_eta > 30.0 {
                    return Err(NewtonFail::Separated { direction: d });
                }
                return Err(NewtonFail::NotConverged { iterations, step: taken });
            }
            prev_step = taken;
            last_d = d;
        }
    }
}
