//! Kaplan-Meier survival and Nelson-Aalen cumulative hazard (R `survfit`).
//!
//! At each distinct event time `t_k` with (weighted) `n_k` at risk and
//! `d_k` events, where a row is at risk at `t` when `entry < t <= time`
//! (entry 0 without left truncation: R's (start, stop] risk set of
//! `survfit(Surv(start, stop, event) ~ 1)`):
//!
//! * `S(t) = prod_{t_k <= t} (1 - d_k / n_k)` (Kaplan & Meier 1958);
//! * Greenwood: `se(log S) = sqrt(sum_{t_k<=t} d_k / (n_k (n_k - d_k)))`
//!   (R `survfit$std.err`), `se(S) = S se(log S)` (R `summary.survfit`);
//! * 95% intervals, `z = Phi^{-1}(0.975)`: `log` (R's default)
//!   `S exp(+-z se_log)` capped at 1; `log-log` (lifelines, sksurv)
//!   `S^exp(+-z se_log / log S)`; `plain` `S +- z se(S)` clipped to [0, 1];
//!   none where `S = 0` (R gives NA);
//! * Nelson-Aalen `H(t) = sum d_k / n_k` with `se = sqrt(sum d_k / n_k^2)`
//!   (R `std.chaz`; no tie correction).
//!
//! Medians and their intervals follow R's `quantile.survfit` (see
//! [`KaplanMeier::median`]).

use osler_eval::Z_975;
use serde::{Deserialize, Serialize};

use super::check_entry;
use crate::ModelError;
use crate::survival::validate::{check_event, check_lengths, check_times, check_weights};

/// R's `quantile.survfit` tolerance `sqrt(.Machine$double.eps)`.
const QUANTILE_TOL: f64 = 1.490_116_119_384_765_6e-8;

/// Which transformation a confidence interval for `S(t)` is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfType {
    /// `S exp(+-z se_log)`, upper capped at 1 (R's default).
    Log,
    /// `S^exp(+-z se_log / log S)` (lifelines and scikit-survival's default).
    LogLog,
    /// `S +- z S se_log` clipped to [0, 1].
    Plain,
}

/// A fitted Kaplan-Meier curve. The per-time vectors are indexed by the
/// distinct event times `time[k]`; `None` marks values R reports as NA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KaplanMeier {
    /// Total (weighted) number of subjects.
    pub n: f64,
    /// Total (weighted) number of events.
    pub n_events: f64,
    /// Distinct event times, ascending.
    pub time: Vec<f64>,
    /// Weighted number at risk (`entry < t_k <= time`).
    pub n_risk: Vec<f64>,
    /// Weighted number of events at `t_k`.
    pub n_event: Vec<f64>,
    /// Weighted number censored in `[t_k, t_{k+1})` (after the event at `t_k`).
    pub n_censor: Vec<f64>,
    /// `S(t_k)`.
    pub surv: Vec<f64>,
    /// `se(log S(t_k))`; `None` once `S = 0` (infinite).
    pub se_log_surv: Vec<Option<f64>>,
    /// Nelson-Aalen `H(t_k)`.
    pub cumhaz: Vec<f64>,
    /// `sqrt(sum d/n^2)`.
    pub se_cumhaz: Vec<f64>,
    /// All distinct observed times (events and censorings), ascending.
    all_time: Vec<f64>,
    /// Weighted number at risk at each of `all_time`.
    all_n_risk: Vec<f64>,
}

impl KaplanMeier {
    /// Fits the product-limit estimator to right-censored data; `weights`
    /// are case weights (default 1).
    pub fn fit(time: &[f64], event: &[f64], weights: Option<&[f64]>) -> Result<Self, ModelError> {
        Self::fit_entry(None, time, event, weights)
    }

    /// Fits the product-limit estimator to left-truncated rows `(entry,
    /// time]`: a row is at risk at `t` only when `entry < t <= time` (R
    /// `survfit(Surv(start, stop, event) ~ 1)`; lifelines
    /// `KaplanMeierFitter.fit(entry=)` counts a row entering at `t` as at
    /// risk at `t`, R and this estimator do not). `entry = None` is
    /// [`KaplanMeier::fit`]. With case weights every count is the sum of the
    /// rows' weights and Greenwood's formula takes the weighted counts (R
    /// `survfit(weights =, robust = FALSE)`).
    ///
    /// # Errors
    /// Lengths that differ, a time not finite and positive, an event not 0/1,
    /// an entry not finite or not below its time, a weight negative or not
    /// finite, or weights that are all zero.
    pub fn fit_entry(
        entry: Option<&[f64]>,
        time: &[f64],
        event: &[f64],
        weights: Option<&[f64]>,
    ) -> Result<Self, ModelError> {
        let n = time.len();
        if n == 0 {
            return Err(ModelError::Empty);
        }
        check_lengths("event", event.len(), n)?;
        check_times(time)?;
        check_event(event)?;
        if let Some(w) = weights {
            check_lengths("weights", w.len(), n)?;
            check_weights(w)?;
        }
        if let Some(e) = entry {
            check_entry(e, time)?;
        }
        let w = |i: usize| weights.map_or(1.0, |w| w[i]);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
        // Distinct times with events and censorings, ascending.
        let mut all_time = Vec::new();
        let mut ev = Vec::new();
        let mut cens = Vec::new();
        let mut total = 0.0;
        for &i in &order {
            total += w(i);
            if all_time.last() != Some(&time[i]) {
                all_time.push(time[i]);
                ev.push(0.0);
                cens.push(0.0);
            }
            let k = all_time.len() - 1;
            if event[i] == 1.0 { ev[k] += w(i) } else { cens[k] += w(i) }
        }
        // At risk: suffix sums.
        let mut all_n_risk = vec![0.0; all_time.len()];
        let mut acc = 0.0;
        for k in (0..all_time.len()).rev() {
            acc += ev[k] + cens[k];
            all_n_risk[k] = acc;
        }
        if let Some(entry) = entry {
            // Rows entering at or after t_k have time > t_k, so they are in
            // the suffix sum above but not yet at risk.
            let mut by_entry: Vec<usize> = (0..n).collect();
            by_entry.sort_by(|&a, &b| entry[a].total_cmp(&entry[b]));
            let (mut j, mut late) = (n, 0.0);
            for k in (0..all_time.len()).rev() {
                while j > 0 && entry[by_entry[j - 1]] >= all_time[k] {
                    j -= 1;
                    late += w(by_entry[j]);
                }
                all_n_risk[k] -= late;
            }
        }
        let mut km = KaplanMeier {
            n: total,
            n_events: ev.iter().sum(),
            time: Vec::new(),
            n_risk: Vec::new(),
            n_event: Vec::new(),
            n_censor: Vec::new(),
            surv: Vec::new(),
            se_log_surv: Vec::new(),
            cumhaz: Vec::new(),
            se_cumhaz: Vec::new(),
            all_time,
            all_n_risk,
        };
        let (mut s, mut green, mut h, mut vh) = (1.0, 0.0, 0.0, 0.0);
        for k in 0..km.all_time.len() {
            if ev[k] > 0.0 {
                let (nr, d) = (km.all_n_risk[k], ev[k]);
                s *= 1.0 - d / nr;
                green += d / (nr * (nr - d));
                h += d / nr;
                vh += d / (nr * nr);
                km.time.push(km.all_time[k]);
                km.n_risk.push(nr);
                km.n_event.push(d);
                km.n_censor.push(cens[k]);
                km.surv.push(s);
                km.se_log_surv.push(green.is_finite().then(|| green.sqrt()));
                km.cumhaz.push(h);
                km.se_cumhaz.push(vh.sqrt());
            } else if let Some(c) = km.n_censor.last_mut() {
                *c += cens[k];
            }
        }
        Ok(km)
    }

    /// Greenwood standard error of `S(t_k)`, `S se(log S)` (R `summary.survfit`).
    pub fn se_surv(&self) -> Vec<Option<f64>> {
        self.surv.iter().zip(&self.se_log_surv).map(|(s, se)| se.map(|se| s * se)).collect()
    }

    /// Pointwise 95% interval `(lower, upper)` at each event time; `None`
    /// where `S = 0` (and for `Plain`, where the SE is infinite).
    pub fn confidence_interval(&self, conf: ConfType) -> Vec<Option<(f64, f64)>> {
        self.surv.iter().zip(&self.se_log_surv).map(|(&s, se)| interval(s, *se, conf)).collect()
    }

    /// `S(t)` for each `t` (right-continuous step function; 1 before the
    /// first event time).
    pub fn survival_at(&self, times: &[f64]) -> Vec<f64> {
        times
            .iter()
            .map(|&t| {
                let k = self.time.partition_point(|&u| u <= t);
                if k == 0 { 1.0 } else { self.surv[k - 1] }
            })
            .collect()
    }

    /// Nelson-Aalen `H(t)` for each `t` (0 before the first event time).
    pub fn cumhaz_at(&self, times: &[f64]) -> Vec<f64> {
        times
            .iter()
            .map(|&t| {
                let k = self.time.partition_point(|&u| u <= t);
                if k == 0 { 0.0 } else { self.cumhaz[k - 1] }
            })
            .collect()
    }

    /// Weighted number at risk at each `t`, for number-at-risk tables: as R's
    /// `summary(survfit, times =)`, the number at risk at the first observed
    /// time `>= t` (0 after the last). Without entry times that is the
    /// weight with time `>= t`; with them it is the risk set of that next
    /// observed time (R reports no times at which rows only enter).
    pub fn n_at_risk(&self, times: &[f64]) -> Vec<f64> {
        times
            .iter()
            .map(|&t| {
                let k = self.all_time.partition_point(|&u| u < t);
                self.all_n_risk.get(k).copied().unwrap_or(0.0)
            })
            .collect()
    }

    /// Median survival time as R's `quantile.survfit`: the first time with
    /// `S(t) <= 1/2` (to 1.5e-8), except that where `S` equals 1/2 on a
    /// flat stretch it is the midpoint of that stretch. `None` if `S` never
    /// reaches 1/2.
    pub fn median(&self) -> Option<f64> {
        self.quantile_of(&self.surv.iter().map(|&s| Some(s)).collect::<Vec<_>>(), 0.5)
    }

    /// R's median interval: the times at which the lower and the upper
    /// confidence curves cross 1/2 (`quantile.survfit`, Brookmeyer & Crowley
    /// 1982); either end may be `None`.
    pub fn median_ci(&self, conf: ConfType) -> (Option<f64>, Option<f64>) {
        let band = self.confidence_interval(conf);
        let lower: Vec<Option<f64>> = band.iter().map(|b| b.map(|b| b.0)).collect();
        let upper: Vec<Option<f64>> = band.iter().map(|b| b.map(|b| b.1)).collect();
        (self.quantile_of(&lower, 0.5), self.quantile_of(&upper, 0.5))
    }

    /// Restricted mean survival time, the area under `S` from 0 to `tau`.
    pub fn restricted_mean(&self, tau: f64) -> f64 {
        let (mut area, mut prev_t, mut s) = (0.0, 0.0, 1.0);
        for (&t, &sk) in self.time.iter().zip(&self.surv) {
            if t >= tau {
                break;
            }
            area += s * (t - prev_t);
            prev_t = t;
            s = sk;
        }
        area + s * (tau - prev_t).max(0.0)
    }

    /// Largest observed time (event or censoring).
    pub fn max_time(&self) -> f64 {
        self.all_time.last().copied().unwrap_or(0.0)
    }

    /// R's `findq` for one curve `y` at probability `p` on the distribution
    /// scale `F = 1 - y`, with the knot `(0, F = 0)` first, duplicates and
    /// NAs removed, and constant interpolation to the right (`approx(f = 1)`).
    fn quantile_of(&self, y: &[Option<f64>], p: f64) -> Option<f64> {
        let tol = QUANTILE_TOL;
        let mut x = vec![0.0];
        let mut f = vec![Some(0.0)];
        for (&t, &v) in self.time.iter().zip(y) {
            let fv = v.map(|v| 1.0 - v);
            if !f.contains(&fv) {
                x.push(t);
                f.push(fv);
            }
        }
        if f.iter().flatten().all(|&v| v < p) {
            return None;
        }
        // Index of the smallest knot value `F + shift >= p` (NA outside the knots).
        let knot = |shift: f64| -> Option<usize> {
            let vals = f.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v + shift)));
            let max = vals.clone().map(|(_, v)| v).fold(f64::NEG_INFINITY, f64::max);
            if p > max {
                return None;
            }
            vals.filter(|&(_, v)| v >= p).min_by(|a, b| a.1.total_cmp(&b.1)).map(|(i, _)| i)
        };
        let i1 = knot(tol)?;
        let i2 = knot(-tol);
        let last = f.len() - 1;
        if let Some(fl) = f[last]
            && (p - fl).abs() < tol
        {
            return Some((x[i1] + self.max_time()) / 2.0);
        }
        i2.map(|i2| (x[i1] + x[i2]) / 2.0)
    }
}

/// The 95% interval of one point.
fn interval(s: f64, se: Option<f64>, conf: ConfType) -> Option<(f64, f64)> {
    if s <= 0.0 {
        return None;
    }
    let se = se?;
    Some(match conf {
        ConfType::Log => {
            let e = (Z_975 * se).exp();
            (s / e, (s * e).min(1.0))
        }
        ConfType::LogLog => {
            let ls = s.ln();
            let e = (Z_975 * se / ls).exp();
            (s.powf(1.0 / e), s.powf(e))
        }
        ConfType::Plain => {
            let d = Z_975 * se * s;
            ((s - d).max(0.0), (s + d).min(1.0))
        }
    })
}
