//! The exact partial likelihood for tied event times (R `coxph(ties =
//! "exact")`, Kalbfleisch & Prentice 1973): at a time with `d` tied deaths
//! `D` and risk set `R`, the probability that exactly those `d` die given
//! that `d` die,
//!
//! ```text
//! L_t(b) = exp(sum_D x'b) / e_d(R),   e_d(R) = sum_{|Q| = d, Q in R} prod_Q exp(x'b),
//! ```
//!
//! the elementary symmetric polynomial of degree `d` in the risk scores.
//! `e_d`, its gradient and Hessian come from the recursion over the members
//! of the risk set (Gail, Lubin & Rubinstein 1981): adding a member with
//! score `r` and covariates `x` gives `e_k' = e_k + r e_{k-1}`, and the
//! same rule differentiated. To keep the sums in range for large risk sets
//! the recursion carries `f_k = e_k / C(m, k)` (the mean over the
//! `k`-subsets of the `m` members so far) and the scores relative to the
//! stratum's mean linear predictor; the log of the scale is added back.
//!
//! Right-censored risk sets are nested (descending time), so one pass per
//! stratum adds each row once: `O(n d_max p^2)` per evaluation. With entry
//! times the recursion restarts at every death time over the rows then at
//! risk. Newton-Raphson with step halving, from `b = 0`, as R's `coxexact`;
//! the baseline hazard is the Breslow-type one at the estimate (R's
//! `survfit.coxph` default after an exact fit).

use super::data::CoxData;
use super::engine::Engine;
use super::model::{BaselineStratum, CoxModel, pending_concordance};
use super::options::{CoxOptions, Ties};
use crate::ModelError;
use crate::linear::numeric::{Cholesky, dot};

/// The recursion's state for degrees `0..=dmax`: `f_k`, its gradient
/// `g_k` (`p`) and Hessian `h_k` (`p x p`), all scaled by `1 / C(m, k)`.
struct Subsets {
    p: usize,
    dmax: usize,
    /// Members added so far.
    m: usize,
    f: Vec<f64>,
    g: Vec<f64>,
    h: Vec<f64>,
    /// Scratch: `x g_{k-1}'`.
    xg: Vec<f64>,
}

impl Subsets {
    fn new(p: usize, dmax: usize) -> Self {
        let mut s = Subsets {
            p,
            dmax,
            m: 0,
            f: vec![0.0; dmax + 1],
            g: vec![0.0; (dmax + 1) * p],
            h: vec![0.0; (dmax + 1) * p * p],
            xg: vec![0.0; p * p],
        };
        s.reset();
        s
    }

    fn reset(&mut self) {
        self.m = 0;
        self.f.iter_mut().for_each(|v| *v = 0.0);
        self.f[0] = 1.0;
        self.g.iter_mut().for_each(|v| *v = 0.0);
        self.h.iter_mut().for_each(|v| *v = 0.0);
    }

    /// Adds a member with relative score `r` and covariates `x`:
    /// `f_k <- ((m+1-k) f_k + k r f_{k-1}) / (m+1)`, highest degree first so
    /// that the right-hand side holds the values before the addition.
    fn add(&mut self, r: f64, x: &[f64]) {
        let p = self.p;
        let m1 = (self.m + 1) as f64;
        for k in (1..=self.dmax.min(self.m + 1)).rev() {
            let keep = (m1 - k as f64) / m1;
            let take = k as f64 * r / m1;
            let (lo, hi) = self.h.split_at_mut(k * p * p);
            let (h_prev, h_k) = (&lo[(k - 1) * p * p..], &mut hi[..p * p]);
            let (glo, ghi) = self.g.split_at_mut(k * p);
            let (g_prev, g_k) = (&glo[(k - 1) * p..], &mut ghi[..p]);
            let f_prev = self.f[k - 1];
            for (row, xa) in self.xg.chunks_exact_mut(p).zip(x) {
                for (v, gb) in row.iter_mut().zip(g_prev) {
                    *v = xa * gb;
                }
            }
            for a in 0..p {
                for b in 0..p {
                    let add = h_prev[a * p + b]
                        + self.xg[a * p + b]
                        + self.xg[b * p + a]
                        + x[a] * x[b] * f_prev;
                    h_k[a * p + b] = keep * h_k[a * p + b] + take * add;
                }
            }
            for a in 0..p {
                g_k[a] = keep * g_k[a] + take * (g_prev[a] + x[a] * f_prev);
            }
            self.f[k] = keep * self.f[k] + take * f_prev;
        }
        self.m += 1;
    }

    /// `ln C(m, d)`, the log of the scale of `f_d`.
    fn ln_choose(&self, d: usize) -> f64 {
        (0..d).map(|i| ((self.m - i) as f64 / (d - i) as f64).ln()).sum()
    }
}

/// Log partial likelihood, score and information at `beta`.
struct Eval {
    loglik: f64,
    grad: Vec<f64>,
    info: Vec<f64>,
}

/// The exact partial likelihood at `beta` (centred covariates of `data`).
fn evaluate(data: &CoxData, beta: &[f64]) -> Eval {
    let p = data.p;
    let eta: Vec<f64> = (0..data.n).map(|i| dot(data.row(i), beta)).collect();
    let mut out = Eval { loglik: 0.0, grad: vec![0.0; p], info: vec![0.0; p * p] };
    for s in &data.strata {
        let groups = &data.groups[s.g_begin..s.g_end];
        let dmax = groups.iter().map(|g| g.deaths).max().unwrap_or(0);
        if dmax == 0 {
            continue;
        }
        let reference = eta[s.begin..s.end].iter().sum::<f64>() / (s.end - s.begin) as f64;
        let mut sub = Subsets::new(p, dmax);
        let mut next = s.begin;
        for g in groups {
            match &data.entry {
                // Nested risk sets: add the rows of this time.
                None => {
                    for (i, e) in (next..g.end).zip(&eta[next..g.end]) {
                        sub.add((e - reference).exp(), data.row(i));
                    }
                    next = g.end;
                }
                // Rows at risk at this time: stop >= t (sorted before
                // g.end) and entered before t.
                Some(entry) if g.deaths > 0 => {
                    sub.reset();
                    for (i, e) in (s.begin..g.end).zip(&eta[s.begin..g.end]) {
                        if entry.start[i] < g.time {
                            sub.add((e - reference).exp(), data.row(i));
                        }
                    }
                }
                Some(_) => {}
            }
            let d = g.deaths;
            if d == 0 {
                continue;
            }
            let f = sub.f[d];
            let gd = &sub.g[d * p..(d + 1) * p];
            let hd = &sub.h[d * p * p..(d + 1) * p * p];
            out.loglik -= f.ln() + sub.ln_choose(d) + d as f64 * reference;
            for (i, e) in (g.begin..g.begin + d).zip(&eta[g.begin..g.begin + d]) {
                out.loglik += e;
                for (u, x) in out.grad.iter_mut().zip(data.row(i)) {
                    *u += x;
                }
            }
            for a in 0..p {
                let ma = gd[a] / f;
                out.grad[a] -= ma;
                for b in 0..p {
                    out.info[a * p + b] += hd[a * p + b] / f - ma * gd[b] / f;
                }
            }
        }
    }
    out
}

/// Relative pivot below which the information counts as singular (as the
/// Efron and Breslow fits).
const COLLINEAR_TOL: f64 = 1e-12;

/// Checks the options R's exact method refuses, or that osler has no
/// exact-likelihood form of.
fn check_options(opts: &CoxOptions) -> Result<(), ModelError> {
    if opts.weights.as_ref().is_some_and(|w| w.iter().any(|&v| v != 1.0)) {
        return Err(ModelError::invalid(
            "weights",
            "case weights",
            "be absent (or all 1) with ties = exact, as in R",
        ));
    }
    if opts.cluster.is_some() {
        return Err(ModelError::invalid(
            "cluster",
            "a cluster column",
            "be absent with ties = exact (no robust variance for the exact likelihood)",
        ));
    }
    Ok(())
}

fn singular(j: usize) -> ModelError {
    ModelError::Degenerate {
        feature: j,
        reason: "is collinear with the features before it".into(),
        with: Vec::new(),
    }
}

/// The fitted model (concordance still to be added) and the centred linear
/// predictor of the sorted rows at its coefficients.
pub(super) fn fit(data: &CoxData, opts: &CoxOptions) -> Result<(CoxModel, Vec<f64>), ModelError> {
    check_options(opts)?;
    let p = data.p;
    let factor = |info: &[f64]| Cholesky::factor(info, p, COLLINEAR_TOL).map_err(|e| e.index);
    let mut beta = vec![0.0; p];
    let mut cur = evaluate(data, &beta);
    let mut ch = factor(&cur.info).map_err(singular)?;
    let loglik_null = cur.loglik;
    let score_test = dot(&ch.solve(&cur.grad), &cur.grad);
    let mut iterations = 0;
    loop {
        let step = ch.solve(&cur.grad);
        let gain = dot(&step, &cur.grad);
        let size = step.iter().zip(&data.sd).map(|(s, d)| (s * d).abs()).fold(0.0, f64::max);
        if gain <= opts.tol * cur.loglik.abs().max(1.0) && size <= 1e-9 {
            break;
        }
        if gain <= opts.tol * cur.loglik.abs().max(1.0) && iterations > 0 {
            // The likelihood no longer rises but the step does not shrink:
            // a coefficient runs to infinity (monotone likelihood).
            if let Some(j) = (0..p).find(|&j| (step[j] * data.sd[j]).abs() > 1e-4) {
                let direction = if beta[j] + step[j] > 0.0 { "+" } else { "-" };
                return Err(ModelError::Diverges { feature: j, direction });
            }
        }
        if iterations >= opts.max_iter {
            return Err(ModelError::NotConverged {
                iterations,
                detail: "the Newton steps of the exact partial likelihood did not settle".into(),
            });
        }
        iterations += 1;
        let mut scale = 1.0;
        let (trial, next) = loop {
            let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + scale * s).collect();
            let next = evaluate(data, &trial);
            if next.loglik >= cur.loglik || scale < 1e-12 {
                break (trial, next);
            }
            scale *= 0.5;
        };
        if next.loglik.is_nan() || next.loglik < cur.loglik {
            // No ascent along the Newton direction: at the optimum to
            // working precision.
            break;
        }
        ch = factor(&next.info).map_err(|j| {
            let direction = if trial[j] > 0.0 { "+" } else { "-" };
            ModelError::Diverges { feature: j, direction }
        })?;
        beta = trial;
        cur = next;
    }
    let covariance = ch.inverse();
    // Breslow-type baseline and the linear predictor at the estimate.
    let mut eng = Engine::new(data, Ties::Breslow);
    eng.evaluate(&beta, None);
    let (breslow, efron, eta) = eng.into_increments();
    let baseline = BaselineStratum::of_fit(data, &beta, &breslow, &efron);
    let model = CoxModel {
        coef: beta,
        covariance,
        robust_covariance: None,
        center: data.center.clone(),
        ties: Ties::Exact,
        loglik: cur.loglik,
        loglik_null,
        score_test,
        iterations,
        n: data.n,
        n_events: (0..data.n).filter(|&i| data.status[i]).count() as f64,
        concordance: pending_concordance(),
        baseline,
        baseline_type: Ties::Exact.baseline(),
    };
    Ok((model, eta))
}
