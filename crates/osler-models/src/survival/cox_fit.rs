//! Newton-Raphson for the Cox model (R `coxph.fit` style).
//!
//! From `beta = 0`: solve `I(beta) s = U(beta)` by Cholesky, take
//! `beta + s`, and halve the step while the log partial likelihood falls.
//! Converged when the predicted gain `U'I^{-1}U / 2` of the next step is
//! below `tol |l|` and that step is below 1e-6 covariate SDs; unless it is
//! already at rounding level (1e-12 SDs) it is then taken as one last full
//! iteration (quadratic convergence leaves ~1e-12). The information is
//! evaluated at the returned `beta`, so the standard errors
//! `sqrt(diag I^{-1})` are those of the optimum.
//!
//! Monotone likelihood (a coefficient running to infinity, e.g. when all
//! events fall in one group of a binary covariate): the Newton step of that
//! coordinate stays ~1/sd while the gain vanishes. As R (`toler.inf`), a
//! final step that is not small relative to the coefficient is reported.

use osler_data::Matrix;

use super::concordance::concordance_sorted;
use super::cox_data::CoxData;
use super::cox_engine::{Engine, GroupStats};
use super::cox_model::{BaselineStratum, CoxModel};
use super::cox_options::CoxOptions;
use super::cox_residuals::score_residuals;
use crate::ModelError;
use crate::linear::numeric::Cholesky;

/// Relative pivot below which a column of the information counts as collinear.
const COLLINEAR_TOL: f64 = 1e-12;

fn factor(info: &[f64], p: usize) -> Result<Cholesky, usize> {
    Cholesky::factor(info, p, COLLINEAR_TOL).map_err(|e| e.index)
}

fn collinear(j: usize) -> ModelError {
    ModelError::Degenerate { feature: j, reason: "is collinear with the features before it".into() }
}

fn diverges(j: usize, b: f64) -> ModelError {
    ModelError::Diverges { feature: j, direction: if b > 0.0 { "+" } else { "-" } }
}

/// Weighted SD of each (centred) column, in one row-major pass.
fn column_sd(d: &CoxData) -> Vec<f64> {
    let wsum: f64 = d.w.iter().sum();
    let mut ss = vec![0.0; d.p];
    for (i, &w) in d.w.iter().enumerate() {
        for (s, v) in ss.iter_mut().zip(d.row(i)) {
            *s += w * v * v;
        }
    }
    ss.iter().map(|s| (s / wsum).sqrt()).collect()
}

impl CoxModel {
    /// Fits `h(t | x) = h_0s(t) exp(x'beta)` by maximum partial likelihood.
    ///
    /// `time` is the event/censoring time (the stop time with `opts.start`),
    /// `event` 0/1. Errors name the offending feature (column index) or row.
    pub fn fit(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<CoxModel, ModelError> {
        if !(opts.tol.is_finite() && opts.tol > 0.0) {
            return Err(ModelError::InvalidOption(format!(
                "tol must be positive, got {}",
                opts.tol
            )));
        }
        let data = CoxData::new(x, time, event, opts)?;
        let p = data.p;
        let mut eng = Engine::new(&data, opts.ties);
        let mut beta = vec![0.0; p];
        let mut loglik = eng.evaluate(&beta, None);
        let loglik_null = loglik;
        eng.information();
        let mut ch = factor(&eng.info, p).map_err(collinear)?;
        let mut step = ch.solve(&eng.grad);
        let score_test: f64 = step.iter().zip(&eng.grad).map(|(a, b)| a * b).sum();
        let mut iterations = 0;
        let mut converged = false;
        let mut polished = false;
        let sd = column_sd(&data);
        loop {
            let dec: f64 = step.iter().zip(&eng.grad).map(|(a, b)| a * b).sum();
            if dec <= opts.tol * loglik.abs().max(1.0) {
                // Converged; unless the step is at rounding level, take it as
                // one last full iteration so that b and I(b) are exact.
                let m = step.iter().zip(&sd).map(|(s, d)| (s * d).abs()).fold(0.0, f64::max);
                if m <= 1e-12 || polished {
                    converged = true;
                    break;
                }
                // A step of 1e-6 SDs leaves an error of ~1e-12 after it.
                polished = m <= 1e-6;
            }
            if iterations >= opts.max_iter {
                break;
            }
            iterations += 1;
            let mut trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
            let mut l_new = eng.evaluate(&trial, None);
            let mut halvings = 0;
            // In the final (polishing) iteration the predicted gain is below
            // the rounding of `l` itself: accept the Newton step as it is.
            while (l_new.is_nan() || l_new < loglik)
                && !(polished && l_new.is_finite())
                && halvings < 40
            {
                for ((t, b), s) in trial.iter_mut().zip(&beta).zip(step.iter_mut()) {
                    *s *= 0.5;
                    *t = b + *s;
                }
                l_new = eng.evaluate(&trial, None);
                halvings += 1;
            }
            if l_new.is_nan() || l_new < loglik {
                // No ascent along the Newton direction: at the optimum to
                // working precision. Restore the state at `beta`.
                loglik = eng.evaluate(&beta, None);
                converged = true;
                break;
            }
            beta = trial;
            loglik = l_new;
            eng.information();
            ch = match factor(&eng.info, p) {
                Ok(c) => c,
                Err(j) => return Err(diverges(j, beta[j] * sd[j])),
            };
            step = ch.solve(&eng.grad);
        }
        for j in 0..p {
            if step[j].abs() * sd[j] > 1e-4 && step[j].abs() > 1e-3 * beta[j].abs() {
                return Err(diverges(j, beta[j]));
            }
        }
        if !converged {
            return Err(ModelError::NotConverged {
                iterations,
                detail: "the Newton steps did not settle; try a larger max_iter".into(),
            });
        }
        let covariance = ch.inverse();
        let robust = opts.cluster.is_some();
        let mut stats = GroupStats { vectors: robust, ..GroupStats::default() };
        eng.evaluate(&beta, Some(&mut stats));
        debug_assert!((eng.loglik - loglik).abs() <= 1e-9 * loglik.abs().max(1.0));
        let robust_covariance = if robust {
            let resid = score_residuals(&eng, &stats);
            Some(sandwich(&data, &resid, &covariance, opts.cluster.as_deref()))
        } else {
            None
        };
        // Centring shift: exp(eta_centred) = exp(x'b) exp(-m'b).
        let shift: f64 = data.center.iter().zip(&beta).map(|(m, b)| m * b).sum::<f64>().exp();
        let baseline = data
            .strata
            .iter()
            .map(|s| {
                let mut b = BaselineStratum {
                    label: s.label,
                    time: Vec::new(),
                    breslow: Vec::new(),
                    efron: Vec::new(),
                };
                let (mut hb, mut he) = (0.0, 0.0);
                for gi in (s.g_begin..s.g_end).rev() {
                    if data.groups[gi].deaths > 0 && stats.breslow[gi] > 0.0 {
                        hb += stats.breslow[gi] / shift;
                        he += stats.efron[gi] / shift;
                        b.time.push(data.groups[gi].time);
                        b.breslow.push(hb);
                        b.efron.push(he);
                    }
                }
                b
            })
            .collect();
        // Harrell's C on the sorted data (eta in sorted order).
        let lp: Vec<f64> =
            (0..data.n).map(|i| data.row(i).iter().zip(&beta).map(|(a, b)| a * b).sum()).collect();
        let concordance = concordance_sorted(&data, &lp);
        let n_events = (0..data.n).filter(|&i| data.status[i]).map(|i| data.w[i]).sum();
        Ok(CoxModel {
            coef: beta,
            covariance,
            robust_covariance,
            center: data.center.clone(),
            ties: opts.ties,
            loglik,
            loglik_null,
            score_test,
            iterations,
            n: data.n,
            n_events,
            concordance,
            baseline,
        })
    }
}

/// Lin & Wei (1989) robust variance `V (sum_c D_c D_c') V` with
/// `D_c = sum_{i in c} w_i L_i` (weighted score residuals summed per cluster).
fn sandwich(d: &CoxData, resid: &[f64], var: &[f64], cluster: Option<&[u32]>) -> Vec<f64> {
    let p = d.p;
    let mut by_cluster: std::collections::BTreeMap<u32, Vec<f64>> = Default::default();
    for i in 0..d.n {
        let c = cluster.map_or(d.order[i] as u32, |c| c[d.order[i]]);
        let acc = by_cluster.entry(c).or_insert_with(|| vec![0.0; p]);
        for j in 0..p {
            acc[j] += d.w[i] * resid[i * p + j];
        }
    }
    let mut meat = vec![0.0; p * p];
    for u in by_cluster.values() {
        for j in 0..p {
            for k in 0..p {
                meat[j * p + k] += u[j] * u[k];
            }
        }
    }
    let mut tmp = vec![0.0; p * p];
    for j in 0..p {
        for k in 0..p {
            tmp[j * p + k] = (0..p).map(|l| var[j * p + l] * meat[l * p + k]).sum();
        }
    }
    let mut out = vec![0.0; p * p];
    for j in 0..p {
        for k in 0..p {
            out[j * p + k] = (0..p).map(|l| tmp[j * p + l] * var[l * p + k]).sum();
        }
    }
    out
}
