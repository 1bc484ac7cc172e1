//! Direct solve of the coordinate-descent model on its active set.
//!
//! Near saturation (`p >> n`, small penalties, about `n` non-zero
//! coefficients) cyclic coordinate descent on the quadratic model of
//! [`super::cd::Quadratic`] converges slowly: its rate is set by the
//! conditioning of `Z_A' H Z_A`, and hundreds of sweeps per Newton step are
//! common. With the signs `s_A` of the active coefficients fixed, model plus
//! penalty is a smooth quadratic in `(g0, b_A)`, minimised by one Newton step
//! from the current iterate:
//!
//! ```text
//! (Y'Y + l2 J) D = [1, Z_A]' rho - l2 J b - l1 J s,     Y = diag(sqrt(h)) [1, Z_A]
//! ```
//!
//! (`J` zero for the unpenalised intercept, identity on `b_A`; `rho` the
//! model residual at the iterate). With more active features than rows
//! (elastic net near saturation) the intercept is eliminated and the
//! feature block `(A'A + l2 I) D_b = c`, `A = diag(sqrt(h)) (Z_A - 1 mu')`
//! (columns centred with weights `h`), is solved through the `n x n` system
//! of the Woodbury identity, `D_b = (c - A'(AA' + l2 I)^{-1} A c) / l2`.
//! The step is taken up to the first sign
//! change; a coefficient reaching zero leaves the set and the solve is
//! repeated on the rest (the model decreases monotonically along the
//! segment). The caller's next sweep over the whole working set then checks
//! every coordinate, so a wrong guess of the active set or signs costs
//! time, never accuracy (as the Cox solver's `coxnet_active`).

use super::cd::{Inner, Quadratic};
use super::numeric::{Cholesky, dot};

/// Times a coefficient may leave the set within one call.
const MAX_DROPS: usize = 8;

impl Inner {
    /// Moves the intercept and the coefficients at working-set positions
    /// `active` towards the exact minimiser of the model with their signs
    /// fixed. False when nothing changed (e.g. the block is singular).
    pub(crate) fn active_newton(&mut self, q: &Quadratic<'_>, active: &[usize]) -> bool {
        let n = self.rho.len();
        let sh: Vec<f64> = q.h.iter().map(|v| v.sqrt()).collect();
        let mut act: Vec<usize> = active.to_vec();
        let mut changed = false;
        for _ in 0..MAX_DROPS {
            let mut rhs = vec![self.rho.iter().sum::<f64>()];
            for &k in &act {
                let b = self.b[k];
                rhs.push(dot(q.ws.col(k), &self.rho) - q.l2 * b - q.l1 * b.signum());
            }
            let step = if act.len() < n {
                direct_step(q, &act, &sh, &rhs)
            } else if q.l2 > 0.0 {
                woodbury_step(q, &act, &sh, &rhs)
            } else {
                None
            };
            let Some(step) = step.filter(|s| s.iter().all(|v| v.is_finite())) else {
                return changed;
            };
            // Largest fraction of the step that keeps every sign.
            let mut t = 1.0f64;
            for (&k, &s) in act.iter().zip(&step[1..]) {
                if (self.b[k] + s) * self.b[k] <= 0.0 {
                    t = t.min(-self.b[k] / s);
                }
            }
            let d0 = t * step[0];
            let mut dz = vec![d0; n];
            for (&k, &s) in act.iter().zip(&step[1..]) {
                let b = self.b[k];
                let delta = if (b + t * s) * b <= 0.0 { -b } else { t * s };
                for (d, z) in dz.iter_mut().zip(q.ws.col(k)) {
                    *d += delta * z;
                }
                self.b[k] += delta;
            }
            for ((r, hi), d) in self.rho.iter_mut().zip(q.h).zip(&dz) {
                *r -= hi * d;
            }
            self.g0 += d0;
            changed = true;
            if t >= 1.0 {
                break;
            }
            act.retain(|&k| self.b[k] != 0.0);
        }
        changed
    }
}

/// The Newton step `[D0, D_b]` by Cholesky of the `(|A| + 1)`-square block.
fn direct_step(q: &Quadratic<'_>, act: &[usize], sh: &[f64], rhs: &[f64]) -> Option<Vec<f64>> {
    let (n, m) = (sh.len(), act.len() + 1);
    // Column 0: the intercept; then the active features, scaled by sqrt(h).
    let mut y = Vec::with_capacity(m * n);
    y.extend_from_slice(sh);
    for &k in act {
        y.extend(q.ws.col(k).iter().zip(sh).map(|(z, s)| z * s));
    }
    let mut mat = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let v = dot(&y[i * n..(i + 1) * n], &y[j * n..(j + 1) * n])
                + if i == j && i > 0 { q.l2 } else { 0.0 };
            mat[i * m + j] = v;
            mat[j * m + i] = v;
        }
    }
    Cholesky::factor(&mat, m, 1e-10).ok().map(|ch| ch.solve(rhs))
}

/// The Newton step `[D0, D_b]` through the `n x n` Woodbury system (more
/// active features than rows, `l2 > 0`).
fn woodbury_step(q: &Quadratic<'_>, act: &[usize], sh: &[f64], rhs: &[f64]) -> Option<Vec<f64>> {
    let n = sh.len();
    let hsum: f64 = q.h.iter().sum();
    if hsum <= 0.0 {
        return None;
    }
    // a_k = sqrt(h) (z_k - mu_k), mu_k = h'z_k / hsum; c = rhs_b - (h'z) rhs_0 / hsum.
    let mut a = Vec::with_capacity(act.len() * n);
    let mut hz = Vec::with_capacity(act.len());
    let mut c = Vec::with_capacity(act.len());
    for (&k, &r) in act.iter().zip(&rhs[1..]) {
        let z = q.ws.col(k);
        let s = dot(q.h, z);
        let mu = s / hsum;
        a.extend(z.iter().zip(sh).map(|(v, w)| w * (v - mu)));
        hz.push(s);
        c.push(r - s * rhs[0] / hsum);
    }
    // K = AA' + l2 I (n x n), from the columns a_k.
    let mut kmat = vec![0.0; n * n];
    for col in a.chunks_exact(n) {
        for i in 0..n {
            let ai = col[i];
            if ai != 0.0 {
                for (o, aj) in kmat[i * n..i * n + i + 1].iter_mut().zip(col) {
                    *o += ai * aj;
                }
            }
        }
    }
    for i in 0..n {
        kmat[i * n + i] += q.l2;
        for j in 0..i {
            kmat[j * n + i] = kmat[i * n + j];
        }
    }
    let ch = Cholesky::factor(&kmat, n, 1e-12).ok()?;
    // u = A c (n), v = K^{-1} u, D_b = (c - A'v) / l2.
    let mut u = vec![0.0; n];
    for (col, &ck) in a.chunks_exact(n).zip(&c) {
        for (o, v) in u.iter_mut().zip(col) {
            *o += ck * v;
        }
    }
    let v = ch.solve(&u);
    let db: Vec<f64> =
        a.chunks_exact(n).zip(&c).map(|(col, &ck)| (ck - dot(col, &v)) / q.l2).collect();
    let d0 = (rhs[0] - hz.iter().zip(&db).map(|(s, d)| s * d).sum::<f64>()) / hsum;
    Some(std::iter::once(d0).chain(db).collect())
}
