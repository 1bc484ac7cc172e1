//! One pass over the data for Newton/IRLS: the log-likelihood, its gradient
//! and (optionally) the negative Hessian on the standardised design `[1, z]`.
//!
//! Rows are processed in blocks small enough to stay in the L1/L2 cache. For
//! each block the standardised features are written once to a contiguous
//! column-major buffer while the linear predictor is accumulated; a row loop
//! then gives the residuals and the IRLS weights `v_i = w_i p_i (1 - p_i)`;
//! the gradient is a dot product per column. The features scaled by
//! `sqrt(v_i)` are then transposed into a row-major block `U` (row `i` is
//! `sqrt(v_i) [1, z_i]`, padded with a zero to an even width), so that the
//! Hessian block is the symmetric product `U'U`. That product dominates the
//! cost: it is accumulated in `2 x 8` register tiles (two rows of the Hessian,
//! eight columns), where one row of `U` gives eight contiguous values and two
//! broadcasts, which compiles to packed SSE2 multiplies and adds without
//! shuffles. The summation order is fixed, so every result is bit-reproducible.

use super::newton::Problem;
use super::numeric::{dot, ln_1p_unit};

/// Scratch buffers reused across passes (no per-pass O(n) allocation).
pub(crate) struct Work {
    block: usize,
    /// `q` columns of `block` rows (column-major): unused, then the features.
    z: Vec<f64>,
    /// `block` rows of `qs` (row-major): `sqrt(v_i) [1, z_i, 0]`.
    u: Vec<f64>,
    /// Row width of `u`: `q` rounded up to even.
    qs: usize,
    /// `qs x qs` upper-triangle accumulator of `U'U`.
    acc: Vec<f64>,
    eta: Vec<f64>,
    r: Vec<f64>,
    sv: Vec<f64>,
}

/// What one pass computes at `theta`.
pub(crate) struct Eval {
    pub loglik: f64,
    /// `loglik` minus the ridge penalty.
    pub objective: f64,
    pub grad: Vec<f64>,
    /// Negative Hessian, `q x q` row-major (empty when not requested).
    pub hess: Vec<f64>,
    pub max_abs_eta: f64,
}

impl Work {
    pub(crate) fn new(rows: usize, q: usize) -> Self {
        // Two blocks of about 20 KiB each: both stay in L1 for the tiles.
        let block = (2560 / q).clamp(16, 1024).min(rows.max(1));
        let qs = q + q % 2;
        Work {
            block,
            z: vec![0.0; block * q],
            u: vec![0.0; block * qs],
            qs,
            acc: vec![0.0; qs * qs],
            eta: vec![0.0; block],
            r: vec![0.0; block],
            sv: vec![0.0; block],
        }
    }
}

impl Problem<'_> {
    /// Writes the standardised features of rows `start..start + len` into
    /// columns `1..q` of `u` (column-major, `len` rows) and returns
    /// `eta = t_0 + sum_k t_k z_k` in `eta` (`t` may be a direction).
    fn block(&self, t: &[f64], start: usize, len: usize, u: &mut [f64], eta: &mut [f64]) {
        eta.iter_mut().for_each(|e| *e = t[0]);
        for (k, &j) in self.active.iter().enumerate() {
            let (m, inv, tk) = (self.prep.mean[j], 1.0 / self.prep.sd[j], t[k + 1]);
            let src = &self.x.col(j)[start..start + len];
            let dst = &mut u[(k + 1) * len..(k + 2) * len];
            for ((d, s), e) in dst.iter_mut().zip(src).zip(eta.iter_mut()) {
                let z = (s - m) * inv;
                *d = z;
                *e += tk * z;
            }
        }
    }

    /// Log-likelihood, gradient and (when `hessian`) negative Hessian of the
    /// objective at `t`.
    pub(crate) fn evaluate(&self, t: &[f64], ws: &mut Work, hessian: bool) -> Eval {
        let q = t.len();
        let (n, qs) = (self.x.rows(), ws.qs);
        let mut grad = vec![0.0; q];
        ws.acc.iter_mut().for_each(|v| *v = 0.0);
        let (mut loglik, mut max_abs_eta) = (0.0, 0.0f64);
        let mut start = 0;
        while start < n {
            let len = ws.block.min(n - start);
            let (z, eta, r, sv) =
                (&mut ws.z[..len * q], &mut ws.eta[..len], &mut ws.r[..len], &mut ws.sv[..len]);
            self.block(t, start, len, z, eta);
            let ys = &self.y[start..start + len];
            let wts = &self.prep.w[start..start + len];
            // exp (a libm call) first, so that the rest of the row loop has no
            // calls and compiles to packed SSE2 code.
            for (x, e) in sv.iter_mut().zip(eta.iter()) {
                let a = e.abs();
                max_abs_eta = max_abs_eta.max(a);
                *x = (-a).exp();
            }
            for i in 0..len {
                let (e, ex, yi, wi) = (eta[i], sv[i], ys[i], wts[i]);
                let big = 1.0 / (1.0 + ex); // max(p, 1 - p)
                let small = ex * big; // min(p, 1 - p)
                let correct = (yi == 1.0) == (e >= 0.0);
                // y - p, from whichever of p, 1 - p is computed without cancellation.
                let resid = if correct { small } else { big };
                r[i] = wi * if yi == 1.0 { resid } else { -resid };
                // log p(y) = -(log1p(exp(-|eta|)) + [wrong side] |eta|), kept in eta.
                eta[i] = wi * (ln_1p_unit(ex) + if correct { 0.0 } else { e.abs() });
                sv[i] = (wi * small * big).sqrt();
            }
            let ll_block = -sum4(eta);
            loglik += ll_block;
            grad[0] += sum4(r);
            if !hessian {
                for (g, zk) in grad[1..].iter_mut().zip(z[len..].chunks_exact(len)) {
                    *g += dot(r, zk);
                }
                start += len;
                continue;
            }
            let u = &mut ws.u[..len * qs];
            for (row, &s) in u.chunks_exact_mut(qs).zip(sv.iter()) {
                row[0] = s;
            }
            for (k, (g, zk)) in grad[1..].iter_mut().zip(z[len..].chunks_exact(len)).enumerate() {
                *g += dot(r, zk);
                for ((row, &zv), &s) in u.chunks_exact_mut(qs).zip(zk).zip(sv.iter()) {
                    row[k + 1] = zv * s;
                }
            }
            accumulate_upper(&mut ws.acc, u, q, qs);
            start += len;
        }
        let mut pen = 0.0;
        for k in 1..q {
            grad[k] -= self.ridge * t[k];
            pen += t[k] * t[k];
        }
        let mut hess = Vec::new();
        if hessian {
            hess = vec![0.0; q * q];
            for a in 0..q {
                for b in a..q {
                    hess[a * q + b] = ws.acc[a * qs + b];
                    hess[b * q + a] = ws.acc[a * qs + b];
                }
            }
            for k in 1..q {
                hess[k * q + k] += self.ridge;
            }
        }
        Eval { loglik, objective: loglik - 0.5 * self.ridge * pen, grad, hess, max_abs_eta }
    }

    /// True when `d` (over `theta`) quasi-completely separates the outcome:
    /// `(2y_i - 1) [1, z_i]'d >= 0` for every weighted row (up to rounding),
    /// strictly for some.
    pub(crate) fn separates(&self, d: &[f64], ws: &mut Work) -> bool {
        let q = d.len();
        let n = self.x.rows();
        let (mut smax, mut worst, mut best) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        let mut start = 0;
        while start < n {
            let len = ws.block.min(n - start);
            self.block(d, start, len, &mut ws.z[..len * q], &mut ws.eta[..len]);
            for (i, &s) in ws.eta[..len].iter().enumerate() {
                if self.prep.w[start + i] == 0.0 {
                    continue;
                }
                let m = if self.y[start + i] == 1.0 { s } else { -s };
                smax = smax.max(s.abs());
                worst = worst.min(m);
                best = best.max(m);
            }
            start += len;
        }
        smax > 0.0 && worst >= -1e-9 * smax && best > 1e-6 * smax
    }
}

/// `sum_i a_i` with four independent accumulators.
#[inline]
fn sum4(a: &[f64]) -> f64 {
    let (chunks, tail) = a.as_chunks::<4>();
    let mut acc = [0.0; 4];
    for c in chunks {
        for l in 0..4 {
            acc[l] += c[l];
        }
    }
    tail.iter().fold((acc[0] + acc[1]) + (acc[2] + acc[3]), |s, v| s + v)
}

/// `acc[a][b] += sum_i u[i][a] u[i][b]` for `a <= b < q` (rows of `u` have
/// width `qs`, even, with zeros past `q`), two Hessian rows at a time. Tiles
/// on the diagonal also add the entry just below it (and, for odd `q`, a row
/// of the zero padding), which the caller ignores.
fn accumulate_upper(acc: &mut [f64], u: &[f64], q: usize, qs: usize) {
    for a in (0..q).step_by(2) {
        let mut b = a;
        while b < q {
            let width = match q - b {
                8.. => 8,
                4..=7 => 4,
                2 | 3 => 2,
                _ => 1,
            };
            match width {
                8 => add_tile(acc, qs, a, b, &tile::<8>(u, qs, a, b)),
                4 => add_tile(acc, qs, a, b, &tile::<4>(u, qs, a, b)),
                2 => add_tile(acc, qs, a, b, &tile::<2>(u, qs, a, b)),
                _ => add_tile(acc, qs, a, b, &tile::<1>(u, qs, a, b)),
            }
            b += width;
        }
    }
}

fn add_tile<const C: usize>(acc: &mut [f64], qs: usize, a: usize, b: usize, t: &[[f64; C]; 2]) {
    for (r, row) in t.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            acc[(a + r) * qs + b + c] += v;
        }
    }
}

/// `out[r][c] = sum_i u[i][a + r] u[i][b + c]` over the rows of `u`.
#[inline(always)]
fn tile<const C: usize>(u: &[f64], qs: usize, a: usize, b: usize) -> [[f64; C]; 2] {
    let mut out = [[0.0f64; C]; 2];
    for row in u.chunks_exact(qs) {
        let (x0, x1) = (row[a], row[a + 1]);
        let y = &row[b..b + C];
        for c in 0..C {
            out[0][c] += x0 * y[c];
            out[1][c] += x1 * y[c];
        }
    }
    out
}
