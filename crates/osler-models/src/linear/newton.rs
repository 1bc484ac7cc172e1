//! Newton-Raphson (IRLS) for the unpenalised and ridge-penalised logistic
//! likelihood, on the internally standardised design `[1, z]`.
//!
//! Maximises `l(t) - ridge/2 * sum_{k>=1} t_k^2` with
//! `l(t) = sum_i w_i [y_i eta_i - log(1 + exp(eta_i))]`, `eta = [1, z] t`.
//! Each iteration solves `(Z'VZ + ridge I) d = Z'(w (y - p)) - ridge t` by
//! Cholesky (`V = diag(w p (1-p))`) and halves the step while the objective
//! falls. The `X'WX` accumulation dominates the cost: rows are processed in
//! cache-sized blocks copied to a contiguous standardised buffer and the upper
//! triangle is accumulated four columns at a time.

use osler_data::Matrix;

use super::data::{Prepared, standardised_block};
use super::numeric::Cholesky;

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

/// Scratch buffers reused across iterations (no per-iteration O(n) allocation).
struct Work {
    block: usize,
    z: Vec<f64>,
    vz: Vec<f64>,
    eta: Vec<f64>,
    r: Vec<f64>,
}

struct Eval {
    loglik: f64,
    objective: f64,
    grad: Vec<f64>,
    hess: Vec<f64>,
    max_abs_eta: f64,
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

impl Problem<'_> {
    fn work(&self) -> Work {
        let q = self.active.len() + 1;
        let block = (16_384 / q).clamp(64, 1024).min(self.x.rows().max(1));
        Work {
            block,
            z: vec![0.0; block * q],
            vz: vec![0.0; block * q],
            eta: vec![0.0; block],
            r: vec![0.0; block],
        }
    }

    /// Log-likelihood, gradient and negative Hessian of the objective at `t`.
    fn evaluate(&self, t: &[f64], ws: &mut Work) -> Eval {
        let q = t.len();
        let n = self.x.rows();
        let mut grad = vec![0.0; q];
        let mut hess = vec![0.0; q * q];
        let (mut loglik, mut max_abs_eta) = (0.0, 0.0f64);
        let mut start = 0;
        while start < n {
            let len = ws.block.min(n - start);
            let (z, vz) = (&mut ws.z[..len * q], &mut ws.vz[..len * q]);
            standardised_block(self.x, self.prep, self.active, start, len, z);
            let eta = &mut ws.eta[..len];
            eta.iter_mut().for_each(|e| *e = 0.0);
            for (k, &tk) in t.iter().enumerate() {
                for (e, zv) in eta.iter_mut().zip(&z[k * len..(k + 1) * len]) {
                    *e += tk * zv;
                }
            }
            let r = &mut ws.r[..len];
            let ys = &self.y[start..start + len];
            let wts = &self.prep.w[start..start + len];
            let mut ll_block = 0.0;
            for i in 0..len {
                let (e, yi, wi) = (eta[i], ys[i], wts[i]);
                max_abs_eta = max_abs_eta.max(e.abs());
                let ex = (-e.abs()).exp();
                let big = 1.0 / (1.0 + ex); // max(p, 1 - p)
                let small = ex * big; // min(p, 1 - p)
                let correct = (yi == 1.0) == (e >= 0.0);
                // y - p, from whichever of p, 1 - p is computed without cancellation.
                let resid = if correct { small } else { big };
                r[i] = wi * if yi == 1.0 { resid } else { -resid };
                // log p(y) = -log(1 + exp(-(2y-1) eta)) = -(log1p(exp(-|eta|)) + [wrong side] |eta|)
                ll_block -= wi * (ex.ln_1p() + if correct { 0.0 } else { e.abs() });
                eta[i] = wi * small * big; // reuse as v_i
            }
            loglik += ll_block;
            for k in 0..q {
                let zk = &z[k * len..(k + 1) * len];
                grad[k] += dot(r, zk);
                for ((d, zv), v) in vz[k * len..(k + 1) * len]
                    .iter_mut()
                    .zip(zk)
                    .zip(eta.iter())
                {
                    *d = zv * v;
                }
            }
            accumulate_upper(&mut hess, vz, z, q, len);
            start += len;
        }
        let mut pen = 0.0;
        for k in 1..q {
            grad[k] -= self.ridge * t[k];
            hess[k * q + k] += self.ridge;
            pen += t[k] * t[k];
        }
        for a in 0..q {
            for b in 0..a {
                hess[a * q + b] = hess[b * q + a];
            }
        }
        Eval {
            loglik,
            objective: loglik - 0.5 * self.ridge * pen,
            grad,
            hess,
            max_abs_eta,
        }
    }

    /// True when `d` (over `theta`) quasi-completely separates the outcome:
    /// `(2y_i - 1) [1, z_i]'d >= 0` for every weighted row (up to rounding),
    /// strictly for some.
    fn separates(&self, d: &[f64], ws: &mut Work) -> bool {
        let q = d.len();
        let n = self.x.rows();
        let (mut smax, mut worst, mut best) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        let mut start = 0;
        while start < n {
            let len = ws.block.min(n - start);
            let z = &mut ws.z[..len * q];
            standardised_block(self.x, self.prep, self.active, start, len, z);
            for i in 0..len {
                if self.prep.w[start + i] == 0.0 {
                    continue;
                }
                let s: f64 = (0..q).map(|k| d[k] * z[k * len + i]).sum();
                let m = if self.y[start + i] == 1.0 { s } else { -s };
                smax = smax.max(s.abs());
                worst = worst.min(m);
                best = best.max(m);
            }
            start += len;
        }
        smax > 0.0 && worst >= -1e-9 * smax && best > 1e-6 * smax
    }

    /// Newton iterations from `theta`. `separation`: watch for a diverging
    /// (separating) direction, as only the unpenalised likelihood can have
    /// no maximum.
    pub(crate) fn newton(
        &self,
        mut theta: Vec<f64>,
        max_iter: usize,
        tol: f64,
        separation: bool,
    ) -> Result<NewtonFit, NewtonFail> {
        let q = theta.len();
        let mut ws = self.work();
        let mut ev = self.evaluate(&theta, &mut ws);
        let (mut iterations, mut prev_step, mut last_d) = (0, f64::INFINITY, vec![0.0; q]);
        loop {
            let rel_tol = if iterations == 0 && self.ridge == 0.0 {
                COLLINEAR_TOL
            } else {
                1e-15
            };
            let chol = match Cholesky::factor(&ev.hess, q, rel_tol) {
                Ok(c) => c,
                Err(e) if iterations == 0 && self.ridge == 0.0 => {
                    return Err(NewtonFail::Collinear { index: e.index });
                }
                Err(_) if separation && ev.max_abs_eta > 20.0 => {
                    return Err(NewtonFail::Separated { direction: last_d });
                }
                Err(_) => {
                    return Err(NewtonFail::NotConverged {
                        iterations,
                        step: prev_step,
                    });
                }
            };
            let d = chol.solve(&ev.grad);
            iterations += 1;
            let step = d
                .iter()
                .zip(&theta)
                .map(|(d, t)| d.abs() / (1.0 + t.abs()))
                .fold(0.0, f64::max);
            let slack = 1e-12 * (1.0 + ev.objective.abs());
            let mut s = 1.0;
            let (cand, cev) = loop {
                let cand: Vec<f64> = theta.iter().zip(&d).map(|(t, d)| t + s * d).collect();
                let cev = self.evaluate(&cand, &mut ws);
                if cev.objective >= ev.objective - slack || s < 1e-10 {
                    break (cand, cev);
                }
                s *= 0.5;
            };
            theta = cand;
            ev = cev;
            let taken = step * s;
            let stalled = iterations >= 3 && taken <= 1e-7 && taken >= 0.5 * prev_step;
            if taken <= tol || stalled {
                return Ok(NewtonFit {
                    theta,
                    hessian: ev.hess,
                    loglik: ev.loglik,
                    iterations,
                    converged: true,
                });
            }
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
                return Err(NewtonFail::NotConverged {
                    iterations,
                    step: taken,
                });
            }
            prev_step = taken;
            last_d = d;
        }
    }
}

/// `sum_i a_i b_i` with four independent accumulators.
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; 4];
    let chunks = n / 4;
    for c in 0..chunks {
        for l in 0..4 {
            acc[l] += a[4 * c + l] * b[4 * c + l];
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for i in 4 * chunks..n {
        s += a[i] * b[i];
    }
    s
}

/// `H[a][b] += sum_i vz[a][i] z[b][i]` for `a <= b` (columns of length
/// `len`), in 2 x 4 tiles with two-lane accumulators so that the compiler
/// keeps eight packed sums in registers. Entries below the diagonal that a
/// tile touches are overwritten when the caller mirrors the upper triangle.
fn accumulate_upper(hess: &mut [f64], vz: &[f64], z: &[f64], q: usize, len: usize) {
    let mut a = 0;
    while a < q {
        let rows = if a + 2 <= q { 2 } else { 1 };
        let mut b = a;
        while b < q {
            let cols = (q - b).min(4);
            match (rows, cols) {
                (2, 4) => {
                    let t = tile(
                        [col(vz, a, len), col(vz, a + 1, len)],
                        [
                            col(z, b, len),
                            col(z, b + 1, len),
                            col(z, b + 2, len),
                            col(z, b + 3, len),
                        ],
                        len,
                    );
                    add_tile(hess, q, a, b, &t);
                }
                _ => {
                    for r in a..a + rows {
                        for c in b..b + cols {
                            hess[r * q + c] += tile([col(vz, r, len)], [col(z, c, len)], len)[0][0];
                        }
                    }
                }
            }
            b += cols;
        }
        a += rows;
    }
}

fn col(m: &[f64], k: usize, len: usize) -> &[f64] {
    &m[k * len..(k + 1) * len]
}

fn add_tile<const R: usize, const C: usize>(
    hess: &mut [f64],
    q: usize,
    a: usize,
    b: usize,
    t: &[[f64; C]; R],
) {
    for (r, row) in t.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            hess[(a + r) * q + b + c] += v;
        }
    }
}

/// `out[r][c] = sum_i va[r][i] zb[c][i]`, accumulated in two interleaved lanes.
#[inline(always)]
fn tile<const R: usize, const C: usize>(
    va: [&[f64]; R],
    zb: [&[f64]; C],
    len: usize,
) -> [[f64; C]; R] {
    let va = va.map(|s| &s[..len]);
    let zb = zb.map(|s| &s[..len]);
    let mut acc = [[[0.0f64; 2]; C]; R];
    let pairs = len / 2;
    for k in 0..pairs {
        let i = 2 * k;
        for r in 0..R {
            let (v0, v1) = (va[r][i], va[r][i + 1]);
            for c in 0..C {
                acc[r][c][0] += v0 * zb[c][i];
                acc[r][c][1] += v1 * zb[c][i + 1];
            }
        }
    }
    let mut out = [[0.0; C]; R];
    for r in 0..R {
        for c in 0..C {
            out[r][c] = acc[r][c][0] + acc[r][c][1];
            if len % 2 == 1 {
                out[r][c] += va[r][len - 1] * zb[c][len - 1];
            }
        }
    }
    out
}
