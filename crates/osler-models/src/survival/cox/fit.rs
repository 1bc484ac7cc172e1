//! Newton-Raphson for the Cox model (R `coxph.fit` style).
//!
//! From `beta = 0`: solve `I(beta) s = U(beta)` by Cholesky, take
//! `beta + s`, and halve the step while the log partial likelihood falls.
//! Converged when the predicted gain `U'I^{-1}U / 2` of the next step is
//! below `tol |l|` and that step is below 1e-6 covariate SDs; unless it is
//! already at rounding level (1e-12 SDs) it is then taken as one last full
//! iteration (quadratic convergence leaves ~1e-12). That last step is added
//! to the returned coefficients without another evaluation (it leaves an
//! error of the order of its square); the log-likelihood, the information
//! (so the standard errors `sqrt(diag I^{-1})`) and the baseline hazard are
//! those of the last evaluation, within that step of the optimum (Harrell's
//! C is taken at the returned coefficients).
//!
//! On large data (at least 100,000 rows) the iterations start near the
//! optimum instead, see [`warm_start`], and a final step up to
//! [`WARM_ACCEPT`] SDs (typically ~1e-7) is accepted without another
//! evaluation: the returned coefficients are still exact to rounding (the
//! step's error is of the order of its square), and the other quantities
//! are evaluated that close to them; the standard errors then differ from
//! those at the exact optimum by a relative ~1e-9 (4e-9 measured on the
//! benchmark's 1e6 x 20 data), far below their sampling error at that size
//! and below R's printed digits. The null evaluation (the
//! log likelihood at 0 and the score test `U(0)' I(0)^{-1} U(0)`) is the
//! first full-data pass either way.
//!
//! Monotone likelihood (a coefficient running to infinity, e.g. when all
//! events fall in one group of a binary covariate): the Newton step of that
//! coordinate stays ~1/sd while the gain vanishes. As R (`toler.inf`), a
//! final step that is not small relative to the coefficient is reported.

use osler_data::Matrix;

use super::accel::Anderson;
use super::alias::{Columns, diverging};
use super::data::CoxData;
use super::engine::{Engine, GroupStats};
use super::model::{BaselineStratum, CoxModel, pending_concordance};
use super::options::{CoxOptions, Singular, Ties};
use super::residuals::{sandwich, score_residuals};
use crate::ModelError;
use crate::linear::numeric::{Cholesky, dot};
use osler_eval::survival::{TieGroup, harrell_c_presorted};

use crate::survival::concordance::Concordance;

/// Relative pivot below which a column of the information counts as collinear.
const COLLINEAR_TOL: f64 = 1e-12;

fn factor(info: &[f64], p: usize) -> Result<Cholesky, usize> {
    Cholesky::factor(info, p, COLLINEAR_TOL).map_err(|e| e.index)
}

fn collinear(j: usize) -> ModelError {
    ModelError::Degenerate {
        feature: j,
        reason: "is collinear with the features before it".into(),
        with: Vec::new(),
    }
}

fn diverges(j: usize, b: f64) -> ModelError {
    ModelError::Diverges { feature: j, direction: if b > 0.0 { "+" } else { "-" } }
}

/// Newton state at `beta`: log-likelihood, gradient in the engine, the
/// factored information and the Newton step.
struct State {
    beta: Vec<f64>,
    loglik: f64,
    ch: Cholesky,
    step: Vec<f64>,
}

/// Largest step component in covariate SDs.
fn step_sds(step: &[f64], sd: &[f64]) -> f64 {
    step.iter().zip(sd).map(|(s, d)| (s * d).abs()).fold(0.0, f64::max)
}

/// Evaluation with information at `beta`; a singular information is
/// reported by `err` (the index of the failing pivot).
fn state_at(
    eng: &mut Engine<'_>,
    beta: Vec<f64>,
    err: impl Fn(usize, &[f64]) -> ModelError,
) -> Result<State, ModelError> {
    eng.hessian = true;
    let loglik = eng.evaluate(&beta, None);
    eng.information();
    let ch = factor(&eng.info, eng.d.p).map_err(|j| err(j, &beta))?;
    let step = ch.solve(&eng.grad);
    Ok(State { beta, loglik, ch, step })
}

/// Result of [`newton`]: the final state, iterations, convergence, and
/// whether the final step `st.step` belongs to the solution (converged on
/// the gain; not after a failed ascent).
struct Newton {
    st: State,
    iterations: usize,
    converged: bool,
    final_step: bool,
}

/// Final steps up to this many SDs need no further evaluation on the
/// Newton iterations of a fit without warm start.
const COLD_ACCEPT: f64 = 1e-12;
/// The same after a warm start ([`warm_start`] hands over below 1e-7 SDs).
const WARM_ACCEPT: f64 = 1e-6;

/// Newton-Raphson from `st` (see the module documentation); converged
/// steps up to `accept` SDs are final without another evaluation. With
/// `loose`, stops as soon as the step is below `loose` SDs (the warm-start
/// subsample).
fn newton(
    eng: &mut Engine<'_>,
    opts: &CoxOptions,
    mut st: State,
    loose: Option<f64>,
    accept: f64,
) -> Result<Newton, ModelError> {
    let sd = &eng.d.sd;
    let p = eng.d.p;
    let (mut iterations, mut converged, mut polished) = (0, false, false);
    let mut final_step = false;
    loop {
        let dec = dot(&st.step, &eng.grad);
        let m = step_sds(&st.step, sd);
        if loose.is_some_and(|l| m <= l) {
            converged = true;
            break;
        }
        if dec <= opts.tol * st.loglik.abs().max(1.0) {
            // Converged; unless the step is small enough to need no new
            // information, take it as one last full iteration.
            if m <= accept || polished {
                converged = true;
                final_step = true;
                break;
            }
            // A step of 1e-6 SDs leaves an error of ~1e-12 after it.
            polished = m <= 1e-6;
        }
        if iterations >= opts.max_iter {
            break;
        }
        iterations += 1;
        eng.hessian = true;
        let mut step = st.step.clone();
        let mut trial: Vec<f64> = st.beta.iter().zip(&step).map(|(b, s)| b + s).collect();
        let mut l_new = eng.evaluate(&trial, None);
        let mut halvings = 0;
        // In the final (polishing) iteration the predicted gain is below
        // the rounding of `l` itself: accept the Newton step as it is.
        while (l_new.is_nan() || l_new < st.loglik)
            && !(polished && l_new.is_finite())
            && halvings < 40
        {
            for ((t, b), s) in trial.iter_mut().zip(&st.beta).zip(step.iter_mut()) {
                *s *= 0.5;
                *t = b + *s;
            }
            l_new = eng.evaluate(&trial, None);
            halvings += 1;
        }
        if l_new.is_nan() || (l_new < st.loglik && !polished) {
            // No ascent along the Newton direction: at the optimum to
            // working precision. Restore the state at `beta`.
            st.loglik = eng.evaluate(&st.beta, None);
            converged = true;
            break;
        }
        eng.information();
        st.ch = match factor(&eng.info, p) {
            Ok(c) => c,
            Err(j) => return Err(diverges(j, trial[j] * sd[j])),
        };
        st.beta = trial;
        st.loglik = l_new;
        st.step = st.ch.solve(&eng.grad);
    }
    Ok(Newton { st, iterations, converged, final_step })
}

/// Warm starts need at least this many rows (and `1000 p`).
const WARM_MIN_ROWS: usize = 100_000;
/// The subsample: runs of 8 consecutive sorted rows, one in every 10.
const SUB_RUN: usize = 8;
const SUB_EVERY: usize = 10;
/// Gradient-only steps from the subsample's optimum.
const WARM_MAX_STEPS: usize = 8;
/// Distance to the optimum (SDs) at which the warm start hands over to the
/// exact evaluation; its Newton step then needs no further one
/// ([`WARM_ACCEPT`]).
const WARM_TARGET: f64 = 1e-7;

/// A starting point for the full-data Newton iterations within
/// [`WARM_TARGET`] of the optimum, reached cheaply: the optimum of a
/// subsample (started from the first full-data Newton step `beta1`), then
/// gradient-only steps on the full data with the subsample's information
/// (scaled) in place of the exact one, Anderson-accelerated
/// ([`Anderson`]). Such steps converge linearly at a rate of the
/// information's sampling error (~1e-2), so three or four of them get there;
/// one exact evaluation then gives the final Newton step. The start only
/// saves passes: the optimum and every reported quantity come from
/// full-data evaluations. `None` when not worthwhile or not well-defined.
fn warm_start(eng: &mut Engine<'_>, opts: &CoxOptions, null: &State) -> Option<Vec<f64>> {
    let d = eng.d;
    if d.n < WARM_MIN_ROWS.max(1000 * d.p) {
        return None;
    }
    let sub = d.subsample(SUB_RUN, SUB_EVERY)?;
    let beta1: Vec<f64> = null.beta.iter().zip(&null.step).map(|(b, s)| b + s).collect();
    let mut se = Engine::new(&sub, opts.ties);
    let st = state_at(&mut se, beta1, |j, _| collinear(j)).ok()?;
    let fit = newton(&mut se, opts, st, Some(1e-4), COLD_ACCEPT).ok()?;
    if !fit.converged {
        return None;
    }
    let scale = d.w.iter().sum::<f64>() / sub.w.iter().sum::<f64>();
    let info: Vec<f64> = se.info.iter().map(|v| v * scale).collect();
    let ch = factor(&info, d.p).ok()?;
    let mut beta: Vec<f64> = fit.st.beta.iter().zip(&fit.st.step).map(|(b, s)| b + s).collect();
    // Gradient-only evaluations (no log-likelihood): a step that does not
    // contract is the safeguard, and the exact Newton iterations after the
    // start keep their own (step halving on the log-likelihood).
    eng.hessian = false;
    eng.evaluate(&beta, None);
    let mut acc = Anderson::new(&d.sd);
    // The previous iterate and the size of its step (SDs).
    let mut prev: Option<(Vec<f64>, f64)> = None;
    for _ in 0..WARM_MAX_STEPS {
        let step = ch.solve(&eng.grad);
        let m = step_sds(&step, &d.sd);
        match &prev {
            // Not contracting (or not finite): back to the previous iterate.
            Some((b, pm)) if m.is_nan() || m > 0.5 * pm => return Some(b.clone()),
            None if !m.is_finite() => return None,
            _ => {}
        }
        // Close enough: an exact evaluation (the caller's) finishes.
        if m <= WARM_TARGET {
            break;
        }
        let (trial, lsq) = acc.next(&beta, &step);
        // The next residual is about `rate` times the part of this one the
        // accelerated step left (`lsq`, `m` on a plain step): close enough
        // already, leave it to the caller's exact evaluation.
        let rate = prev.as_ref().map_or(0.1, |(_, pm)| (m / pm).min(0.1));
        eng.evaluate(&trial, None);
        prev = Some((std::mem::replace(&mut beta, trial), m));
        if lsq.min(m) * rate <= WARM_TARGET {
            break;
        }
    }
    Some(beta)
}

fn check_tol(opts: &CoxOptions) -> Result<(), ModelError> {
    if !(opts.tol.is_finite() && opts.tol > 0.0) {
        return Err(ModelError::invalid("tol", opts.tol, "be finite and positive"));
    }
    Ok(())
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
        Self::fit_deferred(x, time, event, opts).map(CoxFit::with_concordance)
    }

    /// [`Self::fit`] taking the covariates by value: their memory is reused
    /// for the sorted working copy, so the fit needs about one copy of `x`
    /// instead of two. Same results as [`Self::fit`].
    pub fn fit_owned(
        x: Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<CoxModel, ModelError> {
        Self::fit_owned_deferred(x, time, event, opts).map(CoxFit::with_concordance)
    }

    /// [`Self::fit`] up to the model's concordance ([`CoxFit`]).
    pub fn fit_deferred(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<CoxFit, ModelError> {
        Self::fit_with(x, time, event, opts, true)
    }

    /// [`Self::fit_owned`] up to the model's concordance ([`CoxFit`]).
    pub fn fit_owned_deferred(
        x: Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<CoxFit, ModelError> {
        check_tol(opts)?;
        let data = CoxData::new_owned(x, time, event, opts)?;
        Self::fit_data(data, opts, true)
    }

    /// [`Self::fit_deferred`]; `warm`: allow the subsample warm start.
    fn fit_with(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
        warm: bool,
    ) -> Result<CoxFit, ModelError> {
        check_tol(opts)?;
        let data = CoxData::new(x, time, event, opts)?;
        Self::fit_data(data, opts, warm)
    }

    fn fit_data(mut data: CoxData, opts: &CoxOptions, warm: bool) -> Result<CoxFit, ModelError> {
        // The original row of each sorted position is only needed for the
        // clusters of the robust variance.
        if opts.cluster.is_none() {
            data.order = Vec::new();
        }
        // Reported fits drop the columns whose pivot of the null information
        // vanishes, one at a time in column order (R's `cholesky2`).
        let mut columns = Columns::all(data.p);
        if opts.singular == Singular::Report {
            let stratified = opts.strata.is_some();
            while let Err(ModelError::Degenerate { feature, .. }) = data.check_constant(stratified)
            {
                columns.alias(&mut data, feature);
            }
        }
        if opts.ties == Ties::Exact {
            let (model, eta) = super::exact::fit(&data, opts)?;
            let aliased = columns.aliased;
            return Ok(CoxFit { model, data, eta, step: None, aliased, infinite: Vec::new() });
        }
        let (mut eng, null) = loop {
            let mut eng = Engine::new(&data, opts.ties);
            match state_at(&mut eng, vec![0.0; data.p], |j, _| collinear(j)) {
                Err(ModelError::Degenerate { feature, .. })
                    if opts.singular == Singular::Report =>
                {
                    drop(eng);
                    columns.alias(&mut data, feature);
                }
                state => break (eng, state?),
            }
        };
        let loglik_null = null.loglik;
        // Score test U(0)' I(0)^{-1} U(0).
        let score_test = dot(&null.step, &eng.grad);
        let (start, accept) = match warm.then(|| warm_start(&mut eng, opts, &null)).flatten() {
            Some(beta) => {
                let sd = &data.sd;
                (state_at(&mut eng, beta, |j, b| diverges(j, b[j] * sd[j]))?, WARM_ACCEPT)
            }
            None => (null, COLD_ACCEPT),
        };
        let Newton { st, iterations, converged, final_step } =
            newton(&mut eng, opts, start, None, accept)?;
        let State { beta, loglik, ch, step } = st;
        let infinite = diverging(&beta, &step, &data.sd);
        match infinite.first() {
            Some(&j) if opts.singular == Singular::Refuse => return Err(diverges(j, beta[j])),
            _ => {}
        }
        // A diverging coefficient is returned at its last iterate, where
        // the log-likelihood was evaluated (R returns the same), also when
        // the iterations ran out on the way (its gain shrinks only
        // geometrically, ~e^-b).
        let final_step = final_step && infinite.is_empty();
        if !converged && infinite.is_empty() {
            return Err(ModelError::NotConverged {
                iterations,
                detail: "the Newton steps did not settle; try a larger max_iter".into(),
            });
        }
        let coef = if final_step {
            beta.iter().zip(&step).map(|(b, s)| b + s).collect()
        } else {
            beta.clone()
        };
        let covariance = ch.inverse();
        let robust = opts.cluster.is_some();
        // The last evaluation is normally at `beta`: reuse its sums.
        if eng.beta != beta {
            eng.evaluate(&beta, None);
        }
        let (breslow, efron, robust_covariance, eta) = if robust {
            let mut stats = GroupStats { vectors: true, ..GroupStats::default() };
            eng.evaluate(&beta, Some(&mut stats));
            debug_assert!((eng.loglik - loglik).abs() <= 1e-9 * loglik.abs().max(1.0));
            let resid = score_residuals(&eng, &stats);
            let robust_covariance =
                Some(sandwich(&data, &resid, &covariance, opts.cluster.as_deref()));
            (stats.breslow, stats.efron, robust_covariance, std::mem::take(&mut eng.eta))
        } else {
            debug_assert!((eng.loglik - loglik).abs() <= 1e-9 * loglik.abs().max(1.0));
            let (breslow, efron, eta) = eng.into_increments();
            (breslow, efron, None, eta)
        };
        let baseline = BaselineStratum::of_fit(&data, &beta, &breslow, &efron);
        let n_events = (0..data.n).filter(|&i| data.status[i]).map(|i| data.w[i]).sum();
        let model = CoxModel {
            coef,
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
            // Set by `CoxFit::with_concordance`, the only way to the model.
            concordance: pending_concordance(),
            baseline,
            baseline_type: opts.ties.baseline(),
        };
        let infinite = infinite.iter().map(|&j| columns.kept[j]).collect();
        Ok(CoxFit {
            model,
            data,
            eta,
            step: final_step.then_some(step),
            aliased: columns.aliased,
            infinite,
        })
    }
}

/// A fitted Cox model before its concordance: everything R `coxph.fit`
/// returns (coefficients, variance, log-likelihoods, score test) and the
/// baseline hazard, with the sorted data and linear predictor that Harrell's
/// C of the training data still needs. Lets callers time the fit and the
/// concordance apart; [`CoxFit::with_concordance`] completes the model.
pub struct CoxFit {
    model: CoxModel,
    data: CoxData,
    /// Linear predictor of the sorted rows (centred) at the last evaluation.
    eta: Vec<f64>,
    /// The final Newton step from there to the model's coefficients, when
    /// one was taken.
    step: Option<Vec<f64>>,
    /// Input columns left out as aliased ([`Singular::Report`]), ascending.
    aliased: Vec<usize>,
    /// Input columns whose coefficient diverges ([`Singular::Report`]).
    infinite: Vec<usize>,
}

impl CoxFit {
    /// A model fitted elsewhere (Firth's penalty) on `data`, with the linear
    /// predictor `eta` of its sorted rows, waiting for its concordance.
    pub(super) fn unfinished(model: CoxModel, data: CoxData, eta: Vec<f64>) -> Self {
        CoxFit { model, data, eta, step: None, aliased: Vec::new(), infinite: Vec::new() }
    }

    /// Input columns (indices into the fitted matrix) left out of the fit
    /// because they are aliased: constant (within strata) or a linear
    /// combination of the columns before them, as R `coxph`'s `NA`
    /// coefficients. The model's coefficients are those of the other
    /// columns, in order. Empty unless [`Singular::Report`].
    pub fn aliased(&self) -> &[usize] {
        &self.aliased
    }

    /// Input columns whose coefficient runs to infinity (monotone
    /// likelihood: R's "Loglik converged before variable j; coefficient
    /// may be infinite"), returned at the last iterate. Empty unless
    /// [`Singular::Report`].
    pub fn infinite(&self) -> &[usize] {
        &self.infinite
    }

    /// The model with Harrell's C of its linear predictor on the training
    /// data ([`CoxModel::concordance`]), at the model's coefficients.
    pub fn with_concordance(self) -> CoxModel {
        let CoxFit { mut model, data, mut eta, step, .. } = self;
        if let Some(step) = step.filter(|s| s.iter().any(|&v| v != 0.0)) {
            for (e, row) in eta.iter_mut().zip(data.x.chunks_exact(data.p)) {
                *e += dot(row, &step);
            }
        }
        model.concordance = concordance_sorted(&data, &eta);
        model
    }
}

/// Harrell's C on the Cox layout (sorted by stratum and descending time,
/// events first within a time), which spares the concordance its own sort;
/// `score` and the weights are in that sorted order.
fn concordance_sorted(d: &CoxData, score: &[f64]) -> Concordance {
    let strata = d.strata.iter().map(|s| {
        d.groups[s.g_begin..s.g_end].iter().map(|g| TieGroup {
            begin: g.begin,
            events: g.deaths,
            end: g.end,
            time: g.time,
        })
    });
    harrell_c_presorted(score, &d.w, d.entry.as_ref().map(|e| e.start.as_slice()), strata)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_fit_is_identical() {
        let n = 2000;
        let s = osler_data::synth::survival(n, 4, 11);
        let time: Vec<f64> = s.time.iter().map(|t| (t * 30.0).ceil() / 30.0 + 0.1).collect();
        let event: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
        let variants = [
            CoxOptions::default(),
            CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() },
            CoxOptions {
                strata: Some((0..n).map(|i| (i % 3) as u32).collect()),
                weights: Some((0..n).map(|i| 0.5 + (i % 4) as f64).collect()),
                cluster: Some((0..n).map(|i| (i / 4) as u32).collect()),
                ..CoxOptions::default()
            },
            CoxOptions {
                start: Some(
                    time.iter().enumerate().map(|(i, t)| t * (i % 3) as f64 / 4.0).collect(),
                ),
                ..CoxOptions::default()
            },
        ];
        for opts in &variants {
            let a = CoxModel::fit(&s.x, &time, &event, opts).expect("borrowed");
            let b = CoxModel::fit_owned(s.x.clone(), &time, &event, opts).expect("owned");
            assert_eq!(a.coefficients(), b.coefficients());
            assert_eq!(a.covariance(), b.covariance());
            assert_eq!(a.robust_covariance(), b.robust_covariance());
            assert_eq!(a.loglik(), b.loglik());
            assert_eq!(a.score_test, b.score_test);
            assert_eq!(a.concordance().c_index, b.concordance().c_index);
            assert_eq!(a.baseline().len(), b.baseline().len());
            for (u, v) in a.baseline().iter().zip(b.baseline()) {
                assert_eq!((&u.time, &u.breslow, &u.efron), (&v.time, &v.breslow, &v.efron));
            }
        }
    }

    #[test]
    fn warm_start_reaches_the_cold_optimum() {
        let n = 120_000;
        let s = osler_data::synth::survival(n, 5, 7);
        // Coarse times (ties), two strata, uneven weights.
        let time: Vec<f64> = s.time.iter().map(|t| (t * 50.0).ceil() / 50.0).collect();
        let event: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
        for ties in [Ties::Efron, Ties::Breslow] {
            let opts = CoxOptions {
                ties,
                strata: Some((0..n).map(|i| (i % 3 == 0) as u32).collect()),
                weights: Some((0..n).map(|i| 0.5 + (i % 4) as f64).collect()),
                ..CoxOptions::default()
            };
            let w = CoxModel::fit_with(&s.x, &time, &event, &opts, true).expect("warm");
            let c = CoxModel::fit_with(&s.x, &time, &event, &opts, false).expect("cold");
            let (w, c) = (w.with_concordance(), c.with_concordance());
            for (a, b) in w.coefficients().iter().zip(c.coefficients()) {
                assert!((a - b).abs() < 1e-10, "{a} vs {b}");
            }
            // Evaluated within the final step (~1e-7 SDs) of the optimum.
            for (a, b) in w.std_errors().iter().zip(&c.std_errors()) {
                assert!((a - b).abs() < 1e-8 * b, "{a} vs {b}");
            }
            assert!((w.loglik() - c.loglik()).abs() < 1e-9 * c.loglik().abs());
            assert!(w.iterations() < c.iterations(), "{} {}", w.iterations(), c.iterations());
            assert_eq!(w.score_test, c.score_test);
            assert_eq!(w.loglik_null, c.loglik_null);
            let dc = (w.concordance().c_index - c.concordance().c_index).abs();
            assert!(dc < 1e-9, "{dc:e}");
        }
    }
}
