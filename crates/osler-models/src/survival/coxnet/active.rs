//! Direct solve of the coordinate-descent model on its active set.
//!
//! Coordinate descent on the second-order model converges linearly, at a
//! rate set by the conditioning of `Z_A' H Z_A` on the active set `A`; near
//! saturation (`p` of the order of the number of events, small `lambda`)
//! that takes thousands of sweeps. With the signs `s_A` of the active
//! coefficients fixed, the model plus penalty is a smooth quadratic in
//! `b_A` (the other working-set coefficients held at their current values),
//! minimised by one Newton step from the current iterate:
//!
//! ```text
//! (M_AA + l2 I) D = -(u_A + l2 b_A + l1 s_A),     M = Z' H Z = Y'Y - Q'Q
//! ```
//!
//! with `Y = diag(sqrt(r C)) Z`, `Q_kj = sqrt(c2_k) S1_kj` and `u_A` the
//! model gradient at the iterate. The step is taken only when no sign
//! flips; the caller's next full sweep then checks the other coordinates
//! (if the guess of `A` or `s_A` was right, nothing moves).

use super::data::{Prep, Sweep};
use crate::linear::numeric::Cholesky;
use crate::linear::numeric::dot;

/// Moves the active coefficients `b[act]` towards the exact minimiser of
/// the model with fixed signs, updating the model gradient state `q`, `tc`.
/// When a coefficient would change sign the step stops where the first one
/// reaches 0 (the model decreases monotonically along the segment), that
/// coefficient leaves the set, and the solve is repeated on the rest (at
/// most `MAX_DROPS` times). False (nothing changed) when the block is
/// singular.
#[allow(clippy::too_many_arguments)]
pub(crate) fn active_newton(
    d: &Prep,
    sw: &Sweep,
    w: &[usize],
    s1: &[f64],
    act: &[usize],
    b: &mut [f64],
    q: &mut [f64],
    tc: &mut [f64],
    l1: f64,
    l2: f64,
) -> bool {
    const MAX_DROPS: usize = 8;
    let (n, ne) = (d.n, d.events.len());
    let sa: Vec<f64> = sw.a.iter().map(|v| v.sqrt()).collect();
    let sc: Vec<f64> = sw.c2.iter().map(|v| v.sqrt()).collect();
    let mut act: Vec<usize> = act.to_vec();
    let mut changed = false;
    for _ in 0..MAX_DROPS {
        let m = act.len();
        if m == 0 {
            break;
        }
        let mut y = vec![0.0; m * n];
        let mut qm = vec![0.0; m * ne];
        let mut rhs = vec![0.0; m];
        for (k, &pos) in act.iter().enumerate() {
            let (z, s1j) = (d.col(w[pos]), &s1[pos * ne..(pos + 1) * ne]);
            for ((o, v), s) in y[k * n..(k + 1) * n].iter_mut().zip(z).zip(&sa) {
                *o = v * s;
            }
            for ((o, v), s) in qm[k * ne..(k + 1) * ne].iter_mut().zip(s1j).zip(&sc) {
                *o = v * s;
            }
            let u = dot(z, q) - dot(s1j, tc);
            rhs[k] = -(u + l2 * b[pos] + l1 * b[pos].signum());
        }
        let mut mat = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..=i {
                let yy = dot(&y[i * n..(i + 1) * n], &y[j * n..(j + 1) * n]);
                let qq = dot(&qm[i * ne..(i + 1) * ne], &qm[j * ne..(j + 1) * ne]);
                let v = yy - qq + if i == j { l2 } else { 0.0 };
                mat[i * m + j] = v;
                mat[j * m + i] = v;
            }
        }
        let Ok(ch) = Cholesky::factor(&mat, m, 1e-10) else {
            return changed;
        };
        let step = ch.solve(&rhs);
        if step.iter().any(|s| !s.is_finite()) {
            return changed;
        }
        // Largest fraction of the step that keeps every sign.
        let mut t = 1.0f64;
        for (&pos, &s) in act.iter().zip(&step) {
            if (b[pos] + s) * b[pos] <= 0.0 {
                t = t.min(-b[pos] / s);
            }
        }
        for (&pos, &s) in act.iter().zip(&step) {
            let delta = if (b[pos] + t * s) * b[pos] <= 0.0 { -b[pos] } else { t * s };
            let (z, s1j) = (d.col(w[pos]), &s1[pos * ne..(pos + 1) * ne]);
            for ((qv, a), zv) in q.iter_mut().zip(&sw.a).zip(z) {
                *qv += delta * a * zv;
            }
            for ((t, c), s) in tc.iter_mut().zip(&sw.c2).zip(s1j) {
                *t += delta * c * s;
            }
            b[pos] += delta;
        }
        changed = true;
        if t >= 1.0 {
            break;
        }
        act.retain(|&pos| b[pos] != 0.0);
    }
    changed
}
