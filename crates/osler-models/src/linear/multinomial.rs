//! Multinomial elastic net at one penalty: glmnet's `family = "multinomial"`,
//! `type.multinomial = "ungrouped"` (Friedman, Hastie & Tibshirani 2010,
//! section 4), run to the exact KKT conditions.
//!
//! With `K` classes, `eta_ik = g0_k + z_i' g_k` and
//! `p_ik = exp(eta_ik) / sum_c exp(eta_ic)`, the objective on standardised
//! features and weights `v_i = w_i / W` is
//!
//! ```text
//! F = -sum_i v_i log p_{i y_i} + sum_k [ l1 |g_k|_1 + l2/2 |g_k|^2 ]
//! ```
//!
//! in the symmetric parameterisation: every class has its own coefficient
//! vector, all penalised, intercepts unpenalised. The likelihood is
//! unchanged by adding the same constant to `g_jk` over `k`, so the optimum
//! has, for each feature, the class vector whose penalty is smallest among
//! its shifts (glmnet's `elc`); the intercepts are centred to sum to zero.
//!
//! Each outer iteration is one round of partial Newton steps over the
//! classes, as glmnet's: for class `k` the log-likelihood is approximated to
//! second order in `eta_k` alone (gradient `v_i (y_ik - p_ik)`, curvature
//! `v_i max(p_ik (1 - p_ik), 1e-5)`), the model plus penalty is minimised by
//! coordinate descent over the working set ([`super::cd::Quadratic`]), and a
//! backtracking line search on `F` along that class's direction keeps the
//! descent monotone. The round ends by shifting each feature's class vector
//! to its penalty-minimising centre and centring the intercepts (both
//! leave the likelihood unchanged). Stopping rule: every KKT condition
//! `|sum_i v_i (y_ik - p_ik)| <= tol`, `|G_jk - l2 g_jk - l1 sign(g_jk)| <= tol`
//! (`g_jk != 0`), `|G_jk| <= l1 + tol` (`g_jk = 0`), with
//! `G_jk = sum_i v_i (y_ik - p_ik) z_ij`, checked over all features.

use osler_data::Matrix;

use super::cd::{Quadratic, backtrack};
use super::data::Prepared;
use super::numeric::{centred_dot, dot};
use super::working::{PenaltyFit, WorkingSet, violation};

/// Floor of `p (1 - p)` in the curvature (glmnet's `pmin` region).
const MIN_CURVATURE: f64 = 1e-5;

/// Solution at one penalty, on the standardised scale (intercepts centred to
/// sum to 0, coefficients feature-major `g[j * K + k]`).
pub(crate) type MultiFit = PenaltyFit<Vec<f64>>;

/// Warm-started multinomial solver: one instance follows a path.
pub(crate) struct Multinomial<'a> {
    x: &'a Matrix,
    y: &'a [usize],
    prep: &'a Prepared,
    k: usize,
    n: usize,
    v: Vec<f64>,
    alpha: f64,
    max_iter: usize,
    tol: f64,
    feats: Vec<usize>,
    ws: WorkingSet,
    g0: Vec<f64>,
    /// Feature-major `g[j * K + k]`.
    g: Vec<f64>,
    /// Class-major `eta[k * n + i]`.
    eta: Vec<f64>,
    /// Class-major probabilities.
    prob: Vec<f64>,
    /// Feature-major `G_jk` (every feature after a completed solve).
    grad: Vec<f64>,
    loglik: f64,
    /// `max_jk |G_jk(null)| / max(alpha, 1e-3)`: every coefficient is 0 above it.
    pub lambda_max: f64,
    /// `sum_i w_i log ybar_{y_i}`.
    pub loglik_null: f64,
}

impl<'a> Multinomial<'a> {
    /// Starts at the intercept-only model `g0_k = log ybar_k` (centred).
    /// `ybar` are the weighted class proportions, all positive.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        x: &'a Matrix,
        y: &'a [usize],
        prep: &'a Prepared,
        ybar: &[f64],
        alpha: f64,
        max_iter: usize,
        tol: f64,
    ) -> Self {
        let (n, p, k) = (x.rows(), x.cols(), ybar.len());
        let logs: Vec<f64> = ybar.iter().map(|q| q.ln()).collect();
        let centre = logs.iter().sum::<f64>() / k as f64;
        let g0: Vec<f64> = logs.iter().map(|l| l - centre).collect();
        let mut s = Multinomial {
            x,
            y,
            prep,
            k,
            n,
            v: prep.w.iter().map(|w| w / prep.wsum).collect(),
            alpha,
            max_iter,
            tol,
            feats: (0..p).filter(|&j| !prep.is_constant(j)).collect(),
            ws: WorkingSet::new(n, p),
            eta: g0.iter().flat_map(|&b| std::iter::repeat_n(b, n)).collect(),
            g0,
            g: vec![0.0; p * k],
            prob: vec![0.0; n * k],
            grad: vec![0.0; p * k],
            loglik: 0.0,
            lambda_max: 0.0,
            loglik_null: 0.0,
        };
        s.refresh();
        s.full_gradient();
        s.loglik_null = s.loglik;
        let gmax = s.feats.iter().flat_map(|&j| &s.grad[j * k..(j + 1) * k]);
        s.lambda_max = gmax.fold(0.0f64, |m, v| m.max(v.abs())) / alpha.max(1e-3);
        s
    }

    /// Probabilities and log-likelihood from `eta`.
    fn refresh(&mut self) {
        let (n, k) = (self.n, self.k);
        let mut ll = 0.0;
        for i in 0..n {
            let top = (0..k).map(|c| self.eta[c * n + i]).fold(f64::NEG_INFINITY, f64::max);
            let mut s = 0.0;
            for c in 0..k {
                let e = (self.eta[c * n + i] - top).exp();
                self.prob[c * n + i] = e;
                s += e;
            }
            for c in 0..k {
                self.prob[c * n + i] /= s;
            }
            ll += self.prep.w[i] * (self.eta[self.y[i] * n + i] - top - s.ln());
        }
        self.loglik = ll;
    }

    /// `v_i (y_ic - p_ic)` of class `c`.
    fn residual(&self, c: usize) -> Vec<f64> {
        let n = self.n;
        (0..n)
            .map(|i| self.v[i] * (f64::from(u8::from(self.y[i] == c)) - self.prob[c * n + i]))
            .collect()
    }

    /// `G_jk` of every feature outside the working set (`K` passes over `x`).
    fn full_gradient(&mut self) {
        for c in 0..self.k {
            let r = self.residual(c);
            for &j in &self.feats {
                if !self.ws.contains(j) {
                    let (m, s) = (self.prep.mean[j], self.prep.sd[j]);
                    self.grad[j * self.k + c] = centred_dot(self.x.col(j), m, &r) / s;
                }
            }
        }
    }

    /// `-sum_i v_i log p_{i y_i}` with class `c`'s linear predictor replaced by `eta_c`.
    fn nll_with(&self, c: usize, eta_c: &[f64]) -> f64 {
        let (n, k) = (self.n, self.k);
        let mut f = 0.0;
        for (i, &own) in eta_c.iter().enumerate().take(n) {
            let e = |d: usize| if d == c { own } else { self.eta[d * n + i] };
            let top = (0..k).map(e).fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = (0..k).map(|d| (e(d) - top).exp()).sum();
            f -= self.v[i] * (e(self.y[i]) - top - s.ln());
        }
        f
    }

    /// Penalty of the working-set coefficients, class `c`'s replaced by `bc`.
    fn penalty_with(&self, c: usize, bc: &[f64], l1: f64, l2: f64) -> f64 {
        let mut total = 0.0;
        for (pos, &j) in self.ws.features().iter().enumerate() {
            for d in 0..self.k {
                let b = if d == c { bc[pos] } else { self.g[j * self.k + d] };
                total += l1 * b.abs() + 0.5 * l2 * b * b;
            }
        }
        total
    }

    /// Solves at `lambda`, warm-started from the current point; `lambda_prev`
    /// is the penalty of that point (for the strong rule). After `max_iter`
    /// rounds the current point is returned with its violation.
    pub(crate) fn solve(&mut self, lambda: f64, lambda_prev: f64) -> MultiFit {
        let k = self.k;
        let (l1, l2) = (lambda * self.alpha, lambda * (1.0 - self.alpha));
        let strong = self.alpha * (2.0 * lambda - lambda_prev);
        for &j in &self.feats {
            let row = &self.grad[j * k..(j + 1) * k];
            let gmax = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            if self.g[j * k..(j + 1) * k].iter().any(|b| *b != 0.0) || gmax >= strong {
                self.ws.add(j, self.x, self.prep);
            }
        }
        let (mut iterations, mut stalled) = (0, false);
        loop {
            let mut kkt = 0.0f64;
            for c in 0..k {
                let r = self.residual(c);
                kkt = kkt.max(r.iter().sum::<f64>().abs());
                for (pos, &j) in self.ws.features().iter().enumerate() {
                    let gjc = dot(self.ws.col(pos), &r);
                    self.grad[j * k + c] = gjc;
                    kkt = kkt.max(violation(gjc, self.g[j * k + c], l1, l2));
                }
            }
            let out_of_budget = iterations >= self.max_iter;
            if kkt <= self.tol || stalled || out_of_budget {
                self.full_gradient();
                let mut added = false;
                for &j in &self.feats {
                    if self.ws.contains(j) {
                        continue;
                    }
                    let v = self.grad[j * k..(j + 1) * k]
                        .iter()
                        .fold(0.0f64, |m, g| m.max(violation(*g, 0.0, l1, l2)));
                    kkt = kkt.max(v);
                    if v > self.tol {
                        self.ws.add(j, self.x, self.prep);
                        added = true;
                    }
                }
                if !added || out_of_budget {
                    return MultiFit {
                        g0: self.g0.clone(),
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
            let mut progress = false;
            for c in 0..k {
                progress |= self.class_step(c, l1, l2, inner_tol);
            }
            self.centre();
            stalled = !progress;
        }
    }

    /// One partial Newton step for class `c` (see the module docs); false
    /// when it makes no representable progress.
    fn class_step(&mut self, c: usize, l1: f64, l2: f64, tol: f64) -> bool {
        let (n, k) = (self.n, self.k);
        let r = self.residual(c);
        let h: Vec<f64> = (0..n)
            .map(|i| {
                let p = self.prob[c * n + i];
                self.v[i] * (p * (1.0 - p)).max(MIN_CURVATURE)
            })
            .collect();
        let feats = self.ws.features();
        let cur: Vec<f64> = feats.iter().map(|&j| self.g[j * k + c]).collect();
        let model = Quadratic { ws: &self.ws, h: &h, r: &r, l1, l2 };
        let (g0n, b, deta) = model.minimise(self.g0[c], cur.clone(), tol);
        let eta_c = &self.eta[c * n..(c + 1) * n];
        let objective =
            |eta: &[f64], bc: &[f64]| self.nll_with(c, eta) + self.penalty_with(c, bc, l1, l2);
        let Some(step) = backtrack((self.g0[c], &cur), (g0n, &b), eta_c, &deta, objective) else {
            return false;
        };
        for (&j, &v) in feats.iter().zip(&step.b) {
            self.g[j * k + c] = v;
        }
        self.g0[c] = step.g0;
        self.eta[c * n..(c + 1) * n].copy_from_slice(&step.eta);
        self.refresh();
        true
    }

    /// Shifts each working-set feature's class vector to its
    /// penalty-minimising centre and centres the intercepts; every row's
    /// linear predictors move by a common amount, so the probabilities stay.
    fn centre(&mut self) {
        let (n, k) = (self.n, self.k);
        let mut delta = vec![0.0; n];
        for (pos, &j) in self.ws.features().iter().enumerate() {
            let row = &mut self.g[j * k..(j + 1) * k];
            let s = penalty_centre(row, self.alpha);
            if s != 0.0 {
                row.iter_mut().for_each(|b| *b -= s);
                for (d, z) in delta.iter_mut().zip(self.ws.col(pos)) {
                    *d -= s * z;
                }
            }
        }
        let s0 = self.g0.iter().sum::<f64>() / k as f64;
        self.g0.iter_mut().for_each(|b| *b -= s0);
        if delta.iter().any(|d| *d != 0.0) || s0 != 0.0 {
            for c in 0..k {
                for (e, d) in self.eta[c * n..(c + 1) * n].iter_mut().zip(&delta) {
                    *e += d - s0;
                }
            }
            self.refresh();
        }
    }
}

/// The shift `s` minimising `sum_k [alpha |a_k - s| + (1 - alpha)/2 (a_k - s)^2]`
/// (glmnet's `elc`): the mean for ridge or two classes, the median for the
/// lasso (midpoint of the middle two for an even count, glmnet's choice on
/// the flat stretch), else the unique minimiser of the strictly convex,
/// piecewise-quadratic function, found among its kinks and the stationary
/// points of its pieces.
pub(crate) fn penalty_centre(a: &[f64], alpha: f64) -> f64 {
    let k = a.len();
    if k == 0 {
        return 0.0;
    }
    let kf = k as f64;
    let mean = a.iter().sum::<f64>() / kf;
    if alpha == 0.0 || k == 2 {
        return mean;
    }
    let mut c = a.to_vec();
    c.sort_by(f64::total_cmp);
    if c[0] == c[k - 1] {
        return c[0];
    }
    if alpha == 1.0 {
        return if k % 2 == 1 { c[k / 2] } else { 0.5 * (c[k / 2 - 1] + c[k / 2]) };
    }
    let phi = |s: f64| {
        a.iter().map(|v| alpha * (v - s).abs() + 0.5 * (1.0 - alpha) * (v - s) * (v - s)).sum()
    };
    let mut best = (c[0], phi(c[0]));
    let mut consider = |s: f64| {
        let f: f64 = phi(s);
        if f < best.1 {
            best = (s, f);
        }
    };
    for &v in &c[1..] {
        consider(v);
    }
    // On the piece with m values below s: phi'(s) = alpha (2m - K) - (1 - alpha)(sum a - K s).
    for m in 0..=k {
        let s = mean - alpha * (2.0 * m as f64 - kf) / ((1.0 - alpha) * kf);
        let lo = if m == 0 { f64::NEG_INFINITY } else { c[m - 1] };
        let hi = if m == k { f64::INFINITY } else { c[m] };
        if lo <= s && s <= hi {
            consider(s);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::penalty_centre;

    fn phi(a: &[f64], alpha: f64, s: f64) -> f64 {
        a.iter().map(|v| alpha * (v - s).abs() + 0.5 * (1.0 - alpha) * (v - s) * (v - s)).sum()
    }

    #[test]
    fn penalty_centre_minimises_the_shifted_penalty() {
        let cases: [&[f64]; 5] = [
            &[0.3, -0.1, 0.0],
            &[1.0, 0.0, 0.0, -2.0],
            &[0.5, 0.5, 0.5],
            &[2.0, -1.0, 0.2, 0.1, 0.0],
            &[0.0, 0.7],
        ];
        for a in cases {
            for alpha in [0.0, 0.2, 0.5, 0.9, 1.0] {
                let s = penalty_centre(a, alpha);
                let best = (-3000..=3000)
                    .map(|k| phi(a, alpha, f64::from(k) * 1e-3))
                    .fold(f64::INFINITY, f64::min);
                assert!(phi(a, alpha, s) <= best + 1e-12, "{a:?} alpha {alpha}: s = {s}");
            }
        }
        // glmnet's choices on flat stretches: midpoints.
        assert_eq!(penalty_centre(&[1.0, 0.0, 0.0, -2.0], 1.0), 0.0);
        assert_eq!(penalty_centre(&[0.0, 0.7], 1.0), 0.35);
        assert_eq!(penalty_centre(&[0.3, -0.1, 0.0], 1.0), 0.0);
    }
}
