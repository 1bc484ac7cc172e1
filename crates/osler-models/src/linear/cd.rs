//! Lasso / elastic-net logistic regression at one penalty (glmnet's `lognet`;
//! Friedman, Hastie & Tibshirani 2010, section 3), run to the KKT conditions
//! of the exact objective, over a working set (see [`super::working`]).
//!
//! Objective, on standardised features `z` and weights `v_i = w_i / W`:
//! `F(g0, g) = -sum_i v_i [y_i eta_i - log(1 + exp(eta_i))] + l1 |g|_1 + l2/2 |g|^2`,
//! `l1 = lambda alpha`, `l2 = lambda (1 - alpha)`.
//!
//! Each outer iteration builds the quadratic model of the smooth part at the
//! current point (gradient exact, curvature `h_i = v_i max(p_i (1-p_i), 1e-5)`
//! as glmnet's `pmin`), minimises model + penalty over the working set by
//! cyclic coordinate descent with *naive* updates (the model residual
//! `rho = r - h * D eta` is kept up to date, `O(n)` per coordinate; glmnet's
//! covariance updates do not pay off when the weights change every
//! iteration), alternating full sweeps with sweeps over the non-zero
//! coefficients, then backtracks on `F` along the resulting direction (a
//! proximal Newton step). The fixed point satisfies the exact KKT
//! conditions, which are the stopping rule: `|sum_i v_i (y_i - p_i)| <= tol`
//! and, for each feature with gradient `G_j = sum_i v_i (y_i - p_i) z_ij`,
//! `|G_j - l2 g_j - l1 sign(g_j)| <= tol` if `g_j != 0`, `|G_j| <= l1 + tol`
//! if `g_j = 0`. When the working set satisfies them, every other feature is
//! checked (one pass over `x`) and violators join the set.

use osler_data::Matrix;

use super::data::Prepared;
use super::numeric::{centred_dot, dot, log1pexp, sigmoid};
use super::working::{PenaltyFit, WorkingSet, violation};

/// Inner sweeps allowed per outer iteration.
const MAX_SWEEPS: usize = 100_000;

/// Floor of `p (1 - p)` in the curvature (glmnet's `pmin` region).
const MIN_CURVATURE: f64 = 1e-5;

/// Solution at one penalty, on the standardised scale.
pub(crate) type CdFit = PenaltyFit<f64>;

/// `sign(u) max(|u| - t, 0)`: the lasso's proximal operator (also used by the penalised Cox solver).
#[inline]
pub(crate) fn soft_threshold(u: f64, t: f64) -> f64 {
    if u > t {
        u - t
    } else if u < -t {
        u + t
    } else {
        0.0
    }
}

/// Warm-started elastic-net logistic solver: one instance follows a path.
pub(crate) struct Binomial<'a> {
    x: &'a Matrix,
    y: &'a [f64],
    prep: &'a Prepared,
    /// `w_i / W`.
    v: Vec<f64>,
    alpha: f64,
    max_iter: usize,
    tol: f64,
    /// Non-constant features.
    feats: Vec<usize>,
    ws: WorkingSet,
    g0: f64,
    g: Vec<f64>,
    eta: Vec<f64>,
    /// `v_i (y_i - p_i)` at the current point.
    r: Vec<f64>,
    /// `v_i max(p_i (1 - p_i), 1e-5)` at the current point.
    h: Vec<f64>,
    /// `G_j` at the current point (every feature after a completed solve).
    grad: Vec<f64>,
    loglik: f64,
    /// Smallest penalty with every coefficient 0 (glmnet's, `alpha` floored at 1e-3).
    pub lambda_max: f64,
    /// Log-likelihood of the intercept-only model.
    pub loglik_null: f64,
}

impl<'a> Binomial<'a> {
    /// Starts at the intercept-only model `g0 = logit(ybar)`, `g = 0`.
    pub(crate) fn new(
        x: &'a Matrix,
        y: &'a [f64],
        prep: &'a Prepared,
        alpha: f64,
        max_iter: usize,
        tol: f64,
    ) -> Self {
        let n = x.rows();
        let g0 = (prep.ybar / (1.0 - prep.ybar)).ln();
        let mut s = Binomial {
            x,
            y,
            prep,
            v: prep.w.iter().map(|w| w / prep.wsum).collect(),
            alpha,
            max_iter,
            tol,
            feats: (0..x.cols()).filter(|&j| !prep.is_constant(j)).collect(),
            ws: WorkingSet::new(n, x.cols()),
            g0,
            g: vec![0.0; x.cols()],
            eta: vec![g0; n],
            r: vec![0.0; n],
            h: vec![0.0; n],
            grad: vec![0.0; x.cols()],
            loglik: 0.0,
            lambda_max: 0.0,
            loglik_null: 0.0,
        };
        s.refresh();
        s.full_gradient();
        s.loglik_null = s.loglik;
        let gmax = s.feats.iter().map(|&j| s.grad[j].abs()).fold(0.0, f64::max);
        s.lambda_max = gmax / alpha.max(1e-3);
        s
    }

    /// Moves the starting point to `(g0, g)` (standardised scale).
    pub(crate) fn warm(&mut self, g0: f64, g: &[f64]) {
        self.g0 = g0;
        self.eta.iter_mut().for_each(|e| *e = g0);
        for &j in &self.feats {
            self.g[j] = g[j];
            if g[j] != 0.0 {
                self.ws.add(j, self.x, self.prep);
            }
        }
        for (k, &j) in self.ws.features().iter().enumerate() {
            let (b, z) = (self.g[j], self.ws.col(k));
            for (e, zv) in self.eta.iter_mut().zip(z) {
                *e += b * zv;
            }
        }
        self.refresh();
        self.full_gradient();
    }

    /// `r`, `h` and the log-likelihood from `eta`.
    fn refresh(&mut self) {
        let mut ll = 0.0;
        for i in 0..self.eta.len() {
            let (e, yi) = (self.eta[i], self.y[i]);
            let p = sigmoid(e);
            self.r[i] = self.v[i] * (yi - p);
            self.h[i] = self.v[i] * (p * (1.0 - p)).max(MIN_CURVATURE);
            ll -= self.prep.w[i] * log1pexp(if yi == 1.0 { -e } else { e });
        }
        self.loglik = ll;
    }

    /// `G_j` of every feature outside the working set (one pass over `x`).
    fn full_gradient(&mut self) {
        for &j in &self.feats {
            if !self.ws.contains(j) {
                let (m, s) = (self.prep.mean[j], self.prep.sd[j]);
                self.grad[j] = centred_dot(self.x.col(j), m, &self.r) / s;
            }
        }
    }

    /// `sum_i v_i log p(y_i | eta_i)` negated, plus the penalty of `g`.
    fn objective(&self, eta: &[f64], g: &[f64], l1: f64, l2: f64) -> f64 {
        let nll: f64 = eta
            .iter()
            .zip(self.y)
            .zip(&self.v)
            .map(|((&e, &y), &v)| v * log1pexp(if y == 1.0 { -e } else { e }))
            .sum();
        let (a, s) = g.iter().fold((0.0, 0.0), |(a, s), b| (a + b.abs(), s + b * b));
        nll + l1 * a + 0.5 * l2 * s
    }

    /// Solves at `lambda`, warm-started from the current point; `lambda_prev`
    /// is the penalty of that point (for the strong rule). After `max_iter`
    /// outer iterations the current point is returned with its violation
    /// (`kkt > tol`), for the caller to judge.
    pub(crate) fn solve(&mut self, lambda: f64, lambda_prev: f64) -> CdFit {
        let (l1, l2) = (lambda * self.alpha, lambda * (1.0 - self.alpha));
        let strong = self.alpha * (2.0 * lambda - lambda_prev);
        for &j in &self.feats {
            if self.g[j] != 0.0 || self.grad[j].abs() >= strong {
                self.ws.add(j, self.x, self.prep);
            }
        }
        let (mut iterations, mut stalled) = (0, false);
        loop {
            let mut kkt = self.r.iter().sum::<f64>().abs();
            for (k, &j) in self.ws.features().iter().enumerate() {
                self.grad[j] = dot(self.ws.col(k), &self.r);
                kkt = kkt.max(violation(self.grad[j], self.g[j], l1, l2));
            }
            let out_of_budget = iterations >= self.max_iter;
            if kkt <= self.tol || stalled || out_of_budget {
                self.full_gradient();
                let mut added = false;
                for &j in &self.feats {
                    if !self.ws.contains(j) {
                        let v = violation(self.grad[j], 0.0, l1, l2);
                        kkt = kkt.max(v);
                        if v > self.tol {
                            self.ws.add(j, self.x, self.prep);
                            added = true;
                        }
                    }
                }
                // Out of iterations: the caller judges the reported violation.
                if !added || out_of_budget {
                    return CdFit {
                        g0: self.g0,
                        g: self.g.clone(),
                        loglik: self.loglik,
                        iterations,
                        kkt,
                    };
                }
                stalled = false;
                continue;
            }
            iterations += 1;
            let inner_tol = (0.1 * self.tol).max(0.01 * kkt * kkt.min(1.0));
            let (g0n, b, deta) = self.inner(l1, l2, inner_tol);
            stalled = !self.line_search(g0n, &b, &deta, l1, l2);
        }
    }

    /// Minimises the quadratic model plus penalty over the working set;
    /// returns the new intercept, working-set coefficients and `D eta`.
    fn inner(&self, l1: f64, l2: f64, tol: f64) -> (f64, Vec<f64>, Vec<f64>) {
        let b: Vec<f64> = self.ws.features().iter().map(|&j| self.g[j]).collect();
        let model = Quadratic { ws: &self.ws, h: &self.h, r: &self.r, l1, l2 };
        model.minimise(self.g0, b, tol)
    }

    /// Backtracking on `F` from the current point towards `(g0n, b)`;
    /// false when no step makes representable progress.
    fn line_search(&mut self, g0n: f64, b: &[f64], deta: &[f64], l1: f64, l2: f64) -> bool {
        let feats = self.ws.features();
        let cur: Vec<f64> = feats.iter().map(|&j| self.g[j]).collect();
        let objective = |eta: &[f64], g: &[f64]| self.objective(eta, g, l1, l2);
        let Some(step) = backtrack((self.g0, &cur), (g0n, b), &self.eta, deta, objective) else {
            return false;
        };
        for (&j, &c) in feats.iter().zip(&step.b) {
            self.g[j] = c;
        }
        self.g0 = step.g0;
        self.eta = step.eta;
        self.refresh();
        true
    }
}

/// A point accepted by [`backtrack`]: intercept, working-set coefficients
/// and linear predictor.
pub(crate) struct Step {
    pub g0: f64,
    pub b: Vec<f64>,
    pub eta: Vec<f64>,
}

/// Backtracking line search (steps 1, 1/2, ... down to 1e-10) from the
/// point `(g0, cur)` with linear predictor `eta` towards `(g0n, b)`, whose
/// linear predictor is `eta + deta`: the first step whose `objective(eta,
/// coefficients)` is within a relative `1e-13` of the current value. `None`
/// when no step is accepted or the accepted point equals the current one.
pub(crate) fn backtrack(
    (g0, cur): (f64, &[f64]),
    (g0n, b): (f64, &[f64]),
    eta: &[f64],
    deta: &[f64],
    objective: impl Fn(&[f64], &[f64]) -> f64,
) -> Option<Step> {
    if cur == b && g0n == g0 {
        return None;
    }
    let f_old = objective(eta, cur);
    let slack = 1e-13 * (1.0 + f_old.abs());
    let mut cand_eta = vec![0.0; eta.len()];
    let mut s = 1.0;
    while s >= 1e-10 {
        let cand: Vec<f64> = cur.iter().zip(b).map(|(a, b)| a + s * (b - a)).collect();
        for ((c, e), d) in cand_eta.iter_mut().zip(eta).zip(deta) {
            *c = e + s * d;
        }
        if objective(&cand_eta, &cand) <= f_old + slack {
            let g0_new = g0 + s * (g0n - g0);
            if cand == cur && g0_new == g0 {
                return None;
            }
            return Some(Step { g0: g0_new, b: cand, eta: cand_eta });
        }
        s *= 0.5;
    }
    None
}

/// The second-order model of a log-likelihood in one linear predictor
/// `eta = g0 + Z_W b` over the working set `W`: gradient `r` (in `eta`),
/// curvature `h` (diagonal), elastic-net penalty `l1 |b|_1 + l2/2 |b|^2`, the
/// intercept unpenalised. Shared by the binomial solver and each class of
/// the multinomial one.
pub(crate) struct Quadratic<'a> {
    pub ws: &'a WorkingSet,
    pub h: &'a [f64],
    pub r: &'a [f64],
    pub l1: f64,
    pub l2: f64,
}

impl Quadratic<'_> {
    /// Minimises the model plus penalty by cyclic coordinate descent from
    /// `(g0, b)` (`b` over the working set), alternating sweeps over the whole
    /// set with sweeps over its non-zero coefficients, until a whole sweep
    /// changes no coordinate by more than `tol` (in `|change| * curvature`).
    /// Returns the new intercept, coefficients and `D eta`.
    pub(crate) fn minimise(&self, g0: f64, b: Vec<f64>, tol: f64) -> (f64, Vec<f64>, Vec<f64>) {
        let ws = self.ws;
        let n = self.h.len();
        // h * z_k per working-set column, and the curvatures z_k' H z_k.
        let mut hz = Vec::with_capacity(n * ws.len());
        for k in 0..ws.len() {
            hz.extend(ws.col(k).iter().zip(self.h).map(|(z, h)| h * z));
        }
        let xv: Vec<f64> = (0..ws.len()).map(|k| dot(&hz[k * n..(k + 1) * n], ws.col(k))).collect();
        let hsum: f64 = self.h.iter().sum();
        let (b_start, g0_start) = (b.clone(), g0);
        let mut st = Inner { rho: self.r.to_vec(), b, g0, hz };
        let all: Vec<usize> = (0..ws.len()).collect();
        let (mut sweeps, mut since, mut budget) = (0, 0, 0);
        loop {
            sweeps += 1;
            if st.sweep(self, &all, &xv, hsum) <= tol || sweeps >= MAX_SWEEPS {
                break;
            }
            let active: Vec<usize> = all.iter().copied().filter(|&k| st.b[k] != 0.0).collect();
            // A direct solve of the active block costs some tens of sweeps
            // (Gram matrix and factorisation of size min(|A|, n)): try one when
            // the sweeps stall for 10 + min(|A|, n)/8 of them, with a doubled
            // budget after each attempt.
            budget = budget.max(10 + active.len().min(self.h.len()) / 8);
            while sweeps < MAX_SWEEPS {
                sweeps += 1;
                since += 1;
                if st.sweep(self, &active, &xv, hsum) <= tol {
                    break;
                }
                if since >= budget {
                    since = 0;
                    budget *= 2;
                    if st.active_newton(self, &active) {
                        break;
                    }
                }
            }
        }
        let mut deta = vec![st.g0 - g0_start; n];
        for (k, (b, b0)) in st.b.iter().zip(&b_start).enumerate() {
            if b != b0 {
                for (d, z) in deta.iter_mut().zip(ws.col(k)) {
                    *d += (b - b0) * z;
                }
            }
        }
        (st.g0, st.b, deta)
    }
}

/// State of the inner coordinate descent on the quadratic model.
pub(crate) struct Inner {
    /// Model residual `r - h * D eta`.
    pub rho: Vec<f64>,
    /// Working-set coefficients.
    pub b: Vec<f64>,
    pub g0: f64,
    /// `h * z_k` per working-set position, column-major.
    hz: Vec<f64>,
}

impl Inner {
    /// One cyclic pass over working-set positions `set`, then the intercept;
    /// returns the largest `|change| * curvature`.
    fn sweep(&mut self, q: &Quadratic<'_>, set: &[usize], xv: &[f64], hsum: f64) -> f64 {
        let mut worst = 0.0f64;
        for &k in set {
            let denom = xv[k] + q.l2;
            if denom <= 0.0 {
                continue;
            }
            let n = self.rho.len();
            let u = dot(q.ws.col(k), &self.rho) + xv[k] * self.b[k];
            let new = soft_threshold(u, q.l1) / denom;
            let d = new - self.b[k];
            if d != 0.0 {
                for (r, hz) in self.rho.iter_mut().zip(&self.hz[k * n..(k + 1) * n]) {
                    *r -= d * hz;
                }
                self.b[k] = new;
                worst = worst.max(d.abs() * denom);
            }
        }
        if hsum > 0.0 {
            let d0 = self.rho.iter().sum::<f64>() / hsum;
            if d0 != 0.0 {
                for (r, hi) in self.rho.iter_mut().zip(q.h) {
                    *r -= hi * d0;
                }
                self.g0 += d0;
                worst = worst.max(d0.abs() * hsum);
            }
        }
        worst
    }
}

/// Minimises the elastic-net objective at one `lambda` from the warm start
/// `(g0, g)` (or the intercept-only model): the solver of
/// [`super::LogisticModel::fit`] for lasso and elastic-net penalties.
#[allow(clippy::too_many_arguments)]
pub(crate) fn elastic_net(
    x: &Matrix,
    y: &[f64],
    prep: &Prepared,
    lambda: f64,
    alpha: f64,
    warm: Option<(f64, &[f64])>,
    max_iter: usize,
    tol: f64,
) -> CdFit {
    let mut s = Binomial::new(x, y, prep, alpha, max_iter, tol);
    // Cold start: the strong rule from lambda_max, as on a path.
    let prev = match warm {
        Some((g0, g)) => {
            s.warm(g0, g);
            lambda
        }
        None => s.lambda_max.max(lambda),
    };
    s.solve(lambda, prev)
}
