//! Firth's penalised Cox regression (Heinze & Schemper 2001, "A solution to
//! the problem of monotone likelihood in Cox regression", Biometrics 57;
//! R package `coxphf`): maximises `l*(b) = l(b) + 0.5 log |I(b)|`, the log
//! partial likelihood plus half the log determinant of its information,
//! which keeps every coefficient finite when a covariate separates the
//! events (where the plain estimate runs to infinity).
//!
//! The modified score is `U*_j = U_j + 0.5 tr(I^{-1} dI/db_j)`; the root is
//! found as `coxphf` does, by steps `I(b)^{-1} U*(b)` (the plain information
//! standing in for the penalised Hessian) halved while `l*` falls, until the
//! step is below 1e-10 covariate SDs. Every risk-set sum is taken directly
//! (`sum r`, `sum r x`, `sum r x x'`, `sum r x x x`, `r = w exp(x'b)`) with
//! Breslow's or Efron's denominators, strata, case weights and (start, stop]
//! rows, at `O(n x event times x p^3)` per iteration: meant for the small
//! data sets where separation happens. The standard errors are
//! `sqrt(diag I(b)^{-1})` at the estimate (Wald, as `coxphf`'s `var`).

use osler_data::Matrix;

use super::data::CoxData;
use super::fit::CoxFit;
use super::model::{BaselineStratum, CoxModel, pending_concordance};
use super::options::{CoxOptions, Singular, Ties};
use crate::ModelError;
use crate::linear::numeric::{Cholesky, dot};

/// Most steps; each is one sweep of the data.
const MAX_ITER: usize = 200;
/// Converged when the step is below this many covariate SDs.
const STEP_TOL: f64 = 1e-10;

/// `sum r`, `sum r x`, `sum r x x'` and `sum r x_a x_b x_c` over a set of rows.
#[derive(Clone)]
struct Moments {
    m0: f64,
    m1: Vec<f64>,
    m2: Vec<f64>,
    m3: Vec<f64>,
}

impl Moments {
    fn zero(p: usize) -> Self {
        Moments { m0: 0.0, m1: vec![0.0; p], m2: vec![0.0; p * p], m3: vec![0.0; p * p * p] }
    }

    fn add(&mut self, r: f64, x: &[f64]) {
        let p = x.len();
        self.m0 += r;
        for a in 0..p {
            let ra = r * x[a];
            self.m1[a] += ra;
            for b in 0..p {
                let rab = ra * x[b];
                self.m2[a * p + b] += rab;
                let m3 = &mut self.m3[(a * p + b) * p..(a * p + b + 1) * p];
                for (m, xc) in m3.iter_mut().zip(x) {
                    *m += rab * xc;
                }
            }
        }
    }

    /// `self - f * other` (Efron's partly removed tied deaths).
    fn minus(&self, f: f64, other: &Moments) -> Moments {
        let sub = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(a, b)| a - f * b).collect();
        Moments {
            m0: self.m0 - f * other.m0,
            m1: sub(&self.m1, &other.m1),
            m2: sub(&self.m2, &other.m2),
            m3: sub(&self.m3, &other.m3),
        }
    }
}

/// Log partial likelihood, score, information and its derivatives at one
/// `beta`, with the baseline-hazard increments of each time group.
struct Eval {
    loglik: f64,
    score: Vec<f64>,
    info: Vec<f64>,
    /// `dI/db_c` at `[(a p + b) p + c]`.
    dinfo: Vec<f64>,
    /// Per time group: Breslow and Efron increments of the centred baseline.
    increments: Vec<(f64, f64)>,
}

impl Eval {
    /// One denominator `A` entered with multiplicity `c`: `-c log A0` and its
    /// first three derivatives.
    fn denominator(&mut self, c: f64, a: &Moments) {
        let p = self.score.len();
        self.loglik -= c * a.m0.ln();
        let m: Vec<f64> = a.m1.iter().map(|v| v / a.m0).collect();
        for (u, mj) in self.score.iter_mut().zip(&m) {
            *u -= c * mj;
        }
        // dm/db_k = A2[., k] / A0 - m m_k.
        let dm = |i: usize, k: usize| a.m2[i * p + k] / a.m0 - m[i] * m[k];
        for i in 0..p {
            for j in 0..p {
                self.info[i * p + j] += c * dm(i, j);
                for k in 0..p {
                    let d = a.m3[(i * p + j) * p + k] / a.m0
                        - a.m2[i * p + j] / a.m0 * m[k]
                        - dm(i, k) * m[j]
                        - m[i] * dm(j, k);
                    self.dinfo[(i * p + j) * p + k] += c * d;
                }
            }
        }
    }
}

/// Every sum of the partial likelihood at `beta` (centred covariates).
fn evaluate(d: &CoxData, ties: Ties, beta: &[f64]) -> Eval {
    let p = d.p;
    let r: Vec<f64> = (0..d.n).map(|i| d.w[i] * dot(d.row(i), beta).exp()).collect();
    let mut ev = Eval {
        loglik: 0.0,
        score: vec![0.0; p],
        info: vec![0.0; p * p],
        dinfo: vec![0.0; p * p * p],
        increments: vec![(0.0, 0.0); d.groups.len()],
    };
    for s in &d.strata {
        // Without entry times the risk set only grows as time goes down.
        let mut running = Moments::zero(p);
        for gi in s.g_begin..s.g_end {
            let g = d.groups[gi];
            let risk = match &d.entry {
                None => {
                    (g.begin..g.end).for_each(|i| running.add(r[i], d.row(i)));
                    running.clone()
                }
                Some(entry) => {
                    let mut m = Moments::zero(p);
                    (s.begin..g.end)
                        .filter(|&i| entry.start[i] < g.time)
                        .for_each(|i| m.add(r[i], d.row(i)));
                    m
                }
            };
            let deaths = g.begin..g.begin + g.deaths;
            let dw: f64 = deaths.clone().map(|i| d.w[i]).sum();
            if g.deaths == 0 || dw == 0.0 {
                continue;
            }
            let mut tied = Moments::zero(p);
            for i in deaths {
                ev.loglik += d.w[i] * dot(d.row(i), beta);
                for (u, x) in ev.score.iter_mut().zip(d.row(i)) {
                    *u += d.w[i] * x;
                }
                tied.add(r[i], d.row(i));
            }
            let breslow = dw / risk.m0;
            if ties == Ties::Breslow || g.deaths == 1 {
                ev.denominator(dw, &risk);
                ev.increments[gi] = (breslow, breslow);
            } else {
                let k = g.deaths as f64;
                let mut efron = 0.0;
                for l in 0..g.deaths {
                    let a = risk.minus(l as f64 / k, &tied);
                    efron += dw / k / a.m0;
                    ev.denominator(dw / k, &a);
                }
                ev.increments[gi] = (breslow, efron);
            }
        }
    }
    ev
}

/// `log |A|` of a symmetric positive definite matrix; `None` if it is not.
fn log_det(a: &[f64], p: usize) -> Option<f64> {
    let mut l = vec![0.0; p * p];
    let mut sum = 0.0;
    for j in 0..p {
        let d = a[j * p + j] - (0..j).map(|k| l[j * p + k] * l[j * p + k]).sum::<f64>();
        if !(d.is_finite() && d > 0.0) {
            return None;
        }
        let djj = d.sqrt();
        sum += 2.0 * djj.ln();
        l[j * p + j] = djj;
        for i in j + 1..p {
            let s = a[i * p + j] - (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum::<f64>();
            l[i * p + j] = s / djj;
        }
    }
    Some(sum)
}

/// Penalised state at `beta`: `l*`, the factored information and the step
/// `I^{-1} U*`; `None` where the information is singular or the sums overflow.
struct State {
    beta: Vec<f64>,
    penalized: f64,
    eval: Eval,
    ch: Cholesky,
    step: Vec<f64>,
}

fn state(d: &CoxData, ties: Ties, beta: Vec<f64>) -> Option<State> {
    let p = d.p;
    let eval = evaluate(d, ties, &beta);
    let penalized = eval.loglik + 0.5 * log_det(&eval.info, p)?;
    let ch = Cholesky::factor(&eval.info, p, 1e-12).ok()?;
    let inv = ch.inverse();
    // U*_c = U_c + 0.5 tr(I^{-1} dI/db_c).
    let modified: Vec<f64> = (0..p)
        .map(|c| {
            let tr: f64 = (0..p)
                .flat_map(|a| (0..p).map(move |b| (a, b)))
                .map(|(a, b)| inv[a * p + b] * eval.dinfo[(b * p + a) * p + c])
                .sum();
            eval.score[c] + 0.5 * tr
        })
        .collect();
    let step = ch.solve(&modified);
    penalized.is_finite().then_some(State { beta, penalized, eval, ch, step })
}

impl CoxModel {
    /// Fits the Cox model by Firth's penalised partial likelihood
    /// (Heinze & Schemper 2001; see the module documentation), up to its
    /// concordance. The model's `loglik` and `loglik_null` are the
    /// penalised log-likelihoods `l*(b)` and `l*(0)` (so its
    /// likelihood-ratio test is `coxphf`'s), its score test the plain one at
    /// `b = 0`, its covariance `I(b)^{-1}` at the estimate. Cluster columns
    /// are not supported (no robust variance).
    ///
    /// # Errors
    /// The input errors of [`CoxModel::fit`]; a constant or aliased
    /// covariate ([`ModelError::Degenerate`]); `cluster` given
    /// ([`ModelError::InvalidOption`]); no convergence in 200 steps.
    pub fn fit_firth_deferred(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<CoxFit, ModelError> {
        if opts.cluster.is_some() {
            return Err(ModelError::invalid(
                "cluster",
                "given",
                "be absent with Firth's penalty (no robust variance)",
            ));
        }
        if opts.ties == Ties::Exact {
            return Err(ModelError::invalid(
                "ties",
                "exact",
                "be efron or breslow with Firth's penalty",
            ));
        }
        let strict = CoxOptions { singular: Singular::Refuse, ..opts.clone() };
        let data = CoxData::new(x, time, event, &strict)?;
        let p = data.p;
        let collinear = |j: usize| ModelError::Degenerate {
            feature: j,
            reason: "is collinear with the features before it".into(),
            with: Vec::new(),
        };
        let null_eval = evaluate(&data, opts.ties, &vec![0.0; p]);
        let null_ch =
            Cholesky::factor(&null_eval.info, p, 1e-12).map_err(|e| collinear(e.index))?;
        let score_test = dot(&null_ch.solve(&null_eval.score), &null_eval.score);
        let mut st = state(&data, opts.ties, vec![0.0; p]).ok_or_else(|| collinear(0))?;
        let loglik_null = st.penalized;
        let mut iterations = 0;
        loop {
            let size = st.step.iter().zip(&data.sd).map(|(s, d)| (s * d).abs()).fold(0.0, f64::max);
            if size <= STEP_TOL {
                break;
            }
            if iterations == MAX_ITER {
                return Err(ModelError::NotConverged {
                    iterations,
                    detail: format!("Firth steps still {size:.1e} SDs"),
                });
            }
            iterations += 1;
            let mut step = st.step.clone();
            let mut next = None;
            for _ in 0..40 {
                let trial = st.beta.iter().zip(&step).map(|(b, s)| b + s).collect();
                match state(&data, opts.ties, trial) {
                    Some(t) if t.penalized >= st.penalized - 1e-13 * st.penalized.abs() => {
                        next = Some(t);
                        break;
                    }
                    _ => step.iter_mut().for_each(|s| *s *= 0.5),
                }
            }
            match next {
                Some(t) => st = t,
                // No ascent along the step: at the optimum to working precision.
                None => break,
            }
        }
        let State { beta, penalized, eval, ch, .. } = st;
        let (breslow, efron): (Vec<f64>, Vec<f64>) = eval.increments.iter().copied().unzip();
        let baseline = BaselineStratum::of_fit(&data, &beta, &breslow, &efron);
        let eta: Vec<f64> = (0..data.n).map(|i| dot(data.row(i), &beta)).collect();
        let model = CoxModel {
            coef: beta,
            covariance: ch.inverse(),
            robust_covariance: None,
            center: data.center.clone(),
            ties: opts.ties,
            loglik: penalized,
            loglik_null,
            score_test,
            iterations,
            n: data.n,
            n_events: (0..data.n).filter(|&i| data.status[i]).map(|i| data.w[i]).sum(),
            concordance: pending_concordance(),
            baseline,
            baseline_type: opts.ties.baseline(),
        };
        Ok(CoxFit::unfinished(model, data, eta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central finite differences of `f` at `b` along coordinate `k`.
    fn diff(f: impl Fn(&[f64]) -> f64, b: &[f64], k: usize) -> f64 {
        let h = 1e-5;
        let (mut up, mut dn) = (b.to_vec(), b.to_vec());
        up[k] += h;
        dn[k] -= h;
        (f(&up) - f(&dn)) / (2.0 * h)
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let x = Matrix::from_columns(&[
            vec![0.3, 1.2, -0.4, 2.0, 0.7, -1.1, 0.9, 0.1],
            vec![1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0],
        ])
        .expect("x");
        let t = [2.0, 3.0, 3.0, 5.0, 5.0, 5.0, 8.0, 9.0];
        let e = [1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0];
        let start = vec![0.0, 0.0, 1.0, 2.5, 0.0, 1.0, 0.0, 4.0];
        for ties in [Ties::Efron, Ties::Breslow] {
            for entry in [None, Some(start.clone())] {
                let opts = CoxOptions { ties, start: entry, ..CoxOptions::default() };
                let d = CoxData::new(&x, &t, &e, &opts).expect("data");
                let b = [0.4, -0.7];
                let ev = evaluate(&d, ties, &b);
                for k in 0..2 {
                    let du = diff(|v| evaluate(&d, ties, v).loglik, &b, k);
                    assert!((du - ev.score[k]).abs() < 1e-8, "{du} {}", ev.score[k]);
                    for i in 0..2 {
                        let di = diff(|v| -evaluate(&d, ties, v).score[i], &b, k);
                        assert!((di - ev.info[i * 2 + k]).abs() < 1e-8);
                        for j in 0..2 {
                            let dd = diff(|v| evaluate(&d, ties, v).info[i * 2 + j], &b, k);
                            assert!((dd - ev.dinfo[(i * 2 + j) * 2 + k]).abs() < 1e-7);
                        }
                    }
                }
            }
        }
    }
}
