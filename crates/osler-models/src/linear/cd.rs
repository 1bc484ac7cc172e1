//! Lasso / elastic-net logistic regression by coordinate descent on the IRLS
//! quadratic approximation (glmnet's `lognet`; Friedman, Hastie & Tibshirani
//! 2010, section 3), run to the KKT conditions of the exact objective.
//!
//! Objective, on standardised features `z` and weights `v_i = w_i / W`:
//! `F(g0, g) = -sum_i v_i [y_i eta_i - log(1 + exp(eta_i))] + l1 |g|_1 + l2/2 |g|^2`,
//! `l1 = lambda alpha`, `l2 = lambda (1 - alpha)`.
//!
//! Each outer iteration builds the quadratic model of the smooth part at the
//! current point (gradient exact, curvature `v_i max(p_i (1-p_i), 1e-5)` as
//! glmnet's `pmin`), minimises model + penalty by cyclic coordinate descent
//! with an active set, then backtracks on `F` along the resulting direction
//! (a proximal Newton step). The fixed point satisfies the exact KKT
//! conditions, which are the stopping rule:
//! `|sum_i v_i (y_i - p_i)| <= tol` and, for each feature with gradient
//! `G_j = sum_i v_i (y_i - p_i) z_ij`,
//! `|G_j - l2 g_j - l1 sign(g_j)| <= tol` if `g_j != 0`, `|G_j| <= l1 + tol` if `g_j = 0`.

use osler_data::Matrix;

use super::data::Prepared;
use super::numeric::{log1pexp, sigmoid};

/// Solution on the standardised scale.
#[derive(Debug, Clone)]
pub(crate) struct CdFit {
    pub g0: f64,
    /// One entry per feature (0 for constant features).
    pub g: Vec<f64>,
    /// `sum_i w_i log p(y_i)` at the solution.
    pub loglik: f64,
    pub iterations: usize,
    /// Largest KKT violation at the solution.
    pub kkt: f64,
}

/// Inner sweeps allowed per outer iteration.
const MAX_SWEEPS: usize = 100_000;

struct Cd<'a> {
    x: &'a Matrix,
    y: &'a [f64],
    prep: &'a Prepared,
    wn: Vec<f64>,
    feats: Vec<usize>,
    l1: f64,
    l2: f64,
}

impl Cd<'_> {
    #[inline]
    fn z(&self, j: usize) -> impl Iterator<Item = f64> + '_ {
        let (m, inv) = (self.prep.mean[j], 1.0 / self.prep.sd[j]);
        self.x.col(j).iter().map(move |v| (v - m) * inv)
    }

    fn eta(&self, g0: f64, g: &[f64], eta: &mut [f64]) {
        eta.iter_mut().for_each(|e| *e = g0);
        for &j in &self.feats {
            if g[j] != 0.0 {
                for (e, z) in eta.iter_mut().zip(self.z(j)) {
                    *e += g[j] * z;
                }
            }
        }
    }

    fn penalty(&self, g: &[f64]) -> f64 {
        self.l1 * g.iter().map(|v| v.abs()).sum::<f64>()
            + 0.5 * self.l2 * g.iter().map(|v| v * v).sum::<f64>()
    }

    /// `-sum_i wn_i log p(y_i | eta_i)`.
    fn nll(&self, eta: &[f64], wts: &[f64]) -> f64 {
        eta.iter()
            .zip(self.y)
            .zip(wts)
            .map(|((&e, &y), &w)| w * log1pexp(if y == 1.0 { -e } else { e }))
            .sum()
    }

    /// Largest KKT violation; also fills the curvatures `xv`.
    fn kkt(&self, r: &[f64], v: &[f64], g: &[f64], xv: &mut [f64]) -> f64 {
        let mut worst = r.iter().sum::<f64>().abs();
        for &j in &self.feats {
            let (mut grad, mut curv) = (0.0, 0.0);
            for ((z, r), v) in self.z(j).zip(r).zip(v) {
                grad += r * z;
                curv += v * z * z;
            }
            xv[j] = curv;
            let viol = if g[j] != 0.0 {
                (grad - self.l2 * g[j] - self.l1 * g[j].signum()).abs()
            } else {
                (grad.abs() - self.l1).max(0.0)
            };
            worst = worst.max(viol);
        }
        worst
    }

    /// One cyclic pass over `set`, then the intercept; returns the largest
    /// `|change| * curvature`.
    #[allow(clippy::too_many_arguments)]
    fn sweep(
        &self,
        set: &[usize],
        xv: &[f64],
        v: &[f64],
        vsum: f64,
        gn: &mut [f64],
        g0n: &mut f64,
        rho: &mut [f64],
        deta: &mut [f64],
    ) -> f64 {
        let mut worst = 0.0f64;
        for &j in set {
            let u = self.z(j).zip(rho.iter()).map(|(z, r)| z * r).sum::<f64>() + xv[j] * gn[j];
            let denom = xv[j] + self.l2;
            let new = soft_threshold(u, self.l1) / denom;
            let d = new - gn[j];
            if d != 0.0 {
                for (((z, r), de), vi) in self.z(j).zip(rho.iter_mut()).zip(deta.iter_mut()).zip(v)
                {
                    *r -= vi * z * d;
                    *de += z * d;
                }
                gn[j] = new;
                worst = worst.max(d.abs() * denom);
            }
        }
        let d0 = rho.iter().sum::<f64>() / vsum;
        if d0 != 0.0 {
            for ((r, de), vi) in rho.iter_mut().zip(deta.iter_mut()).zip(v) {
                *r -= vi * d0;
                *de += d0;
            }
            *g0n += d0;
            worst = worst.max(d0.abs() * vsum);
        }
        worst
    }
}

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

/// Minimises the elastic-net objective from the warm start `(g0, g)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn elastic_net(
    x: &Matrix,
    y: &[f64],
    prep: &Prepared,
    lambda: f64,
    alpha: f64,
    (mut g0, mut g): (f64, Vec<f64>),
    max_iter: usize,
    tol: f64,
) -> CdFit {
    let n = x.rows();
    let cd = Cd {
        x,
        y,
        prep,
        wn: prep.w.iter().map(|w| w / prep.wsum).collect(),
        feats: (0..x.cols()).filter(|&j| !prep.is_constant(j)).collect(),
        l1: lambda * alpha,
        l2: lambda * (1.0 - alpha),
    };
    let mut eta = vec![0.0; n];
    let (mut r, mut v, mut rho, mut deta, mut cand) =
        (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut xv = vec![0.0; x.cols()];
    let (mut iterations, mut kkt);
    iterations = 0;
    loop {
        cd.eta(g0, &g, &mut eta);
        for i in 0..n {
            let p = sigmoid(eta[i]);
            r[i] = cd.wn[i] * (y[i] - p);
            v[i] = cd.wn[i] * (p * (1.0 - p)).max(1e-5);
        }
        kkt = cd.kkt(&r, &v, &g, &mut xv);
        if kkt <= tol || iterations >= max_iter {
            break;
        }
        iterations += 1;
        let f_old = cd.nll(&eta, &cd.wn) + cd.penalty(&g);
        // Quadratic model: minimise by coordinate descent.
        rho.copy_from_slice(&r);
        deta.iter_mut().for_each(|d| *d = 0.0);
        let (mut gn, mut g0n) = (g.clone(), g0);
        let vsum: f64 = v.iter().sum();
        let inner_tol = (0.1 * tol).max(0.01 * kkt * kkt.min(1.0));
        let mut sweeps = 0;
        loop {
            sweeps += 1;
            if cd.sweep(&cd.feats, &xv, &v, vsum, &mut gn, &mut g0n, &mut rho, &mut deta)
                <= inner_tol
                || sweeps >= MAX_SWEEPS
            {
                break;
            }
            let active: Vec<usize> = cd.feats.iter().copied().filter(|&j| gn[j] != 0.0).collect();
            while sweeps < MAX_SWEEPS {
                sweeps += 1;
                if cd.sweep(&active, &xv, &v, vsum, &mut gn, &mut g0n, &mut rho, &mut deta)
                    <= inner_tol
                {
                    break;
                }
            }
        }
        // Backtrack on the exact objective along the proximal Newton direction.
        let slack = 1e-13 * (1.0 + f_old.abs());
        let mut s = 1.0;
        let trial = loop {
            let gs: Vec<f64> = g.iter().zip(&gn).map(|(a, b)| a + s * (b - a)).collect();
            for ((c, e), d) in cand.iter_mut().zip(&eta).zip(&deta) {
                *c = e + s * d;
            }
            let f_new = cd.nll(&cand, &cd.wn) + cd.penalty(&gs);
            if f_new <= f_old + slack || s < 1e-10 {
                break gs;
            }
            s *= 0.5;
        };
        let g0_new = g0 + s * (g0n - g0);
        if trial == g && g0_new == g0 {
            break; // no representable progress: at the numerical optimum
        }
        g = trial;
        g0 = g0_new;
    }
    let loglik = -cd.nll(&eta, &prep.w);
    CdFit { g0, g, loglik, iterations, kkt }
}
