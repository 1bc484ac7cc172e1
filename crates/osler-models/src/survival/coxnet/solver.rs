//! Proximal-Newton coordinate descent for the elastic-net Cox model
//! (Simon, Friedman, Hastie & Tibshirani 2011, JSS 39(5)), run to the exact
//! KKT conditions.
//!
//! On standardised features `z` the objective is
//! `F(g) = f(g) + l1 |g|_1 + l2/2 |g|^2`, `f(g) = -l(Z g) / n` (Breslow
//! log partial likelihood `l`), `l1 = lambda alpha`, `l2 = lambda (1 - alpha)`.
//!
//! Each outer iteration builds the second-order model of `f` at the current
//! point with the **exact** Hessian `Z' H Z`,
//! `H = diag(r C) - sum_k c2_k r_{R_k} r_{R_k}'` (see `data`), not
//! only its diagonal as glmnet does: then the outer loop is Newton's and
//! converges quadratically. The model plus penalty is minimised over the
//! working set by cyclic coordinate descent. The product `Z' H Z d` is never
//! formed: with `S1_kj = sum_{R_k} r_i z_ij` the model gradient of
//! coordinate `j` after a change `D eta = Z d` is
//!
//! ```text
//! u_j = z_j' (g + r C * D eta) - sum_k c2_k S1_kj T_k,     T_k = sum_{R_k} r_i D eta_i = sum_j S1_kj d_j
//! ```
//!
//! so a coordinate update costs `O(n + #event times)`, and the curvature is
//! `h_j = z_j' diag(r C) z_j - sum_k c2_k S1_kj^2`. The coordinate step is
//! `g_j <- S(h_j g_j - u_j, l1) / (h_j + l2)` (soft threshold `S`). A
//! backtracking line search on `F` along the resulting direction keeps the
//! descent monotone. The iteration stops when the KKT conditions
//!
//! ```text
//! |grad_j f + l2 g_j + l1 sign g_j| <= tol   (g_j != 0),     |grad_j f| <= l1 + tol   (g_j = 0)
//! ```
//!
//! hold for every feature.
//!
//! When the sweeps stall (ill-conditioned active block, e.g. `p` near the
//! number of events), the active block of the model is solved directly with
//! the signs fixed (`active`); the inner solve is inexact Newton, to
//! `~ c kkt^2` with `c` the observed constant of quadratic convergence.
//!
//! Working set: the ever-active features plus the sequential strong set of
//! Tibshirani et al. (2012), `|grad_j f(g(lambda_prev))| >= alpha (2 lambda -
//! lambda_prev)`; after convergence on it every other feature is checked
//! and violators are added, so the rule only saves work, never accuracy.

use super::active::active_newton;
use super::data::{Prep, Sweep};
use crate::ModelError;
use crate::linear::cd::soft_threshold;
use crate::linear::numeric::dot;
use crate::survival::cox::kernels::axpy;

/// Inner coordinate-descent sweeps allowed per Newton step.
const MAX_SWEEPS: usize = 10_000;

/// The solution at one `lambda`, on the standardised scale.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub gamma: Vec<f64>,
    pub loglik: f64,
    /// Largest KKT violation at the solution.
    pub kkt: f64,
    /// Newton (outer) iterations.
    pub iterations: usize,
}

pub(crate) struct Solver<'a> {
    d: &'a Prep,
    alpha: f64,
    max_iter: usize,
    tol: f64,
    sw: Sweep,
    ls: Sweep,
    gamma: Vec<f64>,
    eta: Vec<f64>,
    /// `grad_j f` at `gamma` (all features after a completed solve).
    grad: Vec<f64>,
    in_w: Vec<bool>,
    w: Vec<usize>,
    hdiag: Vec<f64>,
    /// `S1_kj`, one row of `#event groups` per working-set position.
    s1: Vec<f64>,
    /// Estimated constant of quadratic convergence (sets the inner tolerance).
    newton_c: f64,
    pub lambda_max: f64,
    pub loglik_null: f64,
}

impl<'a> Solver<'a> {
    /// Starts at `g = 0`; computes `lambda_max = max_j |grad_j f(0)| /
    /// max(alpha, 1e-3)` (glmnet's, with its floor for ridge).
    pub(crate) fn new(d: &'a Prep, alpha: f64, max_iter: usize, tol: f64) -> Self {
        let mut sw = Sweep::new(d);
        let eta = vec![0.0; d.n];
        sw.full(d, &eta);
        let mut grad = vec![0.0; d.p];
        let mut gmax = 0.0f64;
        for j in d.features() {
            grad[j] = dot(d.col(j), &sw.g);
            gmax = gmax.max(grad[j].abs());
        }
        Solver {
            d,
            alpha,
            max_iter,
            tol,
            ls: sw.clone(),
            loglik_null: sw.loglik,
            sw,
            gamma: vec![0.0; d.p],
            eta,
            grad,
            in_w: vec![false; d.p],
            w: Vec::new(),
            hdiag: vec![0.0; d.p],
            s1: Vec::new(),
            newton_c: 1.0,
            lambda_max: gmax / alpha.max(1e-3),
        }
    }

    fn penalty(&self, g: &[f64], l1: f64, l2: f64) -> f64 {
        let (a, s): (f64, f64) = g.iter().fold((0.0, 0.0), |(a, s), v| (a + v.abs(), s + v * v));
        l1 * a + 0.5 * l2 * s
    }

    fn violation(&self, j: usize, l1: f64, l2: f64) -> f64 {
        let (g, b) = (self.grad[j], self.gamma[j]);
        if b != 0.0 { (g + l2 * b + l1 * b.signum()).abs() } else { (g.abs() - l1).max(0.0) }
    }

    /// Gradient, curvature and `S1` of the working set at the current
    /// point; returns the largest KKT violation on it.
    fn working_set_terms(&mut self, l1: f64, l2: f64) -> f64 {
        let d = self.d;
        let ne = d.events.len();
        self.s1.resize(self.w.len() * ne, 0.0);
        let mut worst = 0.0f64;
        for pos in 0..self.w.len() {
            let j = self.w[pos];
            let z = d.col(j);
            self.grad[j] = dot(z, &self.sw.g);
            let s1j = &mut self.s1[pos * ne..(pos + 1) * ne];
            let mut quad = 0.0;
            for s in &d.strata {
                let (mut acc, mut row) = (0.0, s.begin);
                let ks = s.ev_begin..s.ev_end;
                let it = d.events[ks.clone()].iter().zip(&mut s1j[ks.clone()]).zip(&self.sw.c2[ks]);
                for ((ev, out), c2) in it {
                    acc += dot(&z[row..ev.end], &self.sw.r[row..ev.end]);
                    row = ev.end;
                    *out = acc;
                    quad += c2 * acc * acc;
                }
            }
            let diag: f64 = z.iter().zip(&self.sw.a).map(|(v, a)| a * v * v).sum();
            // h >= 0 exactly; below rounding of the difference it is 0.
            let h = diag - quad;
            self.hdiag[j] = if h > 1e-12 * diag { h } else { 0.0 };
            worst = worst.max(self.violation(j, l1, l2));
        }
        worst
    }

    /// One cyclic pass over working-set positions `set`; returns the largest
    /// `|change| (h_j + l2)`.
    #[allow(clippy::too_many_arguments)]
    fn sweep(
        &self,
        set: &[usize],
        b: &mut [f64],
        q: &mut [f64],
        tc: &mut [f64],
        l1: f64,
        l2: f64,
    ) -> f64 {
        let (d, ne) = (self.d, self.d.events.len());
        let mut worst = 0.0f64;
        for &pos in set {
            let j = self.w[pos];
            let denom = self.hdiag[j] + l2;
            if denom <= 0.0 {
                continue;
            }
            let (z, s1j) = (d.col(j), &self.s1[pos * ne..(pos + 1) * ne]);
            let u = dot(z, q) - dot(s1j, tc);
            let new = soft_threshold(self.hdiag[j] * b[pos] - u, l1) / denom;
            let delta = new - b[pos];
            if delta != 0.0 {
                for ((qv, a), zv) in q.iter_mut().zip(&self.sw.a).zip(z) {
                    *qv += delta * a * zv;
                }
                for ((t, c), s) in tc.iter_mut().zip(&self.sw.c2).zip(s1j) {
                    *t += delta * c * s;
                }
                b[pos] = new;
                worst = worst.max(delta.abs() * denom);
            }
        }
        worst
    }

    /// Minimises the second-order model plus penalty over the working set;
    /// returns the new working-set coefficients. Cyclic sweeps over the
    /// working set alternate with sweeps over its non-zero part; when the
    /// latter stall (more sweeps than about half the active-set size, the
    /// cost of a direct solve), the active block is solved directly
    /// (`active`), with a doubled budget after each attempt.
    fn inner(&self, l1: f64, l2: f64, tol: f64) -> Vec<f64> {
        let mut q = self.sw.g.clone();
        let mut tc = vec![0.0; self.d.events.len()];
        let mut b: Vec<f64> = self.w.iter().map(|&j| self.gamma[j]).collect();
        let all: Vec<usize> = (0..self.w.len()).collect();
        let (mut sweeps, mut since, mut budget) = (0, 0, 0);
        loop {
            sweeps += 1;
            if self.sweep(&all, &mut b, &mut q, &mut tc, l1, l2) <= tol || sweeps >= MAX_SWEEPS {
                break;
            }
            let active: Vec<usize> = all.iter().copied().filter(|&k| b[k] != 0.0).collect();
            budget = budget.max(10 + active.len() / 2);
            while sweeps < MAX_SWEEPS {
                sweeps += 1;
                since += 1;
                if self.sweep(&active, &mut b, &mut q, &mut tc, l1, l2) <= tol {
                    break;
                }
                if since >= budget {
                    since = 0;
                    let (w, s1) = (&self.w, &self.s1);
                    let args = (&mut b, &mut q, &mut tc);
                    budget *= 2;
                    if active_newton(
                        self.d, &self.sw, w, s1, &active, args.0, args.1, args.2, l1, l2,
                    ) {
                        break;
                    }
                }
            }
        }
        b
    }

    fn add(&mut self, j: usize) {
        if !self.in_w[j] {
            self.in_w[j] = true;
            self.w.push(j);
        }
    }

    /// Solves at `lambda`, warm-started from the current point;
    /// `lambda_prev` is the penalty of that point (for the strong rule).
    pub(crate) fn solve(&mut self, lambda: f64, lambda_prev: f64) -> Result<Solution, ModelError> {
        let d = self.d;
        let (l1, l2) = (lambda * self.alpha, lambda * (1.0 - self.alpha));
        let strong = self.alpha * (2.0 * lambda - lambda_prev);
        for j in d.features() {
            if self.gamma[j] != 0.0 || self.grad[j].abs() >= strong {
                self.add(j);
            }
        }
        let (mut iterations, mut stalled) = (0, false);
        // KKT violation before the last full Newton step, if any.
        let mut before: Option<f64> = None;
        loop {
            self.sw.full(d, &self.eta);
            let kkt_w = self.working_set_terms(l1, l2);
            if let Some(k0) = before.take()
                && k0 > 0.0
                && kkt_w > 0.0
            {
                // Observed constant of quadratic convergence, kkt_new ~ c kkt_old^2.
                self.newton_c = (kkt_w / (k0 * k0)).clamp(1e-3, 1e6);
            }
            if kkt_w <= self.tol || stalled {
                // Converged on the working set: check everything else.
                let mut kkt = kkt_w;
                let mut added = false;
                for j in d.features() {
                    if self.in_w[j] {
                        continue;
                    }
                    self.grad[j] = dot(d.col(j), &self.sw.g);
                    let v = self.violation(j, l1, l2);
                    kkt = kkt.max(v);
                    if v > self.tol {
                        self.add(j);
                        added = true;
                    }
                }
                // A stall (no representable progress) ends the solve at the
                // numerical optimum; `kkt` reports how close it is.
                if !added {
                    return Ok(Solution {
                        gamma: self.gamma.clone(),
                        loglik: self.sw.loglik,
                        kkt,
                        iterations,
                    });
                }
                stalled = false;
                continue;
            }
            if iterations >= self.max_iter {
                return Err(ModelError::NotConverged {
                    iterations,
                    detail: format!(
                        "elastic-net Cox at lambda = {lambda}: largest KKT violation {kkt_w:e} > tol {:e}",
                        self.tol
                    ),
                });
            }
            iterations += 1;
            // Inexact Newton: solve the model only as far as the Newton
            // step itself is accurate (~ c kkt^2), never coarser than kkt/10.
            let inner_tol =
                (0.5 * self.newton_c * kkt_w * kkt_w).min(0.1 * kkt_w).max(0.1 * self.tol);
            let b = self.inner(l1, l2, inner_tol);
            match self.line_search(&b, l1, l2) {
                Some(step) => before = (step == 1.0).then_some(kkt_w),
                None => stalled = true,
            }
        }
    }

    /// Backtracking on `F` from the current point towards the working-set
    /// coefficients `b`: the step taken, or `None` when no step makes
    /// representable progress.
    fn line_search(&mut self, b: &[f64], l1: f64, l2: f64) -> Option<f64> {
        let d = self.d;
        let nf = d.n as f64;
        let dir: Vec<(usize, f64)> = self
            .w
            .iter()
            .zip(b)
            .map(|(&j, &v)| (j, v - self.gamma[j]))
            .filter(|&(_, v)| v != 0.0)
            .collect();
        if dir.is_empty() {
            return None;
        }
        let mut deta = vec![0.0; d.n];
        for &(j, v) in &dir {
            axpy(&mut deta, v, d.col(j));
        }
        let f_old = -self.sw.loglik / nf + self.penalty(&self.gamma, l1, l2);
        let slack = 1e-13 * (1.0 + f_old.abs());
        let mut cand_eta = vec![0.0; d.n];
        let mut cand = self.gamma.clone();
        let mut s = 1.0;
        while s >= 1e-10 {
            for &(j, v) in &dir {
                cand[j] = self.gamma[j] + s * v;
            }
            for ((c, e), de) in cand_eta.iter_mut().zip(&self.eta).zip(&deta) {
                *c = e + s * de;
            }
            let f_new = -self.ls.forward(d, &cand_eta) / nf + self.penalty(&cand, l1, l2);
            if f_new <= f_old + slack {
                if cand == self.gamma {
                    return None;
                }
                self.gamma = cand;
                self.eta = cand_eta;
                return Some(s);
            }
            s *= 0.5;
        }
        None
    }
}
