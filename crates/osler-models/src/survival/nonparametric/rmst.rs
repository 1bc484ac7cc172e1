//! Restricted mean survival time and Kaplan-Meier risk at a fixed time, with
//! their standard errors, for comparing two arms of a trial.
//!
//! # RMST (R `survival`'s `survmean`, `print(survfit, rmean = tau)`)
//!
//! `RMST(tau) = int_0^tau S(t) dt`, the area under the Kaplan-Meier step
//! function, and
//!
//! ```text
//! var = sum_{t_i <= tau} A_i^2 d_i / (n_i (n_i - d_i)),   A_i = int_{t_i}^{tau} S(t) dt
//! ```
//!
//! over the distinct event times `t_i` (with `n_i` at risk and `d_i` events;
//! a term with `n_i = d_i` contributes 0). This is exactly survival 3.5.3's
//! `se(rmean)`: no `n/(n-1)` factor, and the same numeric `tau` for every
//! curve (`rmean = tau`; R's `"common"`/`"individual"` choices only apply
//! when no number is given). Beyond the last observed time the curve is
//! carried forward as R does; callers comparing arms should refuse such a
//! `tau` (as `survRM2::rmst2` does), because the area there is not estimated.
//!
//! Two arms (Royston & Parmar 2013, BMC Med Res Methodol 13:152; Uno et al.
//! 2014, J Clin Oncol 32:2380): difference `RMST_1 - RMST_0`, `se =
//! sqrt(se_0^2 + se_1^2)`, Wald 95% interval and two-sided p.

use serde::{Deserialize, Serialize};

use osler_eval::Z_975;

use super::km::KaplanMeier;
use crate::ModelError;
use crate::linear::two_sided_p;

/// An estimate with its standard error, Wald 95% interval and two-sided p
/// (`z = estimate / se`, null value 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WaldEstimate {
    /// The point estimate.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
    /// `estimate -+ 1.959964 se`.
    pub ci95: [f64; 2],
    /// `P(|Z| >= |estimate / se|)`.
    pub p_value: f64,
}

impl WaldEstimate {
    /// The Wald summary of `estimate` with standard error `se`.
    pub fn new(estimate: f64, se: f64) -> Self {
        WaldEstimate {
            estimate,
            se,
            ci95: [estimate - Z_975 * se, estimate + Z_975 * se],
            p_value: two_sided_p(estimate / se),
        }
    }

    /// The difference `b - a` of two independent estimates,
    /// `se = sqrt(se_a^2 + se_b^2)`.
    pub fn difference(a: (f64, f64), b: (f64, f64)) -> Self {
        Self::new(b.0 - a.0, a.1.hypot(b.1))
    }
}

/// RMST of two arms at a common `tau` and their difference (treated minus reference).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RmstComparison {
    /// Truncation time `tau` (the data's time units) up to which mean survival is restricted.
    pub tau: f64,
    /// `(estimate, se)` of the reference arm.
    pub reference: (f64, f64),
    /// `(estimate, se)` of the treated arm.
    pub treated: (f64, f64),
    /// `RMST_treated - RMST_reference`.
    pub difference: WaldEstimate,
}

impl KaplanMeier {
    /// Restricted mean survival time up to `tau` and its standard error, as
    /// R `survival` (see the module documentation for the formula).
    ///
    /// # Errors
    /// [`ModelError::InvalidOption`] (option `tau`) when `tau` is not finite and positive.
    pub fn rmst(&self, tau: f64) -> Result<(f64, f64), ModelError> {
        if !(tau.is_finite() && tau > 0.0) {
            return Err(ModelError::invalid("tau", tau, "be finite and positive"));
        }
        let k = self.time.partition_point(|&t| t <= tau);
        // Area from t_i to tau, accumulated from the right as R's cumsum(rev(.)).
        let (mut after, mut var, mut next) = (0.0, 0.0, tau);
        for i in (0..k).rev() {
            after += self.surv[i] * (next - self.time[i]);
            next = self.time[i];
            let (n, d) = (self.n_risk[i], self.n_event[i]);
            if n > d {
                var += after * after * d / (n * (n - d));
            }
        }
        let area = after + next;
        Ok((area, var.sqrt()))
    }

    /// `S(t)` and its Greenwood standard error `S(t) se(log S(t))` (R
    /// `summary(survfit, times = t)$std.err`); the SE is `None` once `S = 0`.
    /// Before the first event time `S = 1` with SE 0.
    pub fn survival_with_se(&self, t: f64) -> (f64, Option<f64>) {
        let k = self.time.partition_point(|&u| u <= t);
        if k == 0 {
            return (1.0, Some(0.0));
        }
        let s = self.surv[k - 1];
        (s, self.se_log_surv[k - 1].map(|se| s * se))
    }
}

/// RMST of a `reference` and a `treated` arm at the same `tau`, and the
/// difference treated minus reference (see the module documentation).
///
/// # Errors
/// `tau` not finite and positive, or beyond the last observed time of an
/// arm (the curve is not estimated there; message names which arm).
pub fn rmst_difference(
    reference: &KaplanMeier,
    treated: &KaplanMeier,
    tau: f64,
) -> Result<RmstComparison, ModelError> {
    for (name, km) in [("reference", reference), ("treated", treated)] {
        if tau > km.max_time() {
            return Err(ModelError::TauBeyondFollowUp { tau, arm: name, last: km.max_time() });
        }
    }
    let r = reference.rmst(tau)?;
    let t = treated.rmst(tau)?;
    Ok(RmstComparison { tau, reference: r, treated: t, difference: WaldEstimate::difference(r, t) })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * (1.0 + b.abs()), "{a} vs {b}");
    }

    #[test]
    fn hand_computed_without_censoring() {
        // S = 3/4, 2/4, 1/4, 0 at t = 1..4; tau = 3.5.
        let km = KaplanMeier::fit(&[1.0, 2.0, 3.0, 4.0], &[1.0; 4], None).unwrap();
        let (m, se) = km.rmst(3.5).unwrap();
        close(m, 1.0 + 0.75 + 0.5 + 0.125, 1e-15);
        // A = 1.375, 0.625, 0.125; d/(n(n-d)) = 1/12, 1/6, 1/2.
        let var = 1.375f64.powi(2) / 12.0 + 0.625f64.powi(2) / 6.0 + 0.125f64.powi(2) / 2.0;
        close(se, var.sqrt(), 1e-15);
        assert_eq!(km.restricted_mean(3.5), m);
    }

    #[test]
    fn hand_computed_with_censoring_and_ties_matches_r() {
        // R: summary(survfit(Surv(t, e) ~ 1), rmean = 5)$table[c("rmean", "se(rmean)")]
        let t = [1.0, 2.0, 2.0, 3.0, 4.0, 6.0, 7.0];
        let e = [1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        let km = KaplanMeier::fit(&t, &e, None).unwrap();
        let (m, se) = km.rmst(5.0).unwrap();
        // S: t=1 6/7, t=2 6/7*5/6 = 5/7, t=3 5/7*3/4 = 15/28; flat to 5.
        let (s1, s2, s3) = (6.0 / 7.0, 5.0 / 7.0, 15.0 / 28.0);
        close(m, 1.0 + s1 + s2 + 2.0 * s3, 1e-15);
        let a3 = 2.0 * s3;
        let a2 = a3 + s2;
        let a1 = a2 + s1;
        let var = a1 * a1 / (7.0 * 6.0) + a2 * a2 / (6.0 * 5.0) + a3 * a3 / (4.0 * 3.0);
        close(se, var.sqrt(), 1e-15);
        close(m, 3.642_857_142_857_143, 1e-15);
        close(se, 0.606_842_662_881_171_6, 1e-12);
    }

    #[test]
    fn tau_at_an_event_time_and_before_the_first() {
        let km = KaplanMeier::fit(&[1.0, 2.0, 3.0, 4.0], &[1.0; 4], None).unwrap();
        let (m, se) = km.rmst(2.0).unwrap();
        close(m, 1.75, 1e-15);
        close(se, (0.75f64.powi(2) / 12.0).sqrt(), 1e-15);
        assert_eq!(km.rmst(0.5).unwrap(), (0.5, 0.0));
        assert!(km.rmst(f64::NAN).is_err() && km.rmst(0.0).is_err());
    }

    #[test]
    fn difference_and_risk_at_time() {
        let a = KaplanMeier::fit(&[1.0, 2.0, 3.0, 4.0], &[1.0; 4], None).unwrap();
        let b = KaplanMeier::fit(&[2.0, 3.0, 5.0, 6.0], &[1.0, 0.0, 1.0, 0.0], None).unwrap();
        let c = rmst_difference(&a, &b, 3.5).unwrap();
        close(c.difference.estimate, c.treated.0 - c.reference.0, 1e-15);
        close(c.difference.se, (c.treated.1.powi(2) + c.reference.1.powi(2)).sqrt(), 1e-15);
        assert!(c.difference.ci95[0] < c.difference.estimate);
        let e = rmst_difference(&a, &b, 4.5).unwrap_err().to_string();
        assert!(e.contains("reference arm") && e.contains("4.5"), "{e}");
        let (s, se) = a.survival_with_se(2.5);
        close(s, 0.5, 1e-15);
        // Greenwood: S^2 (1/12 + 1/6).
        close(se.unwrap(), 0.5 * (1.0f64 / 12.0 + 1.0 / 6.0).sqrt(), 1e-15);
        assert_eq!(a.survival_with_se(0.5), (1.0, Some(0.0)));
        assert_eq!(a.survival_with_se(4.0), (0.0, None));
    }
}
