//! Anderson acceleration of the preconditioned gradient iteration of the
//! Cox warm start.
//!
//! The iteration `b <- b + f(b)`, `f = P U(b)` (`P` the inverse of an
//! approximate information), converges linearly near the optimum: `f` is
//! nearly affine there, `f(b + e) ~ f(b) - M e`. Anderson's type-II update
//! (Walker & Ni 2011) takes the combination of the last iterates whose
//! residuals cancel best, `g = argmin |f_k - dF g|`, and steps to
//! `b_k + f_k - (dX + dF) g`; on an affine `f` it is GMRES, so the dominant
//! error components die in a few steps instead of at the linear rate.

/// History of iterates `b` and residuals `f` (at most [`MEMORY`] + 1).
pub(crate) struct Anderson {
    xs: Vec<Vec<f64>>,
    fs: Vec<Vec<f64>>,
    /// Column scales (covariate SDs): the least squares is in SD units.
    scale: Vec<f64>,
}

/// Differences kept in the least squares.
const MEMORY: usize = 5;

impl Anderson {
    pub(crate) fn new(scale: &[f64]) -> Self {
        Anderson { xs: Vec::new(), fs: Vec::new(), scale: scale.to_vec() }
    }

    /// Records `(b, f(b))` and returns the next iterate and the size (max
    /// abs, SD units) of the least-squares residual, which bounds the
    /// residual expected at the next iterate.
    pub(crate) fn next(&mut self, b: &[f64], f: &[f64]) -> (Vec<f64>, f64) {
        self.xs.push(b.to_vec());
        self.fs.push(f.to_vec());
        if self.xs.len() > MEMORY + 1 {
            self.xs.remove(0);
            self.fs.remove(0);
        }
        let p = b.len();
        let q = self.xs.len() - 1;
        let plain = || {
            let m = f.iter().zip(&self.scale).map(|(v, s)| (v * s).abs()).fold(0.0, f64::max);
            (b.iter().zip(f).map(|(b, f)| b + f).collect(), m)
        };
        if q == 0 {
            return plain();
        }
        // dF (scaled) columns, QR by modified Gram-Schmidt; columns that
        // add no new direction are dropped.
        let col = |k: usize| -> Vec<f64> {
            (0..p).map(|j| (self.fs[k + 1][j] - self.fs[k][j]) * self.scale[j]).collect()
        };
        let mut qs: Vec<Vec<f64>> = Vec::new();
        let mut rs: Vec<Vec<f64>> = Vec::new();
        let mut used: Vec<usize> = Vec::new();
        for k in 0..q {
            let mut v = col(k);
            let norm0 = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let mut r = vec![0.0; qs.len() + 1];
            for (i, qi) in qs.iter().enumerate() {
                let d: f64 = qi.iter().zip(&v).map(|(a, b)| a * b).sum();
                v.iter_mut().zip(qi).for_each(|(x, qv)| *x -= d * qv);
                r[i] = d;
            }
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm.is_nan() || norm <= 1e-10 * norm0 {
                continue;
            }
            r[qs.len()] = norm;
            v.iter_mut().for_each(|x| *x /= norm);
            qs.push(v);
            rs.push(r);
            used.push(k);
        }
        if qs.is_empty() {
            return plain();
        }
        // gamma = R^{-1} Q' f (scaled f).
        let fsc: Vec<f64> = f.iter().zip(&self.scale).map(|(v, s)| v * s).collect();
        let qtf: Vec<f64> =
            qs.iter().map(|qi| qi.iter().zip(&fsc).map(|(a, b)| a * b).sum()).collect();
        let m = qs.len();
        let mut gamma = vec![0.0; m];
        for i in (0..m).rev() {
            let s: f64 = (i + 1..m).map(|l| rs[l][i] * gamma[l]).sum();
            gamma[i] = (qtf[i] - s) / rs[i][i];
        }
        if gamma.iter().any(|g| !g.is_finite()) {
            return plain();
        }
        let mut next: Vec<f64> = b.iter().zip(f).map(|(b, f)| b + f).collect();
        let mut resid = fsc;
        for (&k, g) in used.iter().zip(&gamma) {
            for j in 0..p {
                let df = self.fs[k + 1][j] - self.fs[k][j];
                next[j] -= g * (self.xs[k + 1][j] - self.xs[k][j] + df);
                resid[j] -= g * df * self.scale[j];
            }
        }
        (next, resid.iter().map(|v| v.abs()).fold(0.0, f64::max))
    }
}
