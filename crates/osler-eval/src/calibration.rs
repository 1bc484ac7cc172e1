//! Logistic recalibration: calibration intercept, slope and calibration-in-the-large.

use serde::Serialize;

use crate::error::EvalError;
use crate::validate;

/// Result of [`calibration`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Calibration {
    /// `a` in `logit P(y) = a + b logit(p)` (0 when perfectly calibrated).
    pub intercept: f64,
    /// `b` in `logit P(y) = a + b logit(p)` (1 when perfectly calibrated;
    /// below 1 means predictions are too extreme).
    pub slope: f64,
    /// Standard error of `intercept`: `sqrt([(X'WX)^-1]_00)` at the optimum.
    pub intercept_se: f64,
    /// Standard error of `slope`: `sqrt([(X'WX)^-1]_11)` at the optimum.
    pub slope_se: f64,
    /// Calibration-in-the-large: `a` in `logit P(y) = a + logit(p)`, i.e. the
    /// intercept with `logit(p)` as an offset (0 when the mean risk is right).
    pub in_the_large: f64,
}

const SLOPE_MODEL: &str = "y ~ a + b*logit(p)";
const OFFSET_MODEL: &str = "y ~ 1 + offset(logit(p))";
/// Newton stops once every step is below `TOL * (1 + |beta_j|)`.
const TOL: f64 = 1e-14;
/// Steps below this relative size are deep in Newton's quadratic zone (the next
/// error is about its square), where the log-likelihood can no longer resolve
/// progress: they are taken in full, without line search.
const POLISH: f64 = 1e-6;
/// Quadratic-zone steps after which the fit is at machine precision
/// (1e-6 -> 1e-12 -> rounding noise), even if noise keeps steps above `TOL`.
const MAX_POLISH: usize = 3;
/// A step "lowers the likelihood" only if by more than this relative amount,
/// so rounding noise in the sum cannot trigger step-halving.
const LOGLIK_NOISE: f64 = 1e-12;
const MAX_ITER: usize = 100;
const MAX_HALVINGS: usize = 60;

/// Logistic recalibration of predicted probabilities (Cox 1958; as statsmodels `Logit`):
///
/// * `y ~ a + b x` with `x = logit(p) = ln(p / (1 - p))`, fitted by maximum
///   likelihood with Newton-Raphson from `(a, b) = (0, 1)`: a step is halved while
///   it lowers the log-likelihood (by more than rounding noise, 1e-12 relative);
///   converged when every step is below `1e-14 (1 + |beta_j|)`, or after three
///   full steps below `1e-6 (1 + |beta_j|)`, where quadratic convergence has
///   already reached rounding level.
///   Standard errors come from the exact inverse observed information
///   `(X' W X)^-1`, `W = diag(mu_i (1 - mu_i))`, evaluated at the optimum.
/// * calibration-in-the-large: `y ~ 1 + offset(x)`, fitted the same way.
///
/// # Errors
/// Invalid input; a class with no rows; some `p_i` exactly 0 or 1
/// ([`EvalError::LogitUndefined`]); or Newton failure
/// ([`EvalError::CalibrationFailed`]: all `logit(p)` equal, or separation, where
/// the maximum likelihood estimate does not exist).
pub fn calibration(y: &[bool], p: &[f64]) -> Result<Calibration, EvalError> {
    validate::probabilities(y, p)?.require("calibration", 1, 1)?;
    if let Some(index) = p.iter().position(|&v| v == 0.0 || v == 1.0) {
        return Err(EvalError::LogitUndefined { index, value: p[index] });
    }
    let x: Vec<f64> = p.iter().copied().map(logit).collect();
    let slope_fit = Fit { x: &x, y, weights: None, slope_free: true }.newton([0.0, 1.0])?;
    let offset_fit = Fit { x: &x, y, weights: None, slope_free: false }.newton([0.0, 1.0])?;
    let [h00, h01, h11] = slope_fit.information;
    let det = h00 * h11 - h01 * h01;
    Ok(Calibration {
        intercept: slope_fit.beta[0],
        slope: slope_fit.beta[1],
        intercept_se: (h11 / det).sqrt(),
        slope_se: (h00 / det).sqrt(),
        in_the_large: offset_fit.beta[0],
    })
}

/// `ln(p / (1 - p))`, the covariate of [`calibration`]'s models.
pub(crate) fn logit(p: f64) -> f64 {
    p.ln() - (-p).ln_1p()
}

/// Intercept and slope `[a, b]` of `y ~ a + b*x` fitted as [`calibration`]
/// fits them, to rows `x = logit(p)` of outcomes `y` that occur `weights`
/// times each (a bootstrap resample as multiplicities: the likelihood, score
/// and information are the weighted sums of the rows' terms). The rows must
/// hold both classes and finite `x`.
///
/// # Errors
/// [`EvalError::CalibrationFailed`] as for [`calibration`].
pub(crate) fn weighted_slope_fit(
    x: &[f64],
    y: &[bool],
    weights: &[f64],
) -> Result<[f64; 2], EvalError> {
    let fit = Fit { x, y, weights: Some(weights), slope_free: true };
    Ok(fit.newton([0.0, 1.0])?.beta)
}

/// Logistic model `eta_i = a + b x_i`; with `slope_free == false`, `b` stays 1.
/// Row `i` counts `weights[i]` times (once each without weights).
struct Fit<'a> {
    x: &'a [f64],
    y: &'a [bool],
    weights: Option<&'a [f64]>,
    slope_free: bool,
}

/// Log-likelihood, score vector and information matrix at one `beta`.
struct Eval {
    /// `None` when not computed: only step-halving reads it, and the
    /// logarithm of every row is the dearest part of an evaluation.
    loglik: Option<f64>,
    score: [f64; 2],
    /// Upper triangle `[h00, h01, h11]` of `X' W X`.
    information: [f64; 3],
}

struct Optimum {
    beta: [f64; 2],
    information: [f64; 3],
}

impl Fit<'_> {
    fn model(&self) -> &'static str {
        if self.slope_free { SLOPE_MODEL } else { OFFSET_MODEL }
    }

    fn fail(&self, iterations: usize, reason: &'static str) -> EvalError {
        EvalError::CalibrationFailed { model: self.model(), iterations, reason }
    }

    /// The sums at `beta`, the log-likelihood only `with_loglik`.
    fn eval(&self, beta: [f64; 2], with_loglik: bool) -> Eval {
        let mut loglik = 0.0;
        let mut e = Eval { loglik: None, score: [0.0; 2], information: [0.0; 3] };
        for (i, (&xi, &yi)) in self.x.iter().zip(self.y).enumerate() {
            // A weight of 1 leaves every term's bits as they are.
            let wi = self.weights.map_or(1.0, |w| w[i]);
            let eta = beta[0] + beta[1] * xi;
            // With t = exp(-|eta|): mu = 1/(1+t) or t/(1+t), mu(1-mu) = t/(1+t)^2,
            // ln(1 + exp(eta)) = max(eta, 0) + ln(1 + t); all without cancellation.
            let t = (-eta.abs()).exp();
            let (mu_hi, mu_lo) = (1.0 / (1.0 + t), t / (1.0 + t));
            let (mu, one_minus_mu) = if eta >= 0.0 { (mu_hi, mu_lo) } else { (mu_lo, mu_hi) };
            let resid = if yi { one_minus_mu } else { -mu };
            let resid = wi * resid;
            let w = wi * (mu_hi * mu_lo);
            if with_loglik {
                loglik += wi * (if yi { eta } else { 0.0 } - (eta.max(0.0) + t.ln_1p()));
            }
            e.score[0] += resid;
            e.score[1] += resid * xi;
            e.information[0] += w;
            e.information[1] += w * xi;
            e.information[2] += w * xi * xi;
        }
        e.loglik = with_loglik.then_some(loglik);
        e
    }

    /// The log-likelihood of `e`, the evaluation at `beta`, computed now if
    /// `e` was made without it (the same sum, so the same number).
    fn loglik(&self, beta: [f64; 2], e: &Eval) -> f64 {
        e.loglik.or_else(|| self.eval(beta, true).loglik).unwrap_or(f64::NAN)
    }

    /// Newton step `(X'WX)^-1 X'(y - mu)`, restricted to `a` when the slope is fixed.
    fn step(&self, e: &Eval) -> Option<[f64; 2]> {
        let [h00, h01, h11] = e.information;
        let [g0, g1] = e.score;
        let step = if self.slope_free {
            let det = h00 * h11 - h01 * h01;
            if det.is_nan() || det <= 0.0 {
                return None;
            }
            [(h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det]
        } else {
            if h00.is_nan() || h00 <= 0.0 {
                return None;
            }
            [g0 / h00, 0.0]
        };
        step.iter().all(|s| s.is_finite()).then_some(step)
    }

    fn newton(&self, mut beta: [f64; 2]) -> Result<Optimum, EvalError> {
        // The first step usually halves: it needs the likelihood here.
        let mut current = self.eval(beta, true);
        let mut polished = 0;
        for iteration in 0..MAX_ITER {
            let singular =
                "information matrix X'WX is singular (all logit(p) equal, or separation)";
            let step = self.step(&current).ok_or_else(|| self.fail(iteration, singular))?;
            let rel = (0..2).map(|j| step[j].abs() / (1.0 + beta[j].abs())).fold(0.0, f64::max);
            if rel <= POLISH {
                beta = [beta[0] + step[0], beta[1] + step[1]];
                current = self.eval(beta, false);
                polished += 1;
                if rel <= TOL || polished >= MAX_POLISH {
                    return Ok(Optimum { beta, information: current.information });
                }
                continue;
            }
            let mut scale = 1.0;
            let mut accepted = None;
            let loglik = self.loglik(beta, &current);
            let floor = loglik - LOGLIK_NOISE * (1.0 + loglik.abs());
            for _ in 0..MAX_HALVINGS {
                let trial = [beta[0] + scale * step[0], beta[1] + scale * step[1]];
                let e = self.eval(trial, true);
                let trial_loglik = self.loglik(trial, &e);
                if trial_loglik.is_finite() && trial_loglik >= floor {
                    accepted = Some((trial, e));
                    break;
                }
                scale *= 0.5;
            }
            let (trial, e) = accepted.ok_or_else(|| {
                self.fail(
                    iteration,
                    "step-halving found no step that does not lower the likelihood",
                )
            })?;
            beta = trial;
            current = e;
        }
        Err(self.fail(
            MAX_ITER,
            "no convergence (separation: the maximum likelihood estimate may not exist)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_identity_when_outcome_rate_matches_each_group() {
        // Two groups whose observed event rates equal their predictions exactly:
        // the MLE is a = 0, b = 1 and in-the-large = 0.
        let p_lo = 0.25;
        let p_hi = 0.75;
        let y = [true, false, false, false, true, true, true, false];
        let p = [p_lo, p_lo, p_lo, p_lo, p_hi, p_hi, p_hi, p_hi];
        let c = calibration(&y, &p).expect("fits");
        assert!(c.intercept.abs() < 1e-14, "{c:?}");
        assert!((c.slope - 1.0).abs() < 1e-14, "{c:?}");
        assert!(c.in_the_large.abs() < 1e-14, "{c:?}");
        // Two-group closed form: var(b) = (1/w_lo + 1/w_hi) / (x_hi - x_lo)^2 with
        // w = n p (1 - p) and x = logit(p).
        let w = 4.0 * p_lo * (1.0 - p_lo);
        let dx = 2.0 * (p_hi / (1.0 - p_hi)).ln();
        assert!((c.slope_se - (2.0 / w).sqrt() / dx).abs() < 1e-13, "{c:?}");
    }

    #[test]
    fn in_the_large_matches_closed_form_for_constant_prediction() {
        // With one distinct p, y ~ 1 + offset(logit p) gives a = logit(ybar) - logit(p).
        let y = [true, false, false, false, false];
        let p = [0.5; 5];
        // The slope model is not identifiable here (x constant), so test the offset fit.
        let x: Vec<f64> = p.iter().map(|&v: &f64| (v / (1.0 - v)).ln()).collect();
        let fit = Fit { x: &x, y: &y, weights: None, slope_free: false }
            .newton([0.0, 1.0])
            .expect("fits");
        assert!((fit.beta[0] - (0.2f64 / 0.8).ln()).abs() < 1e-15);
        let e = calibration(&y, &p).expect_err("slope not identifiable");
        assert!(matches!(e, EvalError::CalibrationFailed { model: SLOPE_MODEL, .. }));
    }

    #[test]
    fn rejects_logit_of_zero_or_one() {
        let e = calibration(&[true, false, true], &[0.5, 0.0, 1.0]).expect_err("p = 0");
        assert_eq!(e, EvalError::LogitUndefined { index: 1, value: 0.0 });
        assert!(e.to_string().contains("p[1] = 0"));
    }

    #[test]
    fn separation_is_an_error_not_a_panic() {
        let y = [false, false, true, true];
        let p = [0.1, 0.2, 0.3, 0.4];
        let e = calibration(&y, &p).expect_err("perfect separation");
        assert!(matches!(e, EvalError::CalibrationFailed { .. }), "{e}");
    }

    #[test]
    fn needs_both_classes_and_probabilities() {
        assert!(matches!(
            calibration(&[true, true], &[0.2, 0.3]),
            Err(EvalError::ClassTooSmall { .. })
        ));
        assert!(calibration(&[true, false], &[0.2, 1.3]).is_err());
    }
}
